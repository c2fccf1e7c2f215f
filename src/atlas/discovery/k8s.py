"""Kubernetes manifests: workloads, the Services in front of them, and who calls whom.

Deployments and StatefulSets become gRPC services (an Envoy image: the gateway), CronJobs
become cron jobs, Kubeflow's ScheduledWorkflow (the object a recurring run creates,
kubeflow.org/v1beta1) a recurring run. Edges come from the strings a container is given:
an address of another Service in an env var or a flag makes the caller depend on it; a topic
path makes the topic depend on its publisher; a model or store path makes the workload
depend on it.
"""

from __future__ import annotations

from atlas.discovery.files import RepoFiles
from atlas.discovery.model import ComponentFinding, Evidence, Findings
from atlas.discovery.refs import find_refs
from atlas.discovery.yamldocs import get, line_of

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def discover(repo: RepoFiles, findings: Findings, docs: dict) -> None:
    services: dict[tuple[str, str], str] = {}  # (namespace, Service name) -> workload id
    calls: list[tuple[str, str, str, Evidence]] = []  # (caller, namespace, service, evidence)
    for file, documents in docs.items():
        for doc in documents:
            if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
                continue
            kind = doc["kind"]
            name = get(doc, "metadata", "name")
            if not isinstance(name, str) or not name:
                continue
            ns = str(get(doc, "metadata", "namespace", default="default"))
            where = file.where(line_of(doc) or 1)
            if kind in WORKLOADS or kind in ("CronJob", "Job"):
                pod = get(doc, "spec", "jobTemplate", "spec", "template", "spec") if kind == "CronJob" \
                    else get(doc, "spec", "template", "spec")
                _workload(file, doc, kind, name, ns, pod or {}, where, findings, calls)
            elif kind == "Service":
                selector = get(doc, "spec", "selector", default={}) or {}
                services[(ns, name)] = str(selector.get("app") or selector.get("app.kubernetes.io/name") or name)
            elif kind == "ScheduledWorkflow":
                _recurring_run(file, doc, name, where, findings)
    for caller, ns, service, ev in calls:
        target = services.get((ns, service), service)
        findings.add_edge(target, caller, ev)


def _workload(file, doc, kind, name, ns, pod, where, findings: Findings, calls) -> None:
    containers = [c for c in (pod.get("containers") or []) if isinstance(c, dict)]
    main = next((c for c in containers if c.get("name") == name), containers[0] if containers else {})
    image = str(main.get("image", ""))
    if kind == "CronJob":
        comp_kind, mode = "k8s_cronjob", ""
    elif "envoy" in image:
        comp_kind, mode = "envoy_gateway", ""
    else:
        comp_kind, mode = "grpc_service", "gke"
    labels = {"namespace_name": ns, "container_name": str(main.get("name", name))}
    if comp_kind == "grpc_service":  # Managed Prometheus target labels
        labels.update(namespace=ns, job=name)
    findings.add_component(ComponentFinding(
        name, comp_kind, mode=mode, labels=labels, repo=file.repo, path=file.path,
        schedule=str(get(doc, "spec", "schedule", default="")) if kind == "CronJob" else "",
        evidence=[Evidence("k8s", where, f"{kind} {ns}/{name}" + (f", image {image}" if image else ""))]))
    for container in containers:
        strings = []
        for key in ("args", "command"):
            seq = container.get(key) or []
            strings += [(f"{key[:-1] if key == 'args' else key} {a}", str(a), _item_line(seq, i)) for i, a in enumerate(seq)]
        for env in container.get("env") or []:
            if isinstance(env, dict) and isinstance(env.get("value"), str):
                strings.append((f"env {env.get('name')}={env['value']}", env["value"], line_of(env)))
        for label, value, line in strings:
            ev = Evidence("k8s", file.where(line) if line else where, label)
            for ref in find_refs(value):
                if ref.kind == "k8s_service":
                    calls.append((name, dict(ref.labels).get("namespace", ns), ref.name, ev))
                    continue
                findings.add_component(ComponentFinding(
                    ref.name, ref.kind, labels=dict(ref.labels), project=ref.project,
                    evidence=[Evidence("k8s", ev.where, f"named by {name}")]))
                if ref.kind == "pubsub_topic":
                    findings.add_edge(name, ref.name, ev)  # the topic depends on its publisher
                else:
                    findings.add_edge(ref.name, name, ev)


def _item_line(seq, i: int) -> int:
    try:
        return seq.lc.item(i)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def _recurring_run(file, doc, name, where, findings: Findings) -> None:
    spec = doc.get("spec") or {}
    cron = get(spec, "trigger", "cronSchedule", "cron", default="")
    findings.add_component(ComponentFinding(
        name, "kubeflow_recurring_run", labels={"recurring_run": name}, repo=file.repo, path=file.path,
        schedule=str(cron), evidence=[Evidence("k8s", where, "ScheduledWorkflow" + (f", cron {cron}" if cron else ""))]))
    pipeline = spec.get("pipelineName")
    if isinstance(pipeline, str) and pipeline:
        findings.add_edge(pipeline, name, Evidence("k8s", file.where(line_of(spec, "pipelineName")),
                                                   f"pipelineName: {pipeline}"))
    for param in get(spec, "workflow", "parameters", default=[]) or []:
        if not isinstance(param, dict) or not isinstance(param.get("value"), str):
            continue
        ev = Evidence("k8s", file.where(line_of(param)), f"parameter {param.get('name')} = {param['value']}")
        for ref in find_refs(param["value"]):
            findings.add_component(ComponentFinding(ref.name, ref.kind, labels=dict(ref.labels), project=ref.project,
                                                    evidence=[Evidence("k8s", ev.where, f"named by {name}")]))
            if ref.kind == "model":
                findings.add_edge(name, ref.name, ev)  # the run trains and registers the model
            elif ref.kind != "k8s_service":
                findings.add_edge(ref.name, name, ev)
