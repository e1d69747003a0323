"""Parameter Store: SecureString under KMS, tiers and their limits, policies on the clock,
lifecycle events for the meter, and reading Secrets Manager through Parameter Store."""

from __future__ import annotations

import base64
import json

import pytest

import secretkit
from _shapes import code_of, message_of
from secretkit.core import crypto


def policies(*items: dict) -> str:
    return json.dumps([{"Version": "1.0", **i} for i in items])


# ------------------------------------------------------------------------ SecureString
def test_securestring_without_decryption_returns_ciphertext(ssm_client):
    ssm_client.put_parameter(Name="/app/pw", Value="hunter2", Type="SecureString")
    hidden = ssm_client.get_parameter(Name="/app/pw")["Parameter"]
    assert hidden["Type"] == "SecureString"
    assert hidden["Value"] != "hunter2" and "hunter2" not in hidden["Value"]
    assert base64.b64decode(hidden["Value"])  # valid base64 of the stored blob
    shown = ssm_client.get_parameter(Name="/app/pw", WithDecryption=True)["Parameter"]
    assert shown["Value"] == "hunter2"


def test_string_is_stored_in_the_clear_securestring_is_not(ssm):
    ssm.put_parameter(Name="plain", Value="hello", Type="String")
    ssm.put_parameter(Name="secret", Value="hello", Type="SecureString")
    assert ssm.stored_bytes("plain") == b"hello"
    blob = ssm.stored_bytes("secret")
    assert b"hello" not in blob
    assert base64.b64decode(ssm.get_parameter(Name="secret")["Parameter"]["Value"]) == blob


def test_securestring_is_bound_to_its_parameter_arn(cloud, ssm):
    ssm.put_parameter(Name="a", Value="va", Type="SecureString")
    blob = ssm.stored_bytes("a")
    kms = cloud.kms()
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"PARAMETER_ARN": ssm.store.params["/a"].arn})["Plaintext"] == b"va"
    with pytest.raises(secretkit.ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/b"})
    assert code_of(e) == "InvalidCiphertextException"


def test_default_key_is_aws_ssm_and_kms_calls_are_recorded_as_via_ssm(cloud, ssm):
    ssm.put_parameter(Name="s", Value="v", Type="SecureString")
    assert "alias/aws/ssm" in cloud.kms().aliases
    meta = ssm.describe_parameters()["Parameters"][0]
    assert meta["KeyId"] == "alias/aws/ssm"
    ssm.get_parameter(Name="s", WithDecryption=True)
    kms_calls = [(e.operation, e.detail.get("via")) for e in cloud.events.calls("kms")]
    assert kms_calls == [("Encrypt", "ssm"), ("Decrypt", "ssm")]


def test_named_key_and_invalid_key(cloud, ssm_client):
    key = cloud.kms().create_key(Description="app")["KeyMetadata"]
    cloud.kms().create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    ssm_client.put_parameter(Name="s", Value="v", Type="SecureString", KeyId="alias/app")
    assert ssm_client.get_parameter(Name="s", WithDecryption=True)["Parameter"]["Value"] == "v"
    assert cloud.kms().decrypt(CiphertextBlob=cloud.ssm().stored_bytes("s"), EncryptionContext={"PARAMETER_ARN": cloud.ssm().store.params["/s"].arn})["KeyId"] == key["Arn"]
    with pytest.raises(ssm_client.exceptions.InvalidKeyId):
        ssm_client.put_parameter(Name="t", Value="v", Type="SecureString", KeyId="alias/nope")
    assert ssm_client.get_parameters(Names=["t"])["InvalidParameters"] == ["t"]


def test_kms_key_state_governs_reads(cloud, ssm):
    kms = cloud.kms()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    ssm.put_parameter(Name="s", Value="v", Type="SecureString", KeyId=key_id)
    kms.disable_key(KeyId=key_id)
    with pytest.raises(secretkit.ClientError) as e:
        ssm.get_parameter(Name="s", WithDecryption=True)
    assert code_of(e) == "InvalidKeyId"
    assert "DisabledException" in message_of(e)
    # Without decryption the ciphertext is still readable: KMS is not asked.
    assert ssm.get_parameter(Name="s")["Parameter"]["Value"]
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="s", Value="w", Overwrite=True)
    assert code_of(e) == "InvalidKeyId"
    kms.enable_key(KeyId=key_id)
    assert ssm.get_parameter(Name="s", WithDecryption=True)["Parameter"]["Value"] == "v"
    assert ssm.get_parameter(Name="s")["Parameter"]["Version"] == 1
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    with pytest.raises(secretkit.ClientError) as e:
        ssm.get_parameter(Name="s", WithDecryption=True)
    assert code_of(e) == "InvalidKeyId"
    assert "KMSInvalidStateException" in message_of(e)


