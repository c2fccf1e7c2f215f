"""Console deep links: Logs Explorer with the filter as its query, Metrics Explorer per signal."""

from __future__ import annotations

import json
from urllib.parse import unquote

from atlas.health.links import logs_explorer_url, metrics_explorer_url

from .builders import grpc_error_ratio, job, lag_signal
from .test_evaluate import svc


def test_logs_explorer_url_carries_the_filter_and_project():
    flt = 'resource.type="dataflow_step" AND resource.labels.job_name="clickstream-sessionizer"'
    url = logs_explorer_url("nw-recs-data-prod", flt)
    assert url.startswith("https://console.cloud.google.com/logs/query;query=")
    assert url.endswith("?project=nw-recs-data-prod")
    encoded = url.split(";query=")[1].split("?project=")[0]
    assert " " not in encoded and '"' not in encoded
    assert unquote(encoded) == flt


def test_metrics_explorer_url_shows_the_components_series_with_its_aggregation():
    url = metrics_explorer_url("nw-recs-data-prod", lag_signal(), job("clickstream-sessionizer"))
    assert url.startswith("https://console.cloud.google.com/monitoring/metrics-explorer?project=nw-recs-data-prod&pageState=")
    state = json.loads(unquote(url.split("pageState=")[1]))
    ds = state["xyChart"]["dataSets"][0]
    assert ds["timeSeriesFilter"]["filter"] == ('metric.type = "dataflow.googleapis.com/job/system_lag" AND '
                                                'resource.type = "dataflow_job" AND '
                                                'resource.labels.job_name = "clickstream-sessionizer"')
    assert ds["timeSeriesFilter"]["perSeriesAligner"] == "ALIGN_MAX"
    assert ds["minAlignmentPeriod"] == "60s"


def test_ratio_link_is_split_by_the_ratio_label():
    url = metrics_explorer_url("nw-recs-serving-prod", grpc_error_ratio(), svc("ranker-svc"))
    state = json.loads(unquote(url.split("pageState=")[1]))
    assert "metric.labels.grpc_code" in state["xyChart"]["dataSets"][0]["timeSeriesFilter"]["groupByFields"]
