"""Lab 3 checks: a failover drill — read through an outage, run the drill, keep a checklist.

The application side of a regional failover: the secret exists in a preferred region and a
fallback region; when the preferred region's endpoint cannot be reached, the application
reads the fallback. Questions:

* q1 ``read_with_failover(clients, secret_id)`` — ``clients`` is a list of ``(region, client)``
  in order of preference; return ``(region, SecretString)`` from the first region that answers.
* q2 ``drill(cloud, clients, secret_id)`` — outage, read, recovery, read; return what served.
* q3 ``checklist`` — the drill's steps, in the order an operator runs them.
* q4 ``replica_in_sync(client, secret_id)`` — True only when every replica has the latest change.
"""

from __future__ import annotations

from typing import Any, Callable

from ..cloud import Cloud
from . import Checks, Mistake, StudentError, call, expect

__all__ = ["CHECKLIST_STEPS", "checks", "check"]

checks = Checks("lab03")
check = checks.check

PREFERRED, FALLBACK = "us-east-1", "us-west-2"

#: The steps of the drill, in no particular order; the student puts them in order.
CHECKLIST_STEPS = (
    "confirm the application reads from the preferred region again",
    "confirm the fallback region holds the same current version as the preferred one",
    "take the preferred region down",
    "confirm the application now reads from the fallback region",
    "bring the preferred region back",
    "record how many requests failed during the switch",
)

# Each rule: (earlier step, later step, the mistake when they are the wrong way round).
_ORDER_RULES = (
    (1, 2, "take the region down only after confirming the fallback is in sync: otherwise the drill "
           "can serve a stale secret"),
    (2, 3, "the application cannot read from the fallback before the preferred region is down"),
    (3, 4, "confirm the fallback serves before bringing the preferred region back, or the drill "
           "proves nothing"),
    (4, 0, "the application returning to the preferred region can only be confirmed after it is back"),
)


def _world(seed: int, *, same_value: bool = True) -> tuple[Cloud, list[tuple[str, Any]]]:
    cloud = Cloud(seed=seed)
    clients = [(region, cloud.client("secretsmanager", region_name=region)) for region in (PREFERRED, FALLBACK)]
    for region, client in clients:
        value = "shared-value" if same_value else f"value-in-{region}"
        client.create_secret(Name="lab03/check/db", SecretString=value)
    return cloud, clients


def _is_outage(error: BaseException) -> bool:
    return type(error).__name__ == "EndpointConnectionError"


@checks.question("q1")
def _read(read_with_failover: Callable[..., Any]) -> None:
    cloud, clients = _world(301, same_value=False)
    got = call(read_with_failover, clients, "lab03/check/db")
    expect(isinstance(got, tuple) and len(got) == 2, "return a tuple (region, SecretString)")
    expect(got[0] == PREFERRED, "read the fallback region although the preferred one was up: try them in order")
    expect(got[1] == f"value-in-{PREFERRED}", "the value returned did not come from the region named")
    clients[1][1].create_secret(Name="lab03/check/fallback-only", SecretString="not in the preferred region")
    try:
        read_with_failover(clients, "lab03/check/fallback-only")
    except Exception as error:
        expect(not _is_outage(error), "a missing secret was reported as an outage")
    else:
        raise Mistake("a missing secret is not an outage: only connection errors mean 'try the next region'")
    cloud.outage(PREFERRED)
    try:
        during = call(read_with_failover, clients, "lab03/check/db")
    except StudentError as error:
        if _is_outage(error.original):
            raise Mistake("EndpointConnectionError escaped: when a region is unreachable, try the next one") from None
        raise
    expect(during == (FALLBACK, f"value-in-{FALLBACK}"), "during the outage the read did not come from the fallback")
    cloud.outage(FALLBACK)
    try:
        read_with_failover(clients, "lab03/check/db")
    except Exception as error:
        expect(_is_outage(error), "with every region down, the connection error should reach the caller")
    else:
        raise Mistake("with every region down the function still returned: let the last error reach the caller")


@checks.question("q2")
def _drill(drill: Callable[..., Any]) -> None:
    cloud, clients = _world(302)
    report = call(drill, cloud, clients, "lab03/check/db")
    expect(isinstance(report, list), "drill should return a list of (phase, region) pairs")
    expect(not cloud.is_down(PREFERRED), "the drill left the preferred region down: bring it back before you finish")
    phases = dict(report) if all(isinstance(r, tuple) and len(r) == 2 for r in report) else {}
    expect(set(phases) >= {"before", "outage", "recovered"},
           "the report should have the phases 'before', 'outage' and 'recovered'")
    expect(phases["outage"] == FALLBACK, "during the outage the application should be served by the fallback region")
    expect(phases["before"] == PREFERRED and phases["recovered"] == PREFERRED,
           "before the outage and after recovery the preferred region should serve")


@checks.question("q3")
def _checklist(checklist: Any) -> None:
    expect(isinstance(checklist, (list, tuple)), "checklist should be a list of the steps above")
    expect(all(step in CHECKLIST_STEPS for step in checklist), "copy each step exactly from CHECKLIST_STEPS")
    expect(len(set(checklist)) == len(checklist), "a step appears twice")
    expect(len(checklist) == len(CHECKLIST_STEPS), "a step is missing from the checklist")
    position = {step: checklist.index(step) for step in checklist}
    for before, after, hint in _ORDER_RULES:
        expect(position[CHECKLIST_STEPS[before]] < position[CHECKLIST_STEPS[after]], hint)
    expect(position[CHECKLIST_STEPS[5]] > position[CHECKLIST_STEPS[3]],
           "failed requests can only be counted once the switch has happened")


@checks.question("q4")
def _in_sync(replica_in_sync: Callable[..., Any]) -> None:
    cloud = Cloud(seed=304)
    client = cloud.client("secretsmanager", region_name=PREFERRED)
    client.create_secret(Name="lab03/check/alone", SecretString="no replica")
    alone = call(replica_in_sync, client, "lab03/check/alone")
    client.create_secret(Name="lab03/check/db", SecretString="v1",
                         AddReplicaRegions=[{"Region": FALLBACK}, {"Region": "eu-west-1"}])
    fresh = call(replica_in_sync, client, "lab03/check/db")
    expect(fresh is False, "a replica still InProgress has not received the latest change yet")
    cloud.clock.advance(minutes=1)
    expect(call(replica_in_sync, client, "lab03/check/db") is True,
           "every replica reports InSync, yet the answer was not True")
    cloud.outage("eu-west-1")
    client.put_secret_value(SecretId="lab03/check/db", SecretString="v2")
    cloud.clock.advance(minutes=1)
    expect(call(replica_in_sync, client, "lab03/check/db") is False,
           "check every replica, not only the first: one region is still waiting for the change")
    expect(alone is False, "a secret with no replica has no fallback: that is not in sync")
