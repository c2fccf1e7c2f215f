"""--diff against the GCP emulator over loopback: a component whose labels match no live
resource, a live subscription the catalog lacks, exit 1 for CI; and the Pub/Sub admin calls
as the real client library makes them."""

from __future__ import annotations

import json

import grpc
import pytest
from click.testing import CliRunner

from atlas.cli import cli
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import load_scenario, scenario_from_dict

from .conftest import ROOT


@pytest.fixture
def emulator():
    with GcpEmulator(load_scenario(ROOT / "scenarios" / "nw-recs.toml")) as emu:
        yield emu


def env_for(emu) -> dict:
    return {"MONITORING_EMULATOR_HOST": emu.address, "LOGGING_EMULATOR_HOST": emu.address,
            "PUBSUB_EMULATOR_HOST": emu.address}


def test_diff_reports_dead_labels_and_an_unowned_live_subscription(workspace, emulator, sample_repo_args):
    cat = workspace / "catalog"
    data = cat / "systems" / "data-pipelines.toml"
    text = data.read_text()
    # one subscription and one Dataflow job whose labels no longer match what runs
    text = text.replace('subscription_id = "catalog-updates-df"', 'subscription_id = "catalog-updates-v1"')
    text = text.replace('job_name = "catalog-enricher"', 'job_name = "catalog-enricher-old"')
    data.write_text(text)
    res = CliRunner().invoke(cli, ["discover", "--catalog", str(cat), *sample_repo_args, "--diff", "--format", "json"],
                             env=env_for(emulator), catch_exceptions=False)
    assert res.exit_code == 1, res.output
    drift = {(d["kind"], d["component"]): d for d in json.loads(res.stdout)["drift"]}
    assert ("not-observed", "catalog-updates-df") in drift
    assert "catalog-updates-v1 names no live subscription" in drift[("not-observed", "catalog-updates-df")]["message"]
    assert ("not-observed", "catalog-enricher") in drift  # no series of its metrics in 24 h
    assert ("unowned", "clickstream-raw-archive") in drift
    # the dead-letter topic belongs to its subscription: not unowned
    assert ("unowned", "clickstream-raw-dead-letter") not in drift
    assert emulator.calls["ListSubscriptions"] >= 1 and emulator.calls["ListTimeSeries"] >= 1


def test_diff_with_nothing_drifted_exits_0(workspace, emulator, sample_repo_args):
    cat = workspace / "catalog"
    scen = workspace / "scenarios" / "nw-recs.toml"
    scen.write_text(scen.read_text().replace('name = "clickstream-raw-archive"', 'name = "catalog-updates-df2"')
                    .replace('topic = "clickstream-raw"\nbigquery_table', 'topic = "catalog-updates"\nbigquery_table'))
    with GcpEmulator(load_scenario(scen)) as emu:
        # declare the extra subscription so that nothing is unowned
        (cat / "systems" / "extra.toml").write_text(
            '[[component]]\nid = "catalog-updates-df2"\nkind = "pubsub_subscription"\nsystem = "data-pipelines"\n'
            'depends_on = ["catalog-updates"]\n[component.labels]\nsubscription_id = "catalog-updates-df2"\n')
        res = CliRunner().invoke(cli, ["discover", "--catalog", str(cat), *sample_repo_args, "--diff"],
                                 env=env_for(emu), catch_exceptions=False)
    assert "drift:" not in res.stdout, res.stdout
    assert res.exit_code == 0


def test_a_failed_listing_is_unknown_not_drift(workspace, emulator, sample_repo_args):
    emulator.inject_fault("*", "UNAVAILABLE")
    res = CliRunner().invoke(cli, ["discover", "--catalog", str(workspace / "catalog"), *sample_repo_args, "--diff",
                                   "--format", "json"], env=env_for(emulator), catch_exceptions=False)
    data = json.loads(res.stdout)
    assert data["drift"] == []
    assert "cannot list" in res.stderr
    # a CI gate whose check did not run never passes: unknown is said, and exits 1
    assert res.exit_code == 1
    assert data["drift_unchecked"] and all("cannot list" in u or "monitoring" in u for u in data["drift_unchecked"])
    assert "drift not checked everywhere" in res.stderr
    # a down endpoint is asked once per project, not once per metric (each waits its deadline)
    assert "other metric(s) not asked" in res.stderr
    assert len([n for n in res.stderr.splitlines() if n.startswith("note: monitoring")]) == 3  # three projects
    text = CliRunner().invoke(cli, ["discover", "--catalog", str(workspace / "catalog"), *sample_repo_args, "--diff"],
                              env=env_for(emulator), catch_exceptions=False)
    assert text.exit_code == 1 and "drift NOT CHECKED:" in text.stdout


