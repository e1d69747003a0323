"""Every service the Cloud registers, through ``cloud.client(name)``: a genuine boto3 client
in the service's own protocol (query for IAM, STS and CloudFormation; REST-JSON for Lambda).
Each answer is held to botocore's output shape, each error arrives as botocore's exception
class with the code and HTTP status the service's model gives it, and botocore's own
paginators, waiters and after-call handlers work on what the door returns."""

from __future__ import annotations

import base64
import json

import botocore.exceptions
import pytest

import secretkit
from _lambda_support import HANDLER, lambda_role, zip_of
from _shapes import check_shape, code_of, message_of
from secretkit.core.context import caller


def _shape(client, operation):
    return client.meta.service_model.operation_model(operation).output_shape


def _check(client, answers: dict) -> None:
    for operation, answer in answers.items():
        shape = _shape(client, operation)
        if shape is not None:
            check_shape(answer, shape, operation)


def _status(answer_or_error) -> int:
    response = getattr(answer_or_error, "response", answer_or_error)
    return int(response["ResponseMetadata"]["HTTPStatusCode"])


def test_the_cloud_serves_a_client_for_every_service_it_models(cloud):
    assert set(cloud.service_names) == {"cloudformation", "events", "iam", "kms", "lambda", "rds", "secretsmanager",
                                        "ssm", "sts"}
    for name in cloud.service_names:
        assert cloud.client(name, region_name="eu-west-1").meta.service_model.service_name == name
    with pytest.raises(ValueError, match="serves clients for"):
        cloud.client("sqs")  # a service the Cloud does not model


# ------------------------------------------------------------------------- Lambda (REST-JSON)
GREETER = """
import json
def lambda_handler(event, context):
    print("greeting", event.get("name"))
    return {"greeting": "hello " + event.get("name", "world")}
"""


