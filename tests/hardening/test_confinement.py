"""What atlas edits stays inside the repo it names, and repo names cannot walk the API."""

from __future__ import annotations

import pytest

from atlas.experiments.values import path_problem
from tests.experiments.conftest import SAMPLE_MANIFEST, write_catalog as experiment_catalog
from tests.helpers import component, write_catalog

from .conftest import assert_clean, atlas


@pytest.mark.parametrize("path", ["src/.git/config", "src/.GIT/hooks/pre-commit", ".Git/HEAD"])
def test_a_target_path_never_points_into_git_metadata_at_any_depth(path):
    assert path_problem(path) == f"{path!r} must not point into .git"


@pytest.mark.parametrize("github", ["../..", "nw-recs/..", "./serving"])
def test_a_repo_github_name_of_dots_is_an_error(tmp_path, github):
    root = write_catalog(tmp_path, [component("ranker-svc", owner="ranking", repo="serving")],
                         repos=[{"id": "serving", "github": github}])
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 1)
    assert f'repo serving: github: "{github}" is not valid: expected owner/name (neither part . or ..)' \
        in result.output


def test_a_recorded_pr_with_a_dotted_repo_is_refused(tmp_path):
    text = SAMPLE_MANIFEST.read_text() + '\n[prs.serving]\ngithub = "../../user"\nnumber = 1\n'
    catalog = experiment_catalog(tmp_path, manifest_text=text)
    result = atlas("experiment", "status", "--catalog", str(catalog), "exp-ranker-dwell-v2",
                   env={"GITHUB_API_URL": "http://127.0.0.1:1/api/v3", "GITHUB_TOKEN": "x-token"})
    assert_clean(result, 1)
    assert "prs.serving.github: '../../user' is not owner/name" in result.output
