"""CloudFormation benchmark: create, update and delete of a 50-resource stack, per resource.

The stack holds 25 Parameter Store parameters and 25 secrets, every one mentioning a
template parameter (``Ref`` or ``Fn::Sub``), so an update that changes the parameter
touches all 50 in place. Each figure is the median over several runs, in microseconds per
resource, of the stack operation **minus the same service calls made directly** (the
resources' own work: encryption, storage), so what remains is the engine's cost:
template evaluation, dependency order, change detection, events and bookkeeping. The aim
(issue #16) is well under 1,000 us per resource.

A second 50-resource stack mixes the phase-2 types: ten groups of an IAM role, an inline
Lambda function running as it, a scheduled EventBridge rule invoking the function, the
function's permission for the rule, and a parameter the function would rotate. Its update
changes a template parameter that reaches the function's environment, the rule's
description and the parameter's value (30 of the 50 updated in place). These figures are
the whole stack operation per resource (the services' own work included: zipping and
deploying functions, arming schedules), median of fewer runs.

cfn-lint's costs are reported apart, because they are paid once: importing it and loading
its rules (in a fresh interpreter), and checking this template the first time (the
result is cached by template text, so the timed runs do not pay it).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any, Callable

import secretkit
from secretkit.cloudformation import build, lint

RESOURCES = 50
RUNS = 7

COLD = """
import time
t0 = time.perf_counter()
from secretkit.cloudformation import lint
lint.check("Resources:\\n  K:\\n    Type: AWS::KMS::Key\\n")
print(time.perf_counter() - t0)
"""


def _template() -> str:
    lines = ["Parameters:", "  Note:", "    Type: String", "Resources:"]
    for i in range(RESOURCES // 2):
        lines += [
            f"  Param{i}:", "    Type: AWS::SSM::Parameter", "    Properties:",
            f"      Name: /bench/app/p{i}", "      Type: String", "      Value: !Sub 'value-${AWS::Region}'",
            "      Description: !Ref Note",
            f"  Secret{i}:", "    Type: AWS::SecretsManager::Secret", "    Properties:",
            f"      Name: bench/app/s{i}", "      SecretString: '{\"password\": \"p\"}'", "      Description: !Ref Note",
        ]
    return "\n".join(lines) + "\n"


MIXED_RUNS = 5


def _mixed_template() -> str:
    lines = ["Parameters:", "  Note:", "    Type: String", "Resources:"]
    for i in range(RESOURCES // 5):
        lines += [
            f"  Role{i}:", "    Type: AWS::IAM::Role", "    Properties:",
            "      AssumeRolePolicyDocument:", "        Version: '2012-10-17'", "        Statement:",
            "          - Effect: Allow", "            Principal: {Service: lambda.amazonaws.com}", "            Action: sts:AssumeRole",
            f"  Fn{i}:", "    Type: AWS::Lambda::Function", "    Properties:",
            "      Runtime: python3.12", "      Handler: index.handler", f"      Role: !GetAtt Role{i}.Arn",
            "      Environment: {Variables: {NOTE: !Ref Note}}",
            "      Code: {ZipFile: \"def handler(event, context):\\n    return event\\n\"}",
            f"  Rule{i}:", "    Type: AWS::Events::Rule", "    Properties:",
            "      ScheduleExpression: rate(30 days)", "      Description: !Ref Note",
            f"      Targets: [{{Arn: !GetAtt Fn{i}.Arn, Id: fn}}]",
            f"  Allow{i}:", "    Type: AWS::Lambda::Permission", "    Properties:",
            f"      FunctionName: !Ref Fn{i}", "      Action: lambda:InvokeFunction",
            f"      Principal: events.amazonaws.com", f"      SourceArn: !GetAtt Rule{i}.Arn",
            f"  Token{i}:", "    Type: AWS::SSM::Parameter", "    Properties:",
            f"      Name: /bench/mixed/t{i}", "      Type: String", "      Value: !Ref Note",
        ]
    return "\n".join(lines) + "\n"


def _mixed() -> dict[str, float]:
    body = _mixed_template()
    times: dict[str, list[float]] = {"create": [], "update": [], "delete": []}
    for _ in range(MIXED_RUNS):
        cloud = secretkit.Cloud(seed=0)
        cfn = build(cloud, cloud.env("us-east-1"))
        caps = ["CAPABILITY_IAM"]
        one = [{"ParameterKey": "Note", "ParameterValue": "one"}]
        times["create"].append(_timed(lambda: cfn.create_stack(StackName="mixed", TemplateBody=body, Parameters=one,
                                                                Capabilities=caps)))
        assert cfn.describe_stacks(StackName="mixed")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
        two = [{"ParameterKey": "Note", "ParameterValue": "two"}]
        times["update"].append(_timed(lambda: cfn.update_stack(StackName="mixed", UsePreviousTemplate=True, Parameters=two,
                                                                Capabilities=caps)))
        assert cfn.describe_stacks(StackName="mixed")["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
        times["delete"].append(_timed(lambda: cfn.delete_stack(StackName="mixed")))
        assert cloud.awslambda().functions == {}
    return {phase: statistics.median(values) / RESOURCES for phase, values in times.items()}


def _direct(cloud: secretkit.Cloud, note: str, phase: str) -> None:
    ssm, sm = cloud.ssm(), cloud.secretsmanager()
    for i in range(RESOURCES // 2):
        if phase == "create":
            ssm.put_parameter(Name=f"/bench/app/p{i}", Type="String", Value="value-us-east-1", Description=note)
            sm.create_secret(Name=f"bench/app/s{i}", SecretString='{"password": "p"}', Description=note)
        elif phase == "update":
            ssm.put_parameter(Name=f"/bench/app/p{i}", Type="String", Value="value-us-east-1", Description=note, Overwrite=True)
            sm.update_secret(SecretId=f"bench/app/s{i}", Description=note)
        else:
            ssm.delete_parameter(Name=f"/bench/app/p{i}")
            arn = sm.describe_secret(SecretId=f"bench/app/s{i}")["ARN"]
            sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1000


def run() -> list[tuple[str, float, str]]:
    cold = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
    body = _template()
    lint.check("Resources:\n  P:\n    Type: AWS::SSM::Parameter\n", "us-east-1")  # load cfn-lint here first
    started = time.perf_counter()
    lint.check(body, "us-east-1")
    first_check = time.perf_counter() - started
    started = time.perf_counter()
    lint.check(body, "us-east-1")
    cached_check = time.perf_counter() - started

    stack: dict[str, list[float]] = {"create": [], "update": [], "delete": []}
    direct: dict[str, list[float]] = {"create": [], "update": [], "delete": []}
    for _ in range(RUNS):
        cloud = secretkit.Cloud(seed=0)
        cfn = build(cloud, cloud.env("us-east-1"))
        note = [{"ParameterKey": "Note", "ParameterValue": "one"}]
        stack["create"].append(_timed(lambda: cfn.create_stack(StackName="bench", TemplateBody=body, Parameters=note)))
        two = [{"ParameterKey": "Note", "ParameterValue": "two"}]
        stack["update"].append(_timed(lambda: cfn.update_stack(StackName="bench", UsePreviousTemplate=True, Parameters=two)))
        assert cfn.describe_stacks(StackName="bench")["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
        stack["delete"].append(_timed(lambda: cfn.delete_stack(StackName="bench")))
        plain = secretkit.Cloud(seed=0)
        for phase, note_text in (("create", "one"), ("update", "two"), ("delete", "")):
            direct[phase].append(_timed(lambda: _direct(plain, note_text, phase)))

    rows: list[tuple[str, float, str]] = [
        ("cfn-lint import + rule loading (fresh interpreter)", float(cold.stdout.strip()) * 1000, "ms"),
        (f"first check of the {RESOURCES}-resource template (cfn-lint loaded)", first_check * 1000, "ms"),
        ("the same check again (cached)", cached_check * 1e6, "us"),
    ]
    for phase in ("create", "update", "delete"):
        total = statistics.median(stack[phase]) / RESOURCES
        own = statistics.median(direct[phase]) / RESOURCES
        rows.append((f"{phase}: stack operation per resource", total, "us/resource"))
        rows.append((f"{phase}: engine overhead per resource", total - own, "us/resource"))
    for phase, per_resource in _mixed().items():
        rows.append((f"mixed stack (IAM, Lambda, rules) {phase}, per resource", per_resource, "us/resource"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<58} {value:>12.2f} {unit}")
