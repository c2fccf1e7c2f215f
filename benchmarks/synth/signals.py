"""Signal templates and log filters, so health planning covers every kind the generator makes."""

from __future__ import annotations

from .tomltext import q, q_list, toml_value

# Signal templates, one per metric and kind; rendered into signals.toml by signals_toml().
# (id, name, kinds, modes, metric_type, resource_type, resource_labels, aligner, reducer, extra)
_SIGNALS: tuple[tuple, ...] = (
    ("pubsub-oldest-unacked", "oldest unacked age", ["pubsub_subscription"], [],
     "pubsub.googleapis.com/subscription/oldest_unacked_message_age", "pubsub_subscription",
     ["subscription_id"], "ALIGN_MAX", "REDUCE_MAX", {"unit": "s", "warn": 300, "crit": 900}),
    ("pubsub-dead-letters", "dead letters", ["pubsub_subscription"], ["dead_letter"],
     "pubsub.googleapis.com/subscription/num_undelivered_messages", "pubsub_subscription",
     ["subscription_id"], "ALIGN_MAX", "REDUCE_MAX", {"warn": 0}),
    ("pubsub-topic-sends", "publish rate", ["pubsub_topic"], [],
     "pubsub.googleapis.com/topic/send_request_count", "pubsub_topic", ["topic_id"],
     "ALIGN_RATE", "REDUCE_SUM", {"window": 600, "unit": "1/s", "direction": "below", "warn": 0.0001}),
    ("dataflow-failed", "job failed", ["dataflow_job"], [], "dataflow.googleapis.com/job/is_failed",
     "dataflow_job", ["job_name"], "ALIGN_MAX", "REDUCE_MAX", {"crit": 0}),
    ("dataflow-system-lag", "system lag", ["dataflow_job"], ["streaming"],
     "dataflow.googleapis.com/job/system_lag", "dataflow_job", ["job_name"], "ALIGN_MAX", "REDUCE_MAX",
     {"unit": "s", "warn": 60, "crit": 300}),
    ("dataflow-watermark-age", "watermark age", ["dataflow_job"], ["streaming"],
     "dataflow.googleapis.com/job/data_watermark_age", "dataflow_job", ["job_name"], "ALIGN_MAX",
     "REDUCE_MAX", {"unit": "s", "warn": 300, "crit": 900}),
    ("dataflow-elapsed", "run time", ["dataflow_job"], ["batch"], "dataflow.googleapis.com/job/elapsed_time",
     "dataflow_job", ["job_name"], "ALIGN_MAX", "REDUCE_MAX",
     {"window": 3600, "unit": "s", "warn": 5400, "crit": 7200}),
    ("composer-healthy", "environment healthy", ["composer_environment"], [],
     "composer.googleapis.com/environment/healthy", "cloud_composer_environment", ["environment_name"],
     "ALIGN_FRACTION_TRUE", "REDUCE_MEAN",  # sampled every 300 s: a share of 3 samples, as the sample
     {"alignment_period": 900, "direction": "below", "warn": 1, "crit": 0.5}),
    ("composer-dag-failed", "failed DAG runs", ["composer_dag"], [], "composer.googleapis.com/workflow/run_count",
     "cloud_composer_workflow", ["environment_name", "workflow_name"], "ALIGN_SUM", "REDUCE_SUM",
     {"metric_labels": {"state": "failed"}, "alignment_period": 3600, "window": 3600, "crit": 0,
      "on_absent": "zero"}),  # a DELTA counter of failures writes no point while none fail
    ("bq-uploaded-rows", "rows uploaded", ["bigquery_dataset"], [],
     "bigquery.googleapis.com/storage/uploaded_row_count", "bigquery_dataset", ["dataset_id"],
     "ALIGN_RATE", "REDUCE_SUM", {"window": 1800, "unit": "1/s", "direction": "below", "warn": 0.0001}),
    ("bq-transfer-failed", "failed scheduled runs", ["bigquery_scheduled_query"], [],
     "bigquerydatatransfer.googleapis.com/transfer_config/completed_runs", "bigquery_dts_config",
     ["config_id"], "ALIGN_DELTA", "REDUCE_SUM",
     {"metric_labels": {"completion_state": "FAILED"}, "alignment_period": 3600, "window": 3600, "crit": 0,
      "on_absent": "zero"}),
    ("dataproc-job-error", "job in ERROR", ["dataproc_job"], [], "dataproc.googleapis.com/job/state",
     "cloud_dataproc_job", ["job_id"], "ALIGN_COUNT_TRUE", "REDUCE_MAX",  # a BOOL gauge: MAX is refused
     {"metric_labels": {"state": "ERROR"}, "crit": 0}),
    ("gke-restarts", "container restarts", ["gke_cluster"], [], "kubernetes.io/container/restart_count",
     "k8s_container", ["cluster_name"], "ALIGN_DELTA", "REDUCE_SUM", {"alignment_period": 300, "warn": 0}),
    ("container-restarts", "container restarts", ["envoy_gateway", "k8s_cronjob"], [],
     "kubernetes.io/container/restart_count", "k8s_container", ["cluster_name", "namespace_name", "container_name"],
     "ALIGN_DELTA", "REDUCE_SUM", {"alignment_period": 300, "warn": 0}),
    ("grpc-error-ratio", "gRPC error ratio", ["grpc_service"], ["gke"],
     "prometheus.googleapis.com/grpc_server_handled_total/counter", "prometheus_target",
     ["cluster", "namespace", "job"], "ALIGN_RATE", "REDUCE_SUM",
     {"type": "ratio", "ratio_label": "grpc_code", "ratio_bad": ["OK"], "ratio_bad_mode": "exclude",
      "warn": 0.01, "crit": 0.05}),
    ("grpc-latency-p99", "p99 latency", ["grpc_service"], ["gke"],
     "prometheus.googleapis.com/grpc_server_handling_seconds/histogram", "prometheus_target",
     ["cluster", "namespace", "job"], "ALIGN_DELTA", "REDUCE_PERCENTILE_99", {"unit": "s", "warn": 0.2, "crit": 0.5}),
    ("run-5xx-ratio", "5xx ratio", ["grpc_service"], ["cloud_run"], "run.googleapis.com/request_count",
     "cloud_run_revision", ["service_name"], "ALIGN_RATE", "REDUCE_SUM",
     {"type": "ratio", "ratio_label": "response_code_class", "ratio_bad": ["5xx"], "ratio_bad_mode": "include",
      "warn": 0.01, "crit": 0.05}),
    ("run-latency-p99", "p99 latency", ["grpc_service"], ["cloud_run"], "run.googleapis.com/request_latencies",
     "cloud_run_revision", ["service_name"], "ALIGN_DELTA", "REDUCE_PERCENTILE_99",
     {"unit": "ms", "warn": 500, "crit": 1000}),
    ("redis-memory", "memory usage", ["redis_instance"], [],
     "redis.googleapis.com/stats/memory/system_memory_usage_ratio", "redis_instance", ["instance_id"],
     "ALIGN_MEAN", "REDUCE_MAX", {"warn": 0.8, "crit": 0.9}),
    ("redis-hit-ratio", "cache hit ratio", ["redis_instance"], [], "redis.googleapis.com/stats/cache_hit_ratio",
     "redis_instance", ["instance_id"], "ALIGN_MEAN", "REDUCE_MEAN", {"direction": "below", "warn": 0.8, "crit": 0.6}),
    # Kubeflow runs and model versions have no standard metric: logs tell.
    ("kfp-run-errors", "pipeline run errors", ["kubeflow_recurring_run"], [], "", "", [], "", "",
     {"type": "log", "window": 86400, "crit": 0,
      "log_filter": 'resource.type="k8s_container" AND resource.labels.namespace_name="kubeflow" '
                    'AND labels.pipeline="{pipeline}" AND severity>=ERROR'}),
    ("model-freshness", "newest version age", ["model"], [], "", "", [], "", "",
     {"type": "freshness", "window": 604800, "unit": "s", "warn": 129600, "crit": 259200,
      "log_filter": 'resource.type="aiplatform.googleapis.com/Model" AND labels.model="{model}" '
                    'AND jsonPayload.event="version_created"'}),
)

