"""``AWS::SecretsManager::RotationSchedule``: turn on rotation of a secret.

Properties: ``SecretId``, ``RotationLambdaARN`` (a function already in the account),
``RotationRules`` (``AutomaticallyAfterDays`` or ``ScheduleExpression``, and ``Duration``)
and ``RotateImmediatelyOnUpdate`` (default true: rotate once as soon as the schedule is
made or changed; false: wait for the first window).

Creating the resource calls ``RotateSecret``, so the function runs at once (unless told
not to) and must be invokable: give the schedule a ``DependsOn`` on the function's
permission, as AWS's examples do. Deleting the resource calls ``CancelRotateSecret``.
Ref and ``Fn::GetAtt Id`` return the secret's ARN.

``HostedRotationLambda`` needs the ``AWS::SecretsManager`` transform (:mod:`..transform`),
which replaces it with a ``RotationLambdaARN`` of a function it deploys; a template that
gives one without declaring the transform fails with that reason.
"""

from __future__ import annotations

from typing import Any

from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, as_bool, as_int, register

__all__ = ["RotationSchedule"]


def _rules(props: dict[str, Any]) -> dict[str, Any] | None:
    rules = props.get("RotationRules")
    if rules is None:
        return None
    out: dict[str, Any] = {}
    if "AutomaticallyAfterDays" in rules:
        out["AutomaticallyAfterDays"] = as_int(rules["AutomaticallyAfterDays"], "RotationRules.AutomaticallyAfterDays")
    for key in ("ScheduleExpression", "Duration"):
        if key in rules:
            out[key] = str(rules[key])
    return out


def _rotate(ctx: ResourceContext, props: dict[str, Any]) -> str:
    if "HostedRotationLambda" in props:
        raise ResourceFailure(
            "HostedRotationLambda needs the template to declare Transform: AWS::SecretsManager-2024-09-16 "
            "(or AWS::SecretsManager-2020-07-23); without it, give RotationLambdaARN."
        )
    args: dict[str, Any] = {
        "SecretId": str(props["SecretId"]),
        "RotateImmediately": as_bool(props.get("RotateImmediatelyOnUpdate", True), "RotateImmediatelyOnUpdate"),
    }
    if props.get("RotationLambdaARN"):
        args["RotationLambdaARN"] = str(props["RotationLambdaARN"])
    rules = _rules(props)
    if rules is not None:
        args["RotationRules"] = rules
    return str(ctx.service("secretsmanager").rotate_secret(**args)["ARN"])


@register
class RotationSchedule(ResourceType):
    type_name = "AWS::SecretsManager::RotationSchedule"
    service_label = "SecretsManager"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        arn = _rotate(ctx, props)
        return Provisioned(arn, arn, {"Id": arn})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        _rotate(ctx, new)
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("secretsmanager").cancel_rotate_secret(SecretId=current.physical_id)
