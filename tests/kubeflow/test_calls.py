"""Batching: the calls one refresh makes do not grow with the number of recurring runs."""

from __future__ import annotations

import math

from atlas.health.model import Status

from .product import catalog, nightly, running


def _refreshes(n: int) -> tuple[int, int, int]:
    names = [f"train-{i:04d}" for i in range(n)]
    seeds = [nightly(name, count=2, failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"}] if i == 0 else [])
             for i, name in enumerate(names)]
    with running(catalog(names), seeds) as (service, emu):
        first = service.refresh()
        assert first.components["train-0000"].status is Status.CRIT
        assert all(first.components[nm].status is Status.OK for nm in names[1:])
        second = service.refresh()
        assert second.components["train-0000"].status is Status.CRIT
        assert first.calls + second.calls == len(emu.requests)  # every request counted
        details = [r for r in emu.requests if "/runs/" in r]
    assert len(details) == 1  # one GetRun, for the one failed run, once
    return first.calls, second.calls, n


def test_calls_per_refresh_are_the_same_with_10_and_1000_recurring_runs():
    first_10, second_10, _ = _refreshes(10)
    first_1000, second_1000, _ = _refreshes(1000)
    # later refreshes: one list of the runs created since the last one, nothing per recurring run
    assert second_10 == second_1000 == 1
    # the first refresh reads whole pages of 200 (list of recurring runs, list of runs) and one
    # detail call: pages, never one call per recurring run
    assert first_10 == 1 + 1 + 1
    assert first_1000 == math.ceil(1000 / 200) + math.ceil(2000 / 200) + 1


def test_two_deployments_on_one_endpoint_and_namespace_share_one_list():
    from atlas.catalog.model import KubeflowDeployment

    cat = catalog(["a", "b"])
    cat.kubeflow["kfp2"] = KubeflowDeployment("kfp2", "kfp", host="https://other.invalid", namespace="kubeflow")
    cat.components["b"].labels["kubeflow"] = "kfp2"
    with running(cat, [nightly("a"), nightly("b")]) as (service, emu):
        snap = service.refresh()  # KF_PIPELINES_ENDPOINT points both at the emulator
    assert snap.components["a"].status is Status.OK and snap.components["b"].status is Status.OK
    assert sum("/recurringruns" in r for r in emu.requests) == 1
