# Serving infrastructure (project nw-recs-serving-prod): the GKE cluster, the feature cache
# and the three Cloud Run services.

resource "google_container_cluster" "serving_prod" {
  project  = "nw-recs-serving-prod"
  location = "us-central1"
  name     = "serving-prod"
}

resource "google_redis_instance" "feature_cache" {
  project        = "nw-recs-serving-prod"
  region         = "us-central1"
  name           = "feature-cache"
  tier           = "STANDARD_HA"
  memory_size_gb = 26
}

resource "google_cloud_run_v2_service" "event_logger" {
  project  = "nw-recs-serving-prod"
  location = "us-central1"
  name     = "event-logger"
  template {
    containers {
      image = "us-central1-docker.pkg.dev/nw-recs-serving-prod/serving/event-logger:1.8.0"
      env {
        name  = "CLICKS_TOPIC"
        value = "projects/nw-recs-data-prod/topics/clickstream-raw"
      }
      env {
        name  = "IMPRESSIONS_TOPIC"
        value = "projects/nw-recs-data-prod/topics/impressions"
      }
    }
  }
}

resource "google_cloud_run_v2_service" "explain_svc" {
  project  = "nw-recs-serving-prod"
  location = "us-central1"
  name     = "explain-svc"
  template {
    containers {
      image = "us-central1-docker.pkg.dev/nw-recs-serving-prod/serving/explain-svc:0.4.0"
      env {
        name  = "MODEL"
        value = "projects/nw-recs-ml-prod/locations/us-central1/models/ranker"
      }
    }
  }
}

resource "google_cloud_run_v2_service" "recs_admin" {
  project  = "nw-recs-serving-prod"
  location = "us-central1"
  name     = "recs-admin"
  template {
    containers {
      image = "us-central1-docker.pkg.dev/nw-recs-serving-prod/serving/recs-admin:0.9.1"
      env {
        name  = "RECS_API_ADDR"
        value = "recs-api.recs.svc.clusterset.local:50051"
      }
    }
  }
}
