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
from . import Checks, Mistake, StudentError, call, count_calls, expect

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


_THREE = (PREFERRED, FALLBACK, "eu-west-1")


def _world(seed: int, *, same_value: bool = True, regions: tuple[str, ...] = (PREFERRED, FALLBACK),
           name: str = "lab03/check/db") -> tuple[Cloud, list[tuple[str, Any]]]:
    """A Cloud with the secret ``name`` in each region (not a replica: the value can differ)."""
    cloud = Cloud(seed=seed)
    clients = [(region, cloud.client("secretsmanager", region_name=region)) for region in regions]
    for region, client in clients:
        value = "shared-value" if same_value else f"value-in-{region}"
        client.create_secret(Name=name, SecretString=value)
    return cloud, clients


def _is_outage(error: BaseException) -> bool:
    return type(error).__name__ == "EndpointConnectionError"


def _pair(got: Any) -> tuple[Any, Any]:
    """The (region, value) an answer returned, or the mistake its shape shows."""
    expect(not isinstance(got, str), "returned only a string: return a tuple (region, SecretString)")
    expect(isinstance(got, (tuple, list)) and len(got) == 2, "return a tuple (region, SecretString)")
    region, value = got
    expect(not isinstance(value, dict), "the second item is the whole response: return its SecretString")
    return region, value


def _read_during_outage(read_with_failover: Callable[..., Any], clients: list[tuple[str, Any]],
                        *, hint: str) -> tuple[Any, Any]:
    try:
        return _pair(call(read_with_failover, clients, "lab03/check/db"))
    except StudentError as error:
        if _is_outage(error.original):
            raise Mistake(hint) from None
        raise


@checks.question("q1")
def _read(read_with_failover: Callable[..., Any]) -> None:
    cloud, clients = _world(301, same_value=False)
    region, value = _pair(call(read_with_failover, clients, "lab03/check/db"))
    expect(value != f"value-in-{FALLBACK}", "read the fallback region although the preferred one was up: "
                                            "try them in order")
    expect(value == f"value-in-{PREFERRED}", "the value returned is not the secret's SecretString")
    expect(region == PREFERRED, "the region returned is not the one whose value was read")
    clients[1][1].create_secret(Name="lab03/check/fallback-only", SecretString="not in the preferred region")
    try:
        read_with_failover(clients, "lab03/check/fallback-only")
    except Exception as error:
        expect(not _is_outage(error), "a missing secret was reported as an outage")
    else:
        raise Mistake("a missing secret is not an outage: only connection errors mean 'try the next region'")
    cloud.outage(PREFERRED)
    during = _read_during_outage(read_with_failover, clients,
                                 hint="EndpointConnectionError escaped: when a region is unreachable, try the next one")
    expect(during == (FALLBACK, f"value-in-{FALLBACK}"), "during the outage the read did not come from the fallback")
    cloud.recover(PREFERRED)
    after = _pair(call(read_with_failover, clients, "lab03/check/db"))
    expect(after[0] == PREFERRED, "after the preferred region recovered, the read still went to the fallback: "
                                  "try the regions in order on every call, not from the last one that worked")
    cloud3, three = _world(311, same_value=False, regions=_THREE)
    cloud3.outage(PREFERRED)
    cloud3.outage(FALLBACK)
    third = _read_during_outage(read_with_failover, three,
                                hint="with the first two regions down, the third was never tried: loop over every "
                                     "region in the list, however many there are")
    expect(third[0] == _THREE[2], "with the first two regions down, the read did not come from the third")
    cloud.outage(PREFERRED)
    cloud.outage(FALLBACK)
    try:
        read_with_failover(clients, "lab03/check/db")
    except Exception as error:
        expect(_is_outage(error), "with every region down, the connection error should reach the caller")
    else:
        raise Mistake("with every region down the function still returned: let the last error reach the caller")


def _taken_down(cloud: Cloud) -> list[str]:
    return [e.region for e in cloud.events.select(kind="notice", operation="RegionOutage")]


def _run_drill(drill: Callable[..., Any], cloud: Cloud, clients: list[tuple[str, Any]]) -> list[tuple[Any, Any]]:
    report = call(drill, cloud, clients, "lab03/check/db")
    expect(not isinstance(report, dict),
           "returned a dict: return a list of (phase, region) pairs, in the order the phases ran")
    expect(isinstance(report, list), "drill should return a list of (phase, region) pairs")
    preferred, fallback = clients[0][0], clients[1][0]
    expect(not cloud.is_down(preferred), "the drill left the preferred region down: bring it back before you finish")
    expect(not cloud.is_down(fallback), "the drill left the fallback region down: take down only the preferred one")
    phases = dict(report) if all(isinstance(r, (tuple, list)) and len(r) == 2 for r in report) else {}
    expect(set(phases) >= {"before", "outage", "recovered"},
           "the report should have the phases 'before', 'outage' and 'recovered'")
    down = _taken_down(cloud)
    expect(down, "the drill never took a region down: call cloud.outage on the preferred region")
    expect(preferred in down, f"the drill took down {down[0]}, which is not the preferred region here: the preferred "
                              "region is the first in clients (clients[0][0]), whatever its name")
    expect(phases["before"] == preferred, "the 'before' read did not come from the preferred region: read once "
                                          "before the outage starts")
    expect(phases["outage"] == fallback, "during the outage the application should be served by the fallback region")
    expect(phases["recovered"] == preferred, "the 'recovered' read came from the fallback: bring the preferred "
                                             "region back before that read")
    return report


