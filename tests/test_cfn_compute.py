"""Functions, permissions and scheduled rules made by CloudFormation stacks, through genuine
boto3 clients as a student drives them: the function runs in the kit's Lambda runtime, the
rule fires on the simulated clock, and a stack's own function rotates a secret."""

from __future__ import annotations

import json

import pytest
from _cfn_support import failures, outputs, status as stack_status

ACCOUNT = "123456789012"
IAM = ["CAPABILITY_IAM"]  # every function here runs as a role the stack makes

FUNCTION = """
Resources:
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Timeout: 10
      Environment:
        Variables:
          GREETING: hello
      Code:
        ZipFile: |
          import os
          def handler(event, context):
              return {"said": os.environ["GREETING"] + " " + event["name"], "fn": context.function_name}
  HelloPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Hello.Arn
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
Outputs:
  Name:
    Value: !Ref Hello
  Arn:
    Value: !GetAtt Hello.Arn
  Permission:
    Value: !Ref HelloPermission
  PermissionId:
    Value: !GetAtt HelloPermission.Id
"""


@pytest.fixture
def cfn(cloud):
    return cloud.client("cloudformation", region_name="us-east-1")


@pytest.fixture
def lam(cloud):
    return cloud.client("lambda", region_name="us-east-1")


def invoke(lam, name, event):
    out = lam.invoke(FunctionName=name, Payload=json.dumps(event))
    return out.get("FunctionError"), json.loads(out["Payload"].read())


