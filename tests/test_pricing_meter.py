"""The meter over synthetic event logs: every dimension, proration by the hour, pending
deletion, replicas, free tiers, throughput, and periods that add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from secretkit.core.events import EventLog
from secretkit.pricing import bill, cents

T0 = datetime(2026, 1, 1, tzinfo=UTC)
MONTH = timedelta(hours=730)
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"
REPLICA = "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbC123"
PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
AWS_KEY = "arn:aws:kms:us-east-1:123456789012:key/2222"


def at(hours: float = 0, days: float = 0) -> datetime:
    return T0 + timedelta(hours=hours, days=days)


def lifecycle(log: EventLog, when: datetime, op: str, arn: str, kind: str, region: str = "us-east-1") -> None:
    service = {"secret": "secretsmanager", "replica-secret": "secretsmanager", "advanced-parameter": "ssm",
               "kms-key": "kms"}[kind]
    log.record(when, "lifecycle", region, service, op, "OK", arn, {"type": kind})


def calls(log: EventLog, n: int, service: str, op: str, resource: str | None = None, detail=None,
          outcome: str = "OK", when: datetime = T0, region: str = "us-east-1") -> None:
    for _ in range(n):
        log.record(when, "call", region, service, op, outcome, resource, detail)


def month_bill(log: EventLog, **options) -> object:
    return bill(log, T0, T0 + MONTH, **options)


# ------------------------------------------------------------------- time-based dimensions
def test_a_secret_for_a_whole_month_costs_forty_cents():
    log = EventLog()
    lifecycle(log, T0, "start", SECRET, "secret")
    b = month_bill(log)
    assert b.total == Decimal("0.40")
    (line,) = b.lines
    assert (line.service, line.region, line.resource, line.dimension, line.quantity) == (
        "secretsmanager", "us-east-1", SECRET, "secretsmanager:secret-month", 730)


def test_a_secret_that_lives_15_days_costs_360_of_730_hours():
    log = EventLog()
    lifecycle(log, T0, "start", SECRET, "secret")
    lifecycle(log, at(days=15), "stop", SECRET, "secret")
    assert month_bill(log).total == Decimal("0.40") * 360 / 730
    assert cents(month_bill(log).total) == Decimal("0.20")


def test_a_part_hour_is_billed_as_a_whole_hour_and_no_time_costs_nothing():
    log = EventLog()
    lifecycle(log, at(hours=1.25), "start", SECRET, "secret")
    lifecycle(log, at(hours=2.5), "stop", SECRET, "secret")  # touches hours 1 and 2
    lifecycle(log, at(hours=5), "start", REPLICA, "replica-secret", "us-west-2")
    lifecycle(log, at(hours=5), "stop", REPLICA, "replica-secret", "us-west-2")
    b = month_bill(log)
    assert b.quantity("secretsmanager:secret-month") == 2
    assert b.by_region() == {"us-east-1": Decimal("0.40") * 2 / 730}


def test_pending_deletion_is_free_and_restore_bills_again():
    log = EventLog()
    lifecycle(log, T0, "start", SECRET, "secret")
    lifecycle(log, at(days=10), "stop", SECRET, "secret")      # DeleteSecret schedules deletion
    lifecycle(log, at(days=17), "start", SECRET, "secret")     # RestoreSecret
    lifecycle(log, at(days=20), "stop", SECRET, "secret")      # deleted again, never restored
    b = month_bill(log)
    assert b.quantity("secretsmanager:secret-month") == (10 + 3) * 24


def test_two_intervals_in_one_clock_hour_pay_for_it_once():
    log = EventLog()
    lifecycle(log, at(hours=3.1), "start", SECRET, "secret")
    lifecycle(log, at(hours=3.2), "stop", SECRET, "secret")
    lifecycle(log, at(hours=3.5), "start", SECRET, "secret")
    lifecycle(log, at(hours=4.5), "stop", SECRET, "secret")
    assert month_bill(log).quantity("secretsmanager:secret-month") == 2  # hours 3 and 4


def test_a_replica_is_billed_as_a_secret_in_its_own_region():
    log = EventLog()
    lifecycle(log, T0, "start", SECRET, "secret")
    lifecycle(log, T0, "start", REPLICA, "replica-secret", "us-west-2")
    b = month_bill(log)
    assert b.by_region() == {"us-east-1": Decimal("0.40"), "us-west-2": Decimal("0.40")}
    assert b.by_dimension() == {"secretsmanager:secret-month": Decimal("0.80")}
    assert [line.resource for line in b.select(region="us-west-2")] == [REPLICA]
    assert b.by_resource() == {SECRET: Decimal("0.40"), REPLICA: Decimal("0.40")}


def test_advanced_parameter_month_is_five_cents_prorated():
    log = EventLog()
    lifecycle(log, T0, "start", PARAM, "advanced-parameter")
    assert month_bill(log).total == Decimal("0.05")
    lifecycle(log, at(hours=73), "stop", PARAM, "advanced-parameter")
    assert month_bill(log).total == Decimal("0.05") * 73 / 730


def test_customer_key_month_is_one_dollar_and_pending_deletion_is_free():
    log = EventLog()
    lifecycle(log, T0, "start", KEY, "kms-key")
    lifecycle(log, at(days=7), "stop", KEY, "kms-key")  # ScheduleKeyDeletion
    b = month_bill(log)
    assert b.by_dimension() == {"kms:key-month": Decimal(1) * 168 / 730}


def test_a_resource_started_before_the_period_bills_only_inside_it():
    log = EventLog()
    lifecycle(log, at(days=-40), "start", SECRET, "secret")
    lifecycle(log, at(days=5), "stop", SECRET, "secret")
    assert month_bill(log).quantity("secretsmanager:secret-month") == 120


def test_a_stop_without_a_start_runs_from_the_period_start():
    log = EventLog()
    lifecycle(log, at(hours=10), "stop", SECRET, "secret")
    assert month_bill(log).quantity("secretsmanager:secret-month") == 10


# ------------------------------------------------------------------------ request dimensions
def test_secrets_manager_calls_cost_five_cents_per_ten_thousand_failed_ones_too():
    log = EventLog()
    calls(log, 9_000, "secretsmanager", "GetSecretValue", SECRET)
    calls(log, 1_000, "secretsmanager", "GetSecretValue", SECRET, outcome="ResourceNotFoundException")
    b = month_bill(log)
    assert b.quantity("secretsmanager:api-calls") == 10_000
    assert b.total == Decimal("0.05")


def test_calls_without_a_resource_are_itemised_under_no_resource():
    log = EventLog()
    calls(log, 4, "secretsmanager", "ListSecrets")
    assert [line.resource for line in month_bill(log).lines] == ["(no resource)"]


def test_kms_requests_made_for_you_are_free_with_the_aws_managed_key_only():
    log = EventLog()
    calls(log, 500, "kms", "Decrypt", AWS_KEY, {"via": "secretsmanager", "key_manager": "AWS"})
    calls(log, 10_000, "kms", "Decrypt", KEY, {"via": "ssm", "key_manager": "CUSTOMER"})
    calls(log, 3, "kms", "Decrypt", None, {"via": "secretsmanager"}, outcome="InvalidCiphertextException")
    b = month_bill(log, kms_free_tier=False)
    assert b.quantity("kms:requests") == 10_000
    assert b.total == Decimal("0.03")


def test_direct_kms_calls_are_requests_whatever_the_key():
    log = EventLog()
    calls(log, 2, "kms", "DescribeKey", AWS_KEY, {"key_manager": "AWS"})
    calls(log, 3, "kms", "Encrypt", KEY, {"key_manager": "CUSTOMER"})
    calls(log, 1, "kms", "ListKeys")
    assert month_bill(log, kms_free_tier=False).quantity("kms:requests") == 6


def test_kms_free_tier_covers_the_first_20000_requests_of_the_month():
    log = EventLog()
    calls(log, 25_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"})
    b = month_bill(log)
    assert b.quantity("kms:requests") == 5_000
    assert b.total == Decimal("0.015")
    credit = [line for line in b.lines if line.quantity < 0]
    assert [(c.region, c.quantity) for c in credit] == [("all regions", -20_000)]
    assert month_bill(log, kms_free_tier=False).total == Decimal("0.075")


def test_kms_free_tier_is_shared_by_regions_and_used_up_by_earlier_requests_that_month():
    log = EventLog()
    calls(log, 15_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"}, when=at(days=2))
    calls(log, 10_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"}, when=at(days=3), region="eu-west-1")
    whole = month_bill(log)
    assert whole.quantity("kms:requests") == 5_000
    later = bill(log, at(days=2, hours=12), T0 + MONTH)  # the first 15,000 came before it
    assert later.quantity("kms:requests") == 5_000


def test_kms_free_tier_resets_each_calendar_month():
    log = EventLog()
    calls(log, 20_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"}, when=datetime(2026, 1, 31, tzinfo=UTC))
    calls(log, 20_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"}, when=datetime(2026, 2, 1, tzinfo=UTC))
    assert bill(log, T0, datetime(2026, 3, 1, tzinfo=UTC)).total == 0


def test_ssm_calls_are_free_on_standard_and_billed_on_advanced():
    log = EventLog()
    calls(log, 7, "ssm", "GetParameter", PARAM, {"tier": "Standard"})
    calls(log, 10_000, "ssm", "GetParameter", PARAM, {"tier": "Advanced"})
    b = month_bill(log)
    assert b.quantity("ssm:api-interactions") == 10_000
    assert b.total == Decimal("0.05")


def test_higher_throughput_bills_every_parameter_store_call_when_forced():
    log = EventLog()
    calls(log, 6_000, "ssm", "GetParameter", PARAM, {"tier": "Standard"})
    calls(log, 4_000, "ssm", "DescribeParameters")
    assert month_bill(log).total == 0
    assert month_bill(log, high_throughput=True).total == Decimal("0.05")


def test_higher_throughput_follows_the_setting_in_the_log_per_region():
    log = EventLog()
    std = {"tier": "Standard"}
    calls(log, 10, "ssm", "GetParameter", PARAM, std, when=at(hours=1))
    log.record(at(hours=2), "call", "us-east-1", "ssm", "UpdateServiceSetting", "OK", None, {"ssm_high_throughput": True})
    calls(log, 100, "ssm", "GetParameter", PARAM, std, when=at(hours=3))
    calls(log, 50, "ssm", "GetParameter", PARAM, std, when=at(hours=3), region="eu-west-1")
    log.record(at(hours=4), "call", "us-east-1", "ssm", "ResetServiceSetting", "OK", None, {"ssm_high_throughput": False})
    calls(log, 1_000, "ssm", "GetParameter", PARAM, std, when=at(hours=5))
    b = month_bill(log)
    # the two setting calls themselves: the first runs before the setting is on, the second while it is
    assert b.quantity("ssm:api-interactions") == 101
    assert b.by_region() == {"us-east-1": Decimal("0.05") * 101 / 10_000}
    assert month_bill(log, high_throughput=False).total == 0


def test_lambda_invocations_and_gb_seconds():
    log = EventLog()
    for _ in range(1_000):
        log.record(T0, "invoke", "us-east-1", "lambda", "Invoke", "OK", None,
                   {"function": "rotate-db", "duration_ms": 1500.2, "memory_mb": 128})
    b = month_bill(log)
    assert b.quantity("lambda:requests") == 1_000
    assert b.quantity("lambda:gb-seconds") == Decimal("0.125") * Decimal("1.501") * 1_000  # rounded up to the ms
    assert b.by_dimension() == {
        "lambda:requests": Decimal("0.0002"),
        "lambda:gb-seconds": Decimal("187.625") * Decimal("0.0000166667"),
    }
    assert {line.resource for line in b.lines} == {"rotate-db"}


def test_lambda_free_tier_is_off_by_default_and_covers_everything_when_on():
    log = EventLog()
    log.record(T0, "invoke", "us-east-1", "lambda", "Invoke", "OK", None,
               {"function": "rotate-db", "duration_ms": 2000, "memory_mb": 256})
    assert month_bill(log).total > 0
    assert month_bill(log, lambda_free_tier=True).total == 0


# --------------------------------------------------------------------------------- periods
def test_notices_and_events_outside_the_period_are_not_billed():
    log = EventLog()
    log.record(T0, "notice", "us-east-1", "secretsmanager", "SecretPurged", "OK", SECRET)
    calls(log, 5, "secretsmanager", "GetSecretValue", SECRET, when=at(hours=-1))
    calls(log, 5, "secretsmanager", "GetSecretValue", SECRET, when=T0 + MONTH)  # end is exclusive
    assert month_bill(log).lines == ()


def test_back_to_back_periods_add_up_to_the_whole():
    log = EventLog()
    lifecycle(log, at(hours=0.5), "start", SECRET, "secret")
    lifecycle(log, at(hours=200.5), "stop", SECRET, "secret")
    lifecycle(log, at(hours=10), "start", KEY, "kms-key")
    calls(log, 30_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"}, when=at(hours=50))
    calls(log, 30_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"}, when=at(hours=150))
    calls(log, 99, "secretsmanager", "GetSecretValue", SECRET, when=at(hours=99.9))
    cut = at(hours=100.25)
    parts = bill(log, T0, cut).total + bill(log, cut, T0 + MONTH).total
    assert parts == month_bill(log).total


def test_period_bounds_accept_dates_and_strings_and_must_be_ordered():
    log = EventLog()
    lifecycle(log, T0, "start", SECRET, "secret")
    assert bill(log, "2026-01-01", "2026-01-31T10:00:00Z").total == Decimal("0.40")
    assert bill(log, T0.date(), T0.date()).total == 0
    with pytest.raises(ValueError, match="before start"):
        bill(log, at(days=2), at(days=1))


def test_table_shows_lines_groups_and_the_total():
    log = EventLog()
    lifecycle(log, T0, "start", SECRET, "secret")
    calls(log, 30_000, "kms", "Decrypt", KEY, {"key_manager": "CUSTOMER"})
    b = month_bill(log)
    text = b.table()
    assert "Prices as of 2026-11-28" in text and "secret:db-AbC123" in text
    assert text.splitlines()[-1].startswith("TOTAL $0.43")
    assert "free tier" in text and "-$0.0600" in text
    assert "kms:requests" in b.table(by="dimension")
    with pytest.raises(ValueError, match="by must be"):
        b.table(by="colour")
