"""The failover application model and the failover drill."""

from __future__ import annotations

from datetime import timedelta

import pytest

from secretkit.apps.failover import UNREACHABLE, FailoverApp, failover_drill
from secretkit.secretsmanager.replication import REPLICATION_LAG

EAST, WEST = "us-east-1", "us-west-2"


@pytest.fixture
def replicated(cloud, sm):
    out = sm.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)
    return out


def test_reads_from_the_preferred_region_while_it_is_up(cloud, replicated):
    app = FailoverApp(cloud, "app/db", [EAST, WEST])
    final = app.request()
    assert (final.region, final.outcome, final.version_id) == (EAST, "OK", replicated["VersionId"])
    assert len(app.attempts) == 1


def test_falls_back_to_the_next_region_when_the_preferred_one_is_out(cloud, replicated):
    app = FailoverApp(cloud, "app/db", [EAST, WEST])
    cloud.outage(EAST)
    final = app.request()
    assert (final.region, final.outcome) == (WEST, "OK")
    assert [(a.region, a.outcome) for a in app.attempts] == [(EAST, UNREACHABLE), (WEST, "OK")]
    assert app.failed_requests() == 0


def test_a_request_fails_when_every_region_is_out(cloud, replicated):
    app = FailoverApp(cloud, "app/db", [EAST, WEST])
    cloud.outage(EAST)
    cloud.outage(WEST)
    final = app.request()
    assert (final.region, final.outcome) == (WEST, UNREACHABLE)
    assert app.failed_requests() == 1


def test_a_region_without_the_secret_counts_as_a_failure_and_the_app_moves_on(cloud, sm):
    sm.create_secret(Name="only-east", SecretString="v")
    app = FailoverApp(cloud, "only-east", [WEST, EAST])
    final = app.request()
    assert [(a.region, a.outcome) for a in app.attempts] == [(WEST, "ResourceNotFoundException"), (EAST, "OK")]
    assert final.region == EAST


def test_scheduled_requests_chart_per_region_over_time(cloud, replicated):
    app = FailoverApp(cloud, "app/db", [EAST, WEST])
    app.start(every=timedelta(minutes=1))
    cloud.clock.advance(minutes=10)
    cloud.outage(EAST)
    cloud.clock.advance(minutes=10)
    cloud.recover(EAST)
    cloud.clock.advance(minutes=10)
    app.stop()
    cloud.clock.advance(minutes=10)  # stopped: no more requests
    assert app.requests == 30
    counts = app.per_region()
    assert counts[EAST]["OK"] == 20 and counts[EAST][UNREACHABLE] == 10
    assert counts[WEST]["OK"] == 10
    rows = app.timeline(bucket=timedelta(minutes=10))
    assert [(r["region"], r["ok"], r["failed"]) for r in rows] == [
        (EAST, 10, 0), (EAST, 0, 10), (WEST, 10, 0), (EAST, 10, 0),
    ]


def test_app_input_is_checked(cloud):
    with pytest.raises(ValueError):
        FailoverApp(cloud, "", [EAST])
    with pytest.raises(ValueError):
        FailoverApp(cloud, "x", [])
    with pytest.raises(ValueError):
        FailoverApp(cloud, "x", ["moon-1"])
    with pytest.raises(ValueError):
        FailoverApp(cloud, "x", [EAST]).start(every=timedelta(0))


def test_the_drill_runs_outage_failover_promotion_recovery(cloud):
    report = failover_drill(cloud, primary=EAST, replica=WEST)
    assert [s.name for s in report.steps] == ["setup", "outage", "failover", "promotion", "recovery"]
    setup, outage, failover, promotion, recovery = report.steps
    assert setup.facts["status"] == "InSync"
    # The write just before the outage was not replicated, and the drill says so.
    assert [b["Region"] for b in outage.facts["backlog"]] == [WEST]
    # Reads failed over and served the last synced version; writes had nowhere to go.
    assert failover.facts["reads"] == failover.facts["served_by_replica"] == 10
    assert failover.facts["read_version"] == setup.facts["synced_version"]
    assert failover.facts["write_errors"] == {EAST: UNREACHABLE, WEST: "InvalidParameterException"}
    # Promotion: writes resume in the surviving region.
    assert promotion.facts["primary_region"] is None
    # Recovery: the unsynced write is still on the old primary, not lost; the two diverge.
    assert recovery.facts["primary_version"] == outage.facts["unsynced_version"]
    assert recovery.facts["promoted_version"] == promotion.facts["promoted_version"]
    assert recovery.facts["diverged"] is True
    assert recovery.facts["primary_replicas"] == []
    assert recovery.facts["app_failures"] == 0
    assert recovery.time - outage.time >= timedelta(hours=1)
    assert {a.region for a in report.attempts} == {EAST, WEST}
    assert len(report.rows()) == 5 and "promoted" in str(report)
    assert report.step("failover") is failover


def test_the_drill_is_reproducible_with_a_seed():
    import secretkit

    first = failover_drill(secretkit.Cloud(seed=7))
    second = failover_drill(secretkit.Cloud(seed=7))
    assert [s.facts for s in first.steps] == [s.facts for s in second.steps]


def test_the_drill_checks_its_arguments(cloud):
    with pytest.raises(ValueError):
        failover_drill(cloud, primary=EAST, replica=EAST)
    with pytest.raises(ValueError):
        failover_drill(cloud, outage=timedelta(minutes=5))
