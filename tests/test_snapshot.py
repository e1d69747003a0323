"""``cloud.kit_snapshot()``: equal exactly when the states are equal (kit-only)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

import secretkit


@pytest.fixture
def cloud():
    return secretkit.Cloud(seed=3, start="2026-01-01")


def test_equal_for_the_same_state_and_unchanged_by_reads_that_fail(cloud):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="s", SecretString="v")
    before = cloud.kit_snapshot()
    assert cloud.kit_snapshot() == before
    with pytest.raises(ClientError):
        sm.get_secret_value(SecretId="missing")
    assert cloud.kit_snapshot() == before  # request ids and the event log are left out


def test_every_kind_of_change_shows(cloud):
    sm, ssm, kms = cloud.client("secretsmanager"), cloud.client("ssm"), cloud.client("kms")
    sm.create_secret(Name="s", SecretString="v")
    changes = [
        lambda: sm.tag_resource(SecretId="s", Tags=[{"Key": "k", "Value": "v"}]),
        lambda: sm.put_secret_value(SecretId="s", SecretString="w"),
        lambda: sm.update_secret(SecretId="s", Description="d"),
        lambda: ssm.put_parameter(Name="/p", Value="1", Type="String"),
        lambda: kms.create_key(),
        lambda: cloud.clock.advance(seconds=1),
        lambda: sm.delete_secret(SecretId="s"),  # schedules a purge: a pending timer
    ]
    for change in changes:
        before = cloud.kit_snapshot()
        change()
        assert cloud.kit_snapshot() != before


def test_a_failed_call_that_reached_the_model_is_caught_if_it_changed_something(cloud):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="s", SecretString="v")
    before = cloud.kit_snapshot()
    cloud.secretsmanager().store.by_name["s"].description = "changed behind the API's back"
    assert cloud.kit_snapshot() != before


def test_the_event_log_is_in_only_when_asked(cloud):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="s", SecretString="v")
    without, with_events = cloud.kit_snapshot(), cloud.kit_snapshot(events=True)
    sm.describe_secret(SecretId="s")
    assert cloud.kit_snapshot() == without
    assert cloud.kit_snapshot(events=True) != with_events
