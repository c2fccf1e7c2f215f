"""Readiness rules: each one passes and fails on a small catalog built in code, with a reason
a person can read; the score is the sum of what the rules earn."""

from __future__ import annotations

import datetime as dt

import pytest

from atlas.handover.readiness import WEIGHTS, RunbookFile, assess, assess_component, system_readiness
from tests.handover.conftest import TODAY, load
from tests.helpers import component, team, write_catalog

SIGNAL = {"id": "grpc-errors", "name": "error ratio", "kinds": ["grpc_service"], "type": "metric",
          "metric_type": "prometheus.googleapis.com/grpc_server_handled_total/counter",
          "resource_type": "prometheus_target", "warn": 0.01, "crit": 0.05}
PEOPLE = [
    {"id": "amara", "team": "serving"},
    {"id": "tomas", "team": "serving"},
    {"id": "lena", "team": "recs-core"},
]
TEAMS = [team("serving"), team("recs-core", new_owner=False), {"id": "quiet", "name": "Quiet"}]
DAYS = 86400.0


def fresh(days_ago: float = 10) -> float:
    return dt.datetime(2026, 11, 27, 12, tzinfo=dt.timezone.utc).timestamp() - days_ago * DAYS


def ready_component(**overrides):
    fields = dict(owner="serving", runbook="runbooks/api.md",
                  handover={"previous_owner": "recs-core", "stage": "owned", "support_until": dt.date(2027, 3, 1),
                            "contact": "lena", "knowledge": {"amara": "can-debug", "tomas": "expert"}})
    fields.update(overrides)
    return component("api", **fields)


def assess_one(tmp_path, comp, runbooks=None, signals=(SIGNAL,), teams=TEAMS, people=PEOPLE, **kw):
    root = write_catalog(tmp_path, [comp], teams=teams, people=people, signals=list(signals), **kw)
    catalog = load(root)
    if runbooks is None:
        runbooks = {"runbooks/api.md": RunbookFile(exists=True, committed_at=fresh())}
    return assess_component(catalog, catalog.components["api"], runbooks, TODAY)


def test_a_fully_handed_over_component_scores_100_with_every_rule_passing(tmp_path):
    r = assess_one(tmp_path, ready_component())
    assert r.score == 100
    assert [x.id for x in r.rules] == list(WEIGHTS)
    assert all(x.passed for x in r.rules), [x.reason for x in r.failed]
    assert sum(WEIGHTS.values()) == 100


def test_owner_missing_fails_owner_and_oncall(tmp_path):
    comp = ready_component()
    del comp["owner"]
    r = assess_one(tmp_path, comp)
    assert not r.rule("owner").passed and r.rule("owner").reason == "no owner team set"
    assert not r.rule("oncall").passed
    assert r.score == 100 - WEIGHTS["owner"] - WEIGHTS["oncall"]


def test_oncall_fails_for_a_team_without_an_oncall_reference(tmp_path):
    r = assess_one(tmp_path, ready_component(owner="quiet"))
    assert r.rule("owner").passed
    rule = r.rule("oncall")
    assert not rule.passed and rule.reason == "quiet has no on-call reference"


def test_oncall_fails_while_the_previous_team_still_owns_it(tmp_path):
    r = assess_one(tmp_path, ready_component(owner="recs-core"))
    assert not r.rule("oncall").passed
    assert "previous team" in r.rule("oncall").reason


def test_oncall_passes_naming_the_pager(tmp_path):
    r = assess_one(tmp_path, ready_component())
    assert r.rule("oncall").reason == "pages serving (pagerduty:serving)"


def test_no_runbook_fails_presence_and_freshness(tmp_path):
    comp = ready_component()
    del comp["runbook"]
    r = assess_one(tmp_path, comp, runbooks={})
    assert r.rule("runbook").reason == "no runbook declared"
    assert not r.rule("runbook-fresh").passed
    assert r.score == 100 - WEIGHTS["runbook"] - WEIGHTS["runbook-fresh"]


def test_a_declared_runbook_that_is_missing_fails(tmp_path):
    r = assess_one(tmp_path, ready_component(), runbooks={"runbooks/api.md": RunbookFile(exists=False)},
                   create_runbooks=False)
    assert not r.rule("runbook").passed
    assert r.rule("runbook").reason == "runbooks/api.md is declared but missing"


def test_runbook_committed_recently_passes_with_the_date(tmp_path):
    r = assess_one(tmp_path, ready_component(),
                   runbooks={"runbooks/api.md": RunbookFile(exists=True, committed_at=fresh(30))})
    assert r.rule("runbook-fresh").passed
    assert r.rule("runbook-fresh").reason == "last committed 2026-10-28 (30 days ago)"


def test_runbook_older_than_180_days_is_stale(tmp_path):
    r = assess_one(tmp_path, ready_component(),
                   runbooks={"runbooks/api.md": RunbookFile(exists=True, committed_at=fresh(200))})
    rule = r.rule("runbook-fresh")
    assert not rule.passed and rule.earned == 0
    assert rule.reason.startswith("stale: last committed 2026-05-11 (200 days ago)")


