"""The wire itself: auth, secrets, GitHub-shaped errors, HTML links, speed, concurrency."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
import requests
from github import Auth, BadCredentialsException, Github, InputGitTreeElement

from atlas.emulators.github import GitHubEmulator

from .clients import GITHUB_TOKEN as TOKEN
from .clients import REPOS, github_client


def call(emu, method: str, path: str, body: bytes | None = None, auth: str | None = f"token {TOKEN}"):
    """A raw request; returns (status, headers, body bytes)."""
    req = urllib.request.Request(emu.origin + path, data=body, method=method)
    if auth:
        req.add_header("Authorization", auth)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_requests_without_the_token_get_401_bad_credentials(emu):
    anonymous = Github(base_url=emu.base_url, seconds_between_requests=0, retry=None)
    with pytest.raises(BadCredentialsException):
        anonymous.get_repo("nw-recs/serving")
    wrong = Github(auth=Auth.Token("ghp_wrong"), base_url=emu.base_url, seconds_between_requests=0, retry=None)
    with pytest.raises(BadCredentialsException):
        wrong.get_user().login
    status, _, body = call(emu, "POST", "/api/graphql", b"{}", auth=None)
    assert status == 401 and json.loads(body)["message"] == "Bad credentials"
    assert call(emu, "GET", "/api/v3/user", auth=f"Bearer {TOKEN}")[0] == 200


def test_the_token_never_appears_in_the_request_log_or_any_response(emu):
    gh = github_client(emu.base_url)
    repo = gh.get_repo("nw-recs/serving")
    base = repo.get_git_commit(repo.get_branch("main").commit.sha)
    tree = repo.create_git_tree([InputGitTreeElement("a.txt", "100644", "blob", content="a\n")], base.tree)
    repo.create_git_ref("refs/heads/exp/t", repo.create_git_commit("t", tree, [base]).sha)
    pr = repo.create_pull(base="main", head="exp/t", title="t", body="", draft=True)
    pr.mark_ready_for_review()
    list(pr.get_files()), list(repo.get_pulls()), repo.get_contents("README.md"), repo.get_pull(pr.number)
    call(emu, "GET", f"/api/v3/user?access_token={TOKEN}")  # a secret in a url gets redacted
    call(emu, "GET", "/api/v3/user", auth=f"token {TOKEN}x")  # a near miss is not echoed either

    bodies = []
    for r in list(emu.requests):
        assert TOKEN not in r.path
        if r.method == "GET":
            status, headers, body = call(emu, "GET", r.path)
            bodies.append(body.decode() + json.dumps(headers))
    bodies.append(call(emu, "GET", "/api/v3/user", auth="token nope")[2].decode())
    bodies.append(call(emu, "POST", "/api/v3/repos/nw-recs/serving/issues", b"{bad")[2].decode())
    assert any("access_token=***" in r.path for r in emu.requests)
    assert all(TOKEN not in b for b in bodies) and len(bodies) > 8


def test_unknown_endpoints_and_repos_answer_github_404_json(emu):
    for path in ("/api/v3/nope", "/api/v3/repos/nw-recs/missing", "/api/v3/repos/nw-recs/serving/pulls/999"):
        status, headers, body = call(emu, "GET", path)
        assert status == 404 and headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["message"] == "Not Found"


def test_bad_json_is_400_and_bad_fields_are_422_naming_the_field(emu):
    path = "/api/v3/repos/nw-recs/serving/issues"
    status, _, body = call(emu, "POST", path, b"{not json")
    assert status == 400 and json.loads(body)["message"] == "Problems parsing JSON"
    status, _, body = call(emu, "POST", path, json.dumps({"body": "no title"}).encode())
    assert status == 422
    assert json.loads(body)["errors"] == [{"resource": "Issue", "code": "missing_field", "field": "title"}]
    status, _, body = call(emu, "POST", path, json.dumps({"title": 7}).encode())
    assert status == 422 and "'title'" in json.loads(body)["message"]


def test_html_url_of_a_pull_request_opens_a_page_and_download_url_serves_raw_bytes(emu):
    gh = github_client(emu.base_url)
    issue = gh.get_repo("nw-recs/serving").get_issue(1)
    with urllib.request.urlopen(issue.html_url, timeout=5) as resp:  # a browser sends no token
        page = resp.read().decode()
    assert resp.headers["Content-Type"].startswith("text/html") and issue.title in page
    content = gh.get_repo("nw-recs/serving").get_contents("deploy/ranker-svc/experiments.json")
    with urllib.request.urlopen(content.download_url, timeout=5) as resp:
        assert resp.read() == content.decoded_content
    with urllib.request.urlopen(emu.origin + "/nw-recs/serving", timeout=5) as resp:
        assert "deploy/" in resp.read().decode()


def test_every_url_points_back_at_the_emulator(emu):
    _, _, body = call(emu, "GET", "/api/v3/repos/nw-recs/training/issues/1")

    def urls(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k.endswith("url") and isinstance(v, str):
                    yield v
                yield from urls(v)
        elif isinstance(value, list):
            for v in value:
                yield from urls(v)

    found = list(urls(json.loads(body)))
    assert found and all(u.startswith(emu.origin + "/") for u in found)


def test_keep_alive_serves_every_request_on_one_connection(emu):
    # (the per-request latency, ~40 ms if Nagle were left on: benchmarks/bench_timings.py)
    session = requests.Session()
    session.headers["Authorization"] = f"token {TOKEN}"
    for _ in range(20):
        session.get(emu.base_url + "/repos/nw-recs/serving").raise_for_status()
    pools = session.get_adapter(emu.base_url).poolmanager.pools
    assert [pools[key].num_connections for key in pools.keys()] == [1]


def test_concurrent_writers_get_distinct_issue_numbers(emu):
    numbers: list[int] = []

    def worker():
        session = requests.Session()
        for i in range(5):
            r = session.post(emu.base_url + "/repos/nw-recs/training/issues", json={"title": f"t{i}"},
                             headers={"Authorization": f"token {TOKEN}"})
            numbers.append(r.json()["number"])

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) == 30 and len(set(numbers)) == 30


def test_only_loopback_and_stop_releases_the_port(seed):
    with pytest.raises(ValueError, match="loopback"):
        GitHubEmulator(seed, host="0.0.0.0")
    emulator = GitHubEmulator(seed)
    url = emulator.start()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/api/v3")
    session = requests.Session()
    assert session.get(url + "/user", timeout=5).json()["login"] == "atlas-bot"  # no token: open
    emulator.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url + "/user", timeout=2)
    with pytest.raises(requests.exceptions.ConnectionError):  # nor over a kept-alive connection
        session.get(url + "/user", timeout=2)


def test_standalone_server_reads_the_token_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "GITHUB_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-m", "atlas.emulators.github", "--repos", str(REPOS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("GITHUB_API_URL=http://127.0.0.1:") and TOKEN not in line
        url = line.split("=", 1)[1]
        assert requests.get(url + "/user", timeout=5).status_code == 401
        ok = requests.get(url + "/repos/nw-recs/training", headers={"Authorization": f"token {TOKEN}"}, timeout=5)
        assert ok.json()["default_branch"] == "main"
    finally:
        proc.terminate()
        proc.wait(timeout=5)
    assert TOKEN not in proc.stderr.read()
    bad = subprocess.run([sys.executable, "-m", "atlas.emulators.github", "--repos", str(tmp_path / "nope")],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and bad.stderr.strip().startswith("error: ") and "Traceback" not in bad.stderr


def test_a_rejected_edit_changes_nothing(emu):
    path = "/api/v3/repos/nw-recs/serving/issues/1"
    before = json.loads(call(emu, "GET", path)[2])
    status, _, body = call(emu, "PATCH", path, json.dumps({"title": "renamed", "state": "archived"}).encode())
    assert status == 422 and json.loads(body)["errors"][0]["field"] == "state"
    after = json.loads(call(emu, "GET", path)[2])
    assert after["title"] == before["title"] and after["state"] == "open"


def test_link_headers_walk_every_page_exactly_once(emu):
    session = requests.Session()
    session.headers["Authorization"] = f"token {TOKEN}"
    everything = session.get(emu.base_url + "/repos/nw-recs/data-pipelines/labels?per_page=100").json()
    for per_page in (1, 4, 7):
        url, seen = emu.base_url + f"/repos/nw-recs/data-pipelines/labels?per_page={per_page}", []
        while url:
            resp = session.get(url)
            seen += [x["name"] for x in resp.json()]
            url = resp.links.get("next", {}).get("url")
        assert seen == [x["name"] for x in everything]
    assert len(everything) > 7
