"""Detection lag: how long after a failure reaches a component its signals can first show it.

Pure: no I/O beyond the packaged metric table. An OK status is evidence that a failure did
not pass through a component only once its signals have had time to show it. Until then
the OK is old news ("no status hides its age"): triage treats the component as one it
cannot see into, like one without data (see `atlas.health.onset`).

A signal's lag, from the catalog's own declarations and Google's published delays:
- metric and ratio: the metric's visibility delay (the metric table's `ingest_delay`:
  "After sampling, data is not visible for up to N seconds"; a BigQuery storage metric up to
  21,720 s) plus one alignment period (a point covers the period before it), or one sample
  period when that is longer (the next sample may be that far off: 300 s for Composer health);
- freshness (an age against thresholds): the age must first pass its warn line (or crit);
- log: a count of entries shows within a minute of the entries; a count that must fall
  below its line (an expected entry missing) shows only after its window;
- Kubeflow and Vertex run states (`specs.PIPELINE_TYPES`): the run reports its own state
  when it ends, so none.
A component's lag is its quickest signal's: the first one that could have shown it.
"""

from __future__ import annotations

from collections.abc import Callable

from atlas import metrictable
from atlas.catalog.model import Catalog, SignalTemplate
from atlas.health.specs import effective_template

LOG_VISIBLE = 60.0  # Cloud Logging shows an entry within seconds; one minute of slack


def signal_lag(template: SignalTemplate) -> float:
    """Seconds this signal may take to show a failure that has already happened."""
    if template.type in ("metric", "ratio"):
        known = metrictable.lookup(template.metric_type)
        if known is None:
            return float(template.alignment_period)
        return float(known.ingest_delay + max(template.alignment_period, known.sample_period))
    if template.type == "freshness":
        line = template.warn if template.warn is not None else template.crit
        return float(line or 0)
    if template.type == "log":
        return float(template.window) if template.direction == "below" else LOG_VISIBLE
    return 0.0  # PIPELINE_TYPES: a run's state is read from the run itself


def lags(catalog: Catalog) -> Callable[[str], float]:
    """component id -> its detection lag (0 for an unknown id or one without signals),
    computed when first asked and kept: a triage walk asks for a few hundred of 10,000."""
    memo: dict[str, float] = {}

    def lag(cid: str) -> float:
        got = memo.get(cid)
        if got is None:
            comp = catalog.components.get(cid)
            templates = catalog.signals_for(comp) if comp is not None else []
            got = memo[cid] = min((signal_lag(effective_template(t, comp)) for t in templates), default=0.0)
        return got

    return lag

