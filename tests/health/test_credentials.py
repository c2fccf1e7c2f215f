"""Credentials, quota project and user agent, through the real clients and the emulator:
a refused credential is its own line (not "check the network"), every call says it is atlas,
and the quota project comes from GOOGLE_CLOUD_QUOTA_PROJECT."""

from __future__ import annotations

import pytest
from google.auth import credentials as auth_credentials
from google.auth import exceptions as auth_exceptions
from google.oauth2 import credentials as oauth2

from atlas.health.clients import CREDENTIALS_REFUSED, LOGGING_ENV, MONITORING_ENV, make_clients
from atlas.health.service import HealthService

from .live import scenario_catalog, service_for, start_emulator


class RevokedToken(auth_credentials.Credentials):
    """What ADC holds after `gcloud auth revoke` or a password change: the token endpoint
    answers invalid_grant to every refresh."""

    def refresh(self, request):
        raise auth_exceptions.RefreshError("invalid_grant: Token has been expired or revoked.",
                                           {"error": "invalid_grant"})


def test_a_revoked_credential_is_the_credentials_line_not_the_network_line(tmp_path):
    emulator = start_emulator(tmp_path)
    try:
        env = {MONITORING_ENV: emulator.address, LOGGING_ENV: emulator.address}
        service = HealthService(scenario_catalog(), now=lambda: 1_790_000_000.0,
                                client_factory=lambda: make_clients(env, credentials=RevokedToken(),
                                                                    retry_deadline=0.3))
        snap = service.refresh()
        service.close()
    finally:
        emulator.stop()
    assert set(snap.unreachable.values()) == {CREDENTIALS_REFUSED}
    assert CREDENTIALS_REFUSED == "credentials were refused: run `gcloud auth application-default login`"
    assert snap.errors and all(CREDENTIALS_REFUSED in line for line in snap.errors)
    assert not any("unavailable" in line or "network" in line for line in snap.errors)
    assert emulator.calls["ListTimeSeries"] == 0  # the credential failed before any call left


def test_every_call_carries_the_atlas_user_agent(tmp_path):
    emulator = start_emulator(tmp_path)
    try:
        service_for(scenario_catalog(), emulator.address).refresh()
    finally:
        emulator.stop()
    assert set(emulator.user_agents) == {"atlas/0.1.0"}


def test_the_quota_project_comes_from_the_environment():
    token = oauth2.Credentials(token="not-sent-anywhere")
    clients = make_clients({"GOOGLE_CLOUD_QUOTA_PROJECT": "billing-proj"}, credentials=token)
    try:
        assert clients.monitoring._transport._credentials.quota_project_id == "billing-proj"
        assert clients.logging._transport._credentials.quota_project_id == "billing-proj"
    finally:
        clients.close()


def test_the_health_core_never_reads_the_process_environment(tmp_path, monkeypatch):
    # the emulator host sits in os.environ only: a service built without clients must not
    # find it there (atlas.services hands the clients their env; the core reads none)
    emulator = start_emulator(tmp_path)
    monkeypatch.setenv(MONITORING_ENV, emulator.address)
    monkeypatch.setenv(LOGGING_ENV, emulator.address)
    try:
        snap = HealthService(scenario_catalog(), now=lambda: 1_790_000_000.0).refresh()
    finally:
        emulator.stop()
    assert emulator.calls["ListTimeSeries"] == 0
    statuses = [s for c in snap.components.values() for s in c.signals]
    assert statuses and all("no Google clients were given" in s.reason for s in statuses
                            if s.status.value == "ERROR")
    with pytest.raises(TypeError):
        make_clients()  # noqa: the environment mapping is required
