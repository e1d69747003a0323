"""Rotation benchmark: a simulated year of 30-day rotation for 100 and 1,000 secrets.

Everything is real except the database: each secret has AutomaticallyAfterDays=30 and a
rotation function, deployed as a zip with CreateFunction, that runs AWS's four steps with
a boto3 client of its own (the gate's DescribeSecret on every step, GetRandomPassword,
PutSecretValue sealing a fresh data key with AES-256-GCM, reads that decrypt it, and
UpdateSecretVersionStage). Secrets Manager invokes each step through the Lambda runtime,
after checking the function's policy. Its setSecret and testSecret touch no database, so
the figures are the service's and the runtime's cost, not a database's.

The clock is advanced one simulated day at a time, after every secret's first rotation:
365 days for 100 secrets; 95 days (three rotation cycles, the third inside its window
by day 95) for 1,000, so the run stays near a minute, and its year is that pace times
365/95 (the row says so). Every secret starts on
the same day, so rotations bunch every 30 days: besides the average day, the busiest day is
reported. Reported per fleet size:

* seconds of wall time per simulated year;
* microseconds per rotation (wall time / rotations completed);
* milliseconds per simulated day, on average and on the busiest day.

Aims. The first model called the function's handler directly with a client of the model
and aimed at 100 us a rotation. A rotation now is what it is on AWS: four Lambda
invocations (environment swapped in and out, logs captured, the event log written) and
about ten genuine boto3 calls, each serialised and parsed by botocore, which alone costs
more than 100 us a call. The aim is **at most 10 ms per rotation** on one core of the
development machine (about 2.5 ms an invocation with its boto3 calls), so a year of
30-day rotation for 1,000 secrets (12,000 rotations) stays near two minutes, and **at most
10 s for the busiest simulated day of 1,000 secrets** (all of them rotating at once).
"""

from __future__ import annotations

import json
import textwrap
import time

import secretkit
from secretkit.awslambda.code import build_zip
from secretkit.rotation_functions.deployment import LAMBDA_TRUST, rotation_policy

SIZES = {100: 365, 1_000: 95}  # secrets -> simulated days measured

#: Written in the structure of AWS's templates; setSecret and testSecret have no database.
PASSWORD_ONLY = textwrap.dedent('''
    import json
    import os

    import boto3


    def lambda_handler(event, context):
        arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
        service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])
        versions = service_client.describe_secret(SecretId=arn)["VersionIdsToStages"]
        if token not in versions:
            raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
        if "AWSCURRENT" in versions[token]:
            return
        if step == "createSecret":
            create_secret(service_client, arn, token)
        elif step == "finishSecret":
            finish_secret(service_client, arn, token, versions)


    def create_secret(service_client, arn, token):
        current = json.loads(service_client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
        try:
            service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except service_client.exceptions.ResourceNotFoundException:
            current["password"] = service_client.get_random_password(ExcludeCharacters="/@\\"'\\\\")["RandomPassword"]
            service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current),
                                            VersionStages=["AWSPENDING"])


    def finish_secret(service_client, arn, token, versions):
        current = next(version for version, stages in versions.items() if "AWSCURRENT" in stages)
        service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                                   RemoveFromVersionId=current)
''')


def _deploy(cloud: secretkit.Cloud) -> str:
    iam = cloud.iam()  # the execution role, with the policy rotation_functions.deploy grants
    role = iam.create_role(RoleName="rotate-role", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName="rotate-role", PolicyName="rotation", PolicyDocument=json.dumps(
        rotation_policy("arn:aws:lambda:us-east-1:123456789012:function:rotate")))
    lam = cloud.awslambda("us-east-1")
    config = lam.create_function(
        FunctionName="rotate", Runtime="python3.12", Role=role,
        Handler="lambda_function.lambda_handler", Timeout=30,
        Code={"ZipFile": build_zip({"lambda_function.py": PASSWORD_ONLY})},
        Environment={"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com"}})
    lam.add_permission(FunctionName="rotate", StatementId="SecretsManagerAccess", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")
    return str(config["FunctionArn"])


def year(size: int, days: int = 365) -> tuple[float, int, float]:
    """(wall seconds, rotations, busiest day's seconds) over ``days`` simulated days of ``size`` secrets."""
    cloud = secretkit.Cloud(seed=1)
    sm = cloud.secretsmanager("us-east-1")
    arn = _deploy(cloud)
    value = json.dumps({"engine": "postgres", "host": "db.example", "username": "app", "password": "x" * 32})
    for i in range(size):
        secret = sm.create_secret(Name=f"app/{i}", SecretString=value)["ARN"]
        sm.rotate_secret(SecretId=secret, RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)  # finish the first rotations
    done = len(cloud.events.select(kind="notice", operation="RotationSucceeded"))
    busiest = 0.0
    start = time.perf_counter()
    for _ in range(days):
        day_start = time.perf_counter()
        cloud.clock.advance(days=1)
        busiest = max(busiest, time.perf_counter() - day_start)
    seconds = time.perf_counter() - start
    rotations = len(cloud.events.select(kind="notice", operation="RotationSucceeded")) - done
    failed = cloud.events.select(kind="notice", operation="RotationFailed")
    if failed:
        raise RuntimeError(f"{len(failed)} rotations failed in the benchmark: {failed[0].detail}")
    return seconds, rotations, busiest


def run() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    for size, days in SIZES.items():
        seconds, rotations, busiest = year(size, days)
        label = "year" if days == 365 else f"year (x365/{days} of {days} days)"
        rows.append((f"rotation: {size:,} secrets, 30-day schedule, {label}", seconds * 365 / days, "s"))
        rows.append((f"rotation: {size:,} secrets, per rotation ({rotations:,} rotations)", seconds / rotations * 1e6, "us"))
        rows.append((f"rotation: {size:,} secrets, per simulated day (average)", seconds / days * 1e3, "ms"))
        rows.append((f"rotation: {size:,} secrets, busiest simulated day", busiest * 1e3, "ms"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:12.2f} {unit}")
