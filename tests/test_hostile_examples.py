"""The examples of each class of hostile input issue 19 found, one by one, through genuine
boto3 clients: each answers the AWS error named here, and the failed call changes nothing."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import secretkit
from secretkit.core.checks import ascii_int, loads_json
from secretkit.core.expressions import ScheduleError, first_after, parse

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:rotator"
DEEP = "[" * 2000 + "]" * 2000


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=0, start="2026-01-01")


def _code(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


def _loose(cloud: secretkit.Cloud, service: str):
    return cloud.client(service, "us-east-1", config=Config(parameter_validation=False))


def test_only_ascii_digits_count_as_digits(cloud):
    assert [ascii_int(t) for t in ("12", "²", "٣", " 1", "1_0", "", "9" * 19)] == [12, None, None, None, None, None, None]
    kms, ssm, events = cloud.client("kms"), cloud.client("ssm"), cloud.client("events")
    assert _code(lambda: kms.list_keys(Marker="²")) == "InvalidMarkerException"
    ssm.put_parameter(Name="/p", Value="v", Type="String")
    assert _code(lambda: ssm.get_parameter(Name="/p:²")) == "ParameterVersionNotFound"
    assert _code(lambda: events.put_rule(Name="r", ScheduleExpression="cron(0 ² * * ? *)")) == "ValidationException"
    assert _code(lambda: events.put_rule(Name="r", ScheduleExpression="rate(٣ days)")) == "ValidationException"
    assert events.list_rules()["Rules"] == []


def test_deeply_nested_json_is_refused_with_the_services_error(cloud):
    with pytest.raises(ValueError):
        loads_json(DEEP)
    assert loads_json('["[[[[[[", {"a": [1]}]') == ["[[[[[[", {"a": [1]}]  # brackets in strings do not count
    sm, ssm = cloud.client("secretsmanager"), cloud.client("ssm")
    sm.create_secret(Name="s", SecretString="x")
    assert _code(lambda: sm.put_resource_policy(SecretId="s", ResourcePolicy=DEEP)) == "MalformedPolicyDocumentException"
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="s")
    assert _code(lambda: ssm.put_parameter(Name="/deep", Value="v", Type="String", Tier="Advanced",
                                           Policies="[" * 1000 + "]" * 1000)) == "ValidationException"
    token = __import__("base64").urlsafe_b64encode(("[" * 100 + "]" * 100).encode()).decode()
    assert _code(lambda: sm.list_secrets(NextToken=token)) == "InvalidNextTokenException"
    assert _code(lambda: ssm.get_parameter(Name="/deep")) == "ParameterNotFound"


def test_lone_surrogates_answer_validation_exception(cloud):
    sm, ssm, kms = _loose(cloud, "secretsmanager"), _loose(cloud, "ssm"), _loose(cloud, "kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert _code(lambda: sm.create_secret(Name="s", SecretString="\ud800")) == "ValidationException"
    assert _code(lambda: ssm.put_parameter(Name="/s", Value="a\udfff", Type="SecureString")) == "ValidationException"
    assert _code(lambda: kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"a": "\ud800"})) == "ValidationException"
    assert sm.list_secrets()["SecretList"] == [] and ssm.describe_parameters()["Parameters"] == []


def test_huge_numbers_answer_aws_errors_and_leave_nothing_behind(cloud):
    ssm, events = cloud.client("ssm"), cloud.client("events")
    assert _code(lambda: events.put_rule(Name="r", ScheduleExpression="rate(99999999999 hours)")) == "ValidationException"
    assert _code(lambda: ssm.put_parameter(Name="/a", Value="v", Type="String",
                                           AllowedPattern="a{99999999999}")) == "InvalidAllowedPatternException"
    huge_after = [{"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": "99999999999", "Unit": "Days"}}]
    assert _code(lambda: ssm.put_parameter(Name="/b", Value="v", Type="String", Tier="Advanced",
                                           Policies=json.dumps(huge_after))) == "InvalidPolicyAttributeException"
    assert ssm.describe_parameters()["Parameters"] == []
    far = [{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "9999-12-31T23:59:59Z"}},
           {"Type": "ExpirationNotification", "Version": "1.0", "Attributes": {"Before": "99999999", "Unit": "Days"}}]
    ssm.put_parameter(Name="/c", Value="v", Type="String", Tier="Advanced", Policies=json.dumps(far))
    cloud.clock.advance(days=1)  # the notification, due before year 1, is delivered at once; nothing raises
    assert ssm.get_parameter(Name="/c")["Parameter"]["Value"] == "v"


def test_schedules_that_never_fire_are_refused_at_the_call(cloud):
    with pytest.raises(ScheduleError):
        parse("cron(0 0 30 2 ? *)")
    assert parse("cron(0 0 29 2 ? *)").next_after(parse("rate(1 day)").next_after(cloud.clock.now)).day == 29
    assert first_after(parse("cron(0 0 * * ? 2026)"), cloud.clock.now.replace(year=2027)) is None
    sm, events = cloud.client("secretsmanager"), cloud.client("events")
    assert _code(lambda: events.put_rule(Name="r", ScheduleExpression="cron(0 0 30 2 ? *)")) == "ValidationException"
    assert _code(lambda: events.put_rule(Name="r", ScheduleExpression="cron(0 0 * * ? 2020)")) == "ValidationException"
    assert events.list_rules()["Rules"] == []
    sm.create_secret(Name="s", SecretString="x")
    for schedule in ("cron(0 0 30 2 ? *)", "rate(99999999999 hours)"):
        assert _code(lambda: sm.rotate_secret(SecretId="s", RotationLambdaARN=FUNCTION,
                                              RotationRules={"ScheduleExpression": schedule})) == "InvalidParameterException"
    described = sm.describe_secret(SecretId="s")
    assert "RotationEnabled" not in described or described["RotationEnabled"] is False
    assert "RotationRules" not in described


def test_a_rule_whose_years_run_out_goes_quiet_on_the_clock(cloud):
    events = cloud.client("events")
    events.put_rule(Name="r", ScheduleExpression="cron(0 0 1 1 ? 2027)")
    cloud.clock.advance(days=800)  # fires once in 2027, then has no instant left: no error from the clock
    assert events.describe_rule(Name="r")["State"] == "ENABLED"
    assert [t for t in cloud.clock.pending() if "rule r" in t.label] == []


def test_wrongly_typed_members_answer_the_services_error(cloud):
    kms, sm = _loose(cloud, "kms"), _loose(cloud, "secretsmanager")
    assert _code(lambda: kms.create_alias(AliasName="alias/x", TargetKeyId=[[1]])) == "SerializationException"
    assert _code(lambda: sm.create_secret(Name={"a": 1}, SecretString="x")) == "SerializationException"
    lam = _loose(cloud, "lambda")
    assert _code(lambda: lam.invoke(FunctionName="f", Payload=[1])) == "SerializationException"


def test_a_backtracking_allowed_pattern_is_stopped(cloud):
    ssm = cloud.client("ssm")
    assert _code(lambda: ssm.put_parameter(Name="/p", Value="x" * 4000, Type="String",
                                           AllowedPattern="(x+x+)+y")) == "ValidationException"
    assert _code(lambda: ssm.get_parameter(Name="/p")) == "ParameterNotFound"
    ssm.put_parameter(Name="/p", Value="abc", Type="String", AllowedPattern="^[a-z]+$")
    assert _code(lambda: ssm.put_parameter(Name="/p", Value="ABC", Type="String", Overwrite=True)) == "ParameterPatternMismatchException"
    assert ssm.get_parameter(Name="/p")["Parameter"]["Version"] == 1


@pytest.mark.parametrize("kind", ["stack", "change set"])
def test_a_refused_template_draws_no_stack_id(kind):
    """A stack id is drawn before the template is read: a refused template gives it back, so
    the next stack gets the id it would have had without the failed call."""
    good = json.dumps({"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "x"}}}})
    bad = json.dumps({"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "x"}}},
                      "Outputs": {"O": {"Value": {"Ref": "Missing"}}}})

    def create(cfn, body):
        if kind == "stack":
            return cfn.create_stack(StackName="s", TemplateBody=body)["StackId"]
        return cfn.create_change_set(StackName="s", ChangeSetName="c", ChangeSetType="CREATE", TemplateBody=body)["StackId"]

    tried, fresh = secretkit.Cloud(seed=5, start="2026-01-01"), secretkit.Cloud(seed=5, start="2026-01-01")
    cfn = tried.client("cloudformation")
    position = tried.ids.rng.getstate()
    assert _code(lambda: create(cfn, bad)) == "ValidationError"
    assert tried.ids.rng.getstate() == position
    assert create(cfn, good) == create(fresh.client("cloudformation"), good)


def test_an_arn_with_no_account_is_not_another_accounts(cloud):
    """An empty account field once sent the call to "the other account" (this one) again and
    again, until RecursionError: it names no other account, and the call answers as for any
    identifier of its own account."""
    assert _code(lambda: cloud.client("lambda").get_function(FunctionName="arn:aws:::")) == "ValidationException"
    assert _code(lambda: cloud.client("lambda").add_permission(
        FunctionName="arn:aws:lambda:us-east-1::function:f", StatementId="s", Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com")) == "ValidationException"
    kms = cloud.client("kms")
    assert _code(lambda: kms.describe_key(KeyId="arn:aws:kms:us-east-1::key/1234abcd-12ab-34cd-56ef-1234567890ab")) == "NotFoundException"
