"""Merged pull requests in the seed (pulls.toml): what PyGithub reads back over loopback is
what GitHub would answer after they were opened and merged, dated on the emulator's clock;
a bad entry is one line naming the entry and the field."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from atlas.emulators.github import GitHubEmulator, SeedError, load_seed
from atlas.emulators.github.__main__ import main as emulator_main
from atlas.emulators.runner import start_github
from atlas.emulators.scenario import ScenarioError

from .clients import GITHUB_TOKEN, REPOS, github_client

START = 1_790_000_000.0  # the emulator's clock when it is built (2026-09-21T14:13:20Z)
H = 3600


def utc(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc)


def make_seed(tmp_path: Path, pulls: str, issues: str = "") -> Path:
    root = tmp_path / "repos"
    (root / "acme" / "app" / "src").mkdir(parents=True)
    (root / "acme" / "app" / "README.md").write_text("# app\n\nThe app.\n")
    (root / "acme" / "app" / "src" / "job.py").write_text("TABLE = 'events.sessions'\n")
    (root / "acme" / "app" / "docs.md").write_text("docs\n")
    (root / "pulls.toml").write_text(textwrap.dedent(pulls))
    if issues:
        (root / "issues.toml").write_text(textwrap.dedent(issues))
    return root


TWO_PULLS = """
    [[pull]]
    repo = "acme/app"
    title = "job: read sessions_v2"
    author = "kwame"
    merged_by = "priya"
    head = "kwame/sessions-v2"
    created_at = "-1d"
    merged_at = "-3h40m"
    body = "Points the job at sessions_v2."

    [[pull.file]]
    path = "src/job.py"
    content = "TABLE = 'events.sessions_v2'\\n"

    [[pull.file]]
    path = "docs.md"
    remove = true

    [[pull]]
    repo = "acme/app"
    title = "docs: add a runbook link"
    author = "tomas"
    merged_at = "-30m"
    merge_method = "squash"

    [[pull.file]]
    path = "RUNBOOK.md"
    content = "see the catalog\\n"
