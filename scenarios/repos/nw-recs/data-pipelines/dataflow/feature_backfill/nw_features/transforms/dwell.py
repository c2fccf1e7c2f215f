"""Mean dwell time per item view over the trailing 7 days (feature user_dwell_time_7d)."""

import apache_beam as beam


class UserDwellFn(beam.DoFn):
    """(user_id, rows) -> (user_id, mean dwell seconds); rows come from sources.SESSIONS_QUERY."""

    def process(self, element):
        user_id, rows = element
        total, views = 0, 0
        for row in rows:
            dwell_ms = row["dwell_time_ms"]
            if dwell_ms is None:
                continue
            total += dwell_ms
            views += 1
        if views:
            yield user_id, total / views / 1000.0
