"""Live GCP: what exists and is alive, from the Pub/Sub admin API and Cloud Monitoring.

- Pub/Sub (google-cloud-pubsub, read only): every topic and subscription of each project,
  with each subscription's topic, dead-letter topic and BigQuery table.
- Monitoring: for each metric the catalog's signals read, the distinct resource labels of
  its series over the last 24 h (view HEADERS: no points are fetched). A resource with no
  series in 24 h is not observed; a query that failed observes nothing, so that kind's
  components are "unknown", never "dead".

Clients are built from an explicit `env` mapping (PUBSUB_EMULATOR_HOST: an insecure loopback
channel, the same convention as Google's emulator), always with a short retry and timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from atlas.discovery.model import ComponentFinding, Evidence, Findings

PUBSUB_ENV = "PUBSUB_EMULATOR_HOST"
READ_ONLY = "https://www.googleapis.com/auth/cloud-platform.read-only"
DAY = 86400


@dataclass
class PubSubClients:
    publisher: Any = None
    subscriber: Any = None
    problem: str = ""
    target: str = ""
    _channels: list = field(default_factory=list)

    def close(self) -> None:
        for ch in self._channels:
            ch.close()


def make_pubsub(env: Mapping[str, str], timeout: float = 5.0) -> PubSubClients:
    """Never raises for missing credentials: `.problem` says why in one line."""
    import grpc
    from google.pubsub_v1.services.publisher import PublisherClient
    from google.pubsub_v1.services.publisher.transports import PublisherGrpcTransport
    from google.pubsub_v1.services.subscriber import SubscriberClient
    from google.pubsub_v1.services.subscriber.transports import SubscriberGrpcTransport

    out = PubSubClients()
    host = (env.get(PUBSUB_ENV) or "").strip()
    if host:
        channel = grpc.insecure_channel(host)
        out._channels.append(channel)
        out.publisher = PublisherClient(transport=PublisherGrpcTransport(channel=channel))
        out.subscriber = SubscriberClient(transport=SubscriberGrpcTransport(channel=channel))
        out.target = f"emulator {host}"
        return out
    import google.auth
    from google.auth import exceptions

    try:
        creds, _ = google.auth.default(scopes=[READ_ONLY])
    except exceptions.DefaultCredentialsError:
        out.problem = (f"no Google credentials for Pub/Sub (run `gcloud auth application-default login`, "
                       f"or set {PUBSUB_ENV} for the emulator)")
        return out
    out.publisher = PublisherClient(credentials=creds)
    out.subscriber = SubscriberClient(credentials=creds)
    out.target = "pubsub.googleapis.com"
    return out


def _short(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).splitlines()[0][:200]


def discover_pubsub(clients: PubSubClients, projects: list[str], findings: Findings, *, retry=None,
                    timeout: float = 5.0) -> None:
    if clients.problem:
        findings.unanswered(clients.problem)
        return
    for project in projects:
        try:
            topics = list(clients.publisher.list_topics(request={"project": f"projects/{project}"},
                                                        retry=retry, timeout=timeout))
            subs = list(clients.subscriber.list_subscriptions(request={"project": f"projects/{project}"},
                                                              retry=retry, timeout=timeout))
        except Exception as exc:  # GoogleAPICallError, RetryError: the project stays unknown
            findings.unanswered(f"pubsub {project}: cannot list ({clients.target}): {_short(exc)}")
            continue
        findings.observed_kinds.update({f"pubsub_topic@{project}", f"pubsub_subscription@{project}"})
        for topic in topics:
            name = topic.name.rsplit("/", 1)[-1]
            ev = Evidence("pubsub", f"pubsub ListTopics {topic.name}")
            findings.observed[("pubsub_topic", name)] = ev
            findings.add_component(ComponentFinding(name, "pubsub_topic", labels={"topic_id": name},
                                                    project=project, evidence=[ev]))
        for sub in subs:
            name = sub.name.rsplit("/", 1)[-1]
            ev = Evidence("pubsub", f"pubsub ListSubscriptions {sub.name}")
            findings.observed[("pubsub_subscription", name)] = ev
            findings.add_component(ComponentFinding(name, "pubsub_subscription", labels={"subscription_id": name},
                                                    project=project, evidence=[ev]))
            topic = sub.topic.rsplit("/", 1)[-1]
            if topic and sub.topic != "_deleted-topic_":
                findings.add_edge(topic, name, Evidence("pubsub", ev.where, f"topic = {sub.topic}"))
            dlq = sub.dead_letter_policy.dead_letter_topic if sub.dead_letter_policy else ""
            if dlq:
                findings.add_edge(name, dlq.rsplit("/", 1)[-1], Evidence("pubsub", ev.where, f"dead_letter_topic = {dlq}"))
            table = sub.bigquery_config.table if sub.bigquery_config else ""
            if table:
                dataset = table.replace(":", ".").split(".")[-2] if table.count(".") >= 1 else ""
                if dataset:
                    findings.add_component(ComponentFinding(dataset, "bigquery_dataset", labels={"dataset_id": dataset}))
                    findings.add_edge(name, dataset, Evidence("pubsub", ev.where, f"bigquery_config.table = {table}"))


def discover_monitoring(client, signals, projects: list[str], now: float, findings: Findings, *, retry=None,
                        timeout: float = 5.0) -> None:
    """The resource labels of every series each signal's metric had in the last 24 h."""
    from google.cloud import monitoring_v3

    from google.api_core import exceptions as gexc

    # the endpoint itself is down or silent: asking the project's other metrics would only
    # wait the same deadline again, once per metric (minutes for a dead endpoint)
    endpoint_down = (gexc.ServiceUnavailable, gexc.DeadlineExceeded, gexc.RetryError)
    wanted = sorted({(s.metric_type, s.resource_type) for s in signals if s.metric_type and s.resource_type})
    for project in projects:
        for i, (metric, resource) in enumerate(wanted):
            request = monitoring_v3.ListTimeSeriesRequest(
                name=f"projects/{project}", filter=f'metric.type="{metric}" AND resource.type="{resource}"',
                view=monitoring_v3.ListTimeSeriesRequest.TimeSeriesView.HEADERS)
            request.interval.start_time = _ts(now - DAY)
            request.interval.end_time = _ts(now)
            try:
                series = list(client.list_time_series(request=request, retry=retry, timeout=timeout))
            except endpoint_down as exc:
                rest = len(wanted) - i - 1
                findings.unanswered(f"monitoring {project} {metric}: {_short(exc)} (those resources stay unknown"
                                    + (f"; its {rest} other metric(s) not asked)" if rest else ")"))
                break
            except Exception as exc:
                findings.unanswered(f"monitoring {project} {metric}: {_short(exc)} (those resources stay unknown)")
                continue
            findings.series[(project, metric, resource)] = [dict(ts.resource.labels) for ts in series]


def _ts(seconds: float):
    from google.protobuf import timestamp_pb2

    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts
