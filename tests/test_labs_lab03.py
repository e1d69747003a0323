"""Lab 3's checks against a table of wrong answers students write, each with its own message.

The failover read is tried with the preferred region up, down, back again, with a third
region and with every region down; the drill in a second region order and through a read
that fails during the outage; the replica check through InProgress, InSync and Failed.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from secretkit.labs import lab03
from _labs_support import answer_table_tests

STEPS = lab03.CHECKLIST_STEPS


# --------------------------------------------------------------------------- q1
def failover(catch="outage", order=1, reraise=True, shape="pair"):
    def read_with_failover(clients, secret_id):
        last = None
        for region, client in clients[::order]:
            try:
                response = client.get_secret_value(SecretId=secret_id)
            except EndpointConnectionError as error:
                last = error
                if catch is None:
                    raise
                continue
            except Exception as error:
                if catch != "all":
                    raise
                last = error
                continue
            if shape == "value":
                return response["SecretString"]
            if shape == "response":
                return region, response
            if shape == "last-region":
                return clients[-1][0], response["SecretString"]
            return region, response["SecretString"]
        if reraise == "custom":
            raise RuntimeError("no region answered")
        if reraise:
            raise last
        return None, None
    return read_with_failover


_sticky = {"index": 0}


def _unstick() -> None:
    _sticky["index"] = 0


def sticky(clients, secret_id):
    while True:
        region, client = clients[_sticky["index"]]
        try:
            return region, client.get_secret_value(SecretId=secret_id)["SecretString"]
        except EndpointConnectionError:
            if _sticky["index"] == len(clients) - 1:
                raise
            _sticky["index"] += 1


def two_regions_only(clients, secret_id):
    (first, primary), (second, fallback) = clients[:2]
    try:
        return first, primary.get_secret_value(SecretId=secret_id)["SecretString"]
    except EndpointConnectionError:
        return second, fallback.get_secret_value(SecretId=secret_id)["SecretString"]


Q1 = [
    (failover(catch=None), "EndpointConnectionError escaped: when a region is unreachable, try the next one"),
    (failover(order=-1), "read the fallback region although the preferred one was up: try them in order"),
    (failover(catch="all"), "a missing secret is not an outage: only connection errors mean 'try the next region'"),
    (failover(reraise=False), "with every region down the function still returned: let the last error reach the "
                              "caller"),
    (failover(reraise="custom"), "with every region down, the connection error should reach the caller"),
    (failover(shape="value"), "returned only a string: return a tuple (region, SecretString)"),
    (failover(shape="response"), "the second item is the whole response: return its SecretString"),
    (failover(shape="last-region"), "the region returned is not the one whose value was read"),
    (sticky, "after the preferred region recovered, the read still went to the fallback: try the regions in order "
             "on every call, not from the last one that worked"),
    (two_regions_only, "with the first two regions down, the third was never tried: loop over every region in the "
                       "list, however many there are"),
]


# --------------------------------------------------------------------------- q2
def read(clients, secret_id):
    return failover()(clients, secret_id)[0]


def drill_ok(cloud, clients, secret_id):
    preferred = clients[0][0]
    report = [("before", read(clients, secret_id))]
    cloud.outage(preferred)
    try:
        report.append(("outage", read(clients, secret_id)))
    finally:
        cloud.recover(preferred)
    report.append(("recovered", read(clients, secret_id)))
    return report


def drill_with(*, down=lambda clients: [clients[0][0]], up=lambda clients: [clients[0][0]], names=None,
               shape=list, read_outage=True, recover_first=True, before_first=True, finally_=True):
    names = names or ("before", "outage", "recovered")

    def drill(cloud, clients, secret_id):
        report = []
        if before_first:
            report.append((names[0], read(clients, secret_id)))
        for region in down(clients):
            cloud.outage(region)

        def during():
            if not before_first:
                report.append((names[0], read(clients, secret_id)))
            report.append((names[1], read(clients, secret_id) if read_outage else clients[1][0]))
            if not recover_first:
                report.append((names[2], read(clients, secret_id)))

        if finally_:
            try:
                during()
            finally:
                for region in up(clients):
                    cloud.recover(region)
        else:
            during()
            for region in up(clients):
                cloud.recover(region)
        if recover_first:
            report.append((names[2], read(clients, secret_id)))
        return shape(report)
    return drill


Q2 = [
    (drill_with(up=lambda clients: []), "the drill left the preferred region down: bring it back before you finish"),
    (drill_with(down=lambda clients: [clients[0][0], clients[1][0]], read_outage=False),
     "the drill left the fallback region down: take down only the preferred one"),
    (drill_with(shape=dict), "returned a dict: return a list of (phase, region) pairs, in the order the phases ran"),
    (drill_with(shape=tuple), "drill should return a list of (phase, region) pairs"),
    (drill_with(names=("start", "down", "end")), "the report should have the phases 'before', 'outage' and "
                                                 "'recovered'"),
    (drill_with(down=lambda clients: [], up=lambda clients: []),
     "the drill never took a region down: call cloud.outage on the preferred region"),
    (drill_with(down=lambda clients: ["us-east-1"], up=lambda clients: ["us-east-1"]),
     "the drill took down us-east-1, which is not the preferred region here: the preferred region is the first in "
     "clients (clients[0][0]), whatever its name"),
    (drill_with(before_first=False), "the 'before' read did not come from the preferred region: read once before the "
                                     "outage starts"),
    (drill_with(recover_first=False), "the 'recovered' read came from the fallback: bring the preferred region back "
                                      "before that read"),
    (drill_with(read_outage=False), "the 'outage' phase names the fallback without reading from it: read during the "
                                    "outage and report the region that served"),
    (drill_with(finally_=False), "when the read during the outage failed, the drill left the preferred region down: "
                                 "bring it back in a finally block, so a failed drill leaves every region as it found "
                                 "it"),
]


# --------------------------------------------------------------------------- q3
GOOD = [STEPS[i] for i in (1, 2, 3, 5, 4, 0)]

Q3 = [
    ("take the preferred region down", "checklist should be a list of the steps above"),
    ([1, 2, 3, 5, 4, 0], "the checklist holds numbers: put the steps themselves (their text) in the list"),
    ([*GOOD[:-1], "restart everything"], "copy each step exactly from CHECKLIST_STEPS"),
    ([*GOOD, GOOD[0]], "a step appears twice"),
    (GOOD[:-1], "a step is missing from the checklist"),
    ([STEPS[i] for i in (2, 1, 3, 5, 4, 0)], "take the region down only after confirming the fallback is in sync: "
                                              "otherwise the drill can serve a stale secret"),
    ([STEPS[i] for i in (1, 3, 2, 5, 4, 0)], "the application cannot read from the fallback before the preferred "
                                              "region is down"),
    ([STEPS[i] for i in (1, 2, 4, 3, 5, 0)], "confirm the fallback serves before bringing the preferred region back, "
                                              "or the drill proves nothing"),
    ([STEPS[i] for i in (1, 2, 3, 5, 0, 4)], "the application returning to the preferred region can only be confirmed "
                                              "after it is back"),
    ([STEPS[i] for i in (1, 2, 5, 3, 4, 0)], "failed requests can only be counted once the switch has happened"),
]


# --------------------------------------------------------------------------- q4
def statuses(client, secret_id):
    return client.describe_secret(SecretId=secret_id).get("ReplicationStatus", [])


def in_sync_ok(client, secret_id):
    replicas = statuses(client, secret_id)
    return bool(replicas) and all(r["Status"] == "InSync" for r in replicas)


Q4 = [
    (lambda c, s: bool(statuses(c, s)), "a replica still InProgress has not received the latest change yet"),
    (lambda c, s: bool(statuses(c, s)) and statuses(c, s)[0]["Status"] == "InSync",
     "check every replica, not only the first: one region is still waiting for the change"),
    (lambda c, s: all(r["Status"] == "InSync" for r in statuses(c, s)),
     "a secret with no replica has no fallback: that is not in sync"),
    (lambda c, s: all(r["Status"] == "InSync" for r in c.describe_secret(SecretId=s)["ReplicationStatus"]),
     "a secret without replicas has no ReplicationStatus field at all, and your code failed on it: such a secret is "
     "not in sync"),
    (lambda c, s: statuses(c, s)[0]["Status"] if statuses(c, s) else "none", "returned the status text: return True "
                                                                            "or False"),
    (lambda c, s: bool(statuses(c, s)) and all(r["Status"] != "InProgress" for r in statuses(c, s)),
     "a replica whose Status is Failed never received the change: only InSync means in sync"),
]

TABLES = {"q1": (Q1, failover()), "q2": (Q2, drill_ok), "q3": (Q3, GOOD), "q4": (Q4, in_sync_ok)}
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab03.check, TABLES, before_each=_unstick)


def test_a_list_pair_is_as_good_as_a_tuple():
    def as_list(clients, secret_id):
        return list(failover()(clients, secret_id))

    assert lab03.check("q1", as_list).passed
