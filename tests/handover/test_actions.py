"""Each failed rule becomes an action a person can take, with its owner and deadline."""

from __future__ import annotations

import datetime as dt

from atlas.handover.plan import build_plan
from atlas.handover.readiness import RunbookFile
from tests.handover.conftest import TODAY, load
from tests.helpers import component, team, write_catalog

OLD = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc).timestamp()


def plan_for(tmp_path, components, runbooks=None):
    root = write_catalog(tmp_path, components,
                         teams=[team("serving"), team("recs-core", new_owner=False), {"id": "quiet"}],
                         people=[{"id": "amara", "team": "serving"}, {"id": "lena", "team": "recs-core"}])
    catalog = load(root)
    return build_plan(catalog, today=TODAY, runbooks=runbooks or {})


def by_kind(plan, kind):
    return [a for a in plan.actions if a.kind == kind]


def test_a_component_still_owned_by_the_previous_team_is_to_be_moved(tmp_path):
    plan = plan_for(tmp_path, [component("legacy", owner="recs-core")])
    [move] = by_kind(plan, "move-ownership")
    assert move.text == "Move legacy from recs-core to a team taking the product over"
    assert by_kind(plan, "route-oncall") == []


def test_a_component_without_owner_gets_one_assigned_first(tmp_path):
    plan = plan_for(tmp_path, [component("stray")])
    assert plan.actions[0].kind == "assign-owner" and plan.actions[0].priority == 1
    assert plan.actions[0].text == "Assign an owner team to stray (no owner team set)"


def test_on_call_is_one_action_per_team_listing_its_components(tmp_path):
    plan = plan_for(tmp_path, [component(f"svc{i}", owner="quiet") for i in range(5)])
    [route] = by_kind(plan, "route-oncall")
    assert route.text == "Route on-call for quiet (owns svc0, svc1, svc2 and 2 more)"
    assert route.components == [f"svc{i}" for i in range(5)] and route.owner == "quiet"


def test_support_that_ended_asks_for_a_last_session(tmp_path):
    plan = plan_for(tmp_path, [component("api", owner="serving", handover={
        "previous_owner": "recs-core", "contact": "lena", "stage": "shadowing",
        "support_until": dt.date(2026, 11, 20), "knowledge": {"amara": "can-operate"}})])
    [pair] = by_kind(plan, "pair-before-support-ends")
    assert pair.text == "Ask for a last session with lena (recs-core) on api (support ended 2026-11-20, 7 days ago)"
    assert pair.days_left == -7


def test_a_second_debugger_is_trained_before_the_window_closes(tmp_path):
    plan = plan_for(tmp_path, [component("api", owner="serving", handover={
        "previous_owner": "recs-core", "contact": "lena", "stage": "owned",
        "support_until": dt.date(2027, 2, 1), "knowledge": {"amara": "can-debug"}})])
    [train] = by_kind(plan, "train-second-person")
    assert train.text == ("Train a second person to debug api (only amara can) with lena (recs-core) "
                          "before 2027-02-01 (66 days)")
    assert (train.priority, train.due) == (2, dt.date(2027, 2, 1))


def test_a_shared_stale_runbook_is_one_review_action(tmp_path):
    plan = plan_for(tmp_path, [component(f"s{i}", owner="serving", runbook="runbooks/shared.md") for i in range(2)],
                    runbooks={"runbooks/shared.md": RunbookFile(exists=True, committed_at=OLD)})
    [review] = by_kind(plan, "review-runbook")
    assert review.text == ("Review and commit runbooks/shared.md (stale: last committed 2025-01-01 (695 days ago), "
                           "over 180 days; used by s0, s1)")
    assert review.priority == 3 and review.components == ["s0", "s1"]


def test_an_empty_signals_list_asks_for_signals_not_for_a_runbook(tmp_path):
    plan = plan_for(tmp_path, [component("api", owner="serving", runbook="runbooks/api.md", signals=[])],
                    runbooks={"runbooks/api.md": RunbookFile(exists=True, committed_at=OLD)})
    kinds = {a.kind for a in plan.actions}
    assert "write-runbook" not in kinds
    [signals] = by_kind(plan, "add-signals")
    assert signals.text == "Add health signals to api (its signals list is empty)"
