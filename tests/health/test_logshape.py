"""Log filter shapes: which log signals can share one ListLogEntries, and attribution."""

from __future__ import annotations

from google.cloud.logging_v2.types import LogEntry

from atlas.health import logshape


def test_anded_simple_terms_parse_and_keep_their_text():
    terms = logshape.parse('resource.type="k8s_container" AND labels.pipeline="kfp-a" AND severity>=ERROR')
    assert [t.text for t in terms] == ['resource.type="k8s_container"', 'labels.pipeline="kfp-a"', "severity>=ERROR"]
    assert terms[1].literal == "kfp-a" and terms[2].literal is None


def test_anything_more_complex_is_not_batched():
    for text in ('a="x" OR b="y"', '(a="x") AND b="y"', 'NOT a="x"', 'textPayload:"x y" AND', ""):
        assert logshape.parse(text) is None, text
    # AND inside a quoted value is part of the value, not a separator
    assert [t.literal for t in logshape.parse('jsonPayload.msg="salt AND pepper"')] == ["salt AND pepper"]


def test_varying_positions_must_be_readable_equalities():
    a = logshape.parse('resource.type="x" AND labels.run="a"')
    b = logshape.parse('resource.type="x" AND labels.run="b"')
    assert logshape.varying_positions([a, b]) == [1]
    c = logshape.parse('resource.type="x" AND textPayload="a"')
    d = logshape.parse('resource.type="x" AND textPayload="b"')
    assert logshape.varying_positions([c, d]) is None


def test_fields_are_read_back_from_an_entry():
    entry = LogEntry.pb(LogEntry(log_name="projects/p/logs/x", labels={"pipeline": "kfp-a"},
                                 json_payload={"event": "model_pushed", "model": {"name": "ranker"}}))
    entry.resource.type = "k8s_container"
    entry.resource.labels["namespace_name"] = "kubeflow"
    assert logshape.entry_field(entry, "resource.type") == "k8s_container"
    assert logshape.entry_field(entry, "resource.labels.namespace_name") == "kubeflow"
    assert logshape.entry_field(entry, "labels.pipeline") == "kfp-a"
    assert logshape.entry_field(entry, "jsonPayload.model.name") == "ranker"
    assert logshape.entry_field(entry, "jsonPayload.missing") is None
    assert logshape.entry_field(entry, "logName") == "projects/p/logs/x"