"""


@pytest.fixture
def app(tmp_path):
    clock = {"t": START}
    emu = GitHubEmulator(load_seed(make_seed(tmp_path, TWO_PULLS, """
        [[issue]]
        repo = "acme/app"
        title = "an older issue"
        created_at = "2026-09-01T10:00:00Z"
    """)), token=GITHUB_TOKEN, clock=lambda: clock["t"])
    clock["t"] = START + 120  # requests come later: the seeded history stays where it was
    emu.start()
    yield emu, github_client(emu.base_url).get_repo("acme/app")
    emu.stop()
    assert emu.server_errors == []


def test_pygithub_reads_a_seeded_merged_pr_dated_on_the_emulator_clock(app):
    emu, repo = app
    listed = list(repo.get_pulls(state="closed", sort="updated", direction="desc", base="main"))
    assert [(p.number, p.title) for p in listed] == [(3, "docs: add a runbook link"), (2, "job: read sessions_v2")]
    pr = repo.get_pull(2)  # numbered after the seeded issue (#1), in the order they were opened
    assert pr.user.login == "kwame" and pr.merged_by.login == "priya"
    assert pr.created_at == utc(START - 24 * H)
    assert pr.merged_at == pr.closed_at == pr.updated_at == utc(START - 3 * H - 40 * 60)
    assert pr.state == "closed" and pr.merged and pr.is_merged()
    assert pr.body == "Points the job at sessions_v2." and pr.base.ref == "main" and pr.head.ref == "kwame/sessions-v2"
    files = {f.filename: f for f in pr.get_files()}
    assert set(files) == {"src/job.py", "docs.md"}
    assert files["src/job.py"].status == "modified" and "+TABLE = 'events.sessions_v2'" in files["src/job.py"].patch
    assert files["docs.md"].status == "removed"
    assert (pr.changed_files, pr.additions, pr.deletions, pr.commits) == (2, 1, 2, 1)
    # the head commit is the author's, dated when the PR was opened; the merge commit the merger's
    head = repo.get_commit(pr.head.sha)
    assert head.author.login == "kwame" and head.commit.author.date == utc(START - 24 * H)
    merge = repo.get_commit(pr.merge_commit_sha)
    assert [p.sha for p in merge.parents][1] == pr.head.sha and merge.author.login == "priya"
    assert merge.commit.author.date == pr.merged_at
    assert merge.commit.message.startswith("Merge pull request #2 from acme/kwame/sessions-v2")
    # the head branch was deleted after the merge; main shows both PRs' files
    assert [b.name for b in repo.get_branches()] == ["main"]
    assert repo.get_contents("src/job.py", ref="main").decoded_content == b"TABLE = 'events.sessions_v2'\n"
    assert repo.get_contents("RUNBOOK.md").decoded_content == b"see the catalog\n"
    # the squash-merged one: one commit on main, its sha the merge_commit_sha
    squashed = repo.get_pull(3)
    assert squashed.merge_commit_sha == repo.get_branch("main").commit.sha
    assert squashed.head.ref == "tomas/pull-3" and squashed.created_at == utc(START - 30 * 60 - H)
    assert repo.get_commit(squashed.merge_commit_sha).commit.message == "docs: add a runbook link (#3)"
    # the issues API lists them as pull requests, merged
    issue = repo.get_issue(2)
    assert issue.pull_request is not None and issue.closed_at == pr.merged_at
    # what the wizard opens next continues the sequence
    assert repo.get_issues(state="all").totalCount == 3


def test_the_forge_finds_the_seeded_pr_with_its_files(app):
    from atlas.experiments.forge import Forge
    from atlas.experiments.token import Secret

    emu, _ = app
    forge = Forge(Secret(GITHUB_TOKEN, "test"), emu.base_url, backoff=0.01, secondary_rate_wait=0.01)
    found = forge.merged_pulls("acme/app", "main", START - 6 * H, with_files=True)
    assert [(p["number"], p["author"], p["merged_at"], p["files"]) for p in found] == [
        (3, "tomas", START - 30 * 60, ["RUNBOOK.md"]),
        (2, "kwame", START - 3 * H - 40 * 60, ["docs.md", "src/job.py"])]
    # stops at the first PR updated before `since`
    assert [p["number"] for p in forge.merged_pulls("acme/app", "main", START - H)] == [3]


def test_the_demo_seed_has_kwames_backfill_pr_under_its_code_path():
    emu = GitHubEmulator(load_seed(REPOS), token=GITHUB_TOKEN, clock=lambda: START)
    emu.start()
    try:
        repo = github_client(emu.base_url).get_repo("nw-recs/data-pipelines")
        pr = next(p for p in repo.get_pulls(state="closed") if "sessions_v2" in p.title)
        assert pr.user.login == "kwame" and pr.merged
        assert START - pr.merged_at.timestamp() == 3 * H + 40 * 60 + 30  # 40 min before the -3h failure
        assert [f.filename for f in pr.get_files()] == ["dataflow/feature_backfill/nw_features/sources.py"]
        assert b"sessions_v2" in emu.read_file("nw-recs/data-pipelines", "dataflow/feature_backfill/nw_features/sources.py")
    finally:
        emu.stop()
    assert emu.server_errors == []


@pytest.mark.parametrize("entry, message", [
    ('title = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n[[pull.file]]\npath = "a"\ncontent = "a"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'repo' is required (a string)"),
    ('repo = "acme/nope"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'repo': unknown repo 'acme/nope' (known: acme/app)"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "3h"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'merged_at': '3h' is not a time before now"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'merged_at' is required"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-2h"\ncreated_at = "-1h"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'created_at' ('-1h') is after 'merged_at' ('-2h')"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "-kwame"\nmerged_at = "-1h"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'author': '-kwame' is not a GitHub login"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\nbase = "develop"\n',
     "pulls.toml: [[pull]] #1 ('x'): field 'base': 'develop' is not a branch of acme/app"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\nmerged = true\n',
     "pulls.toml: [[pull]] #1 ('x'): unknown field 'merged'"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n',
     "pulls.toml: [[pull]] #1 ('x'): needs at least one [[pull.file]]"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n[[pull.file]]\npath = "../etc/passwd"\ncontent = "a"\n',
     "pulls.toml: [[pull]] #1 ('x'): [[pull.file]] #1: field 'path' must be a relative file path inside the repo"),
    ('repo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n[[pull.file]]\npath = "a"\n',
     "pulls.toml: [[pull]] #1 ('x'): [[pull.file]] #1 (a): give either 'content' (the file's new text) or remove = true"),
])
def test_a_bad_entry_is_one_line_naming_the_entry_and_the_field(tmp_path, entry, message):
    root = make_seed(tmp_path, "[[pull]]\n" + entry)
    with pytest.raises(SeedError) as err:
        load_seed(root)
    assert str(err.value).startswith(f"{root / 'pulls.toml'}: " + message.removeprefix("pulls.toml: ")), str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("entry, message", [
    ('[[pull.file]]\npath = "nope.py"\nremove = true\n', "removes 'nope.py', which acme/app does not have"),
    ('[[pull.file]]\npath = "docs.md"\ncontent = "docs\\n"\n', "its files change nothing in acme/app"),
    ('number = 1\n[[pull.file]]\npath = "docs.md"\ncontent = "new\\n"\n', "field 'number': #1 is taken"),
])
def test_a_pr_the_history_does_not_allow_is_one_line_when_the_forge_starts(tmp_path, entry, message):
    root = make_seed(tmp_path, '[[pull]]\nrepo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n' + entry,
                     '[[issue]]\nrepo = "acme/app"\ntitle = "first"\n')
    seed = load_seed(root)  # only the history can tell
    with pytest.raises(SeedError) as err:
        GitHubEmulator(seed)
    assert str(err.value).startswith(f"{root / 'pulls.toml'}: [[pull]] #1 ('x'): {message}"), str(err.value)
    assert "\n" not in str(err.value)


def test_two_seeded_prs_that_conflict_are_refused_at_start(tmp_path):
    one = '[[pull]]\nrepo = "acme/app"\ntitle = "%s"\nauthor = "kwame"\ncreated_at = "-3h"\nmerged_at = "%s"\n' \
          '[[pull.file]]\npath = "src/job.py"\ncontent = "%s\\n"\n'
    root = make_seed(tmp_path, one % ("a", "-2h", "A") + one % ("b", "-1h", "B"))
    with pytest.raises(SeedError) as err:
        GitHubEmulator(load_seed(root))
    assert str(err.value) == f"{root / 'pulls.toml'}: [[pull]] #2 ('b'): conflicts with a PR merged before it, in src/job.py"


def test_a_bad_seed_stops_the_demo_and_the_standalone_emulator_with_one_line(tmp_path, capsys):
    root = make_seed(tmp_path, '[[pull]]\nrepo = "acme/app"\ntitle = "x"\nauthor = "kwame"\nmerged_at = "-1h"\n'
                               '[[pull.file]]\npath = "nope.py"\nremove = true\n')
    scenario = tmp_path / "s.toml"
    scenario.write_text('[scenario]\nname = "s"\nproject = "p"\n[github]\nrepos_dir = "repos"\n')
    with pytest.raises(ScenarioError, match="removes 'nope.py'"):
        start_github(scenario)
    assert emulator_main(["--repos", str(root), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "removes 'nope.py'" in err and "Traceback" not in err
