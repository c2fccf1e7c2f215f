"""The Vertex AI emulator answers like Vertex AI's v1 REST API (googleapis google/cloud/aiplatform/v1
pipeline_service.proto, schedule_service.proto, pipeline_job.proto, schedule.proto): shapes,
filters, ordering, paging and the refusals a client meets."""

from __future__ import annotations

import pytest
import requests

from atlas.emulators.scenario import ScenarioError

from .vertex_product import PROJECT, REGION, emulator, schedule


@pytest.fixture(scope="module")
def emu():
    seeds = [schedule("a", count=3, running=True, failed=[{"run": 2, "task": "trainer", "error": "OOMKilled"}]),
             schedule("b", count=250, every="1h", last="-1h"), schedule("c", state="PAUSED", paused_at="-5h", count=0)]
    with emulator(seeds) as e:
        yield e


def get(emu, path, token=True, location=REGION, project=PROJECT, **params):
    headers = {"Authorization": f"Bearer {emu.token}"} if token is True else ({"Authorization": token} if token else {})
    return requests.get(f"{emu.endpoint}/v1/projects/{project}/locations/{location}{path}", params=params,
                        headers=headers, timeout=5)


def test_schedules_have_googles_camel_case_shape_and_names_carry_the_project_number(emu):
    body = get(emu, "/schedules").json()
    assert set(body) == {"schedules"}  # 3 < the default page of 100: no nextPageToken
    by = {s["displayName"]: s for s in body["schedules"]}
    a, c = by["a"], by["c"]
    assert a["state"] == "ACTIVE" and a["cron"] == "TZ=UTC 0 3 * * *" and "nextRunTime" in a
    assert c["state"] == "PAUSED" and "lastPauseTime" in c and "nextRunTime" not in c
    assert a["name"] == f"projects/{emu.seed.project_number}/locations/{REGION}/schedules/" + a["name"].rsplit("/", 1)[1]
    assert a["startedRunCount"] == "3" and a["maxConcurrentRunCount"] == "1"  # int64 as strings
    assert a["createPipelineJobRequest"]["parent"] == f"projects/{PROJECT}/locations/{REGION}"
    assert a["createTime"].endswith("Z") and "." in a["createTime"]  # Z-normalised, fractional digits


def test_the_list_view_has_no_job_detail_and_get_has_the_tasks_under_the_root_dag(emu):
    jobs = get(emu, "/pipelineJobs", filter='display_name:"ranker-training-*"', orderBy="create_time desc",
               pageSize=300).json()["pipelineJobs"]
    assert len(jobs) == 100  # 253 jobs; pageSize above the cap is coerced, not refused
    assert all("jobDetail" not in j for j in jobs) and all(j["state"].startswith("PIPELINE_STATE_") for j in jobs)
    assert all("scheduleName" in j for j in jobs)
    running = [j for j in jobs if j["state"] == "PIPELINE_STATE_RUNNING"][0]
    assert "endTime" not in running  # unset, not a zero timestamp
    detail = get(emu, "/pipelineJobs/" + running["name"].rsplit("/", 1)[1]).json()
    root, *tasks = detail["jobDetail"]["taskDetails"]
    assert root["taskName"] == "ranker-training" and "parentTaskId" not in root
    assert all(t["parentTaskId"] == root["taskId"] and t["taskId"].isdigit() for t in tasks)


def test_filters_combine_with_and_or_not_on_documented_fields(emu):
    failed = get(emu, "/pipelineJobs", filter='state="PIPELINE_STATE_FAILED"').json()["pipelineJobs"]
    assert len(failed) == 1 and failed[0]["error"]["message"].startswith("The DAG failed")
    since = f'create_time>="{failed[0]["createTime"]}"'
    both = get(emu, "/pipelineJobs", filter=f'{since} AND NOT state="PIPELINE_STATE_RUNNING"', pageSize=100).json()
    assert all(j["state"] != "PIPELINE_STATE_RUNNING" for j in both["pipelineJobs"])
    assert get(emu, "/pipelineJobs", filter='create_time>"2030-01-01T00:00:00Z"').json() == {}  # empty: {}
    paused = get(emu, "/schedules", filter='state="PAUSED" OR display_name="nope"').json()["schedules"]
    assert [s["displayName"] for s in paused] == ["c"]