# "Recent errors" filter per kind (and mode).
_LOG_FILTERS: tuple[tuple[list[str], list[str], str], ...] = (
    (["dataflow_job"], [], 'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"'),
    (["composer_environment", "composer_dag"], [],
     'resource.type="cloud_composer_environment" AND resource.labels.environment_name="{environment_name}"'),
    (["bigquery_scheduled_query"], [], 'resource.type="bigquery_dts_config" AND resource.labels.config_id="{config_id}"'),
    # the other kinds that run code, as the sample catalog (catalog/signals.toml) reads them
    (["dataproc_job"], [], 'resource.type="cloud_dataproc_job" AND resource.labels.job_id="{job_id}"'),
    (["kubeflow_pipeline", "kubeflow_recurring_run"], [],
     'resource.type="k8s_container" AND resource.labels.namespace_name="kubeflow" AND labels.pipeline="{pipeline}"'),
    (["pipeline_component"], [],  # a step's pod: its container is "main" (KFP v2 launcher)
     'resource.type="k8s_container" AND resource.labels.namespace_name="kubeflow" AND '
     'resource.labels.container_name="main" AND labels.task="{task}"'),
    (["grpc_service"], ["gke"],
     'resource.type="k8s_container" AND resource.labels.cluster_name="{cluster}" AND '
     'resource.labels.namespace_name="{namespace}" AND resource.labels.container_name="{job}"'),
    (["grpc_service"], ["cloud_run"], 'resource.type="cloud_run_revision" AND resource.labels.service_name="{service_name}"'),
    (["envoy_gateway", "k8s_cronjob"], [],
     'resource.type="k8s_container" AND resource.labels.cluster_name="{cluster_name}" AND '
     'resource.labels.namespace_name="{namespace_name}" AND resource.labels.container_name="{container_name}"'),
)


def signals_toml() -> str:
    """signals.toml: one [[signal]] per template, then the [[log_filter]] tables."""
    out = ["# Signal templates, one per metric and kind (see docs/catalog-format.md).\n"]
    for sid, name, kinds, modes, metric, resource, labels, aligner, reducer, extra in _SIGNALS:
        table = {"id": sid, "name": name, "kinds": kinds, "modes": modes, "metric_type": metric,
                 "resource_type": resource, "resource_labels": labels, "aligner": aligner, "reducer": reducer,
                 **extra}
        lines = ["[[signal]]"] + [f"{k} = {toml_value(v)}" for k, v in table.items() if v not in ("", [])]
        out.append("\n".join(lines) + "\n")
    for kinds, modes, text in _LOG_FILTERS:
        lines = ["[[log_filter]]", f"kinds = {q_list(kinds)}"]
        if modes:
            lines.append(f"modes = {q_list(modes)}")
        lines.append(f"filter = {q(text)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
