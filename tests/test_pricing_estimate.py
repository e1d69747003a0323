"""Estimates: single prices, the e-commerce example (storage only and in full), the reference's
worked example, each dimension of a workload, and the estimate agreeing with the meter on a
synthetic log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from secretkit.core.events import EventLog
from secretkit.pricing import (
    ECOMMERCE,
    ECOMMERCE_STORAGE_ONLY,
    REFERENCE_EXAMPLE,
    Workload,
    bill,
    cents,
    compare,
    monthly,
    yearly,
)

D = Decimal


# ----------------------------------------------------------------------- single prices
def test_a_secret_is_forty_cents_a_month():
    assert monthly(Workload(secrets=1)).total == D("0.40")


def test_standard_parameters_are_free_even_when_read():
    b = monthly(Workload(standard_parameters=10_000, parameter_reads_per_day=1_000))
    assert b.total == 0
    assert b.quantity("ssm:standard-parameter-month") == 10_000 * 730


def test_an_advanced_parameter_is_five_cents_a_month():
    assert monthly(Workload(advanced_parameters=1)).total == D("0.05")


def test_the_storage_only_estimate_of_the_shop():
    """prod-db-credentials ($0.40) and one Advanced parameter among four ($0.05)."""
    b = monthly(ECOMMERCE_STORAGE_ONLY)
    assert cents(b.total) == D("0.45")
    assert cents(b.by_service()["secretsmanager"]) == D("0.40")
    assert b.by_service()["ssm"] == D("0.05")
    # Rotating every 90 days is 14 calls and 4 invocations a quarter: well under a cent.
    assert b.total - D("0.45") < D("0.0001")


def test_ecommerce_itemised_with_what_storage_alone_leaves_out():
    b = monthly(ECOMMERCE)
    by_region = {(line.region, line.dimension): line.amount for line in b.lines if line.dimension.endswith("month")}
    assert by_region[("us-west-2", "secretsmanager:secret-month")] == D("0.40")     # the replica
    reads = [line for line in b.lines if line.resource == "GetSecretValue (reads)"]
    assert [(r.quantity, r.amount) for r in reads] == [(D(43_800), D("0.219"))]   # 1,440 a day
    assert b.by_dimension()["ssm:api-interactions"] == D("0.219")                  # the Advanced parameter's reads
    assert b.by_dimension()["ssm:advanced-parameter-month"] == D("0.05")
    assert b.by_dimension()["ssm:standard-parameter-month"] == 0
    # $0.40 + $0.40 replica + $0.219 reads + $0.05 + $0.219 interactions + rotation (< $0.0001)
    assert cents(b.total) == D("1.29")
    assert cents(b.total - monthly(ECOMMERCE_STORAGE_ONLY).total) == D("0.84")
    assert cents(yearly(ECOMMERCE).total) == D("15.46")


def test_the_reference_worked_example_is_80_dollars_30():
    """100 secrets, 20 reads a day each, one replica each."""
    b = monthly(REFERENCE_EXAMPLE)
    assert b.by_dimension()["secretsmanager:secret-month"] == D("80.00")
    assert cents(b.by_dimension()["secretsmanager:api-calls"]) == D("0.30")   # 60,833 calls in 730 hours
    assert cents(b.total) == D("80.30")


# --------------------------------------------------------------------------- each dimension
def test_rotation_is_14_calls_and_4_invocations_each_time():
    once_a_month = Workload(secrets=1, rotation_days=D(730) / 24)
    b = monthly(once_a_month)
    assert round(b.quantity("secretsmanager:api-calls"), 20) == 14
    assert round(b.quantity("lambda:requests"), 20) == 4
    assert round(b.quantity("lambda:gb-seconds"), 20) == D("1.0")   # 4 x 2 s x 128 MB


def test_higher_throughput_charges_standard_parameter_reads():
    w = Workload(standard_parameters=2, parameter_reads_per_day=24 * 10_000 / 730, high_throughput=True)
    assert cents(monthly(w).total) == D("0.10")


def test_customer_keys_cost_a_dollar_and_their_requests_after_the_free_tier():
    w = Workload(secrets=10, reads_per_day=240, customer_keys=1, secrets_on_customer_key=True)
    b = monthly(w)
    assert b.by_dimension()["kms:key-month"] == D(1)
    assert b.quantity("kms:requests") == 73_000 - 20_000
    assert b.by_dimension()["kms:requests"] == D("0.159")


def test_a_customer_key_alone_costs_a_dollar_and_aws_managed_keys_nothing():
    assert monthly(Workload(customer_keys=3)).total == 3
    assert "kms:requests" not in monthly(Workload(secrets=10, reads_per_day=1_000)).by_dimension()


def test_replicas_by_count_or_by_region():
    by_count = monthly(Workload(secrets=3, replicas_per_secret=2))
    by_region = monthly(Workload(secrets=3, replica_regions=("us-west-2", "eu-west-1")))
    assert by_count.total == by_region.total == D("3.60")
    assert set(by_region.by_region()) == {"us-east-1", "us-west-2", "eu-west-1"}


def test_a_year_is_twelve_months_each_with_its_free_tier():
    w = Workload(secrets=10, reads_per_day=240, customer_keys=1, secrets_on_customer_key=True)
    assert yearly(w).total == 12 * monthly(w).total
    assert yearly(w).quantity("kms:requests") == 12 * (73_000 - 20_000)


@pytest.mark.parametrize("bad", [
    {"secrets": -1}, {"secrets": 1.5}, {"reads_per_day": -3}, {"rotation_days": 0},
    {"secrets_on_customer_key": True}, {"replica_regions": ("us-east-1",)},
    {"replicas_per_secret": 1, "replica_regions": ("us-west-2", "eu-west-1")},
])
def test_workload_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        Workload(**bad)


def test_compare_prices_the_same_values_both_ways():
    c = compare(REFERENCE_EXAMPLE)
    assert cents(c.secrets_manager.total) == D("80.30")
    assert c.parameter_store.total == 0
    assert c.parameter_store.quantity("ssm:standard-parameter-month") == 200 * 730   # a copy per region
    assert c.cheaper == "Parameter Store" and cents(c.difference) == D("80.30")
    assert any("no replication" in note for note in c.notes)
    assert "per year" in c.table()


def test_compare_assumes_higher_throughput_when_reads_exceed_40_per_second():
    busy = Workload(secrets=10, reads_per_day=1_000_000)   # about 116 reads a second
    c = compare(busy)
    assert c.parameter_store.quantity("ssm:api-interactions") > 0
    assert any("40 TPS" in note for note in c.notes)
    assert c.cheaper == "Parameter Store"


def test_compare_leaves_the_workloads_own_parameters_out():
    assert compare(ECOMMERCE).secrets_manager.total == monthly(
        Workload(secrets=1, replica_regions=("us-west-2",), reads_per_day=1_440, rotation_days=90)).total


# ------------------------------------------------------------ the meter agrees with the estimate
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _log_of(w: Workload) -> EventLog:
    """The event log a month of ``w`` would leave: reads spread evenly over the hours,
    rotations at even intervals, each making the calls the estimate assumes."""
    log = EventLog()
    sm_arn = "arn:aws:secretsmanager:{}:123456789012:secret:s{}-AbCdEf"
    key = "arn:aws:kms:us-east-1:123456789012:key/k{}"
    on_key = {"via": "secretsmanager", "key_manager": "CUSTOMER"}
    for k in range(w.customer_keys):
        log.record(T0, "lifecycle", "us-east-1", "kms", "start", "OK", key.format(k), {"type": "kms-key"})
    for i in range(w.secrets):
        log.record(T0, "lifecycle", "us-east-1", "secretsmanager", "start", "OK", sm_arn.format("us-east-1", i), {"type": "secret"})
        for r in w.replica_regions:
            log.record(T0, "lifecycle", r, "secretsmanager", "start", "OK", sm_arn.format(r, i), {"type": "replica-secret"})
    params = [("Advanced", f"arn:aws:ssm:us-east-1:123456789012:parameter/a{i}") for i in range(w.advanced_parameters)]
    params += [("Standard", f"arn:aws:ssm:us-east-1:123456789012:parameter/s{i}") for i in range(w.standard_parameters)]
    for tier, arn in params:
        if tier == "Advanced":
            log.record(T0, "lifecycle", "us-east-1", "ssm", "start", "OK", arn, {"type": "advanced-parameter"})
    every = round(24 * D(w.rotation_days)) if w.rotation_days else None
    for hour in range(730):
        now = T0 + timedelta(hours=hour)
        n_reads = int((hour + 1) * D(w.reads_per_day) / 24) - int(hour * D(w.reads_per_day) / 24)
        n_params = int((hour + 1) * D(w.parameter_reads_per_day) / 24) - int(hour * D(w.parameter_reads_per_day) / 24)
        for i in range(w.secrets):
            arn = sm_arn.format("us-east-1", i)
            for _ in range(n_reads):
                log.record(now, "call", "us-east-1", "secretsmanager", "GetSecretValue", "OK", arn)
                if w.secrets_on_customer_key:
                    log.record(now, "call", "us-east-1", "kms", "Decrypt", "OK", key.format(0), on_key)
            if every and hour % every == 0:
                for _ in range(w.calls_per_rotation):
                    log.record(now, "call", "us-east-1", "secretsmanager", "DescribeSecret", "OK", arn)
                for _ in range(w.invocations_per_rotation):
                    log.record(now, "invoke", "us-east-1", "lambda", "Invoke", "OK", None,
                               {"function": "rotate", "duration_ms": w.invocation_ms, "memory_mb": w.function_memory_mb})
                if w.secrets_on_customer_key:
                    for _ in range(w.kms_requests_per_rotation + w.replicas_per_secret):
                        log.record(now, "call", "us-east-1", "kms", "Decrypt", "OK", key.format(0), on_key)
        for tier, arn in params:
            for _ in range(n_params):
                log.record(now, "call", "us-east-1", "ssm", "GetParameter", "OK", arn, {"tier": tier})
    return log


def test_meter_equals_estimate_on_a_synthetic_month():
    w = Workload(
        secrets=20, replica_regions=("us-west-2",), reads_per_day=48, rotation_days=D(365) / 24,
        standard_parameters=3, advanced_parameters=2, parameter_reads_per_day=24, high_throughput=True,
        customer_keys=2, secrets_on_customer_key=True,
    )
    metered = bill(_log_of(w), T0, T0 + timedelta(hours=730), high_throughput=True)
    estimated = monthly(w)
    assert metered.quantity("kms:requests") == estimated.quantity("kms:requests") == 20 * (1460 + 2 * 7) - 20_000
    assert {k: cents(v) for k, v in metered.by_dimension().items()} == {
        k: cents(v) for k, v in estimated.by_dimension().items() if v
    }
    assert cents(metered.total) == cents(estimated.total)
    assert abs(metered.total - estimated.total) < D("1e-20")
