"""Hourly data-quality checks on the events dataset: row counts, null rates, freshness."""

import datetime

from airflow.decorators import dag
from airflow.providers.google.cloud.operators.bigquery import BigQueryCheckOperator


@dag(schedule="0 * * * *", start_date=datetime.datetime(2025, 1, 1), catchup=False)
def bq_quality_checks():
    BigQueryCheckOperator(
        task_id="sessions_not_empty",
        sql="SELECT COUNT(*) > 0 FROM `nw-recs-data-prod.events.sessions` WHERE DATE(ts) = CURRENT_DATE()",
        use_legacy_sql=False,
    )
    BigQueryCheckOperator(
        task_id="clicks_have_users",
        sql="SELECT COUNTIF(user_id IS NULL) = 0 FROM events.clicks",
        use_legacy_sql=False,
    )


bq_quality_checks()
