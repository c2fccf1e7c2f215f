# Streaming Dataflow jobs (flex templates) and the daily training-data export, scheduled by
# Dataflow Data Pipelines. feature-backfill is launched by the daily_feature_build DAG.

resource "google_dataflow_flex_template_job" "clickstream_sessionizer" {
  provider                = google-beta
  project                 = "nw-recs-data-prod"
  region                  = "us-central1"
  name                    = "clickstream-sessionizer"
  container_spec_gcs_path = "gs://nw-recs-dataflow-templates/clickstream-sessionizer.json"
  enable_streaming_engine = true

  parameters = {
    inputSubscriptionClicks      = google_pubsub_subscription.clickstream_raw_df.id
    inputSubscriptionImpressions = google_pubsub_subscription.impressions_df.id
    outputDataset                = "nw-recs-data-prod:events"
    sessionGapMinutes            = "30"
  }
}

resource "google_dataflow_flex_template_job" "catalog_enricher" {
  provider                = google-beta
  project                 = "nw-recs-data-prod"
  region                  = "us-central1"
  name                    = "catalog-enricher"
  container_spec_gcs_path = "gs://nw-recs-dataflow-templates/catalog-enricher.json"
  enable_streaming_engine = true

  parameters = {
    inputSubscription = google_pubsub_subscription.catalog_updates_df.id
  }
}

resource "google_data_pipeline_pipeline" "training_data_export" {
  project = "nw-recs-data-prod"
  region  = "us-central1"
  name    = "training-data-export"
  type    = "PIPELINE_TYPE_BATCH"
  state   = "STATE_ACTIVE"

  schedule_info {
    schedule  = "30 1 * * *"
    time_zone = "UTC"
  }

  workload {
    dataflow_flex_template_request {
      project_id = "nw-recs-data-prod"
      location   = "us-central1"
      launch_parameter {
        job_name               = "training-data-export"
        container_spec_gcs_path = "gs://nw-recs-dataflow-templates/training-data-export.json"
        parameters = {
          inputEventsTable   = "nw-recs-data-prod:events.sessions"
          inputFeaturesTable = "nw-recs-data-prod:features.user_features_daily"
          outputPath         = "gs://nw-recs-training-data/snapshots"
        }
      }
    }
  }
}
