"""The GitHub token: where it comes from, and keeping it out of every text atlas writes.

Order: GITHUB_TOKEN, then GH_TOKEN, then `gh auth token --hostname HOST` when the GitHub CLI
is on PATH (run with a list argv, no shell; HOST is the API's web host, so a GitHub
Enterprise API gets that server's token, not github.com's). The token is held by one `Secret`; everything atlas
prints, logs, journals or records passes through `scrub` first.
"""

from __future__ import annotations

import base64
import binascii
import re
import shutil
import subprocess
from urllib.parse import quote, quote_plus
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


def resolve_token(env: Mapping[str, str], api_url: str = "https://api.github.com") -> Secret | None:
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


@dataclass(frozen=True, slots=True)
class AppCredentials:
    """A GitHub App installation: atlas signs a JWT with the app's private key and trades it
    for a short-lived installation token (POST /app/installations/{id}/access_tokens,
    docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app)."""

    app_id: str
    installation_id: int
    private_key: Secret
    source: str = "GitHub App"

    def __repr__(self) -> str:
        return f"AppCredentials(app_id={self.app_id!r}, installation_id={self.installation_id})"


def resolve_app(env: Mapping[str, str]) -> AppCredentials | None:
    """GITHUB_APP_ID + GITHUB_APP_INSTALLATION_ID + GITHUB_APP_PRIVATE_KEY (PEM text) or
    GITHUB_APP_PRIVATE_KEY_FILE; None when they are not set. Raises ValueError with one line
    naming the variable when they are set but unusable."""
    app_id = (env.get("GITHUB_APP_ID") or "").strip()
    if not app_id:
        return None
    inst = (env.get("GITHUB_APP_INSTALLATION_ID") or "").strip()
    if not inst.isdigit():
        raise ValueError("GITHUB_APP_ID is set: GITHUB_APP_INSTALLATION_ID must be the installation's number")
    key = env.get("GITHUB_APP_PRIVATE_KEY") or ""
    if not key and env.get("GITHUB_APP_PRIVATE_KEY_FILE"):
        try:
            with open(env["GITHUB_APP_PRIVATE_KEY_FILE"], encoding="utf-8") as fh:
                key = fh.read()
        except OSError as exc:
            raise ValueError(f"GITHUB_APP_PRIVATE_KEY_FILE: cannot read it ({exc.strerror or exc})") from None
    if "PRIVATE KEY" not in key:
        raise ValueError("GITHUB_APP_ID is set: GITHUB_APP_PRIVATE_KEY (or _FILE) must hold the app's PEM private key")
    secret = Secret(key, "GITHUB_APP_PRIVATE_KEY")
    remember(secret)
    return AppCredentials(app_id, int(inst), secret)


_known: set[str] = set()


def remember(secret: Secret | None) -> None:
    """Register a token so that `scrub` removes it from any text, wherever it came from."""
    if secret is not None and len(secret.value) >= 4:
        _known.add(secret.value)


# A run of base64 (standard or URL-safe alphabet) long enough to hide a token: a server or
# proxy that reflects "Authorization: Basic base64(user:token)" back in an error body.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")


def _spellings(value: str) -> set[str]:
    """The token as it may appear in text: plain, URL-encoded, and base64 of the token
    alone (at each of the three byte alignments it can have inside a longer string)."""
    out = {value, quote(value, safe=""), quote(value), quote_plus(value), quote_plus(value, safe="/"),
           quote(value, safe="").lower()}
    raw = value.encode()
    for pad in range(3):  # base64 of b"x" * pad + token: the token's characters from the aligned part on
        enc = base64.b64encode(b"\0" * pad + raw).decode().rstrip("=")
        skip = (pad * 4 + 2) // 3  # characters that still carry the prefix bytes
        core = enc[skip:-2] if len(enc) - skip > 6 else enc[skip:]
        if len(core) >= 6:
            out.add(core)
            out.add(core.replace("+", "-").replace("/", "_"))
    return {s for s in out if s}


def _decoded(run: str) -> bytes:
    body = run.rstrip("=")
    for alphabet in (None, b"-_"):
        try:
            return base64.b64decode(body + "=" * (-len(body) % 4), altchars=alphabet, validate=True)
        except (binascii.Error, ValueError):
            continue
    return b""


def scrub(text: object, *extra: str) -> str:
    """`text` with every registered token (and `extra` secrets) replaced by [redacted], in
    every spelling it can take: plain, URL-encoded, base64 of the token, and any base64
    run that decodes to something holding it (base64 of "user:token" in a Basic header)."""
    out = str(text)
    secrets_ = sorted(_known | {e for e in extra if e and len(e) >= 4}, key=len, reverse=True)
    if not secrets_:
        return out

    def hide(match: re.Match) -> str:
        decoded = _decoded(match.group(0))
        return REDACTED if decoded and any(s.encode() in decoded for s in secrets_) else match.group(0)

    out = _BASE64_RUN.sub(hide, out)
    for value in secrets_:
        for spelling in sorted(_spellings(value), key=len, reverse=True):
            out = out.replace(spelling, REDACTED)
    return out
