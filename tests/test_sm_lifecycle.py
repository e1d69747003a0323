"""Tokens, names and ARNs, deletion and restore, tags, policies, passwords."""

import string
from datetime import timedelta

import pytest

from secretkit.core.errors import ClientError

TOKEN = "t" * 40


def code(e) -> str:
    return e.value.response["Error"]["Code"]


def msg(e) -> str:
    return e.value.response["Error"]["Message"]


# ---------------------------------------------------------------- ClientRequestToken
def test_token_becomes_version_id_and_same_value_retry_is_a_noop(sm):
    out = sm.create_secret(Name="s", SecretString="v", ClientRequestToken=TOKEN)
    assert out["VersionId"] == TOKEN
    again = sm.create_secret(Name="s", SecretString="v", ClientRequestToken=TOKEN)
    assert again == out
    put = sm.put_secret_value(SecretId="s", SecretString="v", ClientRequestToken=TOKEN)
    assert put["VersionId"] == TOKEN and put["VersionStages"] == ["AWSCURRENT"]
    assert len(sm.list_secret_version_ids(SecretId="s", IncludeDeprecated=True)["Versions"]) == 1


def test_same_token_different_value_is_resource_exists(sm):
    arn = sm.create_secret(Name="s", SecretString="v", ClientRequestToken=TOKEN)["ARN"]
    for call in (
        lambda: sm.put_secret_value(SecretId="s", SecretString="other", ClientRequestToken=TOKEN),
        lambda: sm.update_secret(SecretId="s", SecretString="other", ClientRequestToken=TOKEN),
        lambda: sm.create_secret(Name="s", SecretString="other", ClientRequestToken=TOKEN),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert code(e) in ("ResourceExistsException",)
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId="s", SecretString="other", ClientRequestToken=TOKEN)
    assert msg(e) == (
        f"You can't use ClientRequestToken {TOKEN} because that value is already in use for a version of secret {arn}."
    )
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v"


def test_create_existing_name_without_token_is_resource_exists(sm):
    sm.create_secret(Name="s", SecretString="v")
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="s", SecretString="v")
    assert code(e) == "ResourceExistsException"
    assert msg(e) == "The operation failed because the secret s already exists."


@pytest.mark.parametrize("token", ["short", "x" * 65])
def test_token_length_is_checked(sm, token):
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="s", SecretString="v", ClientRequestToken=token)
    assert code(e) == "ValidationException"


# -------------------------------------------------------------------- names and ARNs
def test_arn_has_six_character_suffix_and_lookup_by_name_arn_partial(sm):
    arn = sm.create_secret(Name="prod/db", SecretString="v")["ARN"]
    prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-"
    assert arn.startswith(prefix)
    suffix = arn[len(prefix):]
    assert len(suffix) == 6 and set(suffix) <= set(string.ascii_letters + string.digits)
    for sid in ("prod/db", arn, prefix[:-1]):
        assert sm.get_secret_value(SecretId=sid)["ARN"] == arn


def test_recreated_secret_gets_a_new_arn(sm):
    first = sm.create_secret(Name="s", SecretString="v")["ARN"]
    sm.delete_secret(SecretId="s", ForceDeleteWithoutRecovery=True)
    second = sm.create_secret(Name="s", SecretString="v")["ARN"]
    assert first != second
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=first)
    assert code(e) == "ResourceNotFoundException"


@pytest.mark.parametrize("name", ["has space", "emoji✓", "a" * 513, ""])
def test_bad_names_are_refused(sm, name):
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=name, SecretString="v")
    assert code(e) == "ValidationException"


def test_value_size_limit(sm):
    sm.create_secret(Name="big", SecretString="x" * 65536)
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="too-big", SecretString="x" * 65537)
    assert code(e) == "ValidationException"
    with pytest.raises(ClientError):
        sm.describe_secret(SecretId="too-big")


def test_not_found_message(sm):
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId="missing")
    assert code(e) == "ResourceNotFoundException"
    assert msg(e) == "Secrets Manager can't find the specified secret."


# --------------------------------------------------------------------- deletion
def test_delete_with_recovery_window_then_purge(cloud, sm):
    sm.create_secret(Name="s", SecretString="v")
    out = sm.delete_secret(SecretId="s", RecoveryWindowInDays=7)
    assert out["DeletionDate"] == cloud.clock.now + timedelta(days=7)
    described = sm.describe_secret(SecretId="s")
    assert described["DeletedDate"] == cloud.clock.now
    for call in (
        lambda: sm.get_secret_value(SecretId="s"),
        lambda: sm.put_secret_value(SecretId="s", SecretString="x"),
        lambda: sm.update_secret(SecretId="s", Description="x"),
        lambda: sm.delete_secret(SecretId="s"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert code(e) == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="s", SecretString="v")
    assert msg(e) == "You can't create this secret because a secret with this name is already scheduled for deletion."
    assert sm.list_secrets()["SecretList"] == []
    assert [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]] == ["s"]
    cloud.clock.advance(days=6)
    assert sm.describe_secret(SecretId="s")["Name"] == "s"
    cloud.clock.advance(days=1)
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId="s")
    assert code(e) == "ResourceNotFoundException"
    sm.create_secret(Name="s", SecretString="new")


