"""Fixtures shared by the emulator tests: the seeded GitHub emulator and a PyGithub client,
and the GCP emulator playing a test module's own scenario.

`emu` is a fresh GitHubEmulator per test (tests write to it), started on loopback with
GITHUB_TOKEN and stopped afterwards; `gh` is PyGithub talking to it. A module changes the
client through `github_options`. `emulator` is one GcpEmulator per module.
"""

from __future__ import annotations

import pytest

from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.github import GitHubEmulator, load_seed
from atlas.emulators.scenario import scenario_from_dict

from .clients import GITHUB_TOKEN, REPOS, github_client


@pytest.fixture(scope="module")
def seed():
    return load_seed(REPOS)


@pytest.fixture
def emulator_bugs_fail_the_test() -> bool:
    """Whether `emu` fails a test after which the emulator logged a bug of its own (a 500 no
    fault injected); a module overrides this fixture to opt out."""
    return True


@pytest.fixture
def emu(seed, emulator_bugs_fail_the_test):
    emulator = GitHubEmulator(seed, token=GITHUB_TOKEN)
    emulator.start()
    yield emulator
    emulator.stop()
    if emulator_bugs_fail_the_test:
        assert emulator.server_errors == []


@pytest.fixture
def github_options() -> dict:
    """Extra PyGithub options for `gh`; a module overrides this fixture to change them."""
    return {}


@pytest.fixture
def gh(emu, github_options):
    client = github_client(emu.base_url, **github_options)
    yield client
    client.close()


@pytest.fixture(scope="module")
def emulator(request):
    """The GCP emulator playing the module's SCENARIO dict on a clock frozen at its NOW;
    a module whose tests inject faults defines its own, fresh for each test."""
    module = request.module
    with GcpEmulator(scenario_from_dict(module.SCENARIO), now=lambda: module.NOW) as emu:
        yield emu
