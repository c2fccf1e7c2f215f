"""A loopback GitHub REST (+ a little GraphQL) emulator, seeded with the sample repos.

    from atlas.emulators.github import GitHubEmulator, load_seed
    emu = GitHubEmulator(load_seed("scenarios/repos"), token="t")
    base_url = emu.start()          # "http://127.0.0.1:PORT/api/v3", for PyGithub's base_url

Imports no GitHub client library: the emulator speaks the wire protocol, clients bring theirs.
"""

from .faults import Fault
from .seed import Seed, SeedError, SeedIssue, SeedLabel, SeedRepo, load_seed
from .server import GitHubEmulator, RecordedRequest

__all__ = [
    "Fault",
    "GitHubEmulator",
    "RecordedRequest",
    "Seed",
    "SeedError",
    "SeedIssue",
    "SeedLabel",
    "SeedRepo",
    "load_seed",
]