@pytest.mark.parametrize("params, words", [
    ({"filter": 'schedule_name="x"'}, "Unsupported filter field"),
    ({"filter": 'state>"PIPELINE_STATE_FAILED"'}, "not supported for filter field 'state'"),
    ({"filter": 'state="FAILED"'}, "Invalid value"),
    ({"filter": 'create_time>="yesterday"'}, "must be RFC 3339"),
    ({"filter": '(create_time>"2026-01-01T00:00:00Z"'}, "Invalid filter"),
    ({"orderBy": "display_name"}, "Unsupported order_by field"),
    ({"pageSize": "-1"}, "must not be negative"),
    ({"pageToken": "bm90LWEtdG9rZW4"}, "Invalid page token"),
    ({"page_count": "2"}, "Cannot bind query parameter"),
])
def test_what_vertex_refuses_is_invalid_argument(emu, params, words):
    resp = get(emu, "/pipelineJobs", **params)
    body = resp.json()["error"]
    assert resp.status_code == 400 and body["status"] == "INVALID_ARGUMENT" and words in body["message"]


def test_a_page_token_only_goes_with_the_filter_that_made_it(emu):
    first = get(emu, "/pipelineJobs", pageSize=100).json()
    assert len(first["pipelineJobs"]) == 100
    same = get(emu, "/pipelineJobs", pageSize=100, pageToken=first["nextPageToken"])
    assert same.status_code == 200 and len(same.json()["pipelineJobs"]) == 100
    other = get(emu, "/pipelineJobs", pageSize=100, pageToken=first["nextPageToken"], filter='state="PIPELINE_STATE_FAILED"')
    assert other.status_code == 400


def test_the_wrong_region_project_or_token_is_refused_like_google(emu):
    wrong = get(emu, "/pipelineJobs", location="europe-west4")
    assert wrong.status_code == 400
    assert "The valid location ID is `us-central1`" in wrong.json()["error"]["message"]
    other = get(emu, "/schedules", project="someone-else")
    assert other.status_code == 403 and other.json()["error"]["status"] == "PERMISSION_DENIED"
    assert get(emu, "/schedules", project=emu.seed.project_number).status_code == 200  # the number works too
    missing = get(emu, "/schedules", token=None)
    assert missing.status_code == 401 and "missing required authentication" in missing.json()["error"]["message"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    bad = get(emu, "/schedules", token="Bearer expired")
    assert bad.status_code == 401 and bad.json()["error"]["status"] == "UNAUTHENTICATED"


def test_an_unknown_job_is_not_found(emu):
    resp = get(emu, "/pipelineJobs/123")
    assert resp.status_code == 404 and resp.json()["error"]["status"] == "NOT_FOUND"


def test_faults_are_injected_per_path(emu):
    emu.faults.add("503", path_regex="/schedules$")
    down = get(emu, "/schedules")
    assert down.status_code == 503 and down.json()["error"]["status"] == "UNAVAILABLE"
    assert get(emu, "/schedules").status_code == 200


def test_a_bad_seed_is_one_line_naming_the_entry_and_field():
    with pytest.raises(ScenarioError, match=r"#1 \(x\) failed\[0\] task: 'nope' is not one of the tasks"):
        emulator([schedule("x", failed=[{"run": 1, "task": "nope"}])])
    with pytest.raises(ScenarioError, match="five fields"):
        emulator([schedule("x", cron="0 0 3 * * *")])
    with pytest.raises(ScenarioError, match="state: 'DISABLED' is not one of ACTIVE, PAUSED, COMPLETED"):
        emulator([schedule("x", state="DISABLED")])