def test_lambda_through_boto3_statuses_payload_and_shapes(cloud):
    lam = cloud.client("lambda", region_name="us-east-1")
    created = lam.create_function(FunctionName="greeter", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                                  Code={"ZipFile": zip_of(GREETER)})
    assert _status(created) == 201 and created["State"] == "Pending"
    lam.get_waiter("function_active_v2").wait(FunctionName="greeter", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    out = lam.invoke(FunctionName="greeter", Payload=json.dumps({"name": "Ada"}), LogType="Tail")
    assert out["StatusCode"] == 200 and _status(out) == 200
    assert isinstance(out["Payload"], botocore.response.StreamingBody)
    assert json.loads(out["Payload"].read()) == {"greeting": "hello Ada"}
    out["Payload"] = b"read"  # the stream is spent; its shape (a blob) is checked with bytes below
    assert "greeting Ada" in base64.b64decode(out["LogResult"]).decode()
    queued = lam.invoke(FunctionName="greeter", InvocationType="Event", Payload=b"{}")
    assert queued["StatusCode"] == 202 and _status(queued) == 202 and queued["Payload"].read() == b""
    dry = lam.invoke(FunctionName="greeter", InvocationType="DryRun")
    assert dry["StatusCode"] == 204 and _status(dry) == 204
    permission = lam.add_permission(FunctionName="greeter", StatementId="sm", Action="lambda:InvokeFunction",
                                    Principal="secretsmanager.amazonaws.com")
    assert _status(permission) == 201 and json.loads(permission["Statement"])["Sid"] == "sm"
    policy = lam.get_policy(FunctionName="greeter")
    removed = lam.remove_permission(FunctionName="greeter", StatementId="sm")
    assert _status(removed) == 204
    listed = [f["FunctionName"] for page in lam.get_paginator("list_functions").paginate() for f in page["Functions"]]
    assert listed == ["greeter"]
    _check(lam, {
        "CreateFunction": created, "Invoke": out, "AddPermission": permission, "GetPolicy": policy,
        "GetFunction": lam.get_function(FunctionName="greeter"),
        "GetFunctionConfiguration": lam.get_function_configuration(FunctionName="greeter"),
        "ListFunctions": lam.list_functions(),
    })
    lam.delete_function(FunctionName="greeter")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as info:
        lam.invoke(FunctionName="greeter")
    assert _status(info.value) == 404
    assert message_of(info) == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:greeter"


def test_lambda_errors_carry_lambdas_statuses(cloud):
    lam = cloud.client("lambda", region_name="us-east-1")
    lam.create_function(FunctionName="once", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                        Code={"ZipFile": zip_of(GREETER)})
    with pytest.raises(lam.exceptions.ResourceConflictException) as conflict:
        lam.create_function(FunctionName="once", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                            Code={"ZipFile": zip_of(GREETER)})
    assert _status(conflict.value) == 409
    with pytest.raises(lam.exceptions.PreconditionFailedException) as stale:
        lam.update_function_configuration(FunctionName="once", Timeout=5, RevisionId="not-the-revision")
    assert _status(stale.value) == 412
    assert lam.get_function_configuration(FunctionName="once")["Timeout"] == 3  # refused: nothing changed


def test_a_function_error_is_a_200_with_function_error(cloud):
    lam = cloud.client("lambda", region_name="us-east-1")
    source = "def lambda_handler(event, context):\n    raise ValueError('no such order')\n"
    lam.create_function(FunctionName="fails", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                        Code={"ZipFile": zip_of(source)})
    out = lam.invoke(FunctionName="fails", Payload=b"{}")
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    error = json.loads(out["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "no such order")


def test_boto3_inside_a_deployed_function_reaches_the_same_cloud(cloud):
    cloud.secretsmanager().create_secret(Name="app/key", SecretString="k-1")
    lam = cloud.client("lambda", region_name="us-east-1")
    source = ("import boto3\n"
              "def lambda_handler(event, context):\n"
              "    return boto3.client('secretsmanager').get_secret_value(SecretId='app/key')['SecretString']\n")
    lam.create_function(FunctionName="reader", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                        Code={"ZipFile": zip_of(source)})
    assert json.loads(lam.invoke(FunctionName="reader")["Payload"].read()) == "k-1"


# ----------------------------------------------------------------------------- IAM (query)
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
READ_SECRETS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}


def test_iam_through_boto3(cloud):
    iam = cloud.client("iam", region_name="us-east-1")
    user = iam.create_user(UserName="alice", Path="/team/")
    key = iam.create_access_key(UserName="alice")
    role = iam.create_role(RoleName="rotator", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="rotator", PolicyName="read", PolicyDocument=json.dumps(READ_SECRETS))
    inline = iam.get_role_policy(RoleName="rotator", PolicyName="read")
    # botocore's own after-call handler turns the document into a dict, as against AWS.
    assert inline["PolicyDocument"] == READ_SECRETS
    assert iam.get_role(RoleName="rotator")["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST)
    assert user["User"]["Arn"] == "arn:aws:iam::123456789012:user/team/alice"
    assert key["AccessKey"]["AccessKeyId"].startswith("AKIA")
    _check(iam, {
        "CreateUser": user, "CreateAccessKey": key, "CreateRole": role, "GetRolePolicy": inline,
        "GetUser": iam.get_user(UserName="alice"), "ListAccessKeys": iam.list_access_keys(UserName="alice"),
        "ListRoles": iam.list_roles(), "ListRolePolicies": iam.list_role_policies(RoleName="rotator"),
        "ListPolicies": iam.list_policies(Scope="AWS", MaxItems=5),
    })
    roles = [r["RoleName"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    assert roles == ["rotator"]


def test_iam_is_one_per_account_whatever_the_region(cloud):
    cloud.client("iam", region_name="us-east-1").create_user(UserName="bob")
    assert cloud.client("iam", region_name="ap-south-1").get_user(UserName="bob")["User"]["UserName"] == "bob"
    assert cloud.service("iam", "eu-west-1") is cloud.iam()


def test_iam_errors_are_botocores_classes_with_iams_codes(cloud):
    iam = cloud.client("iam", region_name="us-east-1")
    with pytest.raises(iam.exceptions.NoSuchEntityException) as missing:
        iam.get_user(UserName="nobody")
    assert code_of(missing) == "NoSuchEntity" and _status(missing.value) == 404
    assert missing.value.response["Error"]["Type"] == "Sender"
    iam.create_user(UserName="carol")
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException) as twice:
        iam.create_user(UserName="carol")
    assert _status(twice.value) == 409
    with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
        iam.put_user_policy(UserName="carol", PolicyName="p", PolicyDocument="{not json")
    assert iam.list_user_policies(UserName="carol")["PolicyNames"] == []


def test_iam_calls_are_logged_as_the_accounts_root(cloud):
    cloud.client("iam").create_user(UserName="dana")
    (event,) = [e for e in cloud.events.calls("iam") if e.operation == "CreateUser"]
    assert event.outcome == "OK" and event.principal == "arn:aws:iam::123456789012:root"


def test_iam_takes_its_caller_from_the_request_context(cloud):
    iam = cloud.iam()
    iam.create_user(UserName="erin")
    own = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::123456789012:user/erin"}]}
    iam.put_user_policy(UserName="erin", PolicyName="self", PolicyDocument=json.dumps(own))
    key = iam.create_access_key(UserName="erin")["AccessKey"]
    erin = cloud.access_control()[0].resolve(key["AccessKeyId"], key["SecretAccessKey"], service="iam")
    with caller(erin.arn):
        assert iam.get_user()["User"]["UserName"] == "erin"  # no UserName: the caller itself
    assert iam.invoke("get_user", erin)["User"]["UserName"] == "erin"
    with pytest.raises(secretkit.ClientError) as refused:  # IAM checks its callers' own policies already
        iam.invoke("create_user", erin, UserName="mallory")
    assert refused.value.code == "AccessDenied" and iam.account.user("mallory") is None
    logged = [(e.operation, e.outcome, e.principal) for e in cloud.events.calls("iam") if e.principal == erin.arn]
    assert logged == [("GetUser", "OK", erin.arn), ("GetUser", "OK", erin.arn), ("CreateUser", "AccessDenied", erin.arn)]


# ----------------------------------------------------------------------------- STS (query)
def test_sts_through_boto3(cloud):
    sts = cloud.client("sts", region_name="eu-west-1")
    me = sts.get_caller_identity()
    assert me["Arn"] == "arn:aws:iam::123456789012:root" and me["Account"] == "123456789012"
    _check(sts, {"GetCallerIdentity": me})
    cloud.client("iam").create_role(RoleName="reader", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(sts.exceptions.ClientError) as refused:
        sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/reader", RoleSessionName="s1")
    assert code_of(refused) == "AccessDenied" and _status(refused.value) == 403
    assert message_of(refused) == "Roles may not be assumed by root accounts."


# ------------------------------------------------------------------- CloudFormation (query)
TEMPLATE = {
    "Resources": {
        "Db": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "stack/db", "SecretString": "pw"}},
    },
    "Outputs": {"SecretArn": {"Value": {"Ref": "Db"}}},
}


def test_cloudformation_through_boto3(cloud):
    cfn = cloud.client("cloudformation", region_name="us-east-1")
    created = cfn.create_stack(StackName="app", TemplateBody=json.dumps(TEMPLATE))
    cfn.get_waiter("stack_create_complete").wait(StackName="app", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    stack = cfn.describe_stacks(StackName="app")
    assert stack["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    arn = stack["Stacks"][0]["Outputs"][0]["OutputValue"]
    assert cloud.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"] == "pw"
    template = cfn.get_template(StackName="app")
    assert template["TemplateBody"] == TEMPLATE  # botocore decodes a JSON template body, as against AWS
    events = [e for page in cfn.get_paginator("describe_stack_events").paginate(StackName="app")
              for e in page["StackEvents"]]
    assert events[0]["ResourceStatus"] == "CREATE_COMPLETE" and events[0]["LogicalResourceId"] == "app"
    _check(cfn, {
        "CreateStack": created, "DescribeStacks": stack,
        "DescribeStackEvents": cfn.describe_stack_events(StackName="app"),
        "ListStackResources": cfn.list_stack_resources(StackName="app"),
        "DescribeStackResources": cfn.describe_stack_resources(StackName="app"),
        "ListStacks": cfn.list_stacks(), "ValidateTemplate": cfn.validate_template(TemplateBody=json.dumps(TEMPLATE)),
    })
    cfn.delete_stack(StackName="app")
    cfn.get_waiter("stack_delete_complete").wait(StackName="app", WaiterConfig={"Delay": 0, "MaxAttempts": 1})


def test_cloudformation_errors(cloud):
    cfn = cloud.client("cloudformation", region_name="us-east-1")
    with pytest.raises(cfn.exceptions.ClientError) as missing:
        cfn.describe_stacks(StackName="nope")
    assert code_of(missing) == "ValidationError" and _status(missing.value) == 400
    assert message_of(missing) == "Stack with id nope does not exist"
    with pytest.raises(cfn.exceptions.ClientError) as bad:
        cfn.create_stack(StackName="bad", TemplateBody="{not a template")
    assert code_of(bad) == "ValidationError"
    assert cfn.list_stacks()["StackSummaries"] == []


# -------------------------------------------------------------------------------- outages
@pytest.mark.parametrize("name", ["lambda", "sts", "cloudformation", "rds"])
def test_an_outage_is_an_unreachable_endpoint_for_every_regional_service(cloud, name):
    client = cloud.client(name, region_name="eu-west-2")
    call = {"lambda": lambda: client.list_functions(), "sts": lambda: client.get_caller_identity(),
            "cloudformation": lambda: client.list_stacks(), "rds": lambda: client.describe_db_instances()}[name]
    call()
    cloud.outage("eu-west-2")
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        call()
    cloud.recover("eu-west-2")
    call()


def test_iam_goes_down_with_us_east_1_where_its_control_plane_is(cloud):
    iam = cloud.client("iam", region_name="eu-west-1")
    cloud.outage("us-east-1")
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        iam.list_roles()
    cloud.recover("us-east-1")
    assert iam.list_roles()["Roles"] == []


def test_streamed_payload_reads_like_a_stream(cloud):
    lam = cloud.client("lambda", region_name="us-east-1")
    lam.create_function(FunctionName="big", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                        Code={"ZipFile": zip_of("def lambda_handler(e, c):\n    return 'x' * 5000\n")})
    body = lam.invoke(FunctionName="big")["Payload"]
    first = body.read(10)
    assert first == b'"xxxxxxxxx' and len(first + body.read()) == 5002


def test_seeded_clouds_give_the_new_services_the_same_ids():
    def ids(seed):
        cloud = secretkit.Cloud(seed=seed)
        iam = cloud.client("iam")
        user = iam.create_user(UserName="u")["User"]
        key = iam.create_access_key(UserName="u")["AccessKey"]
        lam = cloud.client("lambda")
        made = lam.create_function(FunctionName="f", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                                   Code={"ZipFile": zip_of(GREETER)})
        return user["UserId"], key["AccessKeyId"], key["SecretAccessKey"], made["RevisionId"]

    assert ids(3) == ids(3)
    assert ids(3) != ids(4)