def test_an_inline_function_runs_and_its_permission_is_in_the_policy(cfn, lam):
    cfn.create_stack(StackName="hello", TemplateBody=FUNCTION, Capabilities=IAM)
    cfn.get_waiter("stack_create_complete").wait(StackName="hello", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    out = outputs(cfn, "hello")
    name = out["Name"]
    assert name.startswith("hello-Hello-") and len(name) == len("hello-Hello-") + 12
    assert out["Arn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    assert invoke(lam, name, {"name": "Ada"}) == (None, {"said": "hello Ada", "fn": name})
    config = lam.get_function_configuration(FunctionName=name)
    assert (config["Handler"], config["Runtime"], config["Timeout"], config["MemorySize"]) == ("index.handler", "python3.12", 10, 128)
    statement = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"][0]
    assert statement["Sid"] == out["Permission"] == out["PermissionId"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["AWS:SourceAccount"] == ACCOUNT

    cfn.delete_stack(StackName="hello")
    assert lam.list_functions()["Functions"] == []


def test_function_updates_code_in_place_and_a_new_name_replaces_it(cfn, lam):
    cfn.create_stack(StackName="hello", TemplateBody=FUNCTION, Capabilities=IAM)
    name = outputs(cfn, "hello")["Name"]
    changed = FUNCTION.replace('os.environ["GREETING"] + " "', '"bye "').replace("Timeout: 10", "Timeout: 20")
    cfn.update_stack(StackName="hello", TemplateBody=changed, Capabilities=IAM)
    assert stack_status(cfn, "hello") == "UPDATE_COMPLETE"
    assert outputs(cfn, "hello")["Name"] == name  # updated in place
    assert invoke(lam, name, {"name": "Ada"})[1]["said"] == "bye Ada"
    assert lam.get_function_configuration(FunctionName=name)["Timeout"] == 20

    renamed = changed.replace("      Runtime: python3.12\n", "      FunctionName: greeter\n      Runtime: python3.12\n")
    cfn.update_stack(StackName="hello", TemplateBody=renamed, Capabilities=IAM)
    assert stack_status(cfn, "hello") == "UPDATE_COMPLETE"
    assert outputs(cfn, "hello")["Name"] == "greeter"
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["greeter"]
    # the permission pointed at the old function's ARN: it was replaced with the function
    statement = json.loads(lam.get_policy(FunctionName="greeter")["Policy"])["Statement"][0]
    assert statement["Resource"].endswith(":function:greeter")


def test_a_function_lambda_refuses_rolls_the_stack_back(cfn, lam):
    bad = FUNCTION.replace("Runtime: python3.12", "Runtime: python2.7")
    cfn.create_stack(StackName="hello", TemplateBody=bad, Capabilities=IAM)
    assert stack_status(cfn, "hello") == "ROLLBACK_COMPLETE"
    (logical, reason), = failures(cfn, "hello")
    assert logical == "Hello" and "(Service: Lambda, Status Code: 400" in reason
    assert lam.list_functions()["Functions"] == []


S3_FUNCTION = """
Resources:
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Code:
        S3Bucket: my-bucket
        S3Key: hello.zip
"""


def test_code_from_s3_is_refused_with_a_reason(cfn, lam):
    cfn.create_stack(StackName="hello", TemplateBody=S3_FUNCTION, Capabilities=IAM)
    assert stack_status(cfn, "hello") == "ROLLBACK_COMPLETE"
    (logical, reason), = failures(cfn, "hello")
    assert logical == "Hello" and "Code.ZipFile" in reason
    assert lam.list_functions()["Functions"] == []


# ------------------------------------------------------------------ scheduled rules
PARAMETER_ROTATION = """
Resources:
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: write-the-token
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ssm:PutParameter
                Resource: !Sub "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ecommerce/prod/api-token"
  Token:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /ecommerce/prod/api-token
      Type: String
      Value: initial-token
  Rotator:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Environment:
        Variables:
          PARAMETER: !Ref Token
      Code:
        ZipFile: |
          import os, secrets
          import boto3
          def handler(event, context):
              ssm = boto3.client("ssm")
              ssm.put_parameter(Name=os.environ["PARAMETER"], Value=secrets.token_hex(16), Type="String", Overwrite=True)
              return {"rotated": os.environ["PARAMETER"], "why": event.get("why", event.get("detail-type"))}
  Every30Days:
    Type: AWS::Events::Rule
    Properties:
      Description: rotate the API token
      ScheduleExpression: rate(30 days)
      State: ENABLED
      Targets:
        - Arn: !GetAtt Rotator.Arn
          Id: rotator
  RotatorPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Rotator
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      SourceArn: !GetAtt Every30Days.Arn
Outputs:
  Rule:
    Value: !Ref Every30Days
  RuleArn:
    Value: !GetAtt Every30Days.Arn
  RuleName:
    Value: !GetAtt Every30Days.RuleName
"""


def test_a_scheduled_rule_rotates_a_parameter_on_the_clock(cloud, cfn):
    ssm = cloud.client("ssm", region_name="us-east-1")
    events = cloud.client("events", region_name="us-east-1")
    cfn.create_stack(StackName="tokens", TemplateBody=PARAMETER_ROTATION, Capabilities=IAM)
    assert stack_status(cfn, "tokens") == "CREATE_COMPLETE"
    out = outputs(cfn, "tokens")
    assert out["Rule"].startswith("tokens-Every30Days-") and out["RuleName"] == out["Rule"]
    assert out["RuleArn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{out['Rule']}"
    rule = events.describe_rule(Name=out["Rule"])
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(30 days)", "ENABLED")
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=out["Rule"])["Targets"]] == ["rotator"]

    cloud.clock.advance(days=29)
    assert ssm.get_parameter(Name="/ecommerce/prod/api-token")["Parameter"]["Version"] == 1
    cloud.clock.advance(days=1, seconds=5)
    found = ssm.get_parameter(Name="/ecommerce/prod/api-token")["Parameter"]
    assert found["Version"] == 2 and found["Value"] != "initial-token" and len(found["Value"]) == 32

    disabled = PARAMETER_ROTATION.replace("State: ENABLED", "State: DISABLED")
    cfn.update_stack(StackName="tokens", TemplateBody=disabled, Capabilities=IAM)
    assert events.describe_rule(Name=out["Rule"])["State"] == "DISABLED"
    cloud.clock.advance(days=31)
    assert ssm.get_parameter(Name="/ecommerce/prod/api-token")["Parameter"]["Version"] == 2

    cfn.delete_stack(StackName="tokens")
    assert events.list_rules()["Rules"] == []


def test_a_rule_without_the_permission_fires_but_cannot_invoke(cloud, cfn):
    ssm = cloud.client("ssm", region_name="us-east-1")
    body = PARAMETER_ROTATION[: PARAMETER_ROTATION.index("  RotatorPermission:")] + "Outputs: {}\n"
    body = body.replace("Outputs: {}\n", "")
    cfn.create_stack(StackName="tokens", TemplateBody=body, Capabilities=IAM)
    assert stack_status(cfn, "tokens") == "CREATE_COMPLETE"
    cloud.clock.advance(days=31)
    assert ssm.get_parameter(Name="/ecommerce/prod/api-token")["Parameter"]["Version"] == 1


# ---------------------------------------------------- a stack's own rotation function
OWN_ROTATION = """
Resources:
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: rotate-the-api-key
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [secretsmanager:DescribeSecret, secretsmanager:GetSecretValue,
                         secretsmanager:PutSecretValue, secretsmanager:UpdateSecretVersionStage]
                Resource: !Sub "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ecommerce/prod/partner-api-key-??????"
              - Effect: Allow
                Action: secretsmanager:GetRandomPassword
                Resource: "*"
  ApiKey:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: ecommerce/prod/partner-api-key
      GenerateSecretString:
        PasswordLength: 24
        ExcludePunctuation: true
  RotateApiKey:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Timeout: 30
      Code:
        ZipFile: |
          import boto3
          def handler(event, context):
              sm = boto3.client("secretsmanager")
              arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
              if step == "createSecret":
                  try:
                      sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
                  except sm.exceptions.ResourceNotFoundException:
                      value = sm.get_random_password(PasswordLength=24, ExcludePunctuation=True)["RandomPassword"]
                      sm.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=value,
                                          VersionStages=["AWSPENDING"])
              elif step == "finishSecret":
                  stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
                  current = next(v for v, s in stages.items() if "AWSCURRENT" in s)
                  if current != token:
                      sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                                     MoveToVersionId=token, RemoveFromVersionId=current)
  AllowSecretsManager:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt RotateApiKey.Arn
      Action: lambda:InvokeFunction
      Principal: secretsmanager.amazonaws.com
  ApiKeyRotation:
    Type: AWS::SecretsManager::RotationSchedule
    DependsOn: AllowSecretsManager
    Properties:
      SecretId: !Ref ApiKey
      RotationLambdaARN: !GetAtt RotateApiKey.Arn
      RotationRules:
        ScheduleExpression: rate(10 days)
"""


def test_a_rotation_schedule_runs_the_stacks_own_function_on_the_clock(cloud, cfn):
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    cfn.create_stack(StackName="keys", TemplateBody=OWN_ROTATION, Capabilities=IAM)
    assert stack_status(cfn, "keys") == "CREATE_COMPLETE", failures(cfn, "keys")
    cloud.clock.advance(seconds=5)  # created with RotateImmediately: the first rotation runs now
    versions = sm.list_secret_version_ids(SecretId="ecommerce/prod/partner-api-key")["Versions"]
    assert len(versions) == 2
    first = sm.get_secret_value(SecretId="ecommerce/prod/partner-api-key")["SecretString"]
    described = sm.describe_secret(SecretId="ecommerce/prod/partner-api-key")
    function = cfn.describe_stack_resource(StackName="keys", LogicalResourceId="RotateApiKey")["StackResourceDetail"]
    assert described["RotationEnabled"] is True
    assert described["RotationLambdaARN"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function['PhysicalResourceId']}"
    cloud.clock.advance(days=12)  # the window of day 11 (NextRotationDate is its end)
    second = sm.get_secret_value(SecretId="ecommerce/prod/partner-api-key")["SecretString"]
    assert second != first and len(second) == 24

    cfn.delete_stack(StackName="keys")
    assert sm.list_secrets()["SecretList"] == []
    assert cloud.client("lambda", region_name="us-east-1").list_functions()["Functions"] == []


def test_a_rotation_schedule_without_the_permission_fails_with_secrets_managers_words(cloud, cfn):
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    body = OWN_ROTATION.replace("    DependsOn: AllowSecretsManager\n", "").replace("Principal: secretsmanager.amazonaws.com",
                                                                                   "Principal: events.amazonaws.com")
    cfn.create_stack(StackName="keys", TemplateBody=body, Capabilities=IAM)
    assert stack_status(cfn, "keys") == "ROLLBACK_COMPLETE"
    (logical, reason), = failures(cfn, "keys")
    assert logical == "ApiKeyRotation" and reason.startswith("Secrets Manager cannot invoke the specified Lambda function.")
    assert sm.list_secrets()["SecretList"] == []


def test_a_permission_is_replaced_when_any_property_changes(cfn, lam):
    cfn.create_stack(StackName="hello", TemplateBody=FUNCTION, Capabilities=IAM)
    name, before = outputs(cfn, "hello")["Name"], outputs(cfn, "hello")["Permission"]
    changed = FUNCTION.replace("Principal: events.amazonaws.com", "Principal: secretsmanager.amazonaws.com")
    cfn.update_stack(StackName="hello", TemplateBody=changed, Capabilities=IAM)
    assert stack_status(cfn, "hello") == "UPDATE_COMPLETE"
    after = outputs(cfn, "hello")["Permission"]
    assert after != before
    statements = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    assert [(s["Sid"], s["Principal"]) for s in statements] == [(after, {"Service": "secretsmanager.amazonaws.com"})]


def test_rule_targets_follow_the_template_and_event_patterns_are_refused(cloud, cfn):
    events = cloud.client("events", region_name="us-east-1")
    cfn.create_stack(StackName="tokens", TemplateBody=PARAMETER_ROTATION, Capabilities=IAM)
    rule = outputs(cfn, "tokens")["Rule"]
    two = PARAMETER_ROTATION.replace("          Id: rotator\n", "          Id: rotator\n        - Arn: !GetAtt Rotator.Arn\n"
                                     "          Id: audit\n          Input: '{\"why\": \"audit\"}'\n")
    cfn.update_stack(StackName="tokens", TemplateBody=two, Capabilities=IAM)
    assert sorted(t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]) == ["audit", "rotator"]
    cfn.update_stack(StackName="tokens", TemplateBody=PARAMETER_ROTATION, Capabilities=IAM)
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]] == ["rotator"]
    cfn.delete_stack(StackName="tokens")

    pattern = PARAMETER_ROTATION.replace("      ScheduleExpression: rate(30 days)\n",
                                         "      EventPattern:\n        source: [aws.secretsmanager]\n")
    cfn.create_stack(StackName="pattern", TemplateBody=pattern, Capabilities=IAM)
    assert stack_status(cfn, "pattern") == "ROLLBACK_COMPLETE"
    reasons = [r for logical, r in failures(cfn, "pattern") if logical == "Every30Days"]
    assert reasons and "EventPattern is not supported" in reasons[0] and "(Service: EventBridge, Status Code: 400" in reasons[0]