# ------------------------------------------------------------------------ tiers
def test_standard_holds_4kb_advanced_8kb(ssm):
    ssm.put_parameter(Name="fits", Value="x" * 4096, Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="big", Value="x" * 4097, Type="String")
    assert code_of(e) == "ValidationException"
    assert message_of(e).startswith("Standard tier parameters support a maximum parameter value of 4096 characters.")
    assert ssm.put_parameter(Name="big", Value="x" * 8192, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="huge", Value="x" * 8193, Type="String", Tier="Advanced")
    assert code_of(e) == "ValidationException"


def test_advanced_securestring_uses_envelope_encryption(cloud, ssm):
    ssm.put_parameter(Name="adv", Value="y" * 6000, Type="SecureString", Tier="Advanced")
    assert ssm.get_parameter(Name="adv", WithDecryption=True)["Parameter"]["Value"] == "y" * 6000
    assert [e.operation for e in cloud.events.calls("kms")] == ["GenerateDataKey", "Decrypt"]
    blob = ssm.stored_bytes("adv")
    (n,) = __import__("struct").unpack_from(">H", blob)
    key_id, _, _ = crypto.unpack_kms_blob(blob[2 : 2 + n])
    assert cloud.kms().resolve("alias/aws/ssm").key_id == key_id


def test_no_downgrade_from_advanced(ssm):
    ssm.put_parameter(Name="p", Value="v", Type="String", Tier="Advanced")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="w", Tier="Standard", Overwrite=True)
    assert code_of(e) == "ValidationException"
    assert "You can't downgrade a parameter from the advanced-parameter tier" in message_of(e)
    # Leaving Tier out keeps it Advanced.
    assert ssm.put_parameter(Name="p", Value="w", Overwrite=True)["Tier"] == "Advanced"


def test_upgrade_keeps_old_versions_readable(ssm):
    ssm.put_parameter(Name="p", Value="small", Type="SecureString")
    assert ssm.put_parameter(Name="p", Value="z" * 5000, Overwrite=True, Tier="Advanced")["Tier"] == "Advanced"
    assert ssm.get_parameter(Name="p:1", WithDecryption=True)["Parameter"]["Value"] == "small"
    assert ssm.get_parameter(Name="p", WithDecryption=True)["Parameter"]["Value"] == "z" * 5000


def test_intelligent_tiering_picks_advanced_only_when_needed(ssm):
    it = "Intelligent-Tiering"
    assert ssm.put_parameter(Name="small", Value="v", Type="String", Tier=it)["Tier"] == "Standard"
    assert ssm.put_parameter(Name="large", Value="v" * 5000, Type="String", Tier=it)["Tier"] == "Advanced"
    assert ssm.put_parameter(Name="json", Value="{}", Type="String", Tier=it, DataType="json")["Tier"] == "Advanced"
    future = "2026-06-01T00:00:00Z"
    assert ssm.put_parameter(Name="pol", Value="v", Type="String", Tier=it, Policies=policies({"Type": "Expiration", "Attributes": {"Timestamp": future}}))["Tier"] == "Advanced"
    # Once Advanced, a small value under Intelligent-Tiering stays Advanced (no downgrade).
    assert ssm.put_parameter(Name="large", Value="v", Tier=it, Overwrite=True)["Tier"] == "Advanced"


