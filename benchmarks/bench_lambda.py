"""Lambda runtime benchmark: what an invocation costs on top of calling the handler.

Rows, median microseconds per invocation unless marked:

* the handler called directly (no runtime at all: the floor);
* a plain callable deployed with ``kit_deploy_callable``, warm;
* a zipped ``lambda_function.py`` deployed with CreateFunction, warm;
* the same zip, cold (a new function each time, so Init imports the module);
* a warm zip whose handler makes one ``get_secret_value`` through a module-level boto3
  client (the runtime plus the in-process boto3 door);
* one whole rotation (four steps) of a secret by a rotation function written in the
  structure of AWS's templates, deployed as a zip, invoked through the runtime for each
  step (microseconds per rotation).

Warm rows go through ``Lambda.invoke`` with a JSON payload, so they include the payload
parse, the environment swap, log capture, the result's JSON and the event-log record.
Most of a warm invocation's overhead is swapping the process environment in and out
(one putenv/unsetenv per variable that differs, the notebook's and the function's), so
it grows with the size of the notebook's own environment.
"""

from __future__ import annotations

import json
import statistics
import textwrap
import time
from typing import Any, Callable

import secretkit
from secretkit.awslambda.code import build_zip
from secretkit.awslambda.service import Lambda

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
    cloud = secretkit.Cloud(seed=1)
    lam = cloud.awslambda("us-east-1")
    return cloud, lam


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

    lam.kit_deploy_callable("callable", handler)
    lam.invoke(FunctionName="callable", Payload=payloads[0])  # the cold start, outside the figure
    rows.append(("lambda: deployed callable, warm invoke",
                 _median_us(lambda i: lam.invoke(FunctionName="callable", Payload=payloads[i]), 1000), "us"))

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
    lam.invoke(FunctionName="boto3", Payload=b"{}")
    rows.append(("lambda: warm zip making one boto3 get_secret_value",
                 _median_us(lambda i: lam.invoke(FunctionName="boto3", Payload=b"{}"), 400), "us"))

    rows.append(("lambda: one rotation (4 steps) through a deployed zip", _rotation_us(), "us"))
    return rows


def _rotation_us(rotations: int = 40) -> float:
    """Microseconds per rotation of a secret through a template-shaped zipped function."""
    cloud, lam = _service()
    sm = cloud.secretsmanager("us-east-1")
    _create(lam, "rotate", ROTATION_SOURCE, Timeout=30,
            Environment={"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com"}})
    lam.add_permission(FunctionName="rotate", StatementId="sm", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")

    def step(event: Any, context: Any) -> Any:  # Secrets Manager's side, until it invokes through the runtime
        return lam.invoke_as_service("rotate", event, principal="secretsmanager.amazonaws.com").value()

    bridge = cloud.register_function("bridge", step)
    secrets = [sm.create_secret(Name=f"app/{i}", SecretString=json.dumps({"password": "x"}))["ARN"]
               for i in range(rotations)]
    start = time.perf_counter()
    for arn in secrets:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=bridge)
        cloud.clock.advance(seconds=1)
    seconds = time.perf_counter() - start
    done = len(cloud.events.select(kind="notice", operation="RotationSucceeded"))
    if done != rotations:
        raise RuntimeError(f"{rotations - done} rotations did not finish in the benchmark")
    return seconds / rotations * 1e6


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:62s} {value:12.2f} {unit}")
