"""A loopback Kubeflow Pipelines API (v2beta1 REST) seeded from a scenario's [kubeflow] section."""

from .seed import KfpSeed, parse_seed, stable_id
from .server import KfpEmulator

__all__ = ["KfpEmulator", "KfpSeed", "parse_seed", "stable_id"]
