"""Shared helpers for the Lambda tests: a Cloud's Lambda service, the execution role every
function needs (made through IAM, as on AWS), and zips built the way a student builds them
(``lambda_function.py`` at the root of the archive)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import secretkit
from secretkit.awslambda.code import build_zip
from secretkit.awslambda.service import Lambda

ROLE = "arn:aws:iam::123456789012:role/lambda-exec"
HANDLER = "lambda_function.lambda_handler"
LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
EVERYTHING = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def lambda_role(cloud: secretkit.Cloud, name: str = "lambda-exec", *, policy: str | None = EVERYTHING,
                account: str | None = None) -> str:
    """The ARN of execution role ``name``, made first (CreateRole trusting Lambda, and the
    inline ``policy``: by default everything, so the tests of Lambda itself run their code as
    freely as before roles were required) unless the account already has it."""
    iam = cloud.iam(account)
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except secretkit.ClientError:
        pass
    arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=LAMBDA_TRUST)["Role"]["Arn"])
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="function", PolicyDocument=policy)
    return arn


def lambda_service(cloud: secretkit.Cloud, region: str = "us-east-1") -> Lambda:
    """The Lambda service of ``region`` as the Cloud registers it: its functions' boto3
    clients reach ``cloud``. The execution role :data:`ROLE` is made first."""
    lambda_role(cloud)
    return cloud.awslambda(region)


def zip_of(source: str, more: dict[str, str] | None = None) -> bytes:
    """A package holding ``lambda_function.py`` (and any other ``{path: source}`` files)."""
    files = {"lambda_function.py": textwrap.dedent(source)}
    files.update({path: textwrap.dedent(text) for path, text in (more or {}).items()})
    return build_zip(files)


def deploy(lam: Lambda, name: str, source: str, *, handler: str = HANDLER, **config: Any) -> dict[str, Any]:
    """CreateFunction with a one-file package, as a student calls it."""
    return lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler=handler,
                               Code={"ZipFile": zip_of(source)}, **config)


def call(lam: Lambda, name: str, event: Any = None, **args: Any) -> tuple[dict[str, Any], Any]:
    """Invoke synchronously; return the response and the decoded payload."""
    out = lam.invoke(FunctionName=name, Payload=json.dumps(event if event is not None else {}), **args)
    return out, json.loads(out["Payload"]) if out["Payload"] else None
