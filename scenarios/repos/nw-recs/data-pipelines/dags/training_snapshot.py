"""Training snapshot: once the daily training-data export has finished, freeze yesterday's
examples for the nightly ranker run (ranker-training-nightly starts at 03:00 UTC)."""

import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.providers.google.cloud.sensors.dataflow import DataflowJobStatusSensor

with DAG(
    "training_snapshot",
    schedule="0 2 * * *",
    start_date=datetime.datetime(2025, 1, 1),
    catchup=False,
) as dag:
    # The sample keys Dataflow jobs on their job name (batch jobs get a new job id per run).
    wait_export = DataflowJobStatusSensor(
        task_id="wait_training_data_export",
        job_id="training-data-export",
        expected_statuses={"JOB_STATE_DONE"},
        project_id="nw-recs-data-prod",
        location="us-central1",
    )
    done = EmptyOperator(task_id="snapshot_ready")
    wait_export >> done
