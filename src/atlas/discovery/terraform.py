"""Terraform for GCP, parsed with python-hcl2 (never planned or applied).

Each `resource "TYPE" "NAME"` block of a known type becomes a component with its exact
resource name. References between resources (`google_pubsub_topic.clicks.id`) resolve to
the referenced resource's name, so a subscription's `topic` and `dead_letter_policy` work
whether they are written as references or as literal paths. The argument names are the
google provider's (registry.terraform.io/providers/hashicorp/google).
"""

from __future__ import annotations

import re

from atlas.discovery.airflow import job_io
from atlas.discovery.files import RepoFiles, TextFile
from atlas.discovery.model import ComponentFinding, Evidence, Findings
from atlas.discovery.refs import find_refs, sql_datasets

# resource type -> (kind, mode, the argument holding the resource name, key label)
TYPES: dict[str, tuple[str, str, str, str]] = {
    "google_pubsub_topic": ("pubsub_topic", "", "name", "topic_id"),
    "google_pubsub_subscription": ("pubsub_subscription", "", "name", "subscription_id"),
    "google_dataflow_job": ("dataflow_job", "", "name", "job_name"),
    "google_dataflow_flex_template_job": ("dataflow_job", "", "name", "job_name"),
    "google_data_pipeline_pipeline": ("dataflow_job", "batch", "name", "job_name"),
    "google_bigquery_dataset": ("bigquery_dataset", "", "dataset_id", "dataset_id"),
    "google_bigquery_data_transfer_config": ("bigquery_scheduled_query", "", "display_name", "config_id"),
    "google_storage_bucket": ("gcs_bucket", "", "name", "bucket_name"),
    "google_composer_environment": ("composer_environment", "", "name", "environment_name"),
    "google_container_cluster": ("gke_cluster", "", "name", "cluster_name"),
    "google_redis_instance": ("redis_instance", "", "name", "instance_id"),
    "google_cloud_run_v2_service": ("grpc_service", "cloud_run", "name", "service_name"),
    "google_cloud_run_service": ("grpc_service", "cloud_run", "name", "service_name"),
    "google_dataproc_workflow_template": ("dataproc_job", "", "name", "job_id"),
    "google_vertex_ai_feature_online_store": ("feature_online_store", "", "name", "feature_online_store_id"),
    "google_vertex_ai_feature_online_store_featureview": ("feature_view", "", "name", "feature_view_id"),
}
_HEADER = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"', re.MULTILINE)
_REF = re.compile(r"\$\{\s*(google_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\s*\}")


def discover(repo: RepoFiles, findings: Findings) -> None:
    blocks = []  # (file, type, label, body)
    for file in repo.with_suffix(".tf"):
        blocks.extend(_resources(file, findings))
    names = {(t, label): _str(body.get(TYPES[t][2])) for _, t, label, body in blocks if t in TYPES}
    for file, rtype, label, body in blocks:
        if rtype in TYPES:
            _resource(file, rtype, label, body, names, findings)


def _resources(file: TextFile, findings: Findings) -> list:
    import hcl2
    from hcl2.utils import SerializationOptions

    try:
        data = hcl2.loads(file.text, serialization_options=SerializationOptions(
            strip_string_quotes=True, with_comments=False))
    except Exception as exc:  # lark raises many types: one line, the file is skipped
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        findings.note(f"{file.where()}: HCL syntax error: {first[:160]} (file skipped)")
        return []
    # python-hcl2 8 does not report lines: find each block's header in the text instead.
    lines = {(m.group(1), m.group(2)): file.text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(file.text)}
    out = []
    for entry in data.get("resource") or []:
        for rtype, by_label in (entry or {}).items():
            for label, body in (by_label or {}).items():
                if isinstance(body, dict):
                    rtype, label = _unquote(rtype), _unquote(label)
                    body["__start_line__"] = lines.get((rtype, label))
                    out.append((file, rtype, label, body))
    return out


def _unquote(s) -> str:
    s = str(s)
    return s[1:-1] if len(s) >= 2 and s[0] == s[-1] == '"' else s


def _str(value) -> str:
    return value if isinstance(value, str) and "${" not in value else ""


def _resolve(value, names: dict) -> str:
    """A literal string, or the name of the resource a `${type.label.attr}` points at."""
    if not isinstance(value, str):
        return ""
    m = _REF.fullmatch(value.strip())
    if m:
        return names.get((m.group(1), m.group(2)), "")
    return value if "${" not in value else ""


