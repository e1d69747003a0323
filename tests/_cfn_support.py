"""Shared helpers of the CloudFormation tests: a CloudFormation over a fresh Cloud, and
accessors for errors, statuses and events."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import secretkit
from secretkit import ClientError
from secretkit.cloudformation import build


def make_cfn(cloud: secretkit.Cloud, region: str = "us-east-1", databases: Any = None) -> Any:
    return build(cloud, cloud.env(region), databases)


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the ClientError that ``call`` raises."""
    with pytest.raises(ClientError) as info:
        call()
    return info.value.code, info.value.message


def status(cfn: Any, stack: str) -> str:
    return cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]


def events(cfn: Any, stack: str) -> list[tuple[str, str, str | None]]:
    """(logical id, status, reason) of every event, oldest first."""
    rows = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason")) for e in reversed(rows)]


def physical_id(cfn: Any, stack: str, logical_id: str) -> str:
    detail = cfn.describe_stack_resource(StackName=stack, LogicalResourceId=logical_id)["StackResourceDetail"]
    return str(detail["PhysicalResourceId"])


def output(cfn: Any, stack: str, key: str) -> Any:
    outputs = cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    return next(o["OutputValue"] for o in outputs if o["OutputKey"] == key)


def outputs(cfn: Any, stack: str) -> dict[str, str]:
    """Every output of ``stack``, by key."""
    return {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}


def failures(cfn: Any, stack: str) -> list[tuple[str, str | None]]:
    """(logical id, reason) of every event that failed, newest first."""
    rows = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return [(e["LogicalResourceId"], e.get("ResourceStatusReason")) for e in rows if e["ResourceStatus"].endswith("_FAILED")]
