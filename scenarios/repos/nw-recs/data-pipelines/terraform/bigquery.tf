# BigQuery datasets, the scheduled queries that aggregate events into features, the
# buckets, the Composer environment and the Vertex AI feature store.

resource "google_bigquery_dataset" "events" {
  project    = "nw-recs-data-prod"
  dataset_id = "events"
  location   = "US"
}

resource "google_bigquery_dataset" "features" {
  project    = "nw-recs-data-prod"
  dataset_id = "features"
  location   = "US"
}

resource "google_bigquery_data_transfer_config" "user_aggregates_hourly" {
  project                = "nw-recs-data-prod"
  display_name           = "user-aggregates-hourly"
  data_source_id         = "scheduled_query"
  schedule               = "every 1 hours"
  destination_dataset_id = google_bigquery_dataset.features.dataset_id
  params = {
    destination_table_name_template = "user_aggregates_hourly"
    write_disposition               = "WRITE_TRUNCATE"
    query                           = "SELECT user_id, COUNT(*) AS clicks_1h FROM `nw-recs-data-prod.events.clicks` WHERE ts > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR) GROUP BY user_id"
  }
}

resource "google_bigquery_data_transfer_config" "item_popularity_daily" {
  project        = "nw-recs-data-prod"
  display_name   = "item-popularity-daily"
  data_source_id = "scheduled_query"
  schedule       = "every day 00:30"
  params = {
    query = "CREATE OR REPLACE TABLE events.item_popularity_daily AS SELECT item_id, COUNT(*) AS clicks FROM events.clicks GROUP BY item_id"
  }
}

resource "google_storage_bucket" "landing" {
  project  = "nw-recs-data-prod"
  name     = "nw-recs-landing"
  location = "US"
  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "training_data" {
  project  = "nw-recs-data-prod"
  name     = "nw-recs-training-data"
  location = "US"
}

resource "google_composer_environment" "recs_data_prod" {
  project = "nw-recs-data-prod"
  region  = "us-central1"
  name    = "recs-data-prod"
  config {
    software_config {
      image_version = "composer-2.9.7-airflow-2.9.3"
    }
  }
}

resource "google_vertex_ai_feature_online_store" "recs" {
  project = "nw-recs-data-prod"
  region  = "us-central1"
  name    = "recs-online-store"
  optimized {}
}

resource "google_vertex_ai_feature_online_store_featureview" "user_features" {
  project              = "nw-recs-data-prod"
  region               = "us-central1"
  name                 = "user-features-view"
  feature_online_store = google_vertex_ai_feature_online_store.recs.name
  sync_config {
    cron = "0 4 * * *"
  }
  big_query_source {
    uri               = "bq://nw-recs-data-prod.features.user_features_daily"
    entity_id_columns = ["user_id"]
  }
}
