"""What the save-and-load tests share: a Cloud with something of every service, and what a
Cloud answers (every describe, get and list), through genuine boto3 clients."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from _rotation_support import make_setup

REPLICA = "eu-west-1"
VALUES = ["s3cr3t-alpha-9137", "cfn-made-73519", "p4ram-secure-2281", "p4ram-adv-7733", "second-value-5150"]
BINARY = b"\x00binary-value-6626\xff"


def rich_cloud() -> Any:
    """A Cloud with secrets (one replicated, one rotating on a schedule, one being deleted), a
    rotation function and its database, parameters of both tiers with a policy, KMS keys (one
    rotating, one pending deletion), an EventBridge rule, an IAM user, an RDS instance with a
    managed master secret and a CloudFormation stack, two hours into a rotation schedule."""
    setup = make_setup()
    cloud = setup.cloud
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="replicated", SecretString=VALUES[0], AddReplicaRegions=[{"Region": REPLICA}])
    sm.create_secret(Name="bin", SecretBinary=BINARY)
    sm.put_secret_value(SecretId="bin", SecretString=VALUES[4])
    sm.create_secret(Name="going", SecretString="x-going-4410")
    sm.delete_secret(SecretId="going", RecoveryWindowInDays=7)
    setup.rotate()
    sm.rotate_secret(SecretId=setup.arn, RotationRules={"AutomaticallyAfterDays": 7}, RotateImmediately=False)
    kms = cloud.client("kms")
    doomed = kms.create_key(Description="doomed")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    kept = kms.create_key(Description="kept")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=kept, RotationPeriodInDays=90)
    kms.create_alias(AliasName="alias/kept", TargetKeyId=kept)
    ssm = cloud.client("ssm")
    ssm.put_parameter(Name="/app/plain", Value="plain-config", Type="String")
    ssm.put_parameter(Name="/app/secure", Value=VALUES[2], Type="SecureString", KeyId="alias/kept")
    ssm.put_parameter(Name="/app/adv", Value=VALUES[3], Type="SecureString", Tier="Advanced",
                      Policies=json.dumps([{"Type": "Expiration", "Version": "1.0",
                                            "Attributes": {"Timestamp": "2026-03-01T00:00:00.000Z"}}]))
    events = cloud.client("events")
    events.put_rule(Name="daily", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="daily", Targets=[{"Id": "1", "Arn": setup.function_arn}])
    iam = cloud.client("iam")
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    rds = cloud.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="db1", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="master", AllocatedStorage=20, ManageMasterUserPassword=True)
    cfn = cloud.client("cloudformation")
    template = {"Resources": {"Made": {"Type": "AWS::SecretsManager::Secret",
                                       "Properties": {"Name": "cfn-made", "GenerateSecretString": {}}}}}
    cfn.create_stack(StackName="stack", TemplateBody=json.dumps(template))
    cloud.clock.advance(hours=2)
    return cloud


def _strip(answer: Any) -> Any:
    if isinstance(answer, dict):
        return {k: _strip(v) for k, v in answer.items() if k != "ResponseMetadata"}
    if isinstance(answer, list):
        return [_strip(v) for v in answer]
    return answer


def _ask(call: Any, **args: Any) -> Any:
    try:
        return _strip(call(**args))
    except ClientError as exc:
        return ("error", exc.response["Error"]["Code"], exc.response["Error"]["Message"])


def _pages(client: Any, operation: str, **args: Any) -> list[Any]:
    return [_strip(page) for page in client.get_paginator(operation).paginate(**args)]


def answers(cloud: Any, regions: tuple[str, ...] = ("us-east-1", REPLICA), users: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every describe, get and list of every modelled service in ``regions``, as plain data
    (IAM has no ListUsers in the kit yet: ``users`` names the users to describe)."""
    out: dict[str, Any] = {"now": cloud.clock.now}
    for region in regions:
        sm = cloud.client("secretsmanager", region)
        listed = _pages(sm, "list_secrets", IncludePlannedDeletion=True)
        out[f"{region} secrets"] = listed
        for page in listed:
            for entry in page["SecretList"]:
                arn = entry["ARN"]
                out[f"{arn} describe"] = _ask(sm.describe_secret, SecretId=arn)
                out[f"{arn} versions"] = _ask(sm.list_secret_version_ids, SecretId=arn, IncludeDeprecated=True)
                for stage in ("AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"):
                    out[f"{arn} {stage}"] = _ask(sm.get_secret_value, SecretId=arn, VersionStage=stage)
                out[f"{arn} policy"] = _ask(sm.get_resource_policy, SecretId=arn)
        ssm = cloud.client("ssm", region)
        out[f"{region} parameters"] = _pages(ssm, "describe_parameters")
        out[f"{region} values"] = _pages(ssm, "get_parameters_by_path", Path="/", Recursive=True, WithDecryption=True)
        for page in out[f"{region} parameters"]:
            for entry in page["Parameters"]:
                out[f"{entry['Name']} history"] = _pages(ssm, "get_parameter_history", Name=entry["Name"], WithDecryption=True)
        kms = cloud.client("kms", region)
        out[f"{region} aliases"] = _pages(kms, "list_aliases")
        for page in _pages(kms, "list_keys"):
            for key in page["Keys"]:
                out[f"{key['KeyArn']}"] = _ask(kms.describe_key, KeyId=key["KeyId"])
                out[f"{key['KeyArn']} rotation"] = _ask(kms.get_key_rotation_status, KeyId=key["KeyId"])
        events = cloud.client("events", region)
        out[f"{region} rules"] = _ask(events.list_rules)
        for rule in out[f"{region} rules"].get("Rules", []):
            out[f"{rule['Name']} targets"] = _ask(events.list_targets_by_rule, Rule=rule["Name"])
        lam = cloud.client("lambda", region)
        out[f"{region} functions"] = _pages(lam, "list_functions")
        for page in out[f"{region} functions"]:
            for fn in page["Functions"]:
                out[f"{fn['FunctionArn']}"] = _ask(lam.get_function, FunctionName=fn["FunctionName"])
        rds = cloud.client("rds", region)
        out[f"{region} instances"] = _ask(rds.describe_db_instances)
        cfn = cloud.client("cloudformation", region)
        out[f"{region} stacks"] = _ask(cfn.describe_stacks)
        for stack in out[f"{region} stacks"].get("Stacks", []):
            out[f"{stack['StackName']} resources"] = _ask(cfn.describe_stack_resources, StackName=stack["StackName"])
            out[f"{stack['StackName']} events"] = _ask(cfn.describe_stack_events, StackName=stack["StackName"])
    iam = cloud.client("iam")
    for user in users:
        out[f"{user}"] = _ask(iam.get_user, UserName=user)
        out[f"{user} keys"] = _ask(iam.list_access_keys, UserName=user)
        out[f"{user} policies"] = _ask(iam.list_user_policies, UserName=user)
        for name in out[f"{user} policies"].get("PolicyNames", []):
            out[f"{user} {name}"] = _ask(iam.get_user_policy, UserName=user, PolicyName=name)
    out["roles"] = _ask(iam.list_roles)
    out["policies"] = _ask(iam.list_policies, Scope="Local")
    out["caller"] = _ask(cloud.client("sts").get_caller_identity)
    return out


def events_of(cloud: Any) -> list[Any]:
    """The event log, each ``access`` event's live decision object (``explained``, which
    compares by identity) replaced by its summary: what it decided and by which statements."""
    out = []
    for e in cloud.events:
        detail = e.detail
        if isinstance(detail, Mapping) and "explained" in detail:
            decision = detail["explained"]
            e = e._replace(detail={**detail, "explained": (decision.decision, decision.missing, decision.denied_in)})
        out.append(e)
    return out
