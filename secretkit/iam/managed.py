"""AWS managed policies a course attaches, and the KMS key policies AWS writes.

The documents below are written for this kit to have the *documented effect* of AWS's
policies of the same name, for the services the kit models (Secrets Manager, Parameter
Store, KMS, IAM, STS, Lambda, CloudFormation, EventBridge, RDS, CloudWatch Logs). They are
not AWS's text (nor are their descriptions): AWS revises its managed policies, and
``ReadOnlyAccess`` alone lists hundreds of services, so only what a course can observe is
reproduced. Points worth a lesson:

* ``ReadOnlyAccess`` covers
  ``secretsmanager:Describe*``/``List*`` but **not** ``secretsmanager:GetSecretValue``;
  it reads parameters (``ssm:Get*``) but cannot decrypt a SecureString (no ``kms:Decrypt``);
* ``SecretsManagerReadWrite`` cannot turn on rotation by itself: it lacks
  ``iam:CreateRole``/``iam:PassRole`` and ``lambda:CreateFunction``;
* ``AWSKeyManagementServicePowerUser`` manages keys but cannot encrypt or decrypt;
* ``service-role/AWSLambdaBasicExecutionRole`` only writes logs.

Key policies: :func:`default_key_policy` is what KMS attaches to a key created without a
policy (it lets IAM policies decide); :func:`aws_managed_key_policy` is the fixed policy
of ``aws/secretsmanager`` and ``aws/ssm``, which any principal *of the owning account* may
use *through that service only* (``kms:ViaService`` and ``kms:CallerAccount`` are pinned),
so another account can never decrypt with it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AWS_MANAGED",
    "AWS_MANAGED_CREATED",
    "aws_managed_document",
    "aws_managed_key_policy",
    "aws_policy_arn",
    "aws_policy_id",
    "default_key_policy",
]

#: The kit does not know when AWS first published each policy; all carry this date.
AWS_MANAGED_CREATED = datetime(2015, 2, 6, 18, 40, tzinfo=timezone.utc)


def _allow(actions: list[str] | str, resource: str = "*", sid: str | None = None, **extra: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": resource}
    if sid:
        st = {"Sid": sid, **st}
    st.update(extra)
    return st


_READ_ONLY = [
    "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecrets",
    "secretsmanager:ListSecretVersionIds", "ssm:Describe*", "ssm:Get*", "ssm:List*", "kms:Describe*", "kms:Get*",
    "kms:List*", "iam:Generate*", "iam:Get*", "iam:List*", "iam:Simulate*", "lambda:Get*", "lambda:List*",
    "cloudformation:Describe*", "cloudformation:Detect*", "cloudformation:Estimate*", "cloudformation:Get*",
    "cloudformation:List*", "cloudformation:ValidateTemplate", "events:Describe*", "events:List*", "events:Test*",
    "rds:Describe*", "rds:List*", "logs:Describe*", "logs:Get*", "logs:FilterLogEvents", "logs:StartQuery",
    "logs:StopQuery", "logs:TestMetricFilter", "tag:Get*",
]

# name -> (path, description, statements)
AWS_MANAGED: dict[str, tuple[str, str, list[dict[str, Any]]]] = {
    "AdministratorAccess": ("/", "Full access to every service and resource.", [_allow("*")]),
    "PowerUserAccess": ("/", "Full access to every service except IAM, Organizations and account "
                        "management.", [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"]),
    ]),
    "ReadOnlyAccess": ("/", "Read-only access to the services and resources (no secret values, no decryption).", [_allow(_READ_ONLY)]),
    "SecretsManagerReadWrite": ("/", "Read and write access to Secrets Manager; no IAM actions, so "
                                "setting up rotation also needs IAM permissions.", [
        _allow("secretsmanager:*", sid="BasePermissions"),
        _allow(["cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
                "cloudformation:DescribeStackResource", "cloudformation:DescribeStacks",
                "cloudformation:ExecuteChangeSet", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
                "ec2:DescribeVpcs", "kms:DescribeKey", "kms:ListAliases", "kms:ListKeys", "lambda:ListFunctions",
                "rds:DescribeDBClusters", "rds:DescribeDBInstances", "redshift:DescribeClusters",
                "tag:GetResources"], sid="ConsolePermissions"),
        _allow(["lambda:AddPermission", "lambda:CreateFunction", "lambda:GetFunction", "lambda:InvokeFunction",
                "lambda:UpdateFunctionConfiguration"], "arn:aws:lambda:*:*:function:SecretsManager*",
               sid="LambdaPermissions"),
        _allow(["serverlessrepo:CreateCloudFormationChangeSet", "serverlessrepo:GetApplication"],
               "arn:aws:serverlessrepo:*:*:applications/SecretsManager*", sid="SARPermissions"),
    ]),
    "IAMFullAccess": ("/", "Full access to IAM.", [
        _allow("iam:*"),
        _allow(["organizations:DescribeAccount", "organizations:DescribeOrganization",
                "organizations:ListAccounts"]),
    ]),
    "IAMReadOnlyAccess": ("/", "Read-only access to IAM.", [
        _allow(["iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*", "iam:List*",
                "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"]),
    ]),
    "AmazonSSMReadOnlyAccess": ("/", "Read-only access to Systems Manager, parameters included.", [
        _allow(["ssm:Describe*", "ssm:Get*", "ssm:List*"]),
    ]),
    "AmazonSSMFullAccess": ("/", "Full access to Systems Manager.", [
        _allow(["cloudwatch:PutMetricData", "ds:CreateComputer", "ds:DescribeDirectories",
                "ec2:DescribeInstanceStatus", "logs:*", "ssm:*", "ec2messages:*"]),
        _allow("iam:CreateServiceLinkedRole",
               "arn:aws:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM*",
               Condition={"StringLike": {"iam:AWSServiceName": "ssm.amazonaws.com"}}),
        _allow(["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"],
               "arn:aws:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM*"),
        _allow(["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]),
    ]),
    "AWSKeyManagementServicePowerUser": ("/", "Create and manage KMS keys and aliases; no cryptographic operations.", [
        _allow(["kms:CreateAlias", "kms:CreateKey", "kms:DeleteAlias", "kms:Describe*", "kms:GenerateRandom",
                "kms:Get*", "kms:List*", "kms:TagResource", "kms:UntagResource", "iam:ListGroups", "iam:ListRoles",
                "iam:ListUsers"]),
    ]),
    "AWSLambdaBasicExecutionRole": ("/service-role/", "Lets a Lambda function write its logs.", [
        _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),
    ]),
    "AWSLambdaVPCAccessExecutionRole": ("/service-role/", "Lets a Lambda function write its logs and manage "
                                        "the network interfaces it needs inside a VPC.", [
        _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]),
    ]),
    "AWSLambdaRole": ("/service-role/", "Lets the holder invoke Lambda functions.", [
        _allow("lambda:InvokeFunction"),
    ]),
    "AWSLambda_FullAccess": ("/", "Full access to Lambda and read access to what its console "
                             "shows.", [
        _allow(["cloudformation:DescribeStacks", "cloudformation:ListStackResources", "cloudwatch:ListMetrics",
                "cloudwatch:GetMetricData", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
                "kms:ListAliases", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoles", "lambda:*", "logs:DescribeLogGroups",
                "tag:GetResources"]),
        _allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        _allow(["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartLiveTail",
                "logs:StopLiveTail"], "arn:aws:logs:*:*:log-group:/aws/lambda/*"),
    ]),
    "AWSCloudFormationReadOnlyAccess": ("/", "Read-only access to CloudFormation.", [
        _allow(["cloudformation:Describe*", "cloudformation:EstimateTemplateCost", "cloudformation:Get*",
                "cloudformation:List*", "cloudformation:ValidateTemplate", "cloudformation:Detect*"]),
    ]),
    "AWSCloudFormationFullAccess": ("/", "Full access to CloudFormation.", [_allow("cloudformation:*")]),
}


def aws_policy_arn(name: str) -> str:
    """``arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`` and the like."""
    return f"arn:aws:iam::aws:policy{AWS_MANAGED[name][0]}{name}"


def aws_policy_id(name: str) -> str:
    """A stable ``ANPA...`` id for an AWS managed policy (the same in every run and account)."""
    digest = hashlib.sha256(name.encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "ANPA" + "".join(alphabet[b % 32] for b in digest[:17])


def aws_managed_document(name: str) -> str:
    """The document text of an AWS managed policy, pretty-printed as IAM shows it."""
    return json.dumps({"Version": "2012-10-17", "Statement": AWS_MANAGED[name][2]}, indent=4)


def default_key_policy(account_id: str) -> str:
    """The key policy KMS attaches when CreateKey gets no ``Policy``: it hands the key to
    the account's IAM policies (``kms:*`` for ``arn:aws:iam::ACCT:root``)."""
    return json.dumps({
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    }, indent=4)


def aws_managed_key_policy(account_id: str, region: str, service: str) -> str:
    """The fixed key policy of ``aws/secretsmanager`` or ``aws/ssm`` (``service``) in ``region``.

    Any principal may use the key, but only *via* that service in that region and only
    when the caller belongs to the owning account; the account itself may read it.
    """
    if service not in ("secretsmanager", "ssm"):
        raise ValueError(f"no AWS managed key for {service!r}; known: secretsmanager, ssm")
    return json.dumps({
        "Version": "2012-10-17",
        "Id": f"auto-{service}-1",
        "Statement": [
            {
                "Sid": f"Allow access through {'AWS Secrets Manager' if service == 'secretsmanager' else 'AWS Systems Manager'} "
                       "for all principals in the account that are authorized to use it",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey",
                           "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": account_id,
                                               "kms:ViaService": f"{service}.{region}.amazonaws.com"}},
            },
            {
                "Sid": "Allow access for Key Administrators",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
    }, indent=4)
