"""The real AWS CLI against ``cloud.serve()``: every modelled service, as a student's terminal uses it.

For each service: create, read, list with paging, update, delete and an error, with the
CLI's printed error compared line for line with what it prints against AWS. What the CLI
changes, the notebook's in-process boto3 client then reads (and the other way round):
the two doors share one backend, so they must agree. Credentials are the ones the Cloud
issued: the root user's key ``serve()`` prints, an IAM user's key made with
``iam create-access-key``, a role session's temporary key from ``sts assume-role``; the
event log shows each call came from the principal owning the key.
"""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from _aws_cli import needs_cli, private_home, run_cli
from _lambda_support import lambda_role, zip_of
from secretkit import Cloud
from secretkit.databases import databases

pytestmark = needs_cli
ACCOUNT = "123456789012"
NOT_FOUND_EXIT = 255  # CLI v1 exits 255 on a service error
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cloud = Cloud(seed=7, start="2026-03-01")
    with cloud.serve(quiet=True) as serving:
        yield cloud, serving, private_home(tmp_path_factory.mktemp("home"))


def aws(served: Any, *args: str, key: str | None = None, secret: str | None = None, token: str | None = None,
        region: str = "us-east-1", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    _, serving, home = served
    return run_cli(home, serving.endpoint_url, key or serving.access_key_id, secret or serving.secret_access_key,
                   *args, region=region, token=token, cwd=cwd)


def ok(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == NOT_FOUND_EXIT, (done.returncode, done.stdout, done.stderr)
    return done.stderr.strip()


def calls(cloud: Cloud, operation: str) -> list[Any]:
    return [e for e in cloud.events.calls() if e.operation == operation]


def test_secrets_manager_round_trip_through_the_cli_and_the_notebook(served: Any) -> None:
    cloud, _, _ = served
    made = ok(aws(served, "secretsmanager", "create-secret", "--name", "cli/db", "--secret-string", '{"user":"app"}',
                  region="eu-west-2"))
    notebook = cloud.client("secretsmanager", region_name="eu-west-2")
    assert made["ARN"] == notebook.describe_secret(SecretId="cli/db")["ARN"]  # one Cloud behind both doors
    assert made["ARN"].startswith(f"arn:aws:secretsmanager:eu-west-2:{ACCOUNT}:secret:cli/db-")
    assert ok(aws(served, "secretsmanager", "get-secret-value", "--secret-id", "cli/db",
                  region="eu-west-2"))["SecretString"] == '{"user":"app"}'

    for i in range(3):
        notebook.create_secret(Name=f"cli/page/{i}", SecretString=str(i))
    before = len(calls(cloud, "ListSecrets"))
    listed = ok(aws(served, "secretsmanager", "list-secrets", "--page-size", "1", region="eu-west-2"))
    assert sorted(s["Name"] for s in listed["SecretList"]) == ["cli/db", "cli/page/0", "cli/page/1", "cli/page/2"]
    assert len(calls(cloud, "ListSecrets")) - before == 4  # the CLI followed NextToken, one secret a page

    put = ok(aws(served, "secretsmanager", "put-secret-value", "--secret-id", "cli/db", "--secret-string", "v2",
                 region="eu-west-2"))
    current = notebook.get_secret_value(SecretId="cli/db")
    assert (current["SecretString"], current["VersionId"]) == ("v2", put["VersionId"])
    ok(aws(served, "secretsmanager", "delete-secret", "--secret-id", "cli/db", "--force-delete-without-recovery",
           region="eu-west-2"))
    assert refused(aws(served, "secretsmanager", "get-secret-value", "--secret-id", "cli/db", region="eu-west-2")) == (
        "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: "
        "Secrets Manager can't find the specified secret."
    )
    assert {e.principal for e in calls(cloud, "GetSecretValue")} == {f"arn:aws:iam::{ACCOUNT}:root"}


def test_parameter_store_secure_strings_paging_overwrite_and_not_found(served: Any) -> None:
    cloud, _, _ = served
    ok(aws(served, "ssm", "put-parameter", "--name", "/cli/db/password", "--value", "s3cret", "--type", "SecureString"))
    for name in ("/cli/db/host", "/cli/db/port"):
        ok(aws(served, "ssm", "put-parameter", "--name", name, "--value", "x", "--type", "String"))
    sealed = ok(aws(served, "ssm", "get-parameter", "--name", "/cli/db/password"))["Parameter"]
    assert sealed["Type"] == "SecureString" and sealed["Value"] != "s3cret"  # ciphertext without decryption
    opened = ok(aws(served, "ssm", "get-parameter", "--name", "/cli/db/password", "--with-decryption"))
    assert opened["Parameter"]["Value"] == "s3cret"

    before = len(calls(cloud, "GetParametersByPath"))
    listed = ok(aws(served, "ssm", "get-parameters-by-path", "--path", "/cli/db", "--page-size", "1"))
    assert sorted(p["Name"] for p in listed["Parameters"]) == ["/cli/db/host", "/cli/db/password", "/cli/db/port"]
    assert len(calls(cloud, "GetParametersByPath")) - before >= 3

    again = aws(served, "ssm", "put-parameter", "--name", "/cli/db/host", "--value", "y", "--type", "String")
    assert refused(again).startswith("An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: ")
    assert ok(aws(served, "ssm", "put-parameter", "--name", "/cli/db/host", "--value", "y", "--overwrite"))["Version"] == 2
    assert cloud.client("ssm").get_parameter(Name="/cli/db/host")["Parameter"]["Value"] == "y"
    ok(aws(served, "ssm", "delete-parameter", "--name", "/cli/db/host"))
    assert refused(aws(served, "ssm", "get-parameter", "--name", "/cli/db/host")) == (
        "An error occurred (ParameterNotFound) when calling the GetParameter operation: Parameter /cli/db/host not found."
    )


def test_kms_keys_paging_encryption_and_scheduled_deletion(served: Any, tmp_path: Path) -> None:
    made = [ok(aws(served, "kms", "create-key", "--description", f"cli key {i}"))["KeyMetadata"] for i in range(2)]
    key_id = made[0]["KeyId"]
    assert ok(aws(served, "kms", "describe-key", "--key-id", key_id))["KeyMetadata"]["Description"] == "cli key 0"
    listed = ok(aws(served, "kms", "list-keys", "--page-size", "1"))
    assert {k["KeyId"] for k in made} <= {k["KeyId"] for k in listed["Keys"]}

    (tmp_path / "plain.bin").write_bytes(b"\x00\xffsecret")
    sealed = ok(aws(served, "kms", "encrypt", "--key-id", key_id, "--plaintext", f"fileb://{tmp_path / 'plain.bin'}"))
    (tmp_path / "sealed.bin").write_bytes(base64.b64decode(sealed["CiphertextBlob"]))
    opened = ok(aws(served, "kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'sealed.bin'}"))
    assert base64.b64decode(opened["Plaintext"]) == b"\x00\xffsecret" and opened["KeyId"] == made[0]["Arn"]

    ok(aws(served, "kms", "update-key-description", "--key-id", key_id, "--description", "renamed"))
    assert served[0].client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "renamed"
    gone = ok(aws(served, "kms", "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7"))
    assert gone["KeyState"] == "PendingDeletion"
    assert refused(aws(served, "kms", "describe-key", "--key-id", "alias/nope")) == (
        "An error occurred (NotFoundException) when calling the DescribeKey operation: "
        f"Alias arn:aws:kms:us-east-1:{ACCOUNT}:alias/nope is not found."
    )


def test_lambda_functions_from_a_zip_invoked_updated_and_deleted(served: Any, tmp_path: Path) -> None:
    package = tmp_path / "function.zip"
    package.write_bytes(zip_of("""
        def lambda_handler(event, context):
            return {"hello": event.get("name"), "memory": context.memory_limit_in_mb}
    """))
    role = lambda_role(served[0])  # the execution role, made in IAM first
    for name in ("cli-hello", "cli-other"):
        made = ok(aws(served, "lambda", "create-function", "--function-name", name, "--runtime", "python3.12",
                      "--role", role, "--handler", "lambda_function.lambda_handler", "--zip-file", f"fileb://{package}"))
        assert made["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    got = ok(aws(served, "lambda", "get-function", "--function-name", "cli-hello"))
    assert got["Configuration"]["Handler"] == "lambda_function.lambda_handler"
    listed = ok(aws(served, "lambda", "list-functions", "--page-size", "1"))
    assert {"cli-hello", "cli-other"} <= {f["FunctionName"] for f in listed["Functions"]}

    ok(aws(served, "lambda", "update-function-configuration", "--function-name", "cli-hello", "--memory-size", "256"))
    out = tmp_path / "out.json"
    invoked = ok(aws(served, "lambda", "invoke", "--function-name", "cli-hello", "--payload", '{"name": "ana"}', str(out)))
    assert invoked["StatusCode"] == 200 and "FunctionError" not in invoked
    assert json.loads(out.read_bytes()) == {"hello": "ana", "memory": "256"}  # a string, as in AWS's runtime

    ok(aws(served, "lambda", "delete-function", "--function-name", "cli-hello"))
    assert refused(aws(served, "lambda", "get-function", "--function-name", "cli-hello")) == (
        "An error occurred (ResourceNotFoundException) when calling the GetFunction operation: "
        f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:cli-hello"
    )


def test_iam_users_roles_paging_an_issued_key_and_its_principal(served: Any) -> None:
    cloud, _, _ = served
    for name in ("ana", "cy"):
        assert ok(aws(served, "iam", "create-user", "--user-name", name))["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    assert ok(aws(served, "iam", "get-user", "--user-name", "ana"))["User"]["UserName"] == "ana"
    for name in ("app-a", "app-b", "app-c"):
        ok(aws(served, "iam", "create-role", "--role-name", name, "--path", "/cli/", "--assume-role-policy-document", TRUST))
    before = len(calls(cloud, "ListRoles"))
    listed = ok(aws(served, "iam", "list-roles", "--path-prefix", "/cli/", "--page-size", "1"))
    assert [r["RoleName"] for r in listed["Roles"]] == ["app-a", "app-b", "app-c"]
    assert len(calls(cloud, "ListRoles")) - before == 3  # Marker followed, one role a page

    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]})
    ok(aws(served, "iam", "put-user-policy", "--user-name", "ana", "--policy-name", "sts", "--policy-document", policy))
    read_back = ok(aws(served, "iam", "get-user-policy", "--user-name", "ana", "--policy-name", "sts"))
    assert read_back["PolicyDocument"]["Statement"][0]["Action"] == "sts:*"  # URL-encoded on the wire, a dict here

    issued = ok(aws(served, "iam", "create-access-key", "--user-name", "ana"))["AccessKey"]
    me = ok(aws(served, "sts", "get-caller-identity", key=issued["AccessKeyId"], secret=issued["SecretAccessKey"]))
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ana"
    assert calls(cloud, "GetCallerIdentity")[-1].principal == f"arn:aws:iam::{ACCOUNT}:user/ana"

    ok(aws(served, "iam", "delete-user", "--user-name", "cy"))
    assert refused(aws(served, "iam", "get-user", "--user-name", "cy")) == (
        "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name cy cannot be found."
    )


def test_sts_sessions_sign_with_their_token_and_expire_on_the_simulated_clock(served: Any) -> None:
    cloud, serving, _ = served
    assert ok(aws(served, "sts", "get-caller-identity"))["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    ok(aws(served, "iam", "create-role", "--role-name", "cli-reader", "--assume-role-policy-document", TRUST))
    role = f"arn:aws:iam::{ACCOUNT}:role/cli-reader"
    as_root = aws(served, "sts", "assume-role", "--role-arn", role, "--role-session-name", "term")
    assert refused(as_root) == ("An error occurred (AccessDenied) when calling the AssumeRole operation: "
                                "Roles may not be assumed by root accounts.")
    ok(aws(served, "iam", "create-user", "--user-name", "dev"))
    allow = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}]})
    ok(aws(served, "iam", "put-user-policy", "--user-name", "dev", "--policy-name", "assume", "--policy-document", allow))
    dev = ok(aws(served, "iam", "create-access-key", "--user-name", "dev"))["AccessKey"]
    session = ok(aws(served, "sts", "assume-role", "--role-arn", role, "--role-session-name", "term",
                     "--duration-seconds", "900", key=dev["AccessKeyId"], secret=dev["SecretAccessKey"]))["Credentials"]
    temporary = {"key": session["AccessKeyId"], "secret": session["SecretAccessKey"], "token": session["SessionToken"]}
    assert session["AccessKeyId"].startswith("ASIA")
    me = ok(aws(served, "sts", "get-caller-identity", **temporary))
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/cli-reader/term"

    without_token = aws(served, "sts", "get-caller-identity", key=temporary["key"], secret=temporary["secret"])
    assert refused(without_token) == ("An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity "
                                      "operation: The security token included in the request is invalid.")
    step = urllib.request.Request(f"{serving.endpoint_url}/_secretkit/clock", data=b'{"advance": {"minutes": 16}}',
                                  method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(step, timeout=10) as answer:
        assert json.loads(answer.read())["now"] == cloud.clock.now.isoformat()
    assert refused(aws(served, "sts", "get-caller-identity", **temporary)) == (
        "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: "
        "The security token included in the request is expired"
    )
    wrong = aws(served, "sts", "get-caller-identity", secret="x" * 40)
    assert refused(wrong) == (
        "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature "
        "we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. "
        "Consult the service documentation for details."
    )


def test_cloudformation_stacks_created_listed_updated_and_deleted(served: Any, tmp_path: Path) -> None:
    cloud, _, _ = served

    def template(stack: str, value: str) -> str:
        path = tmp_path / f"{stack}-{value}.json"
        path.write_text(json.dumps({"Resources": {"Param": {"Type": "AWS::SSM::Parameter", "Properties": {
            "Name": f"/cli/{stack}/value", "Type": "String", "Value": value}}}}))
        return f"file://{path}"

    made = ok(aws(served, "cloudformation", "create-stack", "--stack-name", "cli-web", "--template-body",
                  template("web", "one")))
    assert made["StackId"].startswith(f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/cli-web/")
    ok(aws(served, "cloudformation", "create-stack", "--stack-name", "cli-api", "--template-body", template("api", "a")))
    stack = ok(aws(served, "cloudformation", "describe-stacks", "--stack-name", "cli-web"))["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert cloud.client("ssm").get_parameter(Name="/cli/web/value")["Parameter"]["Value"] == "one"

    first = ok(aws(served, "cloudformation", "list-stacks", "--max-items", "1"))
    rest = ok(aws(served, "cloudformation", "list-stacks", "--starting-token", first["NextToken"]))
    assert len(first["StackSummaries"]) == 1
    assert {s["StackName"] for s in first["StackSummaries"] + rest["StackSummaries"]} == {"cli-web", "cli-api"}

    ok(aws(served, "cloudformation", "update-stack", "--stack-name", "cli-web", "--template-body", template("web", "two")))
    updated = ok(aws(served, "cloudformation", "describe-stacks", "--stack-name", "cli-web"))["Stacks"][0]
    assert updated["StackStatus"] == "UPDATE_COMPLETE"
    assert cloud.client("ssm").get_parameter(Name="/cli/web/value")["Parameter"]["Value"] == "two"
    ok(aws(served, "cloudformation", "delete-stack", "--stack-name", "cli-web"))
    assert refused(aws(served, "cloudformation", "describe-stacks", "--stack-name", "cli-web")) == (
        "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id cli-web does not exist"
    )


def test_a_region_that_is_down_answers_nothing_and_one_that_does_not_exist_is_refused(served: Any) -> None:
    cloud, _, _ = served
    cloud.outage("ap-south-1")
    try:
        down = aws(served, "secretsmanager", "list-secrets", region="ap-south-1")
        assert down.returncode == 255
        assert "Connection was closed before we received a valid response from endpoint URL" in down.stderr
        assert ok(aws(served, "secretsmanager", "list-secrets", region="eu-west-2")) is not None  # others still served
    finally:
        cloud.recover("ap-south-1")
    unknown = aws(served, "secretsmanager", "list-secrets", region="xx-nowhere-1")
    assert refused(unknown) == ("An error occurred (InvalidSignatureException) when calling the ListSecrets operation: "
                                "Credential should be scoped to a valid region, not 'xx-nowhere-1'.")


def rds_cli(served: Any, *args: str, region: str = "us-east-1") -> subprocess.CompletedProcess[str]:
    """``aws rds ...`` with ``--endpoint-url`` given: in us-east-1 the CLI v1 sends ``rds`` calls
    to ``https://rds.amazonaws.com`` whatever ``AWS_ENDPOINT_URL`` says (a fixed override of
    the CLI's, which only the command-line option beats); other regions follow the variable."""
    return aws(served, "rds", *args, "--endpoint-url", served[1].endpoint_url, region=region)


def test_rds_instances_with_a_managed_master_password_paged_modified_and_deleted(served: Any) -> None:
    cloud, _, _ = served
    made = ok(rds_cli(served, "create-db-instance", "--db-instance-identifier", "cli-db", "--engine", "postgres",
                  "--db-instance-class", "db.t3.micro", "--allocated-storage", "20", "--master-username", "master",
                  "--manage-master-user-password"))["DBInstance"]
    assert made["DBInstanceArn"] == f"arn:aws:rds:us-east-1:{ACCOUNT}:db:cli-db"
    assert made["DBInstanceStatus"] == "creating" and made["MasterUserSecret"]["SecretStatus"] == "creating"
    secret_arn = made["MasterUserSecret"]["SecretArn"]
    assert secret_arn.startswith(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!db-")

    described = ok(rds_cli(served, "describe-db-instances", "--db-instance-identifier", "cli-db"))["DBInstances"]
    assert described[0]["DBInstanceStatus"] == "available"
    assert described[0]["MasterUserSecret"] == {**made["MasterUserSecret"], "SecretStatus": "active"}
    assert described[0]["Endpoint"]["Port"] == 5432
    # The secret RDS keeps, read by the CLI through the same endpoint: the password the server accepts.
    got = ok(aws(served, "secretsmanager", "get-secret-value", "--secret-id", secret_arn))
    value = json.loads(got["SecretString"])
    assert got["Name"].startswith("rds!db-") and value["username"] == "master"
    server = databases(cloud).by_host[described[0]["Endpoint"]["Address"]]
    assert server.accepts("master", value["password"]) and not server.accepts("master", value["password"] + "x")

    rds = cloud.client("rds")
    for i in range(20):  # a notebook makes the rest; the CLI pages through them all
        rds.create_db_instance(DBInstanceIdentifier=f"cli-page-{i:02}", Engine="mysql", DBInstanceClass="db.t3.micro",
                               AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="Page-pw-12345")
    before = len(calls(cloud, "DescribeDBInstances"))
    listed = ok(rds_cli(served, "describe-db-instances", "--page-size", "20"))["DBInstances"]
    assert [i["DBInstanceIdentifier"] for i in listed] == ["cli-db"] + [f"cli-page-{i:02}" for i in range(20)]
    assert len(calls(cloud, "DescribeDBInstances")) - before == 2  # 20 records, then the Marker's page of one
    first = ok(rds_cli(served, "describe-db-instances", "--max-items", "3"))
    rest = ok(rds_cli(served, "describe-db-instances", "--starting-token", first["NextToken"], "--max-items", "100"))
    assert [i["DBInstanceIdentifier"] for i in first["DBInstances"] + rest["DBInstances"]] == [
        i["DBInstanceIdentifier"] for i in listed]
    assert len(first["DBInstances"]) == 3 and "NextToken" not in rest
    small = rds_cli(served, "describe-db-instances", "--max-records", "5")
    assert refused(small) == ("An error occurred (InvalidParameterValue) when calling the DescribeDBInstances "
                              "operation: Invalid value 5 for MaxRecords. Must be between 20 and 100")

    modified = ok(rds_cli(served, "modify-db-instance", "--db-instance-identifier", "cli-db",
                      "--db-instance-class", "db.t3.small", "--deletion-protection"))["DBInstance"]
    assert modified["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.small"}  # waits for the maintenance window
    assert modified["DeletionProtection"] is True
    protected = rds_cli(served, "delete-db-instance", "--db-instance-identifier", "cli-db", "--skip-final-snapshot")
    assert refused(protected) == (
        "An error occurred (InvalidParameterCombination) when calling the DeleteDBInstance operation: "
        "Cannot delete protected DB Instance, please disable deletion protection and try again.")
    ok(rds_cli(served, "modify-db-instance", "--db-instance-identifier", "cli-db", "--no-deletion-protection",
           "--db-instance-class", "db.t3.small", "--apply-immediately"))
    assert rds.describe_db_instances(DBInstanceIdentifier="cli-db")["DBInstances"][0]["DBInstanceClass"] == "db.t3.small"

    deleted = ok(rds_cli(served, "delete-db-instance", "--db-instance-identifier", "cli-db", "--skip-final-snapshot"))
    assert deleted["DBInstance"]["DBInstanceStatus"] == "deleting"
    assert refused(rds_cli(served, "describe-db-instances", "--db-instance-identifier", "cli-db")) == (
        "An error occurred (DBInstanceNotFound) when calling the DescribeDBInstances operation: DBInstance cli-db not found."
    )
    assert ok(aws(served, "rds", "describe-db-instances", region="eu-west-2")) == {"DBInstances": []}  # the variable alone
    gone = aws(served, "secretsmanager", "get-secret-value", "--secret-id", secret_arn)
    assert refused(gone).startswith("An error occurred (ResourceNotFoundException) when calling the GetSecretValue")


def test_eventbridge_scheduled_rules_invoke_a_lambda_function_paged_described_and_deleted(served: Any, tmp_path: Path) -> None:
    cloud, serving, _ = served
    package = tmp_path / "function.zip"
    package.write_bytes(zip_of("""
        def lambda_handler(event, context):
            return {"source": event["source"]}
    """))
    role = lambda_role(served[0])  # the execution role, made in IAM first
    function_arn = ok(aws(served, "lambda", "create-function", "--function-name", "cli-nightly", "--runtime",
                          "python3.12", "--role", role, "--handler", "lambda_function.lambda_handler", "--zip-file",
                          f"fileb://{package}"))["FunctionArn"]
    rule_arn = ok(aws(served, "events", "put-rule", "--name", "cli-nightly", "--schedule-expression",
                      "cron(0 3 * * ? *)", "--description", "every night at 03:00"))["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/cli-nightly"
    ok(aws(served, "lambda", "add-permission", "--function-name", "cli-nightly", "--statement-id", "events",
           "--action", "lambda:InvokeFunction", "--principal", "events.amazonaws.com", "--source-arn", rule_arn))
    put = ok(aws(served, "events", "put-targets", "--rule", "cli-nightly", "--targets", f"Id=fn,Arn={function_arn}"))
    assert put == {"FailedEntryCount": 0, "FailedEntries": []}
    rule = ok(aws(served, "events", "describe-rule", "--name", "cli-nightly"))
    assert (rule["Arn"], rule["ScheduleExpression"], rule["State"]) == (rule_arn, "cron(0 3 * * ? *)", "ENABLED")
    assert rule["Description"] == "every night at 03:00"
    listed_targets = ok(aws(served, "events", "list-targets-by-rule", "--rule", "cli-nightly"))["Targets"]
    assert listed_targets == [{"Id": "fn", "Arn": function_arn}]

    def fired() -> int:
        return len([e for e in cloud.events.select(kind="invoke") if e.detail.get("rule") == rule_arn])

    before = fired()
    step = urllib.request.Request(f"{serving.endpoint_url}/_secretkit/clock", data=b'{"advance": {"days": 2}}',
                                  method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(step, timeout=10) as answer:
        answer.read()
    assert fired() - before == 2  # two nights, one invocation each

    for name in ("cli-z-1", "cli-z-2"):
        ok(aws(served, "events", "put-rule", "--name", name, "--schedule-expression", "rate(1 hour)"))
    calls_before = len(calls(cloud, "ListRules"))
    paged = ok(aws(served, "events", "list-rules", "--name-prefix", "cli-", "--page-size", "1"))
    assert [r["Name"] for r in paged["Rules"]] == ["cli-nightly", "cli-z-1", "cli-z-2"]
    assert len(calls(cloud, "ListRules")) - calls_before == 3  # NextToken followed, one rule a page
    first = ok(aws(served, "events", "list-rules", "--name-prefix", "cli-", "--max-items", "2"))
    rest = ok(aws(served, "events", "list-rules", "--name-prefix", "cli-", "--starting-token", first["NextToken"]))
    assert [r["Name"] for r in first["Rules"] + rest["Rules"]] == ["cli-nightly", "cli-z-1", "cli-z-2"]

    assert refused(aws(served, "events", "delete-rule", "--name", "cli-nightly")) == (
        "An error occurred (ValidationException) when calling the DeleteRule operation: "
        "Rule can't be deleted since it has targets."
    )
    removed = ok(aws(served, "events", "remove-targets", "--rule", "cli-nightly", "--ids", "fn"))
    assert removed["FailedEntryCount"] == 0
    ok(aws(served, "events", "delete-rule", "--name", "cli-nightly"))
    assert refused(aws(served, "events", "describe-rule", "--name", "cli-nightly")) == (
        "An error occurred (ResourceNotFoundException) when calling the DescribeRule operation: "
        "Rule cli-nightly does not exist on EventBus default."
    )
    assert "cli-nightly" not in {r["Name"] for r in cloud.client("events").list_rules()["Rules"]}
    bad = aws(served, "events", "put-rule", "--name", "cli-bad", "--schedule-expression", "rate(1 days)")
    assert refused(bad) == ("An error occurred (ValidationException) when calling the PutRule operation: "
                            "Parameter ScheduleExpression is not valid.")
