"""Daily feature build: waits for the scheduled queries, then backfills the feature tables
with the feature-backfill Dataflow job (runs in Composer environment recs-data-prod)."""

import pendulum
from airflow import DAG
from airflow.providers.google.cloud.operators.dataflow import DataflowStartFlexTemplateOperator
from airflow.providers.google.cloud.sensors.bigquery_dts import BigQueryDataTransferServiceTransferRunSensor

PROJECT = "nw-recs-data-prod"

with DAG(
    dag_id="daily_feature_build",
    schedule="0 1 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["features"],
) as dag:
    wait_user_aggregates = BigQueryDataTransferServiceTransferRunSensor(
        task_id="wait_user_aggregates",
        transfer_config_id="user-aggregates-hourly",
        run_id="{{ task_instance.xcom_pull('latest_run') }}",
        expected_statuses={"SUCCEEDED"},
        project_id=PROJECT,
    )
    wait_item_popularity = BigQueryDataTransferServiceTransferRunSensor(
        task_id="wait_item_popularity",
        transfer_config_id="item-popularity-daily",
        run_id="{{ task_instance.xcom_pull('latest_run') }}",
        expected_statuses={"SUCCEEDED"},
        project_id=PROJECT,
    )
    backfill = DataflowStartFlexTemplateOperator(
        task_id="feature_backfill",
        project_id=PROJECT,
        location="us-central1",
        body={
            "launchParameter": {
                "jobName": "feature-backfill",
                "containerSpecGcsPath": "gs://nw-recs-dataflow-templates/feature-backfill.json",
                "parameters": {
                    "inputTable": "nw-recs-data-prod:events.sessions",
                    "outputTable": "nw-recs-data-prod:features.user_features_daily",
                    "date": "{{ ds }}",
                },
            }
        },
    )
    [wait_user_aggregates, wait_item_popularity] >> backfill
