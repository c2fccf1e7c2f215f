"""The KFP emulator answers like the real API server (github.com/kubeflow/pipelines,
backend/api/v2beta1 and backend/src/apiserver): shapes, filters, sorting, paging, refusals."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests

from atlas.emulators.kfp import KfpEmulator
from atlas.emulators.scenario import ScenarioError

from .product import NOW, nightly

API = "/apis/v2beta1"


@pytest.fixture(scope="module")
def emu():
    seeds = [nightly("a", count=3, running=True), nightly("b", count=250, every="1h", last="-1h"),
             nightly("c", status="DISABLED", count=0)]
    with KfpEmulator({"recurring_run": seeds}, now=lambda: NOW) as e:
        yield e


def get(emu, path, **params):
    return requests.get(emu.endpoint + API + path, params=params, timeout=5)


def flt(*predicates) -> str:
    return quote(json.dumps({"predicates": list(predicates)}), safe="")  # the client's own escape


def test_recurring_runs_are_listed_under_the_protos_camel_case_key_with_snake_case_fields(emu):
    body = get(emu, "/recurringruns").json()
    assert set(body) == {"recurringRuns", "total_size"}
    rr = {r["display_name"]: r for r in body["recurringRuns"]}
    assert rr["a"]["trigger"]["cron_schedule"]["cron"] == "0 0 3 * * *"
    assert rr["a"]["status"] == "ENABLED" and rr["c"]["status"] == "DISABLED"
    assert rr["a"]["max_concurrency"] == "1"  # int64 as a string


def test_an_empty_list_is_an_empty_object(emu):
    since = {"operation": "GREATER_THAN", "key": "created_at", "timestamp_value": "2030-01-01T00:00:00Z"}
    assert get(emu, "/runs", filter=flt(since)).json() == {}


def test_an_unfinished_run_has_the_zero_timestamp_and_task_details(emu):
    rr_id = {r["display_name"]: r["recurring_run_id"] for r in get(emu, "/recurringruns").json()["recurringRuns"]}["a"]
    runs = get(emu, "/runs", filter=flt({"operation": "EQUALS", "key": "recurring_run_id", "string_value": rr_id}),
               sort_by="created_at desc").json()["runs"]
    newest = runs[0]
    assert newest["state"] == "RUNNING" and newest["finished_at"] == "1970-01-01T00:00:00Z"
    task = newest["run_details"]["task_details"][0]
    assert task["execution_id"].isdigit() and isinstance(task["execution_id"], str)
    assert get(emu, f"/runs/{newest['run_id']}").json()["run_id"] == newest["run_id"]


def test_pages_hold_at_most_200_and_the_token_carries_the_query(emu):
    first = get(emu, "/runs", page_size=1000).json()
    assert len(first["runs"]) == 200 and first["total_size"] == 253
    # the token keeps the first request's filter and order: a new filter is ignored
    rest = get(emu, "/runs", page_token=first["next_page_token"], page_size=1000,
               filter=flt({"operation": "EQUALS", "key": "state", "string_value": "FAILED"})).json()
    assert len(rest["runs"]) == 53 and "next_page_token" not in rest
    assert get(emu, "/runs").json()["runs"].__len__() == 20  # page_size 0 means 20


def test_the_filter_is_unescaped_twice_so_an_unencoded_plus_is_refused(emu):
    raw = json.dumps({"predicates": [{"operation": "GREATER_THAN_EQUALS", "key": "created_at",
                                      "timestamp_value": "2026-09-20T00:00:00+00:00"}]})
    resp = get(emu, "/runs", filter=raw)  # escaped once by requests only: '+' becomes ' '
    assert resp.status_code == 400 and resp.json()["code"] == 3
    ok = get(emu, "/runs", filter=quote(raw, safe=""))
    assert ok.status_code == 200 and ok.json()["total_size"] > 0


@pytest.mark.parametrize("params, words", [
    ({"filter": flt({"operation": "EQUALS", "key": "pipeline_name", "string_value": "x"})}, "unrecognized field"),
    ({"sort_by": "name desc"}, "Invalid sorting field"),
    ({"sort_by": "created_at sideways"}, "invalid sort by format"),
    ({"page_size": "-1"}, "greater than 0"),
    ({"page_token": "not-a-token"}, "Invalid page token"),
])
def test_what_the_server_refuses_is_refused(emu, params, words):
    resp = get(emu, "/runs", **params)
    assert resp.status_code == 400 and words in resp.json()["message"]


def test_an_unknown_run_is_404_with_the_gateways_body(emu):
    resp = get(emu, "/runs/nope")
    assert resp.status_code == 404 and resp.json()["code"] == 5


def test_faults_are_injected_per_path(emu):
    emu.faults.add("503", path_regex="/recurringruns$")
    assert get(emu, "/recurringruns").status_code == 503
    assert get(emu, "/recurringruns").status_code == 200


def test_a_bad_seed_is_one_line_naming_the_entry_and_field():
    with pytest.raises(ScenarioError, match=r"#1 \(x\) failed\[0\] task: 'nope' is not one of the tasks"):
        KfpEmulator({"recurring_run": [nightly("x", failed=[{"run": 1, "task": "nope"}])]}, now=lambda: NOW)
    with pytest.raises(ScenarioError, match="six fields"):
        KfpEmulator({"recurring_run": [nightly("x", cron="0 3 * * *")]}, now=lambda: NOW)
