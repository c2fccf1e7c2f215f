"""Where feature-backfill reads from: the sessionizer's sessions table in BigQuery."""

PROJECT = "nw-recs-data-prod"
SESSIONS_TABLE = f"{PROJECT}.events.sessions"

# One row per session; the columns the transforms read.
SESSIONS_QUERY = f"""
SELECT user_id, session_id, item_id, ts, dwell_time_ms, category
FROM `{SESSIONS_TABLE}`
WHERE DATE(ts) BETWEEN DATE_SUB(@run_date, INTERVAL 3 DAY) AND @run_date
"""