@checks.question("q2")
def _drill(drill: Callable[..., Any]) -> None:
    cloud, clients = _world(302)
    reads = count_calls(cloud, "GetSecretValue", region=FALLBACK)
    _run_drill(drill, cloud, clients)
    expect(count_calls(cloud, "GetSecretValue", region=FALLBACK) > reads,
           "the 'outage' phase names the fallback without reading from it: read during the outage and report "
           "the region that served")
    cloud, reverse = _world(312)
    _run_drill(drill, cloud, reverse[::-1])
    cloud, clients = _world(322, regions=(PREFERRED,))
    clients.append((FALLBACK, cloud.client("secretsmanager", region_name=FALLBACK)))  # the secret is not there
    try:
        drill(cloud, clients, "lab03/check/db")
    except Exception:  # the read during the outage fails: what matters is the state left behind
        pass
    expect(not cloud.is_down(PREFERRED),
           "when the read during the outage failed, the drill left the preferred region down: bring it back "
           "in a finally block, so a failed drill leaves every region as it found it")


@checks.question("q3")
def _checklist(checklist: Any) -> None:
    expect(isinstance(checklist, (list, tuple)), "checklist should be a list of the steps above")
    expect(not any(isinstance(step, int) for step in checklist),
           "the checklist holds numbers: put the steps themselves (their text) in the list")
    expect(all(step in CHECKLIST_STEPS for step in checklist), "copy each step exactly from CHECKLIST_STEPS")
    expect(len(set(checklist)) == len(checklist), "a step appears twice")
    expect(len(checklist) == len(CHECKLIST_STEPS), "a step is missing from the checklist")
    position = {step: checklist.index(step) for step in checklist}
    for before, after, hint in _ORDER_RULES:
        expect(position[CHECKLIST_STEPS[before]] < position[CHECKLIST_STEPS[after]], hint)
    expect(position[CHECKLIST_STEPS[5]] > position[CHECKLIST_STEPS[3]],
           "failed requests can only be counted once the switch has happened")


def _in_sync_answer(replica_in_sync: Callable[..., Any], client: Any, secret_id: str) -> Any:
    try:
        got = call(replica_in_sync, client, secret_id)
    except StudentError as error:
        if isinstance(error.original, KeyError) and error.original.args == ("ReplicationStatus",):
            raise Mistake("a secret without replicas has no ReplicationStatus field at all, and your code failed "
                          "on it: such a secret is not in sync") from None
        raise
    expect(not isinstance(got, str), "returned the status text: return True or False")
    return got


@checks.question("q4")
def _in_sync(replica_in_sync: Callable[..., Any]) -> None:
    cloud = Cloud(seed=304)
    client = cloud.client("secretsmanager", region_name=PREFERRED)
    client.create_secret(Name="lab03/check/alone", SecretString="no replica")
    alone = _in_sync_answer(replica_in_sync, client, "lab03/check/alone")
    client.create_secret(Name="lab03/check/db", SecretString="v1",
                         AddReplicaRegions=[{"Region": FALLBACK}, {"Region": "eu-west-1"}])
    fresh = _in_sync_answer(replica_in_sync, client, "lab03/check/db")
    expect(fresh is False, "a replica still InProgress has not received the latest change yet")
    cloud.clock.advance(minutes=1)
    expect(_in_sync_answer(replica_in_sync, client, "lab03/check/db") is True,
           "every replica reports InSync, yet the answer was not True")
    cloud.outage("eu-west-1")
    client.put_secret_value(SecretId="lab03/check/db", SecretString="v2")
    cloud.clock.advance(minutes=1)
    expect(_in_sync_answer(replica_in_sync, client, "lab03/check/db") is False,
           "check every replica, not only the first: one region is still waiting for the change")
    expect(alone is False, "a secret with no replica has no fallback: that is not in sync")
    cloud.client("secretsmanager", region_name=FALLBACK).create_secret(Name="lab03/check/clash", SecretString="taken")
    client.create_secret(Name="lab03/check/clash", SecretString="v1", AddReplicaRegions=[{"Region": FALLBACK}])
    cloud.clock.advance(minutes=1)
    expect(_in_sync_answer(replica_in_sync, client, "lab03/check/clash") is False,
           "a replica whose Status is Failed never received the change: only InSync means in sync")
