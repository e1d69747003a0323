"""Lambda runtime benchmark: what an invocation costs on top of calling the handler.

Rows, median microseconds per invocation unless marked:

* the handler called directly (no runtime at all: the floor);
* a plain callable deployed with ``kit_deploy_callable``, warm and cold;
* a zipped ``lambda_function.py`` deployed with CreateFunction, warm and cold (a new
  function each time, so Init imports the module);
* a warm zip whose handler makes one ``get_secret_value`` through a module-level boto3
  client (the runtime plus the in-process boto3 door);
* one whole rotation (four steps) of a secret, Secrets Manager invoking each step through
  the runtime: by a password-only function written in the structure of AWS's templates,
  and by the kit's pre-built single-user PostgreSQL package against a simulated server
  (microseconds per rotation).

Warm rows go through ``Lambda.invoke`` with a JSON payload, so they include the payload
parse, the environment swap, log capture, the result's JSON and the event-log record.
Most of a warm invocation's overhead is swapping the process environment in and out
(one putenv/unsetenv per variable that differs, the notebook's and the function's), so
it grows with the size of the notebook's own environment. A rotation's cost is mostly
botocore's: each step's handler makes two to four genuine boto3 calls.
"""

from __future__ import annotations

import json
import statistics
import textwrap
import time
from typing import Any, Callable

import secretkit
from secretkit import rotation_functions
from secretkit.awslambda.code import build_zip
from secretkit.awslambda.service import Lambda
from secretkit.databases import databases
from secretkit.rotation_functions.deployment import LAMBDA_TRUST, rotation_policy

ROLE = "arn:aws:iam::123456789012:role/bench"
HANDLER_SOURCE = "def lambda_handler(event, context):\n    return {'n': event['n'] + 1}\n"
BOTO3_SOURCE = textwrap.dedent("""
    import boto3
    client = boto3.client("secretsmanager")
    def lambda_handler(event, context):
        return client.get_secret_value(SecretId="bench/db")["VersionId"]
""")
ROTATION_SOURCE = textwrap.dedent('''
    import json, os
    import boto3
    client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])
    def lambda_handler(event, context):
        arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
        versions = client.describe_secret(SecretId=arn)["VersionIdsToStages"]
        if "AWSCURRENT" in versions.get(token, []):
            return
        if step == "createSecret":
            try:
                client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
            except client.exceptions.ResourceNotFoundException:
                value = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
                value["password"] = client.get_random_password(ExcludeCharacters="/@\\"'\\\\")["RandomPassword"]
                client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(value),
                                        VersionStages=["AWSPENDING"])
        elif step == "testSecret":
            client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        elif step == "finishSecret":
            current = next(v for v, s in versions.items() if "AWSCURRENT" in s)
            client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                               RemoveFromVersionId=current)
''')


def _median_us(fn: Callable[[int], Any], n: int, batch: int = 20) -> float:
    samples = []
    for b in range(max(1, n // batch)):
        start = time.perf_counter_ns()
        for i in range(batch):
            fn(b * batch + i)
        samples.append((time.perf_counter_ns() - start) / batch / 1000)
    return statistics.median(samples)


def _service() -> tuple[secretkit.Cloud, Lambda]:
    """A Cloud, its Lambda, and the execution role :data:`ROLE` every function runs as (allowed
    what the rotation function ``rotate`` needs, as ``rotation_functions.deploy`` grants it)."""
    cloud = secretkit.Cloud(seed=1)
    iam = cloud.iam()
    iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    policy = rotation_policy("arn:aws:lambda:us-east-1:123456789012:function:rotate")
    policy["Statement"].append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",  # the boto3 function's
                                "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/db-??????"})
    iam.put_role_policy(RoleName="bench", PolicyName="rotation", PolicyDocument=json.dumps(policy))
    return cloud, cloud.awslambda("us-east-1")


def _create(lam: Lambda, name: str, source: str, **config: Any) -> None:
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="lambda_function.lambda_handler",
                        Code={"ZipFile": build_zip({"lambda_function.py": source})}, **config)


