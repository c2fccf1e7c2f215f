"""The Kubeflow test product on Vertex AI Pipelines: the same catalog as product.py with its
deployment of kind vertex, read through VertexClient from a VertexEmulator on loopback."""

from __future__ import annotations

import contextlib
import types

from atlas.catalog.model import Catalog, KubeflowDeployment
from atlas.emulators.vertex import VertexEmulator
from atlas.health.service import HealthService
from atlas.kubeflow.reader import make_reader

from .product import NOW, TASKS, catalog

PROJECT, REGION = "ml", "us-central1"


def vertex_catalog(recurring: list[str], **kw) -> Catalog:
    cat = catalog(recurring, **kw)
    cat.kubeflow = {"kfp": KubeflowDeployment("kfp", "vertex", project=PROJECT, region=REGION, auth="adc")}
    return cat


def schedule(name: str = "ranker-training-nightly", **kw) -> dict:
    base = dict(display_name=name, cron="TZ=UTC 0 3 * * *", pipeline="ranker-training", tasks=TASKS, duration="1h",
                last="-11h13m20s", every="24h", count=7)  # the newest job was created at 03:00 UTC on NOW's day
    base.update(kw)
    return base


def emulator(schedules: list[dict], **kw) -> VertexEmulator:
    return VertexEmulator({"project": PROJECT, "location": REGION, "schedule": schedules}, now=lambda: NOW, **kw)


def env_of(emu: VertexEmulator) -> dict[str, str]:
    return {"ATLAS_VERTEX_ENDPOINT": emu.endpoint, "ATLAS_VERTEX_TOKEN": emu.token}


@contextlib.contextmanager
def running(cat: Catalog, schedules: list[dict], **emulator_kw):
    """(HealthService, VertexEmulator) on a frozen clock, the reader pointed at the emulator."""
    emu = emulator(schedules, **emulator_kw)
    emu.start()
    env = env_of(emu)
    service = HealthService(cat, clients=types.SimpleNamespace(monitoring=None, logging=None), now=lambda: NOW,
                            kubeflow_factory=lambda: make_reader(cat, env))
    try:
        yield service, emu
    finally:
        service.close()
        emu.stop()
