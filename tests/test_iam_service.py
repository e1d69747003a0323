"""The IAM API: users, access keys, roles, inline and managed policies, the simulator,
with IAM's errors, quotas and paging, and every call authorised as its caller."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from _iam_support import A, B, World, doc, error_of, make_world, trust
from secretkit.iam import aws_policy_arn

READ = {"Sid": "Read", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}


@pytest.fixture
def world() -> World:
    return make_world()


def test_create_get_delete_user(world: World) -> None:
    iam = world.iam()
    user = iam.create_user(UserName="alice", Path="/dev/", Tags=[{"Key": "team", "Value": "payments"}])["User"]
    assert user["Arn"] == f"arn:aws:iam::{A}:user/dev/alice" and user["UserId"].startswith("AIDA")
    assert len(user["UserId"]) == 21 and user["CreateDate"] == world.clock.now
    assert iam.get_user(UserName="ALICE")["User"]["UserName"] == "alice"  # names ignore case
    assert error_of(iam.create_user, UserName="Alice").response["Error"]["Message"] == "User with name Alice already exists."
    iam.delete_user(UserName="alice")
    error = error_of(iam.get_user, UserName="alice")
    assert (error.code, error.status, error.message) == ("NoSuchEntity", 404, "The user with name alice cannot be found.")


def test_get_user_without_a_name_is_the_caller(world: World) -> None:
    iam = world.iam()
    assert iam.get_user()["User"] == {"UserId": A, "Arn": f"arn:aws:iam::{A}:root", "CreateDate": world.clock.now}
    alice = world.user_with_key("alice", {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"})
    assert iam.invoke("get_user", alice)["User"]["UserName"] == "alice"


@pytest.mark.parametrize("params, field, constraint", [
    ({"UserName": "a b"}, "userName", "Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
    ({"UserName": "x" * 65}, "userName", "Member must have length less than or equal to 64"),
    ({"UserName": "ok", "Path": "dev"}, "path", "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"),
])
def test_bad_user_input_gets_validation_error(world: World, params: dict[str, Any], field: str, constraint: str) -> None:
    error = error_of(world.iam().create_user, **params)
    assert (error.code, error.status) == ("ValidationError", 400)
    assert error.message == f"1 validation error detected: Value at '{field}' failed to satisfy constraint: {constraint}"
    assert world.iam().account.users == {}


def test_access_keys(world: World) -> None:
    iam = world.iam()
    iam.create_user(UserName="alice")
    first = iam.create_access_key(UserName="alice")["AccessKey"]
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40 and first["Status"] == "Active"
    iam.create_access_key(UserName="alice")
    error = error_of(iam.create_access_key, UserName="alice")
    assert (error.code, error.status, error.message) == ("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    listed = iam.list_access_keys(UserName="alice")
    assert [k["AccessKeyId"] for k in listed["AccessKeyMetadata"]][0] == first["AccessKeyId"]
    assert "SecretAccessKey" not in listed["AccessKeyMetadata"][0] and listed["IsTruncated"] is False
    iam.delete_access_key(UserName="alice", AccessKeyId=first["AccessKeyId"])
    error = error_of(iam.delete_access_key, UserName="alice", AccessKeyId=first["AccessKeyId"])
    assert error.message == f"The Access Key with id {first['AccessKeyId']} cannot be found."
    assert error_of(world.directory.resolve, first["AccessKeyId"], service="iam").code == "InvalidClientTokenId"


def test_root_user_may_hold_access_keys(world: World) -> None:
    key = world.iam().create_access_key()["AccessKey"]
    assert world.directory.resolve(key["AccessKeyId"], key["SecretAccessKey"], service="kms").is_root


def test_delete_conflicts(world: World) -> None:
    iam = world.iam()
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=doc(READ))
    iam.attach_user_policy(UserName="alice", PolicyArn=aws_policy_arn("ReadOnlyAccess"))
    iam.create_access_key(UserName="alice")
    for message in ("Cannot delete entity, must delete policies first.",
                    "Cannot delete entity, must detach all policies first.",
                    "Cannot delete entity, must delete access keys first."):
        error = error_of(iam.delete_user, UserName="alice")
        assert (error.code, error.status, error.message) == ("DeleteConflict", 409, message)
        if "delete policies" in message:
            iam.delete_user_policy(UserName="alice", PolicyName="p")
        elif "detach" in message:
            iam.detach_user_policy(UserName="alice", PolicyArn=aws_policy_arn("ReadOnlyAccess"))
        else:
            key = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"][0]["AccessKeyId"]
            iam.delete_access_key(UserName="alice", AccessKeyId=key)
    iam.delete_user(UserName="alice")


def test_create_and_get_role(world: World) -> None:
    iam = world.iam()
    role = iam.create_role(RoleName="app-reader", Path="/apps/", AssumeRolePolicyDocument=trust({"AWS": A}),
                           Description="reads prod/db", MaxSessionDuration=7200)["Role"]
    assert role["Arn"] == f"arn:aws:iam::{A}:role/apps/app-reader" and role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": A}  # parsed, as boto3 gives it
    got = iam.get_role(RoleName="app-reader")["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["RoleLastUsed"] == {} and got["Description"] == "reads prod/db"
    assert error_of(iam.create_role, RoleName="APP-reader", AssumeRolePolicyDocument=trust({"AWS": A})).message == \
        "Role with name APP-reader already exists."


@pytest.mark.parametrize("document, message", [
    (doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Resource": "*"}), "Has prohibited field Resource"),
    (trust({"AWS": f"arn:aws:iam::{A}:user/ghost"}), f'Invalid principal in policy: "AWS":"arn:aws:iam::{A}:user/ghost"'),
    (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}),
     "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"),
])
def test_bad_trust_policies_are_refused_and_nothing_changes(world: World, document: str, message: str) -> None:
    iam = world.iam()
    error = error_of(iam.create_role, RoleName="r", AssumeRolePolicyDocument=document)
    assert (error.code, error.status, error.message) == ("MalformedPolicyDocument", 400, message)
    assert iam.account.roles == {}


def test_update_trust_policy(world: World) -> None:
    iam = world.iam()
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": A}))
    iam.update_assume_role_policy(RoleName="r", PolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
    assert iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == \
        {"Service": "lambda.amazonaws.com"}
    error_of(iam.update_assume_role_policy, RoleName="r", PolicyDocument="{")
    assert iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == \
        {"Service": "lambda.amazonaws.com"}


def test_inline_role_policies(world: World) -> None:
    iam = world.iam()
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": A}))
    for name in ("b", "a", "C"):
        iam.put_role_policy(RoleName="r", PolicyName=name, PolicyDocument=doc(READ))
    assert iam.list_role_policies(RoleName="r")["PolicyNames"] == ["a", "b", "C"]
    got = iam.get_role_policy(RoleName="r", PolicyName="a")
    assert got == {"RoleName": "r", "PolicyName": "a", "PolicyDocument": json.loads(doc(READ))}
    iam.delete_role_policy(RoleName="r", PolicyName="a")
    error = error_of(iam.get_role_policy, RoleName="r", PolicyName="a")
    assert (error.code, error.message) == ("NoSuchEntity", "The role policy with name a cannot be found.")
    error = error_of(iam.delete_role, RoleName="r")
    assert error.message == "Cannot delete entity, must delete policies first."


def test_inline_policies_share_one_size_quota_per_entity(world: World) -> None:
    iam = world.iam()
    iam.create_user(UserName="alice")
    big = doc({**READ, "Sid": "x" * (1900 - len(doc(READ)))})
    iam.put_user_policy(UserName="alice", PolicyName="one", PolicyDocument=big)
    iam.put_user_policy(UserName="alice", PolicyName="one", PolicyDocument=big)  # replacing does not add up
    error = error_of(iam.put_user_policy, UserName="alice", PolicyName="two", PolicyDocument=big)
    assert (error.code, error.message) == ("LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice")
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["one"]
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": A}))
    for i in range(5):
        iam.put_role_policy(RoleName="r", PolicyName=f"p{i}", PolicyDocument=big)
    assert "10240 bytes exceeded for role r" in error_of(iam.put_role_policy, RoleName="r", PolicyName="p9", PolicyDocument=big).message


def test_managed_policies_and_attachments(world: World) -> None:
    iam = world.iam()
    policy = iam.create_policy(PolicyName="read-prod", Path="/app/", PolicyDocument=doc(READ), Description="d")["Policy"]
    arn = f"arn:aws:iam::{A}:policy/app/read-prod"
    assert (policy["Arn"], policy["DefaultVersionId"], policy["AttachmentCount"]) == (arn, "v1", 0)
    assert policy["PolicyId"].startswith("ANPA")
    error = error_of(iam.create_policy, PolicyName="read-prod", PolicyDocument=doc(READ))
    assert error.message == "A policy called read-prod already exists. Duplicate names are not allowed."
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == json.loads(doc(READ))
    assert error_of(iam.get_policy_version, PolicyArn=arn, VersionId="v2").code == "NoSuchEntity"
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": A}))
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)  # attaching twice is harmless
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"] == [{"PolicyName": "read-prod", "PolicyArn": arn}]
    assert error_of(iam.delete_policy, PolicyArn=arn).message == "Cannot delete a policy attached to entities."
    assert error_of(iam.delete_role, RoleName="r").message == "Cannot delete entity, must detach all policies first."
    iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    assert error_of(iam.detach_role_policy, RoleName="r", PolicyArn=arn).message == f"Policy {arn} was not found."
    iam.delete_policy(PolicyArn=arn)
    error = error_of(iam.get_policy, PolicyArn=arn)
    assert (error.code, error.message) == ("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.")


def test_managed_policy_errors(world: World) -> None:
    iam = world.iam()
    error = error_of(iam.create_policy, PolicyName="p", PolicyDocument=doc({"Effect": "Allow", "Action": "s3:*"}))
    assert (error.code, error.message) == ("MalformedPolicyDocument", "Policy statement must contain resources.")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": A}))
    assert error_of(iam.attach_role_policy, RoleName="r", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy").message == \
        "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."
    assert error_of(iam.attach_role_policy, RoleName="r", PolicyArn="not-an-arn-but-long-enough").code == "InvalidInput"
    for name in list(__import__("secretkit.iam.managed", fromlist=["AWS_MANAGED"]).AWS_MANAGED)[:10]:
        iam.attach_role_policy(RoleName="r", PolicyArn=aws_policy_arn(name))
    error = error_of(iam.attach_role_policy, RoleName="r", PolicyArn=aws_policy_arn("AWSLambdaRole"))
    assert (error.code, error.message) == ("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")


def test_list_policies_scopes_and_paging(world: World) -> None:
    iam = world.iam()
    iam.create_policy(PolicyName="mine", PolicyDocument=doc(READ))
    local = iam.list_policies(Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["mine"]
    names = []
    marker = None
    while True:
        kwargs = {"Scope": "AWS", "MaxItems": 4, **({"Marker": marker} if marker else {})}
        page = iam.list_policies(**kwargs)
        names += [p["PolicyName"] for p in page["Policies"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert "SecretsManagerReadWrite" in names and len(names) == len(set(names)) == 15
    assert iam.list_policies(OnlyAttached=True)["Policies"] == []


def test_list_roles_pages_without_skipping_when_roles_change(world: World) -> None:
    iam = world.iam()
    for i in range(5):
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument=trust({"AWS": A}))
    first = iam.list_roles(MaxItems=2)
    assert [r["RoleName"] for r in first["Roles"]] == ["role-0", "role-1"] and first["IsTruncated"]
    iam.delete_role(RoleName="role-1")
    rest = iam.list_roles(Marker=first["Marker"])
    assert [r["RoleName"] for r in rest["Roles"]] == ["role-2", "role-3", "role-4"] and rest["IsTruncated"] is False
    assert "Marker" not in rest


def test_calls_are_authorised_as_the_caller(world: World) -> None:
    iam = world.iam()
    alice = world.user_with_key("alice", {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": f"arn:aws:iam::{A}:user/team/*"})
    before = copy.copy(iam.account.users)
    error = error_of(iam.invoke, "create_user", alice, UserName="bob")
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == (f"User: arn:aws:iam::{A}:user/alice is not authorized to perform: iam:CreateUser on resource: "
                             f"arn:aws:iam::{A}:user/bob because no identity-based policy allows the iam:CreateUser action")
    assert iam.account.users == before
    assert iam.invoke("CreateUser", alice, UserName="bob", Path="/team/")["User"]["Arn"] == f"arn:aws:iam::{A}:user/team/bob"
    assert world.decisions[-1].allowed


def test_each_account_has_its_own_iam(world: World) -> None:
    world.iam(B).create_user(UserName="alice")
    assert world.iam(A).account.users == {}
    with pytest.raises(ValueError):
        world.iam(A).invoke("create_user", world.directory.root(B), UserName="x")


def test_simulate_principal_policy(world: World) -> None:
    iam = world.iam()
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust({"AWS": A}))
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}},
        {"Sid": "NoDelete", "Effect": "Deny", "Action": "secretsmanager:DeleteSecret", "Resource": "*"},
    ]}, indent=2)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=text)
    out = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{A}:role/app",
        ActionNames=["secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue"],
        ContextEntries=[{"ContextKeyName": "aws:ResourceTag/env", "ContextKeyValues": ["prod"], "ContextKeyType": "string"}],
    )["EvaluationResults"]
    assert [r["EvalDecision"] for r in out] == ["allowed", "explicitDeny", "implicitDeny"]
    assert out[0]["MatchedStatements"] == [{"SourcePolicyId": "p", "SourcePolicyType": "role",
                                            "StartPosition": {"Line": 4, "Column": 5}, "EndPosition": {"Line": 14, "Column": 6}}]
    assert out[1]["MatchedStatements"][0]["StartPosition"] == {"Line": 15, "Column": 5}
    missing = iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{A}:role/app",
                                            ActionNames=["secretsmanager:GetSecretValue"])["EvaluationResults"][0]
    assert missing["EvalDecision"] == "implicitDeny" and missing["MissingContextValues"] == ["aws:resourcetag/env"]
    assert error_of(iam.simulate_principal_policy, PolicySourceArn=f"arn:aws:iam::{A}:role/ghost",
                    ActionNames=["s3:ListBucket"]).code == "NoSuchEntity"


def test_simulate_with_extra_policies_and_a_resource_policy(world: World) -> None:
    iam = world.iam()
    iam.create_user(UserName="alice")
    arn = f"arn:aws:iam::{A}:user/alice"
    out = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["secretsmanager:GetSecretValue"],
        ResourceArns=[f"arn:aws:secretsmanager:us-east-1:{A}:secret:x-AbCdEf"],
        ResourcePolicy=doc({"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}),
    )["EvaluationResults"][0]
    assert out["EvalDecision"] == "allowed" and out["MatchedStatements"][0]["SourcePolicyType"] == "resource"
    out = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["kms:Decrypt"], PolicyInputList=[doc(
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})])["EvaluationResults"][0]
    assert out["EvalDecision"] == "allowed" and out["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"


def test_operations_are_logged(world: World) -> None:
    iam = world.iam()
    iam.create_user(UserName="alice")
    error_of(iam.create_user, UserName="alice")
    assert [(e.service, e.operation, e.outcome) for e in world.events.calls("iam")] == \
        [("iam", "CreateUser", "OK"), ("iam", "CreateUser", "EntityAlreadyExists")]


def test_simulator_refuses_malformed_input_policies(world: World) -> None:
    iam = world.iam()
    iam.create_user(UserName="alice")
    error = error_of(iam.simulate_principal_policy, PolicySourceArn=f"arn:aws:iam::{A}:user/alice",
                     ActionNames=["s3:GetObject"], PolicyInputList=[doc({"Effect": "Allow", "Action": "s3:GetObject"})])
    assert (error.code, error.message) == ("InvalidInput", "Policy statement must contain resources.")
    error = error_of(iam.simulate_principal_policy, PolicySourceArn=f"arn:aws:iam::{A}:user/alice",
                     ActionNames=["s3:GetObject"], ResourcePolicy=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))
    assert error.code == "InvalidInput"