def run() -> list[tuple[str, float, str]]:
    cloud, lam = _service()
    namespace: dict[str, Any] = {}
    exec(HANDLER_SOURCE, namespace)
    handler = namespace["lambda_handler"]
    payloads = [json.dumps({"n": i}).encode() for i in range(2000)]

    rows: list[tuple[str, float, str]] = []
    rows.append(("lambda: handler called directly (floor)", _median_us(lambda i: handler({"n": i}, None), 2000), "us"))

    lam.kit_deploy_callable("callable", handler, Role=ROLE)
    lam.invoke(FunctionName="callable", Payload=payloads[0])  # the cold start, outside the figure
    rows.append(("lambda: deployed callable, warm invoke",
                 _median_us(lambda i: lam.invoke(FunctionName="callable", Payload=payloads[i]), 1000), "us"))
    for i in range(200):
        lam.kit_deploy_callable(f"callable-{i}", handler, Role=ROLE)
    rows.append(("lambda: deployed callable, cold invoke",
                 _median_us(lambda i: lam.invoke(FunctionName=f"callable-{i}", Payload=payloads[i]), 200, batch=10), "us"))

    _create(lam, "zipped", HANDLER_SOURCE)
    lam.invoke(FunctionName="zipped", Payload=payloads[0])
    rows.append(("lambda: deployed zip, warm invoke",
                 _median_us(lambda i: lam.invoke(FunctionName="zipped", Payload=payloads[i]), 1000), "us"))

    for i in range(200):
        _create(lam, f"cold-{i}", HANDLER_SOURCE)
    rows.append(("lambda: deployed zip, cold invoke (Init imports the module)",
                 _median_us(lambda i: lam.invoke(FunctionName=f"cold-{i}", Payload=payloads[i]), 200, batch=10), "us"))

    cloud.secretsmanager("us-east-1").create_secret(Name="bench/db", SecretString="pw")
    _create(lam, "boto3", BOTO3_SOURCE)
    if "FunctionError" in lam.invoke(FunctionName="boto3", Payload=b"{}"):
        raise RuntimeError("the boto3 function failed: the benchmark would time an error")
    rows.append(("lambda: warm zip making one boto3 get_secret_value",
                 _median_us(lambda i: lam.invoke(FunctionName="boto3", Payload=b"{}"), 400), "us"))

    rows.append(("lambda: one rotation (4 steps) through a deployed zip", _rotation_us(), "us"))
    rows.append(("lambda: one rotation by the pre-built PostgreSQL package (simulated db)", _prebuilt_us(), "us"))
    return rows


def _rotate_all(cloud: secretkit.Cloud, secrets: list[str], function_arn: str) -> float:
    """Microseconds per rotation of ``secrets``, one after another, each finished by the clock."""
    sm = cloud.secretsmanager("us-east-1")
    start = time.perf_counter()
    for arn in secrets:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn)
        cloud.clock.advance(seconds=1)
    seconds = time.perf_counter() - start
    done = len(cloud.events.select(kind="notice", operation="RotationSucceeded"))
    if done != len(secrets):
        raise RuntimeError(f"{len(secrets) - done} rotations did not finish in the benchmark")
    return seconds / len(secrets) * 1e6


def _rotation_us(rotations: int = 40) -> float:
    """Microseconds per rotation of a secret through a template-shaped zipped function."""
    cloud, lam = _service()
    sm = cloud.secretsmanager("us-east-1")
    _create(lam, "rotate", ROTATION_SOURCE, Timeout=30,
            Environment={"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com"}})
    lam.add_permission(FunctionName="rotate", StatementId="sm", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")
    function_arn = lam.get_function(FunctionName="rotate")["Configuration"]["FunctionArn"]
    secrets = [sm.create_secret(Name=f"app/{i}", SecretString=json.dumps({"password": "x"}))["ARN"]
               for i in range(rotations)]
    return _rotate_all(cloud, secrets, function_arn)


def _prebuilt_us(rotations: int = 40) -> float:
    """Microseconds per rotation by the kit's single-user PostgreSQL package on a simulated server."""
    cloud = secretkit.Cloud(seed=1)
    sm = cloud.secretsmanager("us-east-1")
    db = databases(cloud).create("postgres", "pg.bench.example", "admin", "master-pw")
    secrets = []
    for i in range(rotations):
        db.add_user(f"app{i}", "first-pw")
        secrets.append(sm.create_secret(Name=f"app/{i}", SecretString=json.dumps(db.secret_dict(f"app{i}", "first-pw")))["ARN"])
    function_arn = rotation_functions.deploy(cloud, "rotate", "postgres", "single-user")
    return _rotate_all(cloud, secrets, function_arn)


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:62s} {value:12.2f} {unit}")
