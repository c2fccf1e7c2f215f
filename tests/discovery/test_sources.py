"""Each artifact source on small artifacts written in the test: what a person reading the
same files would conclude, with the evidence pointing at the line."""

from __future__ import annotations

from atlas.discovery.files import RepoFiles, TextFile
from atlas.discovery.run import discover_repos


def repo(name: str, files: dict[str, str]) -> RepoFiles:
    return RepoFiles(name, name, [TextFile(name, path, text) for path, text in files.items()])


IR = """\
pipelineInfo:
  name: churn
components:
  comp-a: {executorLabel: exec-a}
  comp-b: {executorLabel: exec-b}
deploymentSpec:
  executors:
    exec-a: {container: {image: a:1}}
    exec-b:
      container:
        image: b:1
        args: ["--push", "projects/p-ml-prod/locations/us-central1/models/churn-model"]
root:
  dag:
    tasks:
      prepare:
        componentRef: {name: comp-a}
      train:
        componentRef: {name: comp-b}
        dependentTasks: [prepare]
  inputDefinitions:
    parameters:
      data: {defaultValue: "gs://churn-data/x", parameterType: STRING}
defaultPipelineRoot: gs://churn-root/runs
"""


def test_kubeflow_ir_gives_the_pipeline_its_steps_their_chain_and_the_model_it_pushes():
    f = discover_repos([repo("ml", {"pipelines/churn.yaml": IR})])
    assert f.components["churn"].kind == "kubeflow_pipeline"
    assert f.components["train"].kind == "pipeline_component"
    assert ("prepare", "train") in f.edges
    assert f.edges[("prepare", "train")].evidence[0].where == "ml/pipelines/churn.yaml:18"
    assert ("train", "churn-model") in f.edges  # the model depends on the step that pushes it
    assert {("churn-data", "churn"), ("churn-root", "churn")} <= set(f.edges)
    assert "image b:1" in f.components["train"].evidence[0].detail


MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: front
        image: front:1
        args: ["--backend=back-svc.shop.svc.cluster.local:50051"]
        env:
        - name: EVENTS
          value: projects/shop-prod-1/topics/clicks
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: back, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: back, image: back:2}]
---
apiVersion: v1
kind: Service
metadata: {name: back-svc, namespace: shop}
spec:
  selector: {app: back}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: sweeper, namespace: shop}
spec:
  schedule: "*/5 * * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: sweeper, image: s:1}]}}}}
"""


def test_manifests_give_services_cron_jobs_and_who_calls_whom_through_a_service_address():
    f = discover_repos([repo("app", {"deploy/all.yaml": MANIFESTS})])
    assert f.components["front"].labels["container_name"] == "front"
    assert f.components["sweeper"].kind == "k8s_cronjob" and f.components["sweeper"].schedule == "*/5 * * * *"
    # the Service back-svc selects app=back: the caller depends on the workload behind it
    assert ("back", "front") in f.edges
    assert f.edges[("back", "front")].evidence[0].where == "app/deploy/all.yaml:10"
    assert ("front", "clicks") in f.edges  # the topic depends on its publisher


DAG = """\
from airflow import DAG
raise SystemExit("importing this file would stop the process: discovery must never run it")
with DAG(dag_id="nightly", schedule="0 3 * * *") as dag:
    DataflowStartFlexTemplateOperator(task_id="run", body={"launchParameter": {
        "jobName": "rollup", "parameters": {"inputTable": "shop-data-1:raw.events", "outputTable": "shop-data-1:agg.daily"}}})
    BigQueryCheckOperator(task_id="check", sql="SELECT COUNT(*) FROM `shop-data-1.raw.events`")
"""


def test_a_dag_is_read_with_ast_never_run_and_names_the_jobs_and_tables_it_drives():
    f = discover_repos([repo("data", {"dags/nightly.py": DAG})])
    dag = f.components["nightly"]
    assert dag.kind == "composer_dag" and dag.schedule == "0 3 * * *"
    assert ("nightly", "rollup") in f.edges  # the job depends on the DAG that starts it
    assert ("raw", "rollup") in f.edges and ("rollup", "agg") in f.edges
    assert ("raw", "nightly") in f.edges  # the check reads raw


TF = """\
resource "google_pubsub_topic" "t" { name = "orders" }
resource "google_pubsub_topic" "dl" { name = "orders-dead" }
resource "google_pubsub_subscription" "s" {
  name  = "orders-worker"
  topic = google_pubsub_topic.t.id
  dead_letter_policy {
    dead_letter_topic = google_pubsub_topic.dl.id
  }
}
resource "google_pubsub_subscription" "d" {
  name  = "orders-dlq"
  topic = "projects/shop-prod-1/topics/orders-dead"
}
resource "google_composer_environment" "env" { name = "shop-airflow" }
"""


def test_terraform_resolves_references_and_folds_a_dead_letter_topic_into_its_subscription():
    f = discover_repos([repo("infra", {"tf/pubsub.tf": TF, "dags/x.py": 'DAG("x")'})])
    assert ("orders", "orders-worker") in f.edges
    assert f.edges[("orders", "orders-worker")].evidence[0].where == "infra/tf/pubsub.tf:3"
    assert "orders-dead" not in f.components  # plumbing, not a component
    assert f.components["orders-dlq"].mode == "dead_letter"
    assert ("orders-worker", "orders-dlq") in f.edges
    # the only Composer environment of the repo runs its DAGs
    assert ("shop-airflow", "x") in f.edges


def test_codeowners_last_matching_rule_wins_and_names_the_team():
    owners = "*  @org/platform\n/deploy/front/  @org/web @org/platform\n"
    f = discover_repos([repo("app", {"deploy/front/all.yaml": MANIFESTS, ".github/CODEOWNERS": owners})])
    assert f.owners["front"].team == "web"
    assert f.owners["front"].evidence[0].where == "app/.github/CODEOWNERS:2"
    assert set(f.teams) == {"platform", "web"}


def test_a_bigquery_subscription_feeds_its_dataset():
    tf = ('resource "google_pubsub_topic" "t" { name = "orders" }\n'
          'resource "google_pubsub_subscription" "bq" {\n  name  = "orders-to-bq"\n  topic = google_pubsub_topic.t.id\n'
          '  bigquery_config {\n    table = "shop-prod-1:raw.orders"\n  }\n}\n')
    f = discover_repos([repo("infra", {"main.tf": tf})])
    assert ("orders-to-bq", "raw") in f.edges and f.components["raw"].kind == "bigquery_dataset"
