"""Compiled Kubeflow pipelines (the KFP v2 IR YAML the SDK's compiler writes).

The IR lists the pipeline (`pipelineInfo.name`), its tasks (`root.dag.tasks`, each with
`dependentTasks` and a `componentRef` whose executor names the image and args) and the
pipeline root. See the PipelineSpec message in kubeflow/pipelines api/v2alpha1/pipeline_spec.proto.
"""

from __future__ import annotations

from atlas.discovery.files import RepoFiles
from atlas.discovery.model import ComponentFinding, Evidence, Findings
from atlas.discovery.refs import find_refs
from atlas.discovery.yamldocs import get, line_of, load_documents


def is_pipeline_spec(doc) -> bool:
    return isinstance(doc, dict) and "pipelineInfo" in doc and "root" in doc


def discover(repo: RepoFiles, findings: Findings, docs: dict) -> None:
    """`docs` maps a file to its parsed documents (parsed once, shared with k8s)."""
    for file, documents in docs.items():
        for doc in documents:
            if is_pipeline_spec(doc):
                _pipeline(file, doc, findings)


def _pipeline(file, doc, findings: Findings) -> None:
    name = get(doc, "pipelineInfo", "name")
    if not isinstance(name, str) or not name:
        findings.note(f"{file.where(line_of(doc))}: a pipeline spec without pipelineInfo.name (skipped)")
        return
    where = file.where(line_of(doc.get("pipelineInfo")))
    findings.add_component(ComponentFinding(
        name, "kubeflow_pipeline", labels={"pipeline_name": name}, repo=file.repo, path=file.path,
        evidence=[Evidence("kfp", where, f"pipeline {name}")]))
    # What the pipeline reads by default: its root and the defaults of its parameters.
    inputs = [("defaultPipelineRoot", doc.get("defaultPipelineRoot"), line_of(doc, "defaultPipelineRoot"))]
    params = get(doc, "root", "inputDefinitions", "parameters", default={}) or {}
    for pname, spec in params.items():
        inputs.append((f"parameter {pname}", get(spec, "defaultValue"), line_of(params, pname)))
    for label, value, line in inputs:
        for ref in find_refs(value) if isinstance(value, str) else ():
            if ref.kind == "gcs_bucket":
                _ref_component(findings, ref, file)
                findings.add_edge(ref.name, name, Evidence("kfp", file.where(line), f"{label} = {value}"))
    executors = get(doc, "deploymentSpec", "executors", default={}) or {}
    components = doc.get("components") or {}
    tasks = get(doc, "root", "dag", "tasks", default={}) or {}
    for task, spec in tasks.items():
        if not isinstance(spec, dict):
            continue
        tline = file.where(line_of(tasks, task))
        comp_name = get(spec, "componentRef", "name", default="")
        executor = executors.get(get(components, comp_name, "executorLabel", default="")) or {}
        image = get(executor, "container", "image", default="")
        detail = f"task of {name}" + (f", image {image}" if image else "")
        findings.add_component(ComponentFinding(
            task, "pipeline_component", labels={"task": task}, repo=file.repo, path=file.path,
            evidence=[Evidence("kfp", tline, detail)]))
        for upstream in spec.get("dependentTasks") or ():
            findings.add_edge(str(upstream), task, Evidence("kfp", tline, f"dependentTasks: {upstream}"))
        # A step that pushes a model to the registry is what the model depends on.
        for arg in get(executor, "container", "args", default=[]) or []:
            for ref in find_refs(str(arg)):
                if ref.kind == "model":
                    _ref_component(findings, ref, file)
                    findings.add_edge(task, ref.name, Evidence("kfp", tline, f"{comp_name} args name {arg}"))


def _ref_component(findings: Findings, ref, file) -> None:
    findings.add_component(ComponentFinding(
        ref.name, ref.kind, labels=dict(ref.labels), project=ref.project,
        evidence=[Evidence("kfp", file.where(), f"named by {file.path}")]))
