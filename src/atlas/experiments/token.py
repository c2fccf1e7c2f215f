"""The GitHub token: where it comes from, and keeping it out of every text atlas writes.

Order: GITHUB_TOKEN, then GH_TOKEN, then `gh auth token --hostname HOST` when the GitHub CLI
is on PATH (run with a list argv, no shell; HOST is the API's web host, so a GitHub
Enterprise API gets that server's token, not github.com's). The token is held by one `Secret`; everything atlas
prints, logs, journals or records passes through `scrub` first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Mapping

REDACTED = "[redacted]"
_GH_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Secret:
    value: str
    source: str  # "GITHUB_TOKEN" | "GH_TOKEN" | "gh auth token"

    def __repr__(self) -> str:  # never show the value, even in a debugger or traceback
        return f"Secret(source={self.source!r})"

    __str__ = __repr__


def gh_hostname(api_url: str) -> str:
    """The host `gh` keys its tokens by: github.com for api.github.com, else the API's host."""
    from urllib.parse import urlparse

    host = urlparse(api_url).hostname or "github.com"
    return "github.com" if host in ("api.github.com", "github.com") else host


def resolve_token(env: Mapping[str, str] | None = None, api_url: str = "https://api.github.com") -> Secret | None:
    env = os.environ if env is None else env
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = (env.get(name) or "").strip()
        if value:
            return Secret(value, name)
    gh = shutil.which("gh", path=env.get("PATH"))
    if gh:
        try:
            done = subprocess.run(
                [gh, "auth", "token", "--hostname", gh_hostname(api_url)], capture_output=True, text=True, timeout=_GH_TIMEOUT, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        value = done.stdout.strip()
        if done.returncode == 0 and value:
            return Secret(value, "gh auth token")
    return None


_known: set[str] = set()


def remember(secret: Secret | None) -> None:
    """Register a token so that `scrub` removes it from any text, wherever it came from."""
    if secret is not None and len(secret.value) >= 4:
        _known.add(secret.value)


def scrub(text: object, *extra: str) -> str:
    out = str(text)
    for value in sorted(_known | {e for e in extra if e and len(e) >= 4}, key=len, reverse=True):
        out = out.replace(value, REDACTED)
    return out
