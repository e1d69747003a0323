"""``AWS::Lambda::Function`` and ``AWS::Lambda::Permission``: functions run by the kit's
Lambda runtime, and the resource-policy statements that let services invoke them.

**Function.** ``Code.ZipFile`` is the function's *source text*: CloudFormation writes it to
a file named ``index.py`` and zips it, so ``Handler`` is ``index.<function>``. The zip is
deployed with ``CreateFunction`` and run by the same runtime as any other function
(environment, context, logs, boto3 reaching this Cloud). ``Code.S3Bucket``/``S3Key`` and
``ImageUri`` fail: the kit models no S3 and no container images. The one exception is the
kit-only bucket ``secretkit-rotation-functions`` that the Secrets Manager transform
(:mod:`..transform`) names: its keys are the kit's pre-built rotation packages.

Other properties: ``FunctionName`` (replacement; made up as ``<stack>-<LogicalId>-<12
random>``, at most 64 characters, when left out), ``Runtime`` (python3.x), ``Role``,
``Handler``, ``Timeout`` (default 3), ``MemorySize`` (default 128),
``Environment.Variables``, ``Description``, ``Architectures``, ``Tags`` (``[{Key,
Value}]``). Properties the kit's Lambda does not model (``VpcConfig``, ``Layers``,
``TracingConfig``, ``ReservedConcurrentExecutions``...) are accepted and have no effect.
AWS's ``cfnresponse`` module for custom resources is not provided (the kit has no custom
resources). An update calls ``UpdateFunctionCode`` when ``Code`` or ``Architectures``
changed, and ``UpdateFunctionConfiguration`` when the runtime, role, handler, description,
timeout, memory or environment did; changing ``Tags`` fails (the kit's Lambda has no
TagResource). Ref returns the function's name; ``Fn::GetAtt Arn`` its ARN.

**Permission.** ``AddPermission`` on ``FunctionName`` (name or ARN) for ``Action``,
``Principal`` and the optional ``SourceArn``, ``SourceAccount``, ``EventSourceToken`` and
``PrincipalOrgID``. CloudFormation chooses the statement id (``<stack>-<LogicalId>-<12
random>``); it is the physical id, the Ref value and ``Fn::GetAtt Id``. Every property
change replaces the statement (the registry schema makes all of them create-only), and
deleting the resource calls ``RemovePermission``.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..basis import ClientError
from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, as_int, register

__all__ = ["LambdaFunction", "LambdaPermission", "inline_zip"]

_ZIP_DATE = (2026, 1, 1, 0, 0, 0)  # a fixed date: the same source gives the same bytes
_CONFIG = ("Role", "Handler", "Description", "Timeout", "MemorySize", "Environment", "Runtime")


def inline_zip(source: str) -> bytes:
    """The package CloudFormation makes of inline ``ZipFile`` source: ``index.py`` alone."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("index.py", date_time=_ZIP_DATE)
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
    return buffer.getvalue()


def _code(ctx: ResourceContext, props: dict[str, Any]) -> bytes:
    code = props.get("Code")
    if not isinstance(code, dict):
        raise ResourceFailure("Property Code must be an object.")
    if "ZipFile" in code:
        return inline_zip(str(code["ZipFile"]))
    if "ImageUri" in code:
        raise ResourceFailure("secretkit models .zip packages only, not container images (Code.ImageUri).")
    if code.get("S3Bucket") is not None and code.get("S3Key") is not None:
        found = ctx.services.package(str(code["S3Bucket"]), str(code["S3Key"]))
        if found is not None:  # the kit's pre-built rotation packages (the Secrets Manager transform's)
            return found
    raise ResourceFailure("secretkit models no S3: give the function's source inline in Code.ZipFile.")


def _configuration(props: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {"Role": str(props["Role"])}
    for key in ("Runtime", "Handler", "Description"):
        if props.get(key) is not None:
            args[key] = str(props[key])
    args["Timeout"] = as_int(props.get("Timeout", 3), "Timeout")
    args["MemorySize"] = as_int(props.get("MemorySize", 128), "MemorySize")
    variables = (props.get("Environment") or {}).get("Variables")
    args["Environment"] = {"Variables": {str(k): str(v) for k, v in dict(variables or {}).items()}}
    return args


def _attributes(config: dict[str, Any]) -> dict[str, Any]:
    return {"Arn": config["FunctionArn"]}


@register
class LambdaFunction(ResourceType):
    type_name = "AWS::Lambda::Function"
    service_label = "Lambda"
    name_property = "FunctionName"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        name = str(props.get("FunctionName") or ctx.generated_name(max_length=64))
        args = _configuration(props)
        if not args["Environment"]["Variables"]:
            del args["Environment"]
        if props.get("Architectures") is not None:
            args["Architectures"] = [str(a) for a in props["Architectures"]]
        tags = {str(t["Key"]): str(t["Value"]) for t in props.get("Tags") or []}
        if tags:
            args["Tags"] = tags
        config = ctx.service("lambda").create_function(FunctionName=name, Code={"ZipFile": _code(ctx, props)}, **args)
        return Provisioned(name, name, _attributes(config))

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        if "Tags" in changed:
            raise ResourceFailure("secretkit's Lambda has no TagResource: changing a function's Tags is not modelled.")
        lam = ctx.service("lambda")
        name = current.physical_id
        if changed & {"Code", "Architectures"}:
            extra = {"Architectures": [str(a) for a in new["Architectures"]]} if new.get("Architectures") else {}
            lam.update_function_code(FunctionName=name, ZipFile=_code(ctx, new), **extra)
        if changed & set(_CONFIG):
            lam.update_function_configuration(FunctionName=name, **_configuration(new))
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("lambda").delete_function(FunctionName=current.physical_id)


_PERMISSION_OPTIONAL = ("SourceArn", "SourceAccount", "EventSourceToken", "PrincipalOrgID")


@register
class LambdaPermission(ResourceType):
    type_name = "AWS::Lambda::Permission"
    service_label = "Lambda"
    # Every property of a permission is create-only (the statement is replaced, never edited).
    replace_on = frozenset(
        {"FunctionName", "Action", "Principal", "SourceArn", "SourceAccount", "EventSourceToken", "PrincipalOrgID",
         "FunctionUrlAuthType", "InvokedViaFunctionUrl"}
    )

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        sid = ctx.generated_name(max_length=100)
        function = str(props["FunctionName"])
        args = {key: str(props[key]) for key in _PERMISSION_OPTIONAL if props.get(key) is not None}
        ctx.service("lambda").add_permission(
            FunctionName=function, StatementId=sid, Action=str(props["Action"]), Principal=str(props["Principal"]), **args
        )
        return Provisioned(sid, sid, {"Id": sid}, {"function": function})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        return current  # only replacement changes a permission; nothing else can differ

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        lam = ctx.service("lambda")
        try:
            lam.remove_permission(FunctionName=current.state["function"], StatementId=current.physical_id)
        except ClientError as exc:  # the function went first (or was deleted by hand): the statement went with it
            if exc.code != "ResourceNotFoundException":
                raise