def test_standard_tier_count_limit(ssm):
    ssm.store.standard_limit = 3  # AWS's 10,000, lowered so the limit is reached quickly
    for i in range(3):
        ssm.put_parameter(Name=f"p{i}", Value="v", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p3", Value="v", Type="String")
    assert code_of(e) == "ParameterLimitExceeded"
    # Intelligent-Tiering moves on to Advanced once the Standard tier is full.
    assert ssm.put_parameter(Name="p3", Value="v", Type="String", Tier="Intelligent-Tiering")["Tier"] == "Advanced"


def test_advanced_tier_count_limit(ssm):
    ssm.store.advanced_limit = 2  # AWS's 100,000, lowered so the limit is reached quickly
    ssm.put_parameter(Name="a0", Value="v", Type="String", Tier="Advanced")
    ssm.put_parameter(Name="a1", Value="v", Type="String", Tier="Advanced")
    ssm.put_parameter(Name="s0", Value="v", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="a2", Value="v", Type="String", Tier="Advanced")
    assert code_of(e) == "ParameterLimitExceeded"
    with pytest.raises(secretkit.ClientError) as e:  # an upgrade needs room too
        ssm.put_parameter(Name="s0", Value="w", Overwrite=True, Tier="Advanced")
    assert code_of(e) == "ParameterLimitExceeded"
    p = ssm.get_parameter(Name="s0")["Parameter"]
    assert (p["Value"], p["Version"]) == ("v", 1)
    ssm.delete_parameter(Name="a0")
    assert ssm.put_parameter(Name="s0", Value="w", Overwrite=True, Tier="Advanced")["Tier"] == "Advanced"


def test_the_real_standard_limit_is_10000(ssm):
    for i in range(10_000):
        ssm.put_parameter(Name=f"/bulk/p{i}", Value="v", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="/bulk/one-more", Value="v", Type="String")
    assert code_of(e) == "ParameterLimitExceeded"
    assert ssm.put_parameter(Name="/bulk/one-more", Value="v", Type="String", Tier="Advanced")["Tier"] == "Advanced"


def test_lifecycle_events_for_advanced_parameters(cloud, ssm):
    ssm.put_parameter(Name="std", Value="v", Type="String")
    ssm.put_parameter(Name="up", Value="v", Type="String")
    ssm.put_parameter(Name="up", Value="v2", Overwrite=True, Tier="Advanced")
    ssm.put_parameter(Name="adv", Value="v", Type="String", Tier="Advanced")
    ssm.put_parameter(Name="adv", Value="v2", Overwrite=True)
    ssm.delete_parameter(Name="adv")
    ssm.delete_parameter(Name="std")
    life = [(e.operation, e.resource.rsplit("/", 1)[-1], e.detail["type"]) for e in cloud.events.select(kind="lifecycle", service="ssm")]
    assert life == [("start", "up", "advanced-parameter"), ("start", "adv", "advanced-parameter"), ("stop", "adv", "advanced-parameter")]


# ------------------------------------------------------------------------ policies
def test_policies_need_the_advanced_tier(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="v", Type="String", Policies=policies({"Type": "Expiration", "Attributes": {"Timestamp": "2026-02-01T00:00:00Z"}}))
    assert code_of(e) == "ValidationException"
    assert ssm.store.params == {}


def test_expiration_deletes_the_parameter_when_the_clock_passes_it(cloud, ssm):
    ssm.put_parameter(
        Name="/tmp/token", Value="v", Type="SecureString", Tier="Advanced",
        Policies=policies(
            {"Type": "Expiration", "Attributes": {"Timestamp": "2026-01-10T00:00:00.000Z"}},
            {"Type": "ExpirationNotification", "Attributes": {"Before": "2", "Unit": "Days"}},
        ),
    )
    described = ssm.describe_parameters()["Parameters"][0]["Policies"]
    assert [(p["PolicyType"], p["PolicyStatus"]) for p in described] == [("Expiration", "Pending"), ("ExpirationNotification", "Pending")]
    # Writing a new value does not move the expiry.
    cloud.clock.advance(days=5)
    ssm.put_parameter(Name="/tmp/token", Value="v2", Overwrite=True)
    cloud.clock.advance(days=2, hours=23)
    notices = cloud.events.select(kind="notice", service="ssm")
    assert [(e.operation, e.time.day) for e in notices] == [("ExpirationNotification", 8)]
    assert ssm.get_parameter(Name="/tmp/token", WithDecryption=True)["Parameter"]["Value"] == "v2"
    cloud.clock.advance(days=1, hours=2)
    with pytest.raises(secretkit.ClientError) as e:
        ssm.get_parameter(Name="/tmp/token")
    assert code_of(e) == "ParameterNotFound"
    notices = cloud.events.select(kind="notice", service="ssm")
    assert [e.operation for e in notices] == ["ExpirationNotification", "ParameterExpired"]
    stops = cloud.events.select(kind="lifecycle", service="ssm")
    assert [e.operation for e in stops] == ["start", "stop"]


def test_no_change_notification_restarts_on_each_write(cloud, ssm):
    ssm.put_parameter(
        Name="/db/pw", Value="v1", Type="String", Tier="Advanced",
        Policies=policies({"Type": "NoChangeNotification", "Attributes": {"After": "30", "Unit": "Days"}}),
    )
    cloud.clock.advance(days=20)
    ssm.put_parameter(Name="/db/pw", Value="v2", Overwrite=True)
    cloud.clock.advance(days=20)
    assert cloud.events.select(kind="notice", service="ssm") == []
    cloud.clock.advance(days=11)
    notices = cloud.events.select(kind="notice", service="ssm", operation="NoChangeNotification")
    assert len(notices) == 1 and notices[0].time.isoformat().startswith("2026-02-20")  # written Jan 21, + 30 days


def test_new_policies_replace_old_ones(cloud, ssm):
    exp = policies({"Type": "Expiration", "Attributes": {"Timestamp": "2026-01-05T00:00:00Z"}})
    ssm.put_parameter(Name="p", Value="v", Type="String", Tier="Advanced", Policies=exp)
    ssm.put_parameter(Name="p", Value="v", Overwrite=True, Policies="[]")
    cloud.clock.advance(days=10)
    assert ssm.get_parameter(Name="p")["Parameter"]["Version"] == 2
    assert ssm.describe_parameters()["Parameters"][0]["Policies"] == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("not json", "ValidationException"),
        (policies({"Type": "Rotation", "Attributes": {}}), "InvalidPolicyTypeException"),
        (policies({"Type": "Expiration", "Attributes": {"Timestamp": "soon"}}), "InvalidPolicyAttributeException"),
        (policies({"Type": "Expiration", "Attributes": {"Timestamp": "2025-01-01T00:00:00Z"}}), "InvalidPolicyAttributeException"),
        (policies({"Type": "NoChangeNotification", "Attributes": {"After": "x", "Unit": "Days"}}), "InvalidPolicyAttributeException"),
        (policies({"Type": "NoChangeNotification", "Attributes": {"After": "3", "Unit": "Weeks"}}), "InvalidPolicyAttributeException"),
        (policies(*[{"Type": "Expiration", "Attributes": {"Timestamp": "2026-02-01T00:00:00Z"}}] * 2), "IncompatiblePolicyException"),
        (policies({"Type": "ExpirationNotification", "Attributes": {"Before": "1", "Unit": "Days"}}), "IncompatiblePolicyException"),
        (json.dumps([{"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": "1"}}] * 11), "PoliciesLimitExceededException"),
    ],
)
def test_bad_policies_get_the_aws_error(ssm, text, code):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="v", Type="String", Tier="Advanced", Policies=text)
    assert code_of(e) == code
    assert ssm.store.params == {}


