"""The CloudFormation package's place in the kit: loaded only when asked for, cfn-lint only
on the first template, and every resource type with a complete interface."""

from __future__ import annotations

import json
import subprocess
import sys

from secretkit.cloudformation import REGISTRY, ResourceType
from secretkit.cloudformation.resources.inert import INERT_TYPES

PROBE = """
import json, sys
import secretkit
first = "secretkit.cloudformation" in sys.modules or "cfnlint" in sys.modules
import secretkit.cloudformation
second = "cfnlint" in sys.modules
from secretkit import Cloud
from secretkit.cloudformation import build
cloud = Cloud()
build(cloud, cloud.env("us-east-1")).validate_template(
    TemplateBody="Resources:\\n  K:\\n    Type: AWS::KMS::Key\\n")
print(json.dumps([first, second, "cfnlint" in sys.modules]))
"""


def test_cfn_lint_loads_on_the_first_template_only():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, False, True]


def test_the_modelled_resource_types():
    modelled = {
        "AWS::SecretsManager::Secret",
        "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::SecretsManager::ResourcePolicy",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::SSM::Parameter",
        "AWS::KMS::Key",
        "AWS::KMS::Alias",
        "AWS::Lambda::Function",
        "AWS::Lambda::Permission",
        "AWS::Events::Rule",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
    }
    assert set(REGISTRY) == modelled | set(INERT_TYPES)
    for name, handler in REGISTRY.items():
        assert isinstance(handler, ResourceType) and handler.type_name == name
        for verb in ("create", "update", "delete"):
            assert getattr(type(handler), verb) is not getattr(ResourceType, verb), f"{name} lacks {verb}"
