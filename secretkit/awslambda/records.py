"""Functions and their versions, as the Lambda service keeps them.

A :class:`Function` has a mutable ``$LATEST`` version and, if ``Publish`` was asked for,
numbered versions that never change. Each :class:`FunctionVersion` holds an immutable
:class:`FunctionConfig` and its code: updating code or configuration makes a *new*
``$LATEST`` record, so the next invocation is a cold start, as on AWS. The execution
environment a version has warmed up hangs off it (``environment``) and goes with it.

:meth:`FunctionVersion.configuration` is the ``FunctionConfiguration`` structure AWS
returns from CreateFunction, GetFunction(Configuration), the Update calls and
ListFunctions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .code import CallableCode, Code
from .faults import FailurePlan
from .policy import ResourcePolicy
from .timing import KitTiming

__all__ = ["Function", "FunctionConfig", "FunctionVersion", "LATEST", "last_modified"]

LATEST = "$LATEST"
_KEPT_LOGS = 100


def last_modified(moment: datetime) -> str:
    """``2026-12-01T10:00:00.000+0000``: how Lambda writes ``LastModified``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@dataclass(slots=True, frozen=True)
class FunctionConfig:
    """A function's configuration, as one version holds it (immutable)."""

    runtime: str
    role: str
    handler: str
    description: str = ""
    timeout: int = 3
    memory_size: int = 128
    variables: Mapping[str, str] = field(default_factory=dict)
    architectures: tuple[str, ...] = ("x86_64",)


@dataclass(slots=True, eq=False)
class FunctionVersion:
    """One version of a function: configuration, code, and the environment it has warmed."""

    name: str
    arn: str  # the function's unqualified ARN
    region: str
    version: str
    config: FunctionConfig
    code: Code
    timing: KitTiming
    modified: datetime
    revision_id: str
    environment: Any = None  # the warm ExecutionEnvironment, if any

    @property
    def qualified_arn(self) -> str:
        return self.arn if self.version == LATEST else f"{self.arn}:{self.version}"

    def configuration(self, *, state: str = "Active", update: str | None = "Successful") -> dict[str, Any]:
        """The ``FunctionConfiguration`` AWS returns for this version."""
        config = self.config
        out: dict[str, Any] = {
            "FunctionName": self.name,
            "FunctionArn": self.qualified_arn,
            "Runtime": config.runtime,
            "Role": config.role,
            "Handler": config.handler,
            "CodeSize": self.code.size,
            "Description": config.description,
            "Timeout": config.timeout,
            "MemorySize": config.memory_size,
            "LastModified": last_modified(self.modified),
            "CodeSha256": self.code.sha256,
            "Version": self.version,
            "TracingConfig": {"Mode": "PassThrough"},
            "RevisionId": self.revision_id,
            "State": state,
            "PackageType": "Zip",
            "Architectures": list(config.architectures),
            "EphemeralStorage": {"Size": 512},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.name}"},
        }
        if update is not None:
            out["LastUpdateStatus"] = update
        if config.variables:
            out["Environment"] = {"Variables": dict(config.variables)}
        if state == "Pending":
            out["StateReason"] = "The function is being created."
            out["StateReasonCode"] = "Creating"
        if update == "InProgress":
            out["LastUpdateStatusReason"] = "The function is being created."
            out["LastUpdateStatusReasonCode"] = "Creating"
        return out

    @property
    def is_callable(self) -> bool:
        return isinstance(self.code, CallableCode)


@dataclass(slots=True, eq=False)
class Function:
    """A function: its ``$LATEST``, its published versions, policies, tags, recent logs and,
    kit-only, the failures it has been told to fake."""

    name: str
    arn: str
    region: str
    latest: FunctionVersion
    versions: dict[str, FunctionVersion] = field(default_factory=dict)
    next_version: int = 1
    policies: dict[str, ResourcePolicy] = field(default_factory=dict)  # qualifier ("" unqualified) -> policy
    tags: dict[str, str] = field(default_factory=dict)
    logs: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=_KEPT_LOGS))
    faults: FailurePlan | None = None  # kit-only failure injection (see :mod:`~.faults`)

    def version(self, qualifier: str | None) -> FunctionVersion | None:
        """The version a qualifier names (``None`` or ``$LATEST``: the latest)."""
        if qualifier in (None, "", LATEST):
            return self.latest
        return self.versions.get(qualifier)

    def policy(self, qualifier: str | None) -> ResourcePolicy:
        return self.policies.setdefault(qualifier or "", ResourcePolicy())
