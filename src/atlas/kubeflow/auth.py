"""How atlas authenticates to a Kubeflow deployment (the catalog's `auth` says which).

- "iap": a Google-signed ID token for the IAP OAuth client (`audience`) from Application
  Default Credentials (google.oauth2.id_token.fetch_id_token: a service account key,
  workload identity or the metadata server; Google documents that user credentials from
  `gcloud auth application-default login` cannot mint one for another audience).
- "bearer": a token read from the environment variable the catalog names (`token_env`).
- "adc": an OAuth access token from ADC (Vertex AI's REST API).
- "none": no header (a port-forward, or the emulator).
Tokens are cached until shortly before they expire and never appear in a message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from atlas.kubeflow.kfp import KubeflowError

AUTH_KINDS = ("none", "iap", "bearer", "adc")
_REUSE_FOR = 45 * 60  # Google ID and access tokens live 1 h


def make_auth(kind: str, *, env: Mapping[str, str], audience: str = "", token_env: str = "",
              deployment: str = "") -> Callable[[], str | None] | None:
    if kind in ("", "none"):
        return None
    if kind == "bearer":
        if not token_env:
            raise KubeflowError(f"kubeflow {deployment}: auth = \"bearer\" needs token_env (the variable holding the token)")
        token = env.get(token_env, "")
        if not token:
            raise KubeflowError(f"kubeflow {deployment}: environment variable {token_env} is not set (it holds the bearer token)")
        return lambda: token
    if kind == "iap":
        if not audience:
            raise KubeflowError(f"kubeflow {deployment}: auth = \"iap\" needs audience (the IAP OAuth client id)")
        return _Cached(lambda: _id_token(audience, deployment))
    if kind == "adc":
        return _Cached(lambda: _access_token(deployment))
    raise KubeflowError(f"kubeflow {deployment}: unknown auth {kind!r} (one of {', '.join(AUTH_KINDS)})")


class _Cached:
    def __init__(self, fetch: Callable[[], str]) -> None:
        self._fetch = fetch
        self._token = ""
        self._at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if not self._token or time.monotonic() - self._at > _REUSE_FOR:
                self._token, self._at = self._fetch(), time.monotonic()
            return self._token


def _id_token(audience: str, deployment: str) -> str:
    try:
        import google.auth.transport.requests
        import google.oauth2.id_token

        return google.oauth2.id_token.fetch_id_token(google.auth.transport.requests.Request(), audience)
    except Exception as exc:  # noqa: BLE001 - DefaultCredentialsError, RefreshError, transport errors
        raise KubeflowError(f"kubeflow {deployment}: cannot get an IAP ID token from Application Default "
                            f"Credentials ({exc.__class__.__name__})") from None


def _access_token(deployment: str) -> str:
    try:
        import google.auth
        import google.auth.transport.requests

        creds, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
        creds.refresh(google.auth.transport.requests.Request())
        return creds.token
    except Exception as exc:  # noqa: BLE001
        raise KubeflowError(f"kubeflow {deployment}: cannot get an access token from Application Default "
                            f"Credentials ({exc.__class__.__name__})") from None
