"""Airflow DAG files, parsed with `ast` and never executed (a DAG file is code: importing
it runs whatever it does at import time).

A DAG is `DAG("id", ...)`, `DAG(dag_id="id")` (also as `with DAG(...)`) or a function
decorated with `@dag`. Operators are calls with literal keyword arguments:
- a Dataflow start (`body.launchParameter.jobName`, or `job_name=`) starts a job: the job
  depends on the DAG, and its `parameters` inputs/outputs give the job's own edges;
- a sensor (a class whose name ends in Sensor) waits for something: the DAG depends on it
  (`transfer_config_id=` a scheduled query, `job_id=` a Dataflow job);
- SQL (`sql=`, `configuration.query.query`) read by the DAG makes it depend on the datasets
  it reads.
"""

from __future__ import annotations

import ast

from atlas.discovery.files import RepoFiles
from atlas.discovery.model import ComponentFinding, Evidence, Findings
from atlas.discovery.refs import find_refs, sql_datasets


def discover(repo: RepoFiles, findings: Findings) -> None:
    for file in repo.with_suffix(".py"):
        if "DAG" not in file.text and "@dag" not in file.text:
            continue
        try:
            tree = ast.parse(file.text, filename=file.path)
        except (SyntaxError, ValueError) as exc:  # ValueError: NUL bytes
            line = getattr(exc, "lineno", None)
            findings.note(f"{file.where(line)}: Python syntax error: {getattr(exc, 'msg', exc)} (DAG file skipped)")
            continue
        dag_id, schedule, dag_line = _dag(tree)
        if not dag_id:
            continue
        findings.add_component(ComponentFinding(
            dag_id, "composer_dag", labels={"workflow_name": dag_id}, repo=file.repo, path=file.path,
            schedule=schedule, evidence=[Evidence("airflow", file.where(dag_line), f"DAG {dag_id}")]))
        for call in ast.walk(tree):
            if isinstance(call, ast.Call):
                _operator(call, dag_id, file, findings)


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.AST):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _kwargs(call: ast.Call) -> dict:
    return {k.arg: _literal(k.value) for k in call.keywords if k.arg}


def _dag(tree: ast.AST) -> tuple[str, str, int]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "DAG":
            kw = _kwargs(node)
            dag_id = kw.get("dag_id") or (_literal(node.args[0]) if node.args else None)
            if isinstance(dag_id, str):
                return dag_id, _schedule(kw), node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and _name(deco.func) == "dag" or _name(deco) == "dag":
                    kw = _kwargs(deco) if isinstance(deco, ast.Call) else {}
                    dag_id = kw.get("dag_id") or node.name
                    return str(dag_id), _schedule(kw), node.lineno
    return "", "", 0


def _schedule(kw: dict) -> str:
    value = kw.get("schedule", kw.get("schedule_interval"))
    return value if isinstance(value, str) else ""


def _operator(call: ast.Call, dag_id: str, file, findings: Findings) -> None:
    cls = _name(call.func)
    kw = _kwargs(call)
    where = file.where(call.lineno)
    task = kw.get("task_id") or cls
    if cls.endswith("Sensor"):
        if isinstance(kw.get("transfer_config_id"), str):
            _upstream(findings, "bigquery_scheduled_query", kw["transfer_config_id"], "config_id", dag_id, where,
                      f"{cls} {task}")
        if "Dataflow" in cls and isinstance(kw.get("job_id"), str):
            _upstream(findings, "dataflow_job", kw["job_id"], "job_name", dag_id, where, f"{cls} {task}")
        return
    if "Dataflow" in cls and ("Start" in cls or "Template" in cls or "Create" in cls):
        launch = ((kw.get("body") or {}).get("launchParameter") if isinstance(kw.get("body"), dict) else None) or {}
        job = launch.get("jobName") or kw.get("job_name")
        if isinstance(job, str) and job:
            findings.add_component(ComponentFinding(
                job, "dataflow_job", mode="batch", labels={"job_name": job}, repo=file.repo, path=file.path,
                evidence=[Evidence("airflow", where, f"{cls} {task} in DAG {dag_id}")]))
            findings.add_edge(dag_id, job, Evidence("airflow", where, f"{cls} {task} starts {job}"))
            job_io(job, launch.get("parameters") or kw.get("parameters") or {}, Evidence("airflow", where, f"{task} parameters"),
                   findings)
        return
    sql = kw.get("sql")
    query = (((kw.get("configuration") or {}).get("query") or {}).get("query")
             if isinstance(kw.get("configuration"), dict) else None)
    for text in (sql, query):
        for ref in sql_datasets(text) if isinstance(text, str) else ():
            _upstream(findings, ref.kind, ref.name, "dataset_id", dag_id, where, f"{cls} {task} reads {ref.name}")


def _upstream(findings, kind, name, label, dag_id, where, detail) -> None:
    findings.add_component(ComponentFinding(name, kind, labels={label: name},
                                            evidence=[Evidence("airflow", where, f"named by DAG {dag_id}")]))
    findings.add_edge(name, dag_id, Evidence("airflow", where, detail))


_OUTPUT_HINTS = ("output", "destination", "sink", "target")


def job_io(job: str, parameters: dict, ev: Evidence, findings: Findings) -> None:
    """A job's parameters: `output*` (and destination, sink, target) name what it writes;
    every other resource named is what it reads. Shared by Terraform's Dataflow resources."""
    if not isinstance(parameters, dict):
        return
    for key, value in parameters.items():
        if not isinstance(value, str):
            continue
        writes = str(key).lower().startswith(_OUTPUT_HINTS)
        for ref in find_refs(value):
            if ref.kind == "k8s_service":
                continue
            findings.add_component(ComponentFinding(ref.name, ref.kind, labels=dict(ref.labels), project=ref.project,
                                                    evidence=[Evidence(ev.source, ev.where, f"named by {job}")]))
            detail = f"{ev.detail}: {key} = {value}"
            if writes:
                findings.add_edge(job, ref.name, Evidence(ev.source, ev.where, detail))
            else:
                findings.add_edge(ref.name, job, Evidence(ev.source, ev.where, detail))
