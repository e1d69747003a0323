"""``cloud.kit_snapshot()``: equal exactly when the states are equal (kit-only)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

import secretkit
from _snapdiff import differences


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


def test_a_policy_with_wildcards_is_snapshotted_and_its_changes_show(cloud):
    """Policies keep compiled regular expressions: walked as pickle walks them (copyreg)."""
    iam = cloud.client("iam")
    iam.create_user(UserName="u")
    document = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}'
    iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=document)
    before = cloud.kit_snapshot()
    iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=document.replace("Get*", "List*"))
    assert cloud.kit_snapshot() != before


def test_what_the_access_checks_remember_is_no_part_of_the_state(cloud):
    """The authorizer's remembered decisions, a policy's per-action index and its matchers'
    memos are caches: asking something new changes none of what the snapshot (or a save) holds."""
    sm = cloud.client("secretsmanager")
    arn = sm.create_secret(Name="s", SecretString="v")["ARN"]
    sm.put_resource_policy(SecretId="s", ResourcePolicy='{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
                           '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "secretsmanager:*", '
                           f'"Resource": "{arn}"}}]}}')
    sm.describe_secret(SecretId="s")
    before = cloud.kit_snapshot()
    sm.list_secret_version_ids(SecretId="s")  # a new question: new entries in every cache
    sm.get_resource_policy(SecretId="s")
    sm.describe_secret(SecretId="s")  # the last decision is the remembered one again
    assert differences(before, cloud.kit_snapshot()) == []
    enforcer = cloud.enforcer()
    assert enforcer._policies  # the guard parsed the resource policy once, and keeps it
    assert enforcer.__getstate__()["_policies"] == {}  # but not in what is saved or snapshotted
