"""A loopback Vertex AI Pipelines API (v1 REST: pipelineJobs, schedules) seeded from a scenario's [vertex] section."""

from .seed import VertexSeed, parse_seed, stable_number
from .server import DEMO_TOKEN, VertexEmulator

__all__ = ["DEMO_TOKEN", "VertexEmulator", "VertexSeed", "parse_seed", "stable_number"]
