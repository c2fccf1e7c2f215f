# Training platform (project nw-recs-ml-prod): the Kubeflow cluster, the pipeline root and
# the weekly Dataproc job that builds item embeddings from events.

resource "google_container_cluster" "kfp_prod" {
  project  = "nw-recs-ml-prod"
  location = "us-central1"
  name     = "kfp-prod"
}

resource "google_storage_bucket" "pipeline_root" {
  project  = "nw-recs-ml-prod"
  name     = "nw-recs-pipeline-root"
  location = "US"
}

resource "google_dataproc_workflow_template" "item_embeddings_weekly" {
  project  = "nw-recs-ml-prod"
  location = "us-central1"
  name     = "item-embeddings-weekly"
  placement {
    managed_cluster {
      cluster_name = "item-embeddings"
      config {
        master_config {
          num_instances = 1
          machine_type  = "n2-standard-8"
        }
      }
    }
  }
  jobs {
    step_id = "embed"
    pyspark_job {
      main_python_file_uri = "gs://nw-recs-pipeline-root/jobs/item_embeddings.py"
      args                 = ["--input-table", "nw-recs-data-prod.events.sessions"]
    }
  }
}
