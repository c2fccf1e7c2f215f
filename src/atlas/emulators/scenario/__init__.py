"""Scenarios: what the GCP emulator serves, written relative to "now".

A scenario is a TOML file (documented in docs/scenario-format.md) with time series, log
entries, alert policies, faults and the GitHub seed location. Everything is relative to the
moment of the request, so a demo incident is always "3 h ago". Loading validates the whole
file and raises `ScenarioError` with one line naming the file, the entry and the field.

specs: the dataclasses a scenario holds; fields: durations and field validators; load:
TOML to specs. Pure: no gRPC, no Google imports.
"""

from __future__ import annotations

from .fields import ScenarioError, parse_offset
from .load import KNOWN_KINDS, load_scenario, parse_fault, scenario_from_dict
from .specs import (FAULT_KINDS, METRIC_KINDS, MINUTE, SEVERITIES, VALUE_TYPES, AlertPolicySpec, FaultSpec,
                    LogEntryData, LogSpec, Scenario, SeriesSpec, Shape)

__all__ = [
    "FAULT_KINDS", "KNOWN_KINDS", "METRIC_KINDS", "MINUTE", "SEVERITIES", "VALUE_TYPES", "AlertPolicySpec",
    "FaultSpec", "LogEntryData", "LogSpec", "Scenario", "ScenarioError", "SeriesSpec", "Shape", "load_scenario",
    "parse_fault", "parse_offset", "scenario_from_dict",
]