# ------------------------------------------------------------------------ Secrets Manager bridge
def test_reading_a_secret_through_parameter_store(cloud, ssm_client):
    sm = cloud.secretsmanager()
    sm.create_secret(Name="prod/db", SecretString="v1")
    sm.put_secret_value(SecretId="prod/db", SecretString="v2")
    p = ssm_client.get_parameter(Name="/aws/reference/secretsmanager/prod/db", WithDecryption=True)["Parameter"]
    assert (p["Name"], p["Type"], p["Value"], p["Version"]) == ("/aws/reference/secretsmanager/prod/db", "SecureString", "v2", 0)
    source = json.loads(p["SourceResult"])
    assert source["Name"] == "prod/db" and source["ARN"] == p["ARN"]
    previous = ssm_client.get_parameter(Name="/aws/reference/secretsmanager/prod/db:AWSPREVIOUS", WithDecryption=True)["Parameter"]
    assert (previous["Value"], previous["Selector"]) == ("v1", ":AWSPREVIOUS")
    both = ssm_client.get_parameters(Names=["/aws/reference/secretsmanager/prod/db"], WithDecryption=True)
    assert [x["Value"] for x in both["Parameters"]] == ["v2"]


def test_secret_reference_needs_decryption_and_an_existing_secret(ssm_client):
    with pytest.raises(ssm_client.exceptions.ClientError) as e:
        ssm_client.get_parameter(Name="/aws/reference/secretsmanager/x")
    assert (code_of(e), message_of(e)) == ("ValidationException", "WithDecryption flag must be True for retrieving a Secret Manager secret.")
    with pytest.raises(ssm_client.exceptions.ParameterNotFound) as e:
        ssm_client.get_parameter(Name="/aws/reference/secretsmanager/test", WithDecryption=True)
    assert message_of(e) == "An error occurred (ParameterNotFound) when referencing Secrets Manager: Secret /aws/reference/secretsmanager/test not found."
    with pytest.raises(ssm_client.exceptions.ClientError) as e:
        ssm_client.put_parameter(Name="/aws/reference/secretsmanager/x", Value="v", Type="String")
    assert code_of(e) == "AccessDeniedException"


