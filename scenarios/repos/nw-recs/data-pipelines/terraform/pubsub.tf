# Pub/Sub layer of nw-recs (project nw-recs-data-prod): the topics event-logger and the
# shop's PIM publish to, the subscriptions the streaming Dataflow jobs read, and the
# dead-letter pair for clicks the sessionizer cannot parse.

locals {
  project = "nw-recs-data-prod"
}

resource "google_pubsub_topic" "clickstream_raw" {
  project                    = local.project
  name                       = "clickstream-raw"
  message_retention_duration = "604800s"
}

resource "google_pubsub_topic" "impressions" {
  project = local.project
  name    = "impressions"
}

resource "google_pubsub_topic" "catalog_updates" {
  project = local.project
  name    = "catalog-updates"
}

# Where clickstream-raw-df parks poison messages after 5 attempts.
resource "google_pubsub_topic" "clickstream_raw_dead_letter" {
  project = local.project
  name    = "clickstream-raw-dead-letter"
}

resource "google_pubsub_subscription" "clickstream_raw_df" {
  project              = local.project
  name                 = "clickstream-raw-df"
  topic                = google_pubsub_topic.clickstream_raw.id
  ack_deadline_seconds = 60

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.clickstream_raw_dead_letter.id
    max_delivery_attempts = 5
  }
}

resource "google_pubsub_subscription" "clickstream_raw_dlq" {
  project = local.project
  name    = "clickstream-raw-dlq"
  topic   = google_pubsub_topic.clickstream_raw_dead_letter.id
}

resource "google_pubsub_subscription" "impressions_df" {
  project = local.project
  name    = "impressions-df"
  topic   = google_pubsub_topic.impressions.id
}

resource "google_pubsub_subscription" "catalog_updates_df" {
  project = local.project
  name    = "catalog-updates-df"
  topic   = "projects/nw-recs-data-prod/topics/catalog-updates"
}
