"""IAM roles and policies made by CloudFormation stacks, seen through a genuine ``iam``
client: what each type creates, its Ref and Fn::GetAtt values, updates in place, the
capabilities a template needs, and deletion leaving nothing behind."""

from __future__ import annotations

import json

import pytest
from _cfn_support import failures, outputs, status as stack_status

ACCOUNT = "123456789012"

ROLES = """
Resources:
  ReaderPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Description: read the app's secrets
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: secretsmanager:GetSecretValue
            Resource: !Sub arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:app/*
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Ref ReaderPolicy
      Policies:
        - PolicyName: write-logs
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: logs:PutLogEvents
                Resource: "*"
  ExtraPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: describe-secrets
      Roles:
        - !Ref FunctionRole
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: secretsmanager:DescribeSecret
            Resource: "*"
Outputs:
  Role:
    Value: !Ref FunctionRole
  RoleArn:
    Value: !GetAtt FunctionRole.Arn
  RoleId:
    Value: !GetAtt FunctionRole.RoleId
  Policy:
    Value: !Ref ReaderPolicy
  PolicyArn:
    Value: !GetAtt ReaderPolicy.PolicyArn
  PolicyId:
    Value: !GetAtt ReaderPolicy.PolicyId
  Extra:
    Value: !Ref ExtraPolicy
  PolicyVersion:
    Value: !GetAtt ReaderPolicy.DefaultVersionId
"""


@pytest.fixture
def cfn(cloud):
    return cloud.client("cloudformation", region_name="us-east-1")


@pytest.fixture
def iam(cloud):
    return cloud.client("iam", region_name="us-east-1")


def test_a_role_with_inline_managed_and_separate_policies(cfn, iam):
    with pytest.raises(cfn.exceptions.InsufficientCapabilitiesException) as refused:
        cfn.create_stack(StackName="app", TemplateBody=ROLES)
    assert refused.value.response["Error"]["Message"] == "Requires capabilities : [CAPABILITY_IAM]"
    assert iam.list_roles()["Roles"] == []

    cfn.create_stack(StackName="app", TemplateBody=ROLES, Capabilities=["CAPABILITY_IAM"])
    assert stack_status(cfn, "app") == "CREATE_COMPLETE", failures(cfn, "app")
    out = outputs(cfn, "app")
    role = iam.get_role(RoleName=out["Role"])["Role"]
    assert out["Role"].startswith("app-FunctionRole-") and len(out["Role"]) <= 64
    assert (out["RoleArn"], out["RoleId"]) == (role["Arn"], role["RoleId"]) == (f"arn:aws:iam::{ACCOUNT}:role/{out['Role']}", role["RoleId"])
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert out["Policy"] == out["PolicyArn"] and out["Policy"].startswith(f"arn:aws:iam::{ACCOUNT}:policy/app-ReaderPolicy-")
    assert iam.get_policy(PolicyArn=out["Policy"])["Policy"]["PolicyId"] == out["PolicyId"]
    assert out["PolicyVersion"] == "v1"
    attached = iam.list_attached_role_policies(RoleName=out["Role"])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [out["Policy"]]
    assert sorted(iam.list_role_policies(RoleName=out["Role"])["PolicyNames"]) == ["describe-secrets", "write-logs"]
    assert out["Extra"].startswith("app-ExtraPolicy-")

    cfn.delete_stack(StackName="app")
    assert iam.list_roles()["Roles"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_role_updates_in_place(cfn, iam):
    cfn.create_stack(StackName="app", TemplateBody=ROLES, Capabilities=["CAPABILITY_IAM"])
    name = outputs(cfn, "app")["Role"]
    changed = ROLES.replace("Service: lambda.amazonaws.com", "Service: events.amazonaws.com")
    changed = changed.replace("        - PolicyName: write-logs", "        - PolicyName: write-more-logs")
    changed = changed.replace("      ManagedPolicyArns:\n        - !Ref ReaderPolicy\n", "")
    cfn.update_stack(StackName="app", TemplateBody=changed, Capabilities=["CAPABILITY_IAM"])
    assert stack_status(cfn, "app") == "UPDATE_COMPLETE", failures(cfn, "app")
    assert outputs(cfn, "app")["Role"] == name
    role = iam.get_role(RoleName=name)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert sorted(iam.list_role_policies(RoleName=name)["PolicyNames"]) == ["describe-secrets", "write-more-logs"]
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []


def test_a_named_role_needs_named_iam_and_a_bad_trust_policy_rolls_back(cfn, iam):
    named = ROLES.replace("    Properties:\n      AssumeRolePolicyDocument:",
                          "    Properties:\n      RoleName: app-function\n      AssumeRolePolicyDocument:")
    with pytest.raises(cfn.exceptions.InsufficientCapabilitiesException) as refused:
        cfn.create_stack(StackName="app", TemplateBody=named, Capabilities=["CAPABILITY_IAM"])
    assert refused.value.response["Error"]["Message"] == "Requires capabilities : [CAPABILITY_NAMED_IAM]"
    cfn.create_stack(StackName="app", TemplateBody=named, Capabilities=["CAPABILITY_NAMED_IAM"])
    assert outputs(cfn, "app")["Role"] == "app-function"
    cfn.delete_stack(StackName="app")

    broken = ROLES.replace("Action: logs:PutLogEvents", "Action: 42\n                NotAKey: x")
    cfn.create_stack(StackName="bad", TemplateBody=broken, Capabilities=["CAPABILITY_IAM"])
    assert stack_status(cfn, "bad") == "ROLLBACK_COMPLETE"
    assert any(logical == "FunctionRole" for logical, _ in failures(cfn, "bad"))
    assert iam.list_roles()["Roles"] == [] and iam.list_policies(Scope="Local")["Policies"] == []


def test_a_stacks_function_is_given_the_stacks_role(cloud, cfn):
    body = ROLES.replace("Outputs:", """  Whoami:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Code:
        ZipFile: |
          import boto3
          def handler(event, context):
              return boto3.client("sts").get_caller_identity()["Account"]
Outputs:
  Function:
    Value: !Ref Whoami""", 1)
    cfn.create_stack(StackName="app", TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
    assert stack_status(cfn, "app") == "CREATE_COMPLETE", failures(cfn, "app")
    out = outputs(cfn, "app")
    lam = cloud.client("lambda", region_name="us-east-1")
    assert lam.get_function_configuration(FunctionName=out["Function"])["Role"] == out["RoleArn"]
    assert json.loads(lam.invoke(FunctionName=out["Function"])["Payload"].read()) == ACCOUNT
    with pytest.raises(cfn.exceptions.ClientError) as conflict:  # the stack's policies are on it: IAM refuses
        cloud.client("iam").delete_role(RoleName=out["Role"])
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"
