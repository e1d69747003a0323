"""The dashboard controllers, driven without any widget library."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from secretkit.pricing import Workload, cents, compare
from secretkit.ui.cost import COMPONENTS, COST_SETTINGS, CostExplorer
from secretkit.ui.failover import FailoverDrill
from secretkit.ui.rotation import SECRET_NAME, RotationStepper


# ---------------------------------------------------------------------- rotation
def test_rotation_day_zero_has_one_current_version_the_database_accepts():
    r = RotationStepper()
    assert r.day == 0
    assert r.history[0].labels == {"AWSCURRENT": 1, "AWSPREVIOUS": None, "AWSPENDING": None}
    assert r.history[0].accepted == [1]


def test_rotation_moves_current_and_previous_and_clears_pending():
    r = RotationStepper(rotation_days=30)
    r.goto(29)
    assert r.history[-1].labels["AWSCURRENT"] == 1
    r.step()
    assert r.day == 30
    assert r.history[-1].labels == {"AWSCURRENT": 2, "AWSPREVIOUS": 1, "AWSPENDING": None}
    stages = r.sm.describe_secret(SecretId=SECRET_NAME)["VersionIdsToStages"]
    assert sorted(sorted(s) for s in stages.values()) == [["AWSCURRENT"], ["AWSPREVIOUS"]]
    assert [line.split(": ")[0].split()[-1] for line in r.log] == ["createSecret", "setSecret", "testSecret", "finishSecret"]


def test_rotation_labels_over_ninety_days():
    r = RotationStepper(rotation_days=30, days=90)
    r.play()
    s = r.series()
    assert s["day"] == list(range(91))
    assert [s["AWSCURRENT"][d] for d in (1, 30, 60, 90)] == [1, 2, 3, 4]
    assert [s["AWSPREVIOUS"][d] for d in (1, 30, 60, 90)] == [None, 1, 2, 3]
    assert r.rotations == 3 and len(r.versions) == 4


def test_single_user_rotation_fails_requests_while_the_cache_holds_the_old_password():
    r = RotationStepper("single-user")
    r.goto(30)
    assert r.history[30].failed > 0
    assert sum(rec.failed for rec in r.history[:30]) == 0
    assert r.history[-1].accepted == [2]  # the old password no longer works


def test_alternating_users_rotation_has_no_failed_request():
    r = RotationStepper("alternating")
    r.play()
    assert r.failed_total() == 0
    assert r.history[-1].accepted == [3, 4]  # both the current and previous credentials log in
    users = {json.loads(r.sm.get_secret_value(SecretId=SECRET_NAME, VersionStage=st)["SecretString"])["username"]
             for st in ("AWSCURRENT", "AWSPREVIOUS")}
    assert users == {"app_user", "app_user_clone"}


def test_failed_set_secret_leaves_current_untouched_and_pending_attached():
    r = RotationStepper()
    r.fail_next_rotation()
    r.goto(30)
    assert r.history[-1].labels == {"AWSCURRENT": 1, "AWSPREVIOUS": None, "AWSPENDING": 2}
    assert r.history[-1].accepted == [1]
    assert r.failed_total() == 0
    assert any("setSecret failed" in line for line in r.log)
    r.goto(60)  # the next attempt resumes the pending version (same password) and completes
    assert r.history[-1].labels == {"AWSCURRENT": 2, "AWSPREVIOUS": 1, "AWSPENDING": None}
    assert len(r.versions) == 2 and r.history[-1].accepted == [2]
    assert any("already holds AWSPENDING; reused" in line for line in r.log)


def test_rotation_going_back_replays_the_same_story():
    r = RotationStepper()
    r.goto(45)
    later = r.snapshot()
    r.goto(10)
    assert r.day == 10 and r.snapshot()["versions"] == 1
    r.goto(45)
    assert r.snapshot() == later


def test_rotation_reset_and_strategy_switch_return_to_day_zero():
    r = RotationStepper()
    initial = (r.snapshot(), repr(r), r.text_twin())
    r.play()
    assert r.snapshot() != initial[0]
    r.reset()
    assert (r.snapshot(), repr(r), r.text_twin()) == initial
    r.step(3)
    r.set_strategy("alternating")
    assert r.day == 0 and r.strategy == "alternating"


@pytest.mark.parametrize("kwargs", [{"strategy": "triple"}, {"rotation_days": 0}, {"days": True}, {"cache_minutes": 5}])
def test_rotation_refuses_bad_settings(kwargs):
    with pytest.raises(ValueError):
        RotationStepper(**kwargs)


@pytest.mark.parametrize("call", [lambda r: r.goto(91), lambda r: r.goto(-1), lambda r: r.step(0),
                                  lambda r: r.set_strategy("x")])
def test_rotation_refuses_bad_controls(call):
    r = RotationStepper()
    with pytest.raises(ValueError):
        call(r)
    assert r.day == 0


def test_rotation_never_steps_past_the_last_day():
    r = RotationStepper(days=5)
    r.step(10)
    assert r.day == 5


# ---------------------------------------------------------------------- failover
def test_failover_reads_move_to_the_replica_during_an_outage():
    d = FailoverDrill()
    d.advance(10)
    assert d.counts()["us-east-1"] == {"ok": 10, "failed": 0}
    d.outage("us-east-1")
    d.advance(10)
    assert d.counts()["us-west-2"]["ok"] == 10
    assert d.counts()["us-east-1"]["failed"] == 10
    assert d.app.failed_requests() == 0
    s = d.series()
    assert s["minute"] == [0, 10] and sum(s["us-west-2 ok"]) == 10


def test_failover_writes_need_a_promotion_while_the_primary_is_down():
    d = FailoverDrill()
    d.outage("us-east-1")
    refused = d.write()
    assert "refused everywhere" in refused and "us-east-1 unreachable" in refused
    assert "promoted" in d.promote()
    assert d.promoted
    assert "stored in us-west-2" in d.write()
    value = d.cloud.secretsmanager("us-west-2").get_secret_value(SecretId="prod/payments/api-key")["SecretString"]
    assert value == "key-3"


def test_failover_both_regions_down_fails_requests_and_promotion():
    d = FailoverDrill()
    d.outage("us-east-1")
    d.outage("us-west-2")
    d.advance(5)
    assert d.app.failed_requests() == 5
    assert "failed" in d.promote() and not d.promoted
    d.recover("us-west-2")
    d.advance(5)
    assert d.app.failed_requests() == 5  # reads are served again by the replica


def test_failover_reset_restores_the_start():
    d = FailoverDrill()
    initial = (d.snapshot(), repr(d), d.text_twin())
    d.outage("us-east-1")
    d.advance(30)
    d.promote()
    assert d.snapshot() != initial[0]
    d.reset()
    assert (d.snapshot(), repr(d), d.text_twin()) == initial


@pytest.mark.parametrize("call", [lambda d: d.outage("eu-west-1"), lambda d: d.advance(0),
                                  lambda d: d.advance(2000), lambda d: d.recover("nowhere")])
def test_failover_refuses_bad_controls(call):
    d = FailoverDrill()
    with pytest.raises(ValueError):
        call(d)


# ---------------------------------------------------------------------- cost
def test_cost_totals_match_the_pricing_comparison():
    ce = CostExplorer(secrets=50, reads_per_day=2000, rotation_days=30)
    c = compare(Workload(secrets=50, reads_per_day=2000, rotation_days=30))
    assert ce.monthly_totals() == {"Secrets Manager": float(cents(c.secrets_manager.total)),
                                   "Parameter Store": float(cents(c.parameter_store.total))}
    bars = ce.bars()
    assert set(bars["Secrets Manager"]) == set(COMPONENTS)
    # $0.40 per secret-month is the storage stack of Secrets Manager
    assert bars["Secrets Manager"]["storage"] == 20.0
    assert sum(bars["Secrets Manager"].values()) == pytest.approx(ce.monthly_totals()["Secrets Manager"], abs=0.03)


def test_cost_more_secrets_cost_more_in_secrets_manager():
    ce = CostExplorer()
    before = ce.monthly_totals()["Secrets Manager"]
    ce.set("secrets", ce.settings["secrets"] + 10)
    assert ce.monthly_totals()["Secrets Manager"] == pytest.approx(before + 4.0 + 10 * 1000 * 730 / 24 / 10000 * 0.05, abs=0.02)


def test_cost_projection_is_cumulative_and_grows_with_growth():
    ce = CostExplorer(secrets=10, growth_pct=0)
    p = ce.projection()
    assert p["month"] == list(range(1, 13))
    assert p["Secrets Manager"][-1] == pytest.approx(12 * p["Secrets Manager"][0], abs=0.06)
    ce.set("growth_pct", 10)
    assert ce.secrets_in_month(1) == 10 and ce.secrets_in_month(12) == round(10 * Decimal("1.1") ** 11)
    assert ce.projection()["Secrets Manager"][-1] > p["Secrets Manager"][-1]


def test_cost_twin_states_the_numbers_and_the_price_date():
    ce = CostExplorer()
    twin = ce.text_twin()
    m = ce.monthly_totals()
    assert f"${m['Secrets Manager']:,.2f}" in twin and "Prices as of" in twin


def test_cost_reset_restores_the_starting_settings():
    ce = CostExplorer(secrets=7)
    ce.set("reads_per_day", 0)
    ce.set("replicas_per_secret", 2)
    ce.reset()
    assert ce.settings == {**{k: v[0] for k, v in COST_SETTINGS.items()}, "secrets": 7}


@pytest.mark.parametrize("name,value", [("secrets", -1), ("secrets", 501), ("secrets", 1.5), ("secrets", True),
                                        ("nonsense", 1)])
def test_cost_refuses_bad_settings(name, value):
    ce = CostExplorer()
    with pytest.raises(ValueError):
        ce.set(name, value)
    assert ce.settings == {k: v[0] for k, v in COST_SETTINGS.items()}


def test_failover_records_each_outage_once_with_its_minutes():
    d = FailoverDrill()
    d.advance(10)
    d.outage("us-east-1")
    d.outage("us-east-1")  # already down: still one outage
    d.advance(20)
    d.recover("us-east-1")
    d.outage("us-west-2")
    d.advance(10)
    assert d.down_periods() == [("us-east-1", 10, 30), ("us-west-2", 30, 40)]
    d.reset()
    assert d.down_periods() == []
