"""Dynamic references: read at provisioning, never shown, and not re-read on update unless
the resource itself changes (the stale-rotated-password trap)."""

from __future__ import annotations

import json

import pytest

from _cfn_support import error_of, events, make_cfn, physical_id, status

CONSUMER = """
Parameters:
  Note:
    Type: String
    Default: v1
Resources:
  Copy:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/db-user
      Type: String
      Value: '{{resolve:secretsmanager:app/db:SecretString:username}}'
  Flag:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/flag
      Type: String
      Value: '{{resolve:ssm:/config/flag}}'
      Description: !Ref Note
"""


@pytest.fixture
def cfn(cloud):
    return make_cfn(cloud)


@pytest.fixture
def sources(sm, ssm):
    sm.create_secret(Name="app/db", SecretString=json.dumps({"username": "alice", "password": "pw-1"}))
    ssm.put_parameter(Name="/config/flag", Value="on", Type="String")


def _value(ssm, name):
    return ssm.get_parameter(Name=name)["Parameter"]["Value"]


def test_references_are_resolved_into_the_resources(cfn, ssm, sources):
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    assert status(cfn, "app") == "CREATE_COMPLETE"
    assert _value(ssm, "/app/db-user") == "alice"
    assert _value(ssm, "/app/flag") == "on"


def test_resolved_values_never_show(cfn, sm, ssm, sources):
    sm.put_secret_value(SecretId="app/db", SecretString=json.dumps({"username": "zq-secret-user-zq", "password": "pw-2"}))
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    shown = json.dumps(
        [
            cfn.describe_stacks(StackName="app"),
            cfn.describe_stack_events(StackName="app"),
            cfn.describe_stack_resources(StackName="app"),
            cfn.describe_stack_resource(StackName="app", LogicalResourceId="Copy"),
            cfn.get_template(StackName="app"),
        ],
        default=str,
    )
    assert "zq-secret-user-zq" not in shown
    assert "{{resolve:secretsmanager:app/db:SecretString:username}}" in shown


