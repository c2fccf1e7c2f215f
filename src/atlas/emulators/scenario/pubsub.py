"""The Pub/Sub section of a scenario: the topics and subscriptions the admin API lists.

    [pubsub]
    [[pubsub.topic]]
    name = "clickstream-raw"              # project defaults to [scenario] project
    [[pubsub.subscription]]
    name = "clickstream-raw-df"
    topic = "clickstream-raw"             # a short name (same project) or projects/P/topics/T
    dead_letter_topic = "clickstream-raw-dead-letter"
    max_delivery_attempts = 5             # Pub/Sub allows 5-100
    bigquery_table = "nw-recs-data-prod.events.raw"   # a BigQuery subscription
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .fields import ScenarioError, array, only, string, table

# Resource names: https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names
# (3-255 characters, start with a letter, letters digits - _ . ~ + %, not "goog" first).
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$")


@dataclass(frozen=True, slots=True)
class TopicSpec:
    project: str
    name: str

    @property
    def path(self) -> str:
        return f"projects/{self.project}/topics/{self.name}"


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    project: str
    name: str
    topic: str  # full path
    dead_letter_topic: str = ""  # full path
    max_delivery_attempts: int = 0
    bigquery_table: str = ""
    ack_deadline_seconds: int = 10

    @property
    def path(self) -> str:
        return f"projects/{self.project}/subscriptions/{self.name}"


@dataclass
class PubSubSpec:
    topics: list[TopicSpec] = field(default_factory=list)
    subscriptions: list[SubscriptionSpec] = field(default_factory=list)


def _name(value: str, where: str) -> str:
    if not _NAME.match(value) or value.lower().startswith("goog"):
        raise ScenarioError(f"{where}: {value!r} is not a valid Pub/Sub resource name")
    return value


def _topic_path(value: str, project: str, where: str) -> str:
    if value.startswith("projects/"):
        parts = value.split("/")
        if len(parts) != 4 or parts[2] != "topics":
            raise ScenarioError(f"{where}: {value!r} is not projects/PROJECT/topics/TOPIC")
        _name(parts[3], where)
        return value
    return f"projects/{project}/topics/{_name(value, where)}"


def _int(e: dict, key: str, where: str, default: int) -> int:
    value = e.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where} {key}: must be an integer, not {value!r}")
    return value


def _entry(e, where: str) -> dict:
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    return e


def parse_pubsub(data: dict, default_project: str) -> PubSubSpec:
    spec = PubSubSpec()
    head = table(data, "pubsub", "[pubsub]")
    only(head, {"topic", "subscription"}, "[pubsub]")
    for i, e in enumerate(array(head, "topic"), 1):
        where = f"[[pubsub.topic]] #{i}"
        e = _entry(e, where)
        only(e, {"name", "project"}, where)
        spec.topics.append(TopicSpec(string(e, "project", where, default=default_project),
                                     _name(string(e, "name", where), f"{where} name")))
    for i, e in enumerate(array(head, "subscription"), 1):
        where = f"[[pubsub.subscription]] #{i}"
        e = _entry(e, where)
        only(e, {"name", "project", "topic", "dead_letter_topic", "max_delivery_attempts", "bigquery_table",
                 "ack_deadline_seconds"}, where)
        project = string(e, "project", where, default=default_project)
        dlq = string(e, "dead_letter_topic", where, default="")
        attempts = _int(e, "max_delivery_attempts", where, 5 if dlq else 0)
        if dlq and not 5 <= attempts <= 100:  # the API's documented range
            raise ScenarioError(f"{where} max_delivery_attempts: {attempts} is outside 5-100")
        ack = _int(e, "ack_deadline_seconds", where, 10)
        if not 10 <= ack <= 600:
            raise ScenarioError(f"{where} ack_deadline_seconds: {ack} is outside 10-600")
        spec.subscriptions.append(SubscriptionSpec(
            project, _name(string(e, "name", where), f"{where} name"),
            _topic_path(string(e, "topic", where), project, f"{where} topic"),
            _topic_path(dlq, project, f"{where} dead_letter_topic") if dlq else "", attempts,
            string(e, "bigquery_table", where, default=""), ack))
    return spec
