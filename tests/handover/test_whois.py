"""`who_is`: who to ask about a component, strongest knowledge first."""

from __future__ import annotations

import pytest

from atlas.handover.whois import UnknownComponentError, who_is
from tests.handover.conftest import TODAY


def test_ranker_svc_on_the_sample(sample):
    w = who_is(sample, "ranker-svc", TODAY)
    assert (w.owner, w.owner_chat, w.owner_oncall) == ("ranking-science", "#recs-ranking", "")
    assert (w.previous_owner, w.stage, w.support_days_left) == ("recs-core", "shadowing", 93)
    assert w.contact.id == "lena" and w.contact.name == "Lena Fischer"
    assert [(p.id, p.level) for p in w.people] == [("hana", "can-debug"), ("kwame", "can-operate"),
                                                   ("noor", "can-operate"), ("sofia", "can-operate")]
    assert w.runbook == "runbooks/ranker-svc.md"
    text = w.to_text()
    assert "on-call: not routed" in text
    assert "previous:  recs-core (stage shadowing), supports until 2027-02-28 (93 days left)" in text
    assert text.index("hana") < text.index("kwame")


def test_a_component_without_runbook_points_at_the_scaffolder(sample):
    assert "none (atlas runbook new model-sync)" in who_is(sample, "model-sync", TODAY).to_text()


def test_unknown_component_suggests_the_close_one(sample):
    with pytest.raises(UnknownComponentError) as err:
        who_is(sample, "ranker-sv", TODAY)
    assert str(err.value) == "unknown component 'ranker-sv' (did you mean ranker-svc?)"