def _clients(emu):
    from atlas.discovery.live import make_pubsub

    return make_pubsub({"PUBSUB_EMULATOR_HOST": emu.address})


def test_pubsub_admin_emulator_answers_the_client_library_like_the_service():
    sc = scenario_from_dict({"scenario": {"project": "shop-prod-1"}, "pubsub": {
        "topic": [{"name": f"t-{i:03d}"} for i in range(150)],
        "subscription": [{"name": "s-1", "topic": "t-001", "dead_letter_topic": "t-002", "max_delivery_attempts": 7},
                         {"name": "s-2", "topic": "t-003", "bigquery_table": "shop-prod-1.raw.events"}]}})
    from google.api_core import exceptions

    with GcpEmulator(sc) as emu:
        clients = _clients(emu)
        try:
            topics = list(clients.publisher.list_topics(request={"project": "projects/shop-prod-1"}, timeout=5))
            assert len(topics) == 150 and emu.calls["ListTopics"] == 2  # paged at 100
            sub = clients.subscriber.get_subscription(request={"subscription": "projects/shop-prod-1/subscriptions/s-1"},
                                                      timeout=5)
            assert sub.topic == "projects/shop-prod-1/topics/t-001"
            assert sub.dead_letter_policy.dead_letter_topic == "projects/shop-prod-1/topics/t-002"
            assert sub.dead_letter_policy.max_delivery_attempts == 7
            subs = list(clients.subscriber.list_subscriptions(request={"project": "projects/shop-prod-1"}, timeout=5))
            assert subs[1].bigquery_config.table == "shop-prod-1.raw.events"
            with pytest.raises(exceptions.NotFound):
                clients.subscriber.get_subscription(request={"subscription": "projects/shop-prod-1/subscriptions/nope"},
                                                    timeout=5)
            with pytest.raises(exceptions.InvalidArgument):
                list(clients.publisher.list_topics(request={"project": "shop-prod-1"}, timeout=5))
        finally:
            clients.close()


@pytest.mark.parametrize("entry, message", [
    ({"name": "sub", "topic": "top", "dead_letter_topic": "dlq", "max_delivery_attempts": 3}, "outside 5-100"),
    ({"name": "goog-sub", "topic": "top"}, "not a valid Pub/Sub resource name"),
    ({"name": "ab", "topic": "top"}, "not a valid Pub/Sub resource name"),  # 3-255 characters
    ({"name": "sub"}, "missing required field 'topic'"),
])
def test_a_scenario_pubsub_entry_the_real_api_would_refuse_is_one_line(entry, message):
    from atlas.emulators.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict({"scenario": {}, "pubsub": {"subscription": [entry]}})


def test_the_handover_plan_lists_an_unowned_live_resource_as_an_action():
    import datetime as dt

    from atlas.catalog.loader import load_catalog
    from atlas.handover.actions import plan_actions
    from atlas.handover.plan import build_plan

    catalog = load_catalog(ROOT / "catalog").catalog
    today = dt.date(2026, 12, 3)
    plan = build_plan(catalog, today=today)
    actions = plan_actions(catalog, plan.readiness, plan.risks, today, unowned=[
        ("clickstream-raw-archive", "live subscription clickstream-raw-archive that no catalog component declares")])
    claim = [a for a in actions if a.kind == "claim-unowned"]
    assert len(claim) == 1 and claim[0].priority == 2
    assert claim[0].text.startswith("Claim or retire clickstream-raw-archive: live subscription")
    assert claim[0].command == "atlas discover --gcp --diff"