def test_outage_refuses_parameter_store_calls(cloud, ssm_client):
    ssm_client.put_parameter(Name="p", Value="v", Type="String")
    cloud.outage("us-east-1")
    import botocore.exceptions

    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        ssm_client.get_parameter(Name="p")
    cloud.recover("us-east-1")
    assert ssm_client.get_parameter(Name="p")["Parameter"]["Value"] == "v"


# ------------------------------------------------------------------------ service settings
DEFAULT_TIER = "/ssm/parameter-store/default-parameter-tier"
HIGH_THROUGHPUT = "/ssm/parameter-store/high-throughput-enabled"


def test_default_tier_setting_decides_when_the_request_names_no_tier(ssm_client):
    setting = ssm_client.get_service_setting(SettingId=DEFAULT_TIER)["ServiceSetting"]
    assert (setting["SettingValue"], setting["Status"]) == ("Standard", "Default")
    assert setting["ARN"] == "arn:aws:ssm:us-east-1:123456789012:servicesetting/ssm/parameter-store/default-parameter-tier"
    ssm_client.update_service_setting(SettingId=setting["ARN"], SettingValue="Intelligent-Tiering")
    assert ssm_client.get_service_setting(SettingId=DEFAULT_TIER)["ServiceSetting"]["Status"] == "Customized"
    assert ssm_client.put_parameter(Name="small", Value="v", Type="String")["Tier"] == "Standard"
    assert ssm_client.put_parameter(Name="large", Value="v" * 5000, Type="String")["Tier"] == "Advanced"
    ssm_client.update_service_setting(SettingId=DEFAULT_TIER, SettingValue="Advanced")
    assert ssm_client.put_parameter(Name="small", Value="w", Overwrite=True)["Tier"] == "Advanced"
    reset = ssm_client.reset_service_setting(SettingId=DEFAULT_TIER)["ServiceSetting"]
    assert (reset["SettingValue"], reset["Status"]) == ("Standard", "Default")
    # A Standard default never asks an Advanced parameter to step down.
    assert ssm_client.put_parameter(Name="small", Value="x", Overwrite=True)["Tier"] == "Advanced"


def test_service_setting_errors(ssm_client):
    with pytest.raises(ssm_client.exceptions.ServiceSettingNotFound):
        ssm_client.get_service_setting(SettingId="/ssm/parameter-store/no-such-setting")
    with pytest.raises(ssm_client.exceptions.ClientError) as e:
        ssm_client.update_service_setting(SettingId=HIGH_THROUGHPUT, SettingValue="maybe")
    assert code_of(e) == "ValidationException"
    assert ssm_client.get_service_setting(SettingId=HIGH_THROUGHPUT)["ServiceSetting"]["SettingValue"] == "false"


def test_high_throughput_makes_standard_calls_billable(cloud, ssm_client):
    from secretkit.pricing.meter import bill_cloud

    ssm_client.put_parameter(Name="p", Value="v", Type="String")
    ssm_client.get_parameter(Name="p")  # Standard at standard throughput: free
    ssm_client.update_service_setting(SettingId=HIGH_THROUGHPUT, SettingValue="true")
    assert [e.detail for e in cloud.events.calls("ssm") if e.operation == "UpdateServiceSetting"] == [{"ssm_high_throughput": True}]
    ssm_client.get_parameter(Name="p")
    ssm_client.get_parameter(Name="p")
    ssm_client.reset_service_setting(SettingId=HIGH_THROUGHPUT)  # still priced as "on"
    ssm_client.get_parameter(Name="p")  # free again
    cloud.clock.advance(hours=1)
    assert bill_cloud(cloud).quantity("ssm:api-interactions") == 3


def test_same_seed_same_calls_same_log():
    def script(seed: int) -> list:
        cloud = secretkit.Cloud(seed=seed)
        ssm = cloud.client("ssm")
        ssm.put_parameter(Name="/a/b", Value="v", Type="SecureString", Tier="Advanced",
                          Policies=policies({"Type": "NoChangeNotification", "Attributes": {"After": "1", "Unit": "Days"}}))
        ssm.put_parameter(Name="/a/b", Value="w", Overwrite=True)
        ssm.label_parameter_version(Name="/a/b", Labels=["x"])
        cloud.clock.advance(days=2)
        out = [ssm.get_parameter(Name="/a/b:x", WithDecryption=True)["Parameter"]]
        out[0].pop("ResponseMetadata", None)
        return out + [(e.time, e.kind, e.service, e.operation, e.outcome, e.resource) for e in cloud.events]

    assert script(7) == script(7)
