"""What changed before each cause, for triage: a ChangeReader on this session's forge.

Pull requests merged in a cause's repo (under its code path) are read through the forge
(PyGithub); the experiment sets atlas merged come from the manifests. Without a forge (no
token, the demo's GitHub emulator down, a demo catalog pointed at github.com) the reader
says why on every cause instead of finding nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.experiments.errors import ForgeError
from atlas.experiments.forge import api_url_from_env, is_loopback
from atlas.health.changes import ChangeReader, experiment_pulls
from atlas.services.demo import DemoError

if TYPE_CHECKING:
    from atlas.services.core import Services


def change_reader(services: "Services") -> ChangeReader:
    forge, why = None, ""
    try:
        if services.catalog.demo and not is_loopback(api_url_from_env(services.env_for("github"))):
            # the sample's repos live in the GitHub emulator: never ask github.com about them
            why = "demo catalog without the GitHub emulator (GITHUB_API_URL)"
        else:
            forge = services.forge()
    except (ForgeError, DemoError) as exc:
        why = str(exc)
    return ChangeReader(services.catalog, forge, experiments=experiment_pulls(services.catalog.root),
                        unavailable=why, expected=(ForgeError,))
