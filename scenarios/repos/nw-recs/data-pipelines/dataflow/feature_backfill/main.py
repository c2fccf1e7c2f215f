"""feature-backfill: recompute the last 3 days of user features into features.user_features_daily.

Launched nightly by the Composer DAG daily_feature_build (Flex Template, Beam Python).
"""

import apache_beam as beam

from nw_features import sources
from nw_features.transforms.dwell import UserDwellFn


def run(argv=None):
    with beam.Pipeline(argv=argv) as p:
        (
            p
            | "ReadSessions" >> beam.io.ReadFromBigQuery(query=sources.SESSIONS_QUERY, use_standard_sql=True)
            | "KeyByUser" >> beam.Map(lambda row: (row["user_id"], row))
            | "GroupByUser" >> beam.GroupByKey()
            | "ComputeUserDwell" >> beam.ParDo(UserDwellFn())
            | "WriteFeatures" >> beam.io.WriteToBigQuery("nw-recs-data-prod:features.user_features_daily")
        )


if __name__ == "__main__":
    run()
