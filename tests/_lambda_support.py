"""Shared helpers for the Lambda tests: a Cloud's Lambda service, and zips built the way a
student builds them (``lambda_function.py`` at the root of the archive)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import secretkit
from secretkit.awslambda.code import build_zip
from secretkit.awslambda.service import Lambda

ROLE = "arn:aws:iam::123456789012:role/lambda-exec"
HANDLER = "lambda_function.lambda_handler"


def lambda_service(cloud: secretkit.Cloud, region: str = "us-east-1") -> Lambda:
    """The Lambda service of ``region`` as the Cloud registers it: its functions' boto3
    clients reach ``cloud``."""
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