def test_a_runbook_never_committed_fails_with_half_credit_and_says_why(tmp_path):
    r = assess_one(tmp_path, ready_component(),
                   runbooks={"runbooks/api.md": RunbookFile(exists=True, note="not in a git repository")})
    rule = r.rule("runbook-fresh")
    assert not rule.passed
    assert rule.reason == "runbooks/api.md never committed (not in a git repository)"
    assert rule.earned == WEIGHTS["runbook-fresh"] / 2


def test_signals_fail_when_no_template_matches_the_kind(tmp_path):
    r = assess_one(tmp_path, ready_component(), signals=())
    rule = r.rule("signals")
    assert not rule.passed and rule.reason == "no signal template for kind grpc_service"


def test_signals_pass_naming_them(tmp_path):
    assert assess_one(tmp_path, ready_component()).rule("signals").reason == "1 signal: grpc-errors"


def test_bus_factor_needs_two_people_who_can_debug(tmp_path):
    comp = ready_component()
    comp["handover"]["knowledge"] = {"amara": "expert", "tomas": "can-operate"}
    rule = assess_one(tmp_path, comp).rule("bus-factor")
    assert not rule.passed
    assert rule.reason == "only amara can debug it; also tomas can-operate"
    assert rule.earned == pytest.approx(WEIGHTS["bus-factor"] * 3 / 4)


def test_bus_factor_one_person_alone_is_called_out(tmp_path):
    comp = ready_component()
    comp["handover"]["knowledge"] = {"tomas": "heard-of"}
    rule = assess_one(tmp_path, comp).rule("bus-factor")
    assert rule.reason == "known by one person only: tomas (heard-of)"
    assert rule.earned == 0


def test_bus_factor_ignores_the_previous_teams_people(tmp_path):
    comp = ready_component()
    comp["handover"]["knowledge"] = {"amara": "can-debug", "lena": "expert"}
    r = assess_one(tmp_path, comp)
    assert not r.rule("bus-factor").passed
    assert r.debuggers == ["amara"]


def test_support_window_closing_with_low_knowledge_fails(tmp_path):
    comp = ready_component()
    comp["handover"].update(support_until=dt.date(2026, 12, 15), knowledge={"amara": "can-debug"})
    r = assess_one(tmp_path, comp)
    rule = r.rule("support-window")
    assert not rule.passed
    assert rule.reason == "recs-core support ends 2026-12-15 (18 days) and only amara can debug it"
    assert r.support_days_left == 18


def test_support_window_closing_is_fine_when_two_can_debug(tmp_path):
    comp = ready_component()
    comp["handover"]["support_until"] = dt.date(2026, 12, 15)
    rule = assess_one(tmp_path, comp).rule("support-window")
    assert rule.passed and "18 days" in rule.reason


def test_support_window_far_away_passes_even_with_low_knowledge(tmp_path):
    comp = ready_component()
    comp["handover"]["knowledge"] = {}
    assert assess_one(tmp_path, comp).rule("support-window").passed


def test_support_that_already_ended_with_low_knowledge_fails(tmp_path):
    comp = ready_component()
    comp["handover"].update(support_until=dt.date(2026, 11, 1), knowledge={})
    rule = assess_one(tmp_path, comp).rule("support-window")
    assert not rule.passed
    assert rule.reason == "recs-core support ended 2026-11-01 (26 days ago) and nobody can debug it"


@pytest.mark.parametrize("stage,earned", [("planned", 0), ("shadowing", 5 / 3), ("reverse-shadowing", 10 / 3),
                                          ("owned", 5)])
def test_stage_progress_earns_part_of_its_weight(tmp_path, stage, earned):
    comp = ready_component()
    comp["handover"]["stage"] = stage
    rule = assess_one(tmp_path, comp).rule("stage")
    assert rule.earned == pytest.approx(earned)
    assert rule.passed == (stage == "owned")


def test_a_component_without_handover_state_is_owned_as_is(tmp_path):
    comp = ready_component()
    del comp["handover"]
    r = assess_one(tmp_path, comp)
    assert r.rule("stage").passed and r.rule("support-window").passed
    assert r.rule("bus-factor").reason == "nobody on the new teams knows it"


def test_system_readiness_is_the_mean_and_names_the_weakest(tmp_path):
    strong = ready_component(system="serving")
    weak = component("admin", owner="quiet", system="serving")
    root = write_catalog(tmp_path, [strong, weak], teams=TEAMS, people=PEOPLE, signals=[SIGNAL])
    catalog = load(root)
    readiness = assess(catalog, {"runbooks/api.md": RunbookFile(True, fresh())}, TODAY)
    [system] = system_readiness(catalog, readiness)
    assert system.weakest == "admin"
    assert system.score == round((readiness["api"].score + readiness["admin"].score) / 2)
    assert system.components == ["api", "admin"]