def test_restore_cancels_deletion_and_keeps_values(cloud, sm):
    sm.create_secret(Name="s", SecretString="v")
    sm.delete_secret(SecretId="s")
    sm.restore_secret(SecretId="s")
    cloud.clock.advance(days=31)
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v"
    assert "DeletedDate" not in sm.describe_secret(SecretId="s")
    sm.restore_secret(SecretId="s")  # a no-op on a live secret


@pytest.mark.parametrize("window", [6, 31, 0])
def test_recovery_window_range(sm, window):
    sm.create_secret(Name="s", SecretString="v")
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId="s", RecoveryWindowInDays=window)
    assert code(e) == "InvalidParameterException"
    assert msg(e) == "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."


def test_force_delete_rules(sm):
    sm.create_secret(Name="s", SecretString="v")
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId="s", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    assert code(e) == "InvalidParameterException"
    sm.delete_secret(SecretId="s", ForceDeleteWithoutRecovery=True)
    # Force-deleting something already gone succeeds, as on AWS.
    assert sm.delete_secret(SecretId="s", ForceDeleteWithoutRecovery=True)["Name"] == "s"
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId="s")
    assert code(e) == "ResourceNotFoundException"


def test_billing_lifecycle_events(cloud, sm):
    sm.create_secret(Name="s", SecretString="v")
    sm.delete_secret(SecretId="s")
    sm.restore_secret(SecretId="s")
    life = [(e.operation, e.detail["type"]) for e in cloud.events.select(kind="lifecycle", service="secretsmanager")]
    assert life == [("start", "secret"), ("stop", "secret"), ("start", "secret")]


# ----------------------------------------------------------------------- describe
def test_describe_omits_fields_without_values(sm):
    sm.create_secret(Name="s", SecretString="v")
    out = sm.describe_secret(SecretId="s")
    for absent in ("KmsKeyId", "RotationEnabled", "LastAccessedDate", "DeletedDate", "Tags", "Description"):
        assert absent not in out
    sm.get_secret_value(SecretId="s")
    accessed = sm.describe_secret(SecretId="s")["LastAccessedDate"]
    assert (accessed.hour, accessed.minute) == (0, 0)


# -------------------------------------------------------------------------- tags
def test_tags(sm):
    sm.create_secret(Name="s", SecretString="v", Tags=[{"Key": "env", "Value": "prod"}])
    sm.tag_resource(SecretId="s", Tags=[{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "stage"}])
    assert sm.describe_secret(SecretId="s")["Tags"] == [{"Key": "env", "Value": "stage"}, {"Key": "team", "Value": "shop"}]
    sm.untag_resource(SecretId="s", TagKeys=["env"])
    assert sm.describe_secret(SecretId="s")["Tags"] == [{"Key": "team", "Value": "shop"}]
    with pytest.raises(ClientError) as e:
        sm.tag_resource(SecretId="s", Tags=[{"Key": "aws:x", "Value": "y"}])
    assert code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        sm.tag_resource(SecretId="s", Tags=[{"Key": "k" * 129, "Value": "y"}])
    assert code(e) == "ValidationException"


# -------------------------------------------------------------------- passwords
def test_random_password_defaults_and_each_type(sm):
    pw = sm.get_random_password()["RandomPassword"]
    assert len(pw) == 32 and " " not in pw
    assert any(c.islower() for c in pw) and any(c.isupper() for c in pw) and any(c.isdigit() for c in pw)
    assert any(c in string.punctuation for c in pw)
    only_digits = sm.get_random_password(
        PasswordLength=12, ExcludeLowercase=True, ExcludeUppercase=True, ExcludePunctuation=True
    )["RandomPassword"]
    assert only_digits.isdigit() and len(only_digits) == 12
    excl = sm.get_random_password(PasswordLength=200, ExcludeCharacters=":/@\"'\\")["RandomPassword"]
    assert not set(excl) & set(":/@\"'\\")
    for bad in (0, 4097):
        with pytest.raises(ClientError) as e:
            sm.get_random_password(PasswordLength=bad)
        assert code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        sm.get_random_password(PasswordLength=3)
    assert msg(e) == "Password length is too short based on the required types."


# ---------------------------------------------------------------------- policies
POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'


def test_resource_policy_round_trip_and_shape_checks(sm):
    sm.create_secret(Name="s", SecretString="v")
    sm.put_resource_policy(SecretId="s", ResourcePolicy=POLICY)
    assert sm.get_resource_policy(SecretId="s")["ResourcePolicy"] == POLICY
    assert sm.validate_resource_policy(ResourcePolicy=POLICY)["PolicyValidationPassed"] is True
    bad = sm.validate_resource_policy(ResourcePolicy='{"Statement":[{"Effect":"Maybe"}]}')
    assert bad["PolicyValidationPassed"] is False and len(bad["ValidationErrors"]) == 2
    with pytest.raises(ClientError) as e:
        sm.put_resource_policy(SecretId="s", ResourcePolicy="not json")
    assert code(e) == "MalformedPolicyDocumentException"
    public = POLICY.replace('{"AWS":"arn:aws:iam::123456789012:root"}', '"*"')
    with pytest.raises(ClientError) as e:
        sm.put_resource_policy(SecretId="s", ResourcePolicy=public)
    assert code(e) == "PublicPolicyException"
    sm.delete_resource_policy(SecretId="s")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="s")
