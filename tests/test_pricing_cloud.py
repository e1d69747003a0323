"""The meter over a real run of the model: a workload run for one simulated billing month
costs what the estimate says, to the cent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import secretkit
from secretkit.pricing import Workload, bill_cloud, cents, monthly


def test_a_month_of_the_model_costs_what_the_estimate_says():
    """30 secrets on a customer managed key, each read once an hour (24 a day), for 730 hours.

    Reads are spread over the day, as an application's are, so the month holds exactly the
    730 x 24 / 24 reads per secret the estimate counts. The meter also sees the one-off setup
    (30 CreateSecret calls, CreateKey and 30 data keys), which the steady-state estimate
    leaves out: $0.00015 of API calls, nowhere near a cent.
    """
    workload = Workload(secrets=30, reads_per_day=24, customer_keys=1, secrets_on_customer_key=True)
    cloud = secretkit.Cloud(seed=6, start="2026-01-01")
    key = cloud.kms("us-east-1").create_key(Description="app secrets")["KeyMetadata"]["Arn"]
    sm = cloud.secretsmanager("us-east-1")
    names = [f"shop/prod/db-{i:02d}" for i in range(workload.secrets)]
    for name in names:
        sm.create_secret(Name=name, SecretString='{"password": "p"}', KmsKeyId=key)
    for _ in range(730):
        for name in names:
            sm.get_secret_value(SecretId=name)
        cloud.clock.advance(hours=1)

    metered = bill_cloud(cloud)
    estimated = monthly(workload)
    assert metered.hours == 730
    assert cents(metered.total) == cents(estimated.total) == Decimal("13.12")
    setup = Decimal(30) * Decimal("0.05") / 10_000 + Decimal(31) * Decimal("0.03") / 10_000
    assert metered.total - estimated.total == setup
    assert metered.quantity("secretsmanager:api-calls") == 30 * 730 + 30
    assert metered.quantity("kms:requests") == (30 * 730 + 31) - 20_000


def test_deleting_and_restoring_through_the_model_bills_only_the_live_hours():
    cloud = secretkit.Cloud(seed=6, start="2026-01-01")
    sm = cloud.secretsmanager("us-east-1")
    sm.create_secret(Name="temp", SecretString="v")
    cloud.clock.advance(days=15)
    sm.delete_secret(SecretId="temp", RecoveryWindowInDays=7)   # pending deletion: free
    cloud.clock.advance(days=5)
    sm.restore_secret(SecretId="temp")
    cloud.clock.advance(days=10, hours=10)
    b = bill_cloud(cloud)
    assert b.quantity("secretsmanager:secret-month") == 360 + 250
    assert b.by_dimension()["secretsmanager:secret-month"] == Decimal("0.40") * 610 / 730


def test_a_bill_for_part_of_the_run_and_the_rest_add_up():
    cloud = secretkit.Cloud(seed=6, start="2026-01-01")
    sm = cloud.secretsmanager("us-east-1")
    sm.create_secret(Name="a", SecretString="v")
    cloud.clock.advance(days=3)
    middle = cloud.clock.now
    sm.get_secret_value(SecretId="a")
    cloud.clock.advance(days=4)
    whole = bill_cloud(cloud)
    first, rest = bill_cloud(cloud, end=middle), bill_cloud(cloud, start=middle)
    assert first.total + rest.total == whole.total
    assert rest.start == middle and whole.end == cloud.start + timedelta(days=7)