def _resource(file: TextFile, rtype: str, label: str, body: dict, names: dict, findings: Findings) -> None:
    kind, mode, name_arg, key = TYPES[rtype]
    name = names.get((rtype, label), "")
    line = body.get("__start_line__")
    where = file.where(line)
    if not name:
        findings.note(f"{where}: {rtype}.{label} has no literal {name_arg} (skipped)")
        return
    project = _str(body.get("project"))
    region = _str(body.get("region")) or _str(body.get("location"))
    labels = {key: name}
    if kind == "redis_instance" and project and region:
        labels[key] = f"projects/{project}/locations/{region}/instances/{name}"
    if kind == "feature_view":
        store = _resolve(body.get("feature_online_store"), names).rsplit("/", 1)[-1]
        if store:
            labels["feature_online_store_id"] = store
    schedule = _str(body.get("schedule")) or _str(_first(body.get("schedule_info")).get("schedule"))
    if rtype == "google_dataflow_flex_template_job" and body.get("enable_streaming_engine") is True:
        mode = "streaming"
    ev = Evidence("terraform", where, f"{rtype}.{label}")
    findings.add_component(ComponentFinding(name, kind, mode=mode, labels=labels, repo=file.repo, path=file.path,
                                            project=project, schedule=schedule, evidence=[ev]))

    def upstream(kind2: str, other: str, label2: str, detail: str, downstream: str = name) -> None:
        if not other:
            return
        findings.add_component(ComponentFinding(other, kind2, labels={label2: other},
                                                evidence=[Evidence("terraform", where, f"named by {rtype}.{label}")]))
        findings.add_edge(other, downstream, Evidence("terraform", where, detail))

    if kind == "pubsub_subscription":
        topic = _resolve(body.get("topic"), names).rsplit("/", 1)[-1]
        upstream("pubsub_topic", topic, "topic_id", f"topic = {topic}")
        dlq = _resolve(_first(body.get("dead_letter_policy")).get("dead_letter_topic"), names).rsplit("/", 1)[-1]
        if dlq:
            findings.add_component(ComponentFinding(dlq, "pubsub_topic", labels={"topic_id": dlq},
                                                    evidence=[Evidence("terraform", where, "dead-letter topic")]))
            findings.add_edge(name, dlq, Evidence("terraform", where, f"dead_letter_policy.dead_letter_topic = {dlq}"))
        table = _str(_first(body.get("bigquery_config")).get("table"))  # project.dataset.table or project:dataset.table
        for ref in find_refs(f"bq://{table.replace(':', '.')}") if table else ():
            findings.add_component(ComponentFinding(ref.name, ref.kind, labels=dict(ref.labels)))
            findings.add_edge(name, ref.name, Evidence("terraform", where, f"bigquery_config.table = {table}"))
    elif kind == "dataflow_job":
        params = body.get("parameters")
        if rtype == "google_data_pipeline_pipeline":
            launch = _first(_first(_first(body.get("workload")).get("dataflow_flex_template_request")).get("launch_parameter"))
            params = launch.get("parameters")
        resolved = {k: _resolve(v, names) or v for k, v in (params or {}).items()} if isinstance(params, dict) else {}
        for k, v in list(resolved.items()):  # a bare subscription name from a reference
            if isinstance(v, str) and str(k).lower().startswith("inputsubscription") and "/" not in v:
                upstream("pubsub_subscription", v, "subscription_id", f"parameters.{k} = {v}")
                resolved.pop(k)
                if rtype != "google_data_pipeline_pipeline":
                    findings.components[name].mode = findings.components[name].mode or "streaming"
        job_io(name, resolved, ev, findings)
    elif kind == "bigquery_scheduled_query":
        dest = _resolve(body.get("destination_dataset_id"), names)
        if dest:
            findings.add_component(ComponentFinding(dest, "bigquery_dataset", labels={"dataset_id": dest}))
            findings.add_edge(name, dest, Evidence("terraform", where, f"destination_dataset_id = {dest}"))
        for ref in sql_datasets((body.get("params") or {}).get("query", "")):
            upstream(ref.kind, ref.name, "dataset_id", f"query reads {ref.name}")
    elif kind == "feature_view":
        store = labels.get("feature_online_store_id", "")
        upstream("feature_online_store", store, "feature_online_store_id", f"feature_online_store = {store}")
        uri = _str(_first(body.get("big_query_source")).get("uri"))
        for ref in find_refs(uri):
            upstream(ref.kind, ref.name, "dataset_id", f"big_query_source.uri = {uri}")
            # The view syncs its source into the store: the store's data comes from there too.
            upstream(ref.kind, ref.name, "dataset_id", f"{label} syncs {uri} into it", downstream=store)
    elif kind == "grpc_service":
        containers = _first(body.get("template")).get("containers")
        for container in containers if isinstance(containers, list) else [containers or {}]:
            for env in _all(_first(container).get("env")):
                value = _str(env.get("value"))
                for ref in find_refs(value):
                    detail = f"env {env.get('name')} = {value}"
                    if ref.kind == "k8s_service":
                        findings.add_edge(ref.name, name, Evidence("terraform", where, detail))
                        continue
                    findings.add_component(ComponentFinding(ref.name, ref.kind, labels=dict(ref.labels),
                                                            project=ref.project))
                    if ref.kind == "pubsub_topic":
                        findings.add_edge(name, ref.name, Evidence("terraform", where, detail))
                    else:
                        findings.add_edge(ref.name, name, Evidence("terraform", where, detail))
    elif kind == "dataproc_job":
        for job in _all(body.get("jobs")):
            for spec_key in ("pyspark_job", "spark_job", "hadoop_job"):
                for arg in _first(job.get(spec_key)).get("args") or []:
                    text = _str(arg)
                    refs = find_refs(text) or [r for r in find_refs(f"bq://{text}") if text.count(".") == 2]
                    for ref in refs:
                        label2 = ref.labels[0][0] if ref.labels else "id"
                        upstream(ref.kind, ref.name, label2, f"{spec_key}.args {text}")


def _first(value) -> dict:
    """hcl2 gives a nested block as a list of dicts; the first one (or {})."""
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}


def _all(value) -> list:
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
