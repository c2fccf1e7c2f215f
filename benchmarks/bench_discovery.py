"""Discovery: a full run over the sample's artifacts, and over a large synthetic input.

Figures (best of R runs; the floor is the parsing nobody can avoid, measured in the same
run: reading every file and parsing it with the same parsers, ruamel YAML, ast, python-hcl2):
- the sample (3 repos, ~20 artifacts): read + discover + compare with the catalog;
- a synthetic repo set at scale: N/4 Deployments calling each other by Service address,
  N/4 Pub/Sub topics and subscriptions in Terraform, N/20 DAG files, one pipeline of 200 tasks;
- the sample edges discovery cannot find (printed: the ones no artifact shows).
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "repos" / "nw-recs"


def _floor(repos) -> float:
    import hcl2
    from ruamel.yaml import YAML

    from atlas.discovery.files import read_local

    t0 = time.perf_counter()
    for path in repos:
        repo = read_local(path)
        yaml = YAML(typ="rt")
        for f in repo.files:
            if f.path.endswith((".yaml", ".yml")):
                list(yaml.load_all(f.text))
            elif f.path.endswith(".py"):
                ast.parse(f.text)
            elif f.path.endswith(".tf"):
                hcl2.loads(f.text)
    return time.perf_counter() - t0


def _discover(repos, catalog) -> tuple[float, object]:
    from atlas.discovery.compare import compare
    from atlas.discovery.files import read_local
    from atlas.discovery.run import discover_repos

    t0 = time.perf_counter()
    findings = discover_repos([read_local(p) for p in repos], now=1_800_000_000)
    proposals = compare(findings, catalog)
    return time.perf_counter() - t0, proposals


def _synthetic(root: Path, n: int) -> list[Path]:
    services = max(4, n // 4)
    topics = max(2, n // 8)
    dags = max(1, n // 20)
    serving = root / "serving" / "deploy"
    serving.mkdir(parents=True)
    for start in range(0, services, 50):
        docs = []
        for i in range(start, min(services, start + 50)):
            callee = f"svc-{(i * 7 + 1) % services}"
            docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: svc-{i}, namespace: app}}
spec:
  template:
    spec:
      containers:
      - name: svc-{i}
        image: img/svc-{i}:1
        args: ["--backend={callee}.app.svc.cluster.local:50051"]
        env:
        - {{name: TOPIC, value: projects/synth-prod-1/topics/topic-{i % topics}}}
---
apiVersion: v1
kind: Service
metadata: {{name: svc-{i}, namespace: app}}
spec: {{selector: {{app: svc-{i}}}}}""")
        (serving / f"svc-{start}.yaml").write_text("\n---\n".join(docs) + "\n")
    tf = root / "data" / "terraform"
    tf.mkdir(parents=True)
    blocks = []
    for i in range(topics):
        blocks.append(f'resource "google_pubsub_topic" "t{i}" {{\n  name = "topic-{i}"\n}}\n'
                      f'resource "google_pubsub_subscription" "s{i}" {{\n  name  = "sub-{i}"\n'
                      f'  topic = google_pubsub_topic.t{i}.id\n}}\n')
    for start in range(0, len(blocks), 100):
        (tf / f"pubsub-{start}.tf").write_text("\n".join(blocks[start:start + 100]))
    dag_dir = root / "data" / "dags"
    dag_dir.mkdir()
    for i in range(dags):
        (dag_dir / f"dag_{i}.py").write_text(
            f'from airflow import DAG\nwith DAG(dag_id="dag_{i}", schedule="0 1 * * *") as dag:\n'
            f'    BigQueryCheckOperator(task_id="c", sql="SELECT 1 FROM ds_{i % 10}.t")\n'
            f'    DataflowStartFlexTemplateOperator(task_id="j", body={{"launchParameter": {{"jobName": "job-{i}", '
            f'"parameters": {{"inputTable": "synth-prod-1:ds_{i % 10}.t", "outputTable": "synth-prod-1:out_{i % 10}.t"}}}}}})\n')
    tasks = "\n".join(f"      task-{i}:\n        componentRef: {{name: comp}}\n" + (f"        dependentTasks: [task-{i - 1}]\n" if i else "")
                      for i in range(200))
    ml = root / "ml"
    ml.mkdir()
    (ml / "pipeline.yaml").write_text(f"pipelineInfo: {{name: big}}\nroot:\n  dag:\n    tasks:\n{tasks}")
    return [root / "serving", root / "data", ml]


def run(ctx) -> None:
    from atlas.catalog.loader import load_catalog

    catalog = load_catalog(ROOT / "catalog").catalog
    sample = [SAMPLE / name for name in ("data-pipelines", "training", "serving")]
    repeat = 3 if ctx.quick else 7
    floor = min(_floor(sample) for _ in range(repeat))
    runs = [_discover(sample, catalog) for _ in range(repeat)]
    best = min(t for t, _ in runs)
    proposals = runs[0][1]
    ctx.figure("discovery, full run on the sample (3 repos)", best, "s", floor=floor, max_ratio=2.0, max_value=1.0)
    sample_edges = {(up, c.id) for c in catalog.components.values() for up in c.depends_on}
    found = {(e.upstream, e.downstream) for e in proposals.edges}
    missing = sorted(sample_edges - found)
    ctx.figure("  sample edges found", 100 * len(sample_edges & found) / len(sample_edges), "%",
               note=f"{len(sample_edges & found)}/{len(sample_edges)}; not found: "
                    + ", ".join(f"{d}<-{u}" for u, d in missing))

    repos = _synthetic(ctx.workdir / "discovery-synth", ctx.n)
    floor = min(_floor(repos) for _ in range(1 if ctx.quick else 3))
    t, big = min((_discover(repos, None) for _ in range(1 if ctx.quick else 3)), key=lambda r: r[0])
    ctx.figure(f"discovery, synthetic input (~{ctx.n:,} artifacts' components)", t, "s", floor=floor, max_ratio=2.0,
               note=f"{len(big.components):,} components, {len(big.edges):,} edges")