def test_an_update_does_not_re_read_an_unchanged_reference(cfn, sm, ssm, sources):
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    sm.put_secret_value(SecretId="app/db", SecretString=json.dumps({"username": "bob", "password": "pw-2"}))
    ssm.put_parameter(Name="/config/flag", Value="off", Type="String", Overwrite=True)
    # Only Flag's Description changes: Flag is updated (and re-reads its reference), Copy is not touched.
    cfn.update_stack(StackName="app", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Note", "ParameterValue": "v2"}])
    assert status(cfn, "app") == "UPDATE_COMPLETE"
    assert _value(ssm, "/app/db-user") == "alice"  # stale: the rotated username never arrived
    assert _value(ssm, "/app/flag") == "off"
    assert not [r for r in events(cfn, "app") if r[0] == "Copy" and r[1].startswith("UPDATE")]


def test_changing_the_reference_text_re_reads_it(cfn, sm, ssm, sources):
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    sm.put_secret_value(SecretId="app/db", SecretString=json.dumps({"username": "bob", "password": "pw-2"}))
    stage = CONSUMER.replace("SecretString:username}}", "SecretString:username:AWSCURRENT}}")
    cfn.update_stack(StackName="app", TemplateBody=stage)
    assert _value(ssm, "/app/db-user") == "bob"


def test_versions_stages_and_whole_strings(cfn, sm, ssm, sources):
    old_version = sm.describe_secret(SecretId="app/db")["VersionIdsToStages"]
    (first_id,) = old_version
    sm.put_secret_value(SecretId="app/db", SecretString=json.dumps({"username": "bob", "password": "pw-2"}))
    ssm.put_parameter(Name="/config/flag", Value="v2-flag", Type="String", Overwrite=True)
    body = f"""
Resources:
  Previous:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: '{{{{resolve:secretsmanager:app/db:SecretString:username:AWSPREVIOUS}}}}'
  ById:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: '{{{{resolve:secretsmanager:app/db:SecretString:username::{first_id}}}}}'
  Whole:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: '{{{{resolve:secretsmanager:app/db}}}}'
  FlagV1:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: '{{{{resolve:ssm:/config/flag:1}}}}'
"""
    cfn.create_stack(StackName="refs", TemplateBody=body)
    assert status(cfn, "refs") == "CREATE_COMPLETE"
    assert _value(ssm, physical_id(cfn, "refs", "Previous")) == "alice"
    assert _value(ssm, physical_id(cfn, "refs", "ById")) == "alice"
    assert json.loads(_value(ssm, physical_id(cfn, "refs", "Whole")))["username"] == "bob"
    assert _value(ssm, physical_id(cfn, "refs", "FlagV1")) == "on"


def test_a_reference_to_a_secret_made_in_the_same_stack(cfn, ssm):
    body = """
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: '{"username": "carol"}'
  User:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub '{{resolve:secretsmanager:${Secret}::username}}'
"""
    cfn.create_stack(StackName="same", TemplateBody=body)
    assert _value(ssm, physical_id(cfn, "same", "User")) == "carol"


def test_a_missing_ssm_parameter_fails_the_call(cfn, sm):
    code, message = error_of(lambda: cfn.create_stack(StackName="app", TemplateBody=CONSUMER))
    assert (code, message) == ("ValidationError", "Parameters: [ssm:/config/flag] cannot be found.")
    assert cfn.describe_stacks()["Stacks"] == []


def test_a_missing_secret_or_json_key_fails_the_resource(cfn, ssm, sm):
    ssm.put_parameter(Name="/config/flag", Value="on", Type="String")
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    assert status(cfn, "app") == "ROLLBACK_COMPLETE"
    reason = next(r[2] for r in events(cfn, "app") if r[1] == "CREATE_FAILED")
    assert reason.startswith("Secrets Manager can't find the specified secret. (Service: SecretsManager, Status Code: 400")
    sm.create_secret(Name="app/db", SecretString=json.dumps({"user": "no username key"}))
    cfn.delete_stack(StackName="app")
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    reason = next(r[2] for r in events(cfn, "app") if r[1] == "CREATE_FAILED")
    assert reason == "Could not find a value associated with JSONKey in SecretString"
    assert error_of(lambda: ssm.get_parameter(Name="/app/flag"))[0] == "ParameterNotFound"


def test_reading_references_is_logged_as_calls(cfn, cloud, sources):
    before = len(cloud.events.select(kind="call", operation="GetSecretValue"))
    cfn.create_stack(StackName="app", TemplateBody=CONSUMER)
    assert len(cloud.events.select(kind="call", operation="GetSecretValue")) == before + 1
    assert cloud.events.select(kind="call", service="cloudformation", operation="CreateStack")


def test_no_echo_parameters_are_masked_in_describe_and_events(cfn):
    body = """
Parameters:
  Token:
    Type: String
    NoEcho: true
Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref Token
"""
    cfn.create_stack(StackName="ne", TemplateBody=body, Parameters=[{"ParameterKey": "Token", "ParameterValue": "tok-98765"}])
    shown = json.dumps([cfn.describe_stacks(StackName="ne"), cfn.describe_stack_events(StackName="ne")], default=str)
    assert "tok-98765" not in shown and "****" in shown


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{{resolve:ssm:/a/b}}", ("ssm", "/a/b", None, None, None)),
        ("{{resolve:ssm:/a/b:3}}", ("ssm", "/a/b", "3", None, None)),
        ("{{resolve:ssm-secure:db-pass:2}}", ("ssm-secure", "db-pass", "2", None, None)),
        ("{{resolve:secretsmanager:MySecret}}", ("secretsmanager", "MySecret", None, None, None)),
        ("{{resolve:secretsmanager:MySecret:SecretString:password::}}", ("secretsmanager", "MySecret", None, "password", None)),
        ("{{resolve:secretsmanager:MySecret:SecretString:password:AWSPREVIOUS}}", ("secretsmanager", "MySecret", None, "password", "AWSPREVIOUS")),
        (
            "{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:SecretString:user::v-1}}",
            ("secretsmanager", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", "v-1", "user", None),
        ),
    ],
)
def test_reference_syntax(text, expected):
    from secretkit.cloudformation.dynamic import find

    (ref,) = find(f"prefix {text} suffix")
    assert (ref.service, ref.name, ref.version, ref.json_key, ref.stage) == expected


def test_ssm_secure_references_read_with_decryption(ssm):
    from secretkit.cloudformation.dynamic import substitute
    from secretkit.cloudformation.wiring import resolvers_for

    ssm.put_parameter(Name="/db/password", Value="very-secret", Type="SecureString")
    resolvers = resolvers_for(_Cloudish(ssm), "us-east-1")
    props = {"MasterUserPassword": "{{resolve:ssm-secure:/db/password:1}}", "Other": ["{{resolve:ssm-secure:/db/password}}!"]}
    assert substitute(props, resolvers) == {"MasterUserPassword": "very-secret", "Other": ["very-secret!"]}


class _Cloudish:
    """The one method the resolvers use, over a Parameter Store model."""

    def __init__(self, ssm):
        self._ssm = ssm

    def service(self, name, region):
        assert name == "ssm"
        return self._ssm
