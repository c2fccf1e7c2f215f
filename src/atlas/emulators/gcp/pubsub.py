"""Pub/Sub admin calls atlas makes (Publisher.ListTopics, Subscriber.ListSubscriptions and
GetSubscription), answered with google-cloud-pubsub's own message types from the scenario's
[pubsub] section.

Rules from the API reference (cloud.google.com/pubsub/docs/reference/rpc/google.pubsub.v1):
`project` must be `projects/{project-id}`; a subscription name must be
`projects/{project}/subscriptions/{sub}`; a missing one is NOT_FOUND. The maximum page size is
not documented: like the real service, a page may hold fewer items than asked and the client
must follow next_page_token (default page size here: 100).
"""

from __future__ import annotations

import re

_PROJECT = re.compile(r"^projects/([a-z][a-z0-9-]{4,28}[a-z0-9])$")
_SUB = re.compile(r"^projects/([^/]+)/subscriptions/([^/]+)$")
DEFAULT_PAGE = 100
MAX_PAGE = 1000


def _spec(emu):
    from atlas.emulators.scenario.pubsub import PubSubSpec

    return emu.scenario.pubsub or PubSubSpec()


def _project(emu, value: str, context) -> str:
    m = _PROJECT.match(value or "")
    if not m:
        emu.reject(context, f"Invalid resource name given (name={value}). Refer to "
                            "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names for more information.")
    return m.group(1)


def _page_size(size: int) -> int:
    return DEFAULT_PAGE if size <= 0 else min(size, MAX_PAGE)


def subscription_message(sub):
    from google.pubsub_v1 import types as t

    msg = t.Subscription(name=sub.path, topic=sub.topic, ack_deadline_seconds=sub.ack_deadline_seconds,
                         state=t.Subscription.State.ACTIVE)
    if sub.dead_letter_topic:
        msg.dead_letter_policy = t.DeadLetterPolicy(dead_letter_topic=sub.dead_letter_topic,
                                                    max_delivery_attempts=sub.max_delivery_attempts)
    if sub.bigquery_table:
        msg.bigquery_config = t.BigQueryConfig(table=sub.bigquery_table, state=t.BigQueryConfig.State.ACTIVE)
    return msg


def list_topics(emu, request, context):
    from google.pubsub_v1 import types as t

    emu.suffer_faults("ListTopics", "pubsub", context)
    project = _project(emu, request.project, context)
    topics = [tp for tp in _spec(emu).topics if tp.project == project]
    page, token = emu.page(topics, _page_size(request.page_size), request.page_token, context)
    return t.ListTopicsResponse.pb(t.ListTopicsResponse(topics=[t.Topic(name=tp.path) for tp in page], next_page_token=token))


def list_subscriptions(emu, request, context):
    from google.pubsub_v1 import types as t

    emu.suffer_faults("ListSubscriptions", "pubsub", context)
    project = _project(emu, request.project, context)
    subs = [s for s in _spec(emu).subscriptions if s.project == project]
    page, token = emu.page(subs, _page_size(request.page_size), request.page_token, context)
    return t.ListSubscriptionsResponse.pb(t.ListSubscriptionsResponse(subscriptions=[subscription_message(s) for s in page],
                                                                 next_page_token=token))


def get_subscription(emu, request, context):
    import grpc

    emu.suffer_faults("GetSubscription", "pubsub", context)
    if not _SUB.match(request.subscription or ""):
        emu.reject(context, f"Invalid resource name given (name={request.subscription}).")
    for sub in _spec(emu).subscriptions:
        if sub.path == request.subscription:
            from google.pubsub_v1 import types as t

            return t.Subscription.pb(subscription_message(sub))
    context.abort(grpc.StatusCode.NOT_FOUND, f"Resource not found (resource={request.subscription.rsplit('/', 1)[-1]}).")


def handlers(handler):
    """The generic handlers to register on the emulator's server (`handler` wraps each)."""
    import grpc
    from google.pubsub_v1 import types as t

    return (
        grpc.method_handlers_generic_handler("google.pubsub.v1.Publisher", {
            "ListTopics": handler("ListTopics", list_topics, t.ListTopicsRequest, t.ListTopicsResponse)}),
        grpc.method_handlers_generic_handler("google.pubsub.v1.Subscriber", {
            "ListSubscriptions": handler("ListSubscriptions", list_subscriptions, t.ListSubscriptionsRequest,
                                         t.ListSubscriptionsResponse),
            "GetSubscription": handler("GetSubscription", get_subscription, t.GetSubscriptionRequest,
                                       t.Subscription)}),
    )
