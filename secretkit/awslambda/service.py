"""The Lambda API, one per region.

Methods are named as boto3's, take AWS's PascalCase keyword arguments and return
boto3-shaped dicts; each checks its arguments first and fails with Lambda's error,
changing nothing. As a student writes it::

    lam.create_function(FunctionName="hello", Runtime="python3.12", Handler="lambda_function.lambda_handler",
                        Role="arn:aws:iam::123456789012:role/hello-role", Code={"ZipFile": zip_bytes})
    out = lam.invoke(FunctionName="hello", Payload=json.dumps({"name": "Ada"}), LogType="Tail")
    json.loads(out["Payload"]), base64.b64decode(out["LogResult"]).decode()

State: CreateFunction answers ``State: "Pending"`` and the Update calls ``LastUpdateStatus:
"InProgress"``, as AWS's immediate responses do; the function is ready at once in
simulated time, so every later call sees ``Active`` / ``Successful`` (a waiter polling
GetFunction, like boto3's ``function_active_v2``, finds it ready at its first poll).

``GetFunction`` returns ``Code.Location`` in AWS's shape, but nothing serves that URL.

Kit-only helpers, outside the AWS API (their names say so): :meth:`kit_deploy_callable`
deploys a plain Python callable for the first lessons, :meth:`kit_set_timing` sets the
modelled durations (see :mod:`~.timing`), :meth:`kit_logs` returns recent invocation logs,
:meth:`kit_failures` a function's failure plan (see :mod:`~.faults`). :meth:`may_invoke`,
:meth:`invoke_as_service`, :meth:`queue_as_service`: how another service (Secrets Manager
rotating, EventBridge firing a rule) checks a function's policy and invokes it (or queues).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from .access import RULES
from .base import ClientError, Env, Ids, Service, ascii_int, decode_token, encode_token, operation
from .code import CallableCode, ZipCode
from .environ import Credentials, check_variables
from .errors import lambda_error, validation_error
from .faults import FailurePlan
from .invocation import Invoker, decode_payload
from .policy import Statement, principal_block
from .records import LATEST, Function, FunctionConfig, FunctionVersion
from .routing import ClientFactory
from .runtime import InvocationResult, RoleCredentials, Runtime
from .timing import KitTiming
from .validation import (
    check_architectures,
    check_bool,
    check_code,
    check_description,
    check_handler,
    check_int_range,
    check_memory,
    check_role,
    check_runtime,
    check_str,
    check_tags,
    check_timeout,
    parse_function_name,
)

__all__ = ["Lambda"]

_PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)


class Lambda(Service):
    """The Lambda service of one region."""

    service_name = "lambda"
    access = RULES  # access control's view of each operation (.access)

    def __init__(self, env: Env, *, client_factory: ClientFactory | None = None,
                 assume_role: RoleCredentials | None = None, request_ids: Ids | None = None,
                 network: Mapping[str, Any] | None = None) -> None:
        """``client_factory`` makes the boto3 clients functions ask for (see :mod:`~.routing`);
        ``network`` is what else they may reach in the model, by name (see :mod:`~.network`)."""
        super().__init__(env)
        self.functions: dict[str, Function] = {}  # name -> function
        self._assume_role = assume_role or self._session_credentials
        runtime = Runtime(env.clock, env.ids, request_ids or env.ids, env.events, env.account_id, client_factory,
                          self._assume_role, network)
        self._invoker = Invoker(runtime, env.clock, env.events)

    # ----------------------------------------------------------------- lookups
    def _function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.env.account_id}:function:{name}"

    def _find(self, function_name: object, qualifier: object = None, *, max_length: int = 140,
              qualifier_ok: bool = True) -> tuple[Function, FunctionVersion]:
        """The function and version a ``FunctionName`` (and ``Qualifier``) name, or Lambda's 404."""
        fn, fv, _ = self._locate(function_name, qualifier, max_length=max_length, qualifier_ok=qualifier_ok)
        return fn, fv

    def _locate(self, function_name: object, qualifier: object = None, *, max_length: int = 140,
                qualifier_ok: bool = True) -> tuple[Function, FunctionVersion, str | None]:
        ref = parse_function_name(function_name, max_length=max_length, qualifier_ok=qualifier_ok)
        wanted = check_str(qualifier, "qualifier") if qualifier is not None else ref.qualifier
        here = ref.region in (None, self.region) and ref.account in (None, self.env.account_id)
        fn = self.functions.get(ref.name) if here else None
        fv = fn.version(wanted) if fn is not None else None
        if fn is None or fv is None:
            arn = f"arn:aws:lambda:{ref.region or self.region}:{ref.account or self.env.account_id}:function:{ref.name}"
            raise lambda_error("ResourceNotFoundException", f"Function not found: {arn}" + (f":{wanted}" if wanted else ""))
        return fn, fv, wanted

    def _session_credentials(self, role_arn: str, session_name: str) -> Credentials:
        """The execution role's temporary credentials (shaped as STS issues them)."""
        ids = self.env.ids
        role_name = role_arn.rsplit("/", 1)[-1]
        return Credentials(
            access_key_id="ASIA" + ids.hex(8).upper(),
            secret_access_key=ids.suffix(40),
            session_token=ids.suffix(64),
            principal=f"arn:aws:sts::{self.env.account_id}:assumed-role/{role_name}/{session_name}",
            role_arn=role_arn,
        )

    @staticmethod
    def _check_revision(revision_id: object, fv: FunctionVersion) -> None:
        if revision_id is not None and check_str(revision_id, "revisionId") != fv.revision_id:
            raise lambda_error("PreconditionFailedException", _PRECONDITION)

    def _new_version(self, fn_name: str, config: FunctionConfig, code: ZipCode | CallableCode, timing: KitTiming,
                     version: str = LATEST) -> FunctionVersion:
        return FunctionVersion(fn_name, self._function_arn(fn_name), self.region, version, config, code, timing,
                               self.env.clock.now, self.env.ids.uuid())

    def _publish(self, fn: Function) -> FunctionVersion:
        """Publish ``$LATEST`` as a numbered version, unless the newest one already matches it."""
        latest = fn.latest
        if fn.versions:
            newest = fn.versions[str(fn.next_version - 1)]
            if newest.config == latest.config and newest.code.sha256 == latest.code.sha256:
                return newest
        fv = self._new_version(fn.name, latest.config, latest.code, latest.timing, str(fn.next_version))
        fn.versions[fv.version] = fv
        fn.next_version += 1
        return fv

    # --------------------------------------------------------- create and read
    @operation("CreateFunction")
    def create_function(self, *, FunctionName: str, Role: str, Code: dict[str, Any], Runtime: str | None = None,
                        Handler: str | None = None, Description: str = "", Timeout: int = 3, MemorySize: int = 128,
                        Publish: bool = False, Environment: dict[str, Any] | None = None,
                        Tags: dict[str, str] | None = None, Architectures: list[str] | None = None,
                        PackageType: str = "Zip") -> dict[str, Any]:
        ref = parse_function_name(FunctionName, qualifier_ok=False)
        if PackageType != "Zip":
            raise lambda_error("InvalidParameterValueException", "secretkit models .zip packages only, not container images.")
        config = self._config(Role, Runtime, Handler, Description, Timeout, MemorySize, Environment, Architectures)
        tags = check_tags(Tags)
        check_bool(Publish, "publish")
        if ref.name in self.functions:
            raise lambda_error("ResourceConflictException", f"Function already exist: {ref.name}")
        code = ZipCode.from_zip(check_code(Code))
        self._assume_role(config.role, ref.name)  # a role Lambda cannot assume fails here, as on AWS
        fv = self._new_version(ref.name, config, code, KitTiming())
        fn = Function(ref.name, fv.arn, self.region, fv, tags=tags)
        self.functions[fn.name] = fn
        shown = self._publish(fn) if Publish else fv
        return shown.configuration(state="Pending", update=None)

    def _config(self, role: object, runtime: object, handler: object, description: object, timeout: object,
                memory: object, environment: object, architectures: object) -> FunctionConfig:
        role = check_role(role)
        if runtime is None or handler is None:
            raise lambda_error(
                "InvalidParameterValueException",
                "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
            )
        return FunctionConfig(
            runtime=check_runtime(runtime), role=role, handler=check_handler(handler),
            description=check_description(description), timeout=check_timeout(timeout),
            memory_size=check_memory(memory), variables=check_variables(environment),
            architectures=check_architectures(architectures) if architectures is not None else ("x86_64",),
        )

    @operation("GetFunction")
    def get_function(self, *, FunctionName: str, Qualifier: str | None = None) -> dict[str, Any]:
        fn, fv = self._find(FunctionName, Qualifier)
        location = (f"https://awslambda-{self.region}-tasks.s3.{self.region}.amazonaws.com/snapshots/"
                    f"{self.env.account_id}/{fn.name}-{fv.revision_id}")
        out: dict[str, Any] = {"Configuration": fv.configuration(), "Code": {"RepositoryType": "S3", "Location": location}}
        if fn.tags:
            out["Tags"] = dict(fn.tags)
        return out

    @operation("GetFunctionConfiguration")
    def get_function_configuration(self, *, FunctionName: str, Qualifier: str | None = None) -> dict[str, Any]:
        return self._find(FunctionName, Qualifier)[1].configuration()

    @operation("ListFunctions")
    def list_functions(self, *, Marker: str | None = None, MaxItems: int | None = None,
                       FunctionVersion: str | None = None, MasterRegion: str | None = None) -> dict[str, Any]:
        limit = check_int_range(MaxItems, "maxItems", 1, 10000) if MaxItems is not None else 50
        if FunctionVersion not in (None, "ALL"):
            raise validation_error(FunctionVersion, "functionVersion", "Member must satisfy enum value set: [ALL]")
        if MasterRegion is not None:
            raise lambda_error("InvalidParameterValueException", "secretkit does not model Lambda@Edge (MasterRegion).")
        rows: list[FunctionVersion] = []
        for name in sorted(self.functions):
            fn = self.functions[name]
            rows.append(fn.latest)
            if FunctionVersion == "ALL":
                rows.extend(fn.versions[v] for v in sorted(fn.versions, key=int))
        start = 0
        if Marker is not None:
            state = decode_token(Marker, "InvalidParameterValueException", "Invalid Marker: the marker is not valid.")
            start = state.get("i", 0) if isinstance(state.get("i"), int) else 0
        page = rows[start : start + limit]
        out: dict[str, Any] = {"Functions": [fv.configuration() for fv in page]}
        if start + limit < len(rows):
            out["NextMarker"] = encode_token({"i": start + limit})
        return out

    # ----------------------------------------------------------------- update
    @operation("UpdateFunctionCode")
    def update_function_code(self, *, FunctionName: str, ZipFile: bytes | None = None, S3Bucket: str | None = None,
                             S3Key: str | None = None, S3ObjectVersion: str | None = None, ImageUri: str | None = None,
                             Publish: bool = False, DryRun: bool = False, RevisionId: str | None = None,
                             Architectures: list[str] | None = None) -> dict[str, Any]:
        fn, fv = self._find(FunctionName, qualifier_ok=False)
        source: dict[str, Any] = {k: v for k, v in (("ZipFile", ZipFile), ("S3Bucket", S3Bucket), ("S3Key", S3Key),
                                                     ("ImageUri", ImageUri)) if v is not None}
        code = ZipCode.from_zip(check_code(source))
        architectures = check_architectures(Architectures) if Architectures is not None else fv.config.architectures
        check_bool(Publish, "publish")
        check_bool(DryRun, "dryRun")
        self._check_revision(RevisionId, fn.latest)
        config = dataclasses.replace(fn.latest.config, architectures=architectures)
        if DryRun:  # what the update would give, touching nothing (not even the id sequence)
            return dataclasses.replace(fn.latest, config=config, code=code, environment=None).configuration()
        new = self._new_version(fn.name, config, code, fn.latest.timing)
        fn.latest = new  # new code: the next invocation is a cold start
        shown = self._publish(fn) if Publish else new
        return shown.configuration(update="InProgress")

    @operation("UpdateFunctionConfiguration")
    def update_function_configuration(self, *, FunctionName: str, Role: str | None = None, Handler: str | None = None,
                                      Description: str | None = None, Timeout: int | None = None,
                                      MemorySize: int | None = None, Environment: dict[str, Any] | None = None,
                                      Runtime: str | None = None, RevisionId: str | None = None) -> dict[str, Any]:
        fn, _ = self._find(FunctionName, qualifier_ok=False)
        old = fn.latest.config
        config = FunctionConfig(
            runtime=check_runtime(Runtime) if Runtime is not None else old.runtime,
            role=check_role(Role) if Role is not None else old.role,
            handler=check_handler(Handler) if Handler is not None else old.handler,
            description=check_description(Description) if Description is not None else old.description,
            timeout=check_timeout(Timeout) if Timeout is not None else old.timeout,
            memory_size=check_memory(MemorySize) if MemorySize is not None else old.memory_size,
            variables=check_variables(Environment) if Environment is not None else old.variables,
            architectures=old.architectures,
        )
        self._check_revision(RevisionId, fn.latest)
        if config.role != old.role:
            self._assume_role(config.role, fn.name)
        fn.latest = self._new_version(fn.name, config, fn.latest.code, fn.latest.timing)  # a new cold start
        return fn.latest.configuration(update="InProgress")

    @operation("DeleteFunction")
    def delete_function(self, *, FunctionName: str, Qualifier: str | None = None) -> dict[str, Any]:
        fn, fv = self._find(FunctionName, Qualifier)
        if fv is fn.latest:
            del self.functions[fn.name]
        else:
            del fn.versions[fv.version]
            fn.policies.pop(fv.version, None)
        return {}

    # ---------------------------------------------------------------- invoking
    @operation("Invoke")
    def invoke(self, *, FunctionName: str, InvocationType: str = "RequestResponse", LogType: str = "None",
               ClientContext: str | None = None, Payload: Any = b"", Qualifier: str | None = None) -> dict[str, Any]:
        fn, fv, qualifier = self._locate(FunctionName, Qualifier, max_length=256)
        invoked = fn.arn + (f":{qualifier}" if qualifier else "")

        resolve = partial(self._resolve, fn, qualifier)  # a partial, not a closure: a saved Cloud keeps it
        return self._invoker.invoke(fn, fv, invocation_type=InvocationType, log_type=LogType, payload=Payload,
                                    client_context=ClientContext, invoked_arn=invoked, resolve=resolve)

    def _resolve(self, fn: Function, qualifier: str | None) -> FunctionVersion | None:  # None: fn deleted since
        current = self.functions.get(fn.name)
        return current.version(qualifier) if current is fn else None

    # ------------------------------------------------------------- permissions
    @operation("AddPermission")
    def add_permission(self, *, FunctionName: str, StatementId: str, Action: str, Principal: str,
                       SourceArn: str | None = None, SourceAccount: str | None = None,
                       EventSourceToken: str | None = None, Qualifier: str | None = None,
                       RevisionId: str | None = None, PrincipalOrgID: str | None = None) -> dict[str, Any]:
        fn, fv = self._find(FunctionName, Qualifier, max_length=256)
        sid = check_str(StatementId, "statementId")
        if not 1 <= len(sid) <= 100 or not all(c.isalnum() or c in "-_" for c in sid):
            raise validation_error(sid, "statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
        action = check_str(Action, "action")
        if not (action == "*" or action == "lambda:*" or (action.startswith("lambda:") and action[7:].isalpha())):
            raise validation_error(action, "action", "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])")
        principal = principal_block(check_str(Principal, "principal"), self.env.guard)
        condition: dict[str, dict[str, str]] = {}
        if SourceAccount is not None:
            account = check_str(SourceAccount, "sourceAccount")
            if not (len(account) == 12 and ascii_int(account, 12) is not None):
                raise validation_error(account, "sourceAccount", r"Member must satisfy regular expression pattern: \d{12}")
            condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = account
        if PrincipalOrgID is not None:
            condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = check_str(PrincipalOrgID, "principalOrgID")
        if SourceArn is not None:
            arn = check_str(SourceArn, "sourceArn")
            if not arn.startswith("arn:"):
                raise validation_error(arn, "sourceArn", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)")
            condition["ArnLike"] = {"AWS:SourceArn": arn}
        if EventSourceToken is not None:
            condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = check_str(EventSourceToken, "eventSourceToken")
        self._check_revision(RevisionId, fv)
        qualifier = fv.version if fv is not fn.latest else ""
        statement = Statement(sid, principal, action, fv.qualified_arn, condition)
        fn.policy(qualifier).add(statement)
        fv.revision_id = self.env.ids.uuid()
        return {"Statement": json.dumps(statement.document(), separators=(",", ":"))}

    @operation("RemovePermission")
    def remove_permission(self, *, FunctionName: str, StatementId: str, Qualifier: str | None = None,
                          RevisionId: str | None = None) -> dict[str, Any]:
        fn, fv = self._find(FunctionName, Qualifier, max_length=256)
        sid = check_str(StatementId, "statementId")
        self._check_revision(RevisionId, fv)
        policy = fn.policies.get(fv.version if fv is not fn.latest else "")
        if not policy:
            raise lambda_error("ResourceNotFoundException", "The resource you requested does not exist.")
        policy.remove(sid)
        fv.revision_id = self.env.ids.uuid()
        return {}

    @operation("GetPolicy")
    def get_policy(self, *, FunctionName: str, Qualifier: str | None = None) -> dict[str, Any]:
        fn, fv = self._find(FunctionName, Qualifier, max_length=256)
        policy = fn.policies.get(fv.version if fv is not fn.latest else "")
        if not policy:
            raise lambda_error("ResourceNotFoundException", "The resource you requested does not exist.")
        return {"Policy": policy.text(), "RevisionId": fv.revision_id}

    # ------------------------------------------------------------- kit-only
    def kit_deploy_callable(self, FunctionName: str, Handler: Callable[[Any, Any], Any], *, Role: str,
                            Runtime: str = "python3.12", Description: str = "", Timeout: int = 3,
                            MemorySize: int = 128, Environment: dict[str, Any] | None = None,
                            duration_ms: float | None = None, init_ms: float | None = None) -> dict[str, Any]:
        """Deploy a plain Python ``handler(event, context)`` as a function (kit-only, not AWS).

        It runs through the same runtime as a zip (environment, context, logs, boto3 to the
        Cloud), as its execution ``Role``, checked as CreateFunction checks it. Deploying
        again under the same name replaces its code and configuration.
        """
        ref = parse_function_name(FunctionName, qualifier_ok=False)
        if not callable(Handler):
            raise TypeError("Handler must be a callable taking (event, context)")
        code = CallableCode(Handler)
        config = self._config(Role, Runtime, code.label, Description, Timeout, MemorySize, Environment, None)
        self._assume_role(config.role, ref.name)  # a role Lambda cannot assume fails here, as CreateFunction does
        fn = self.functions.get(ref.name)
        timing = KitTiming() if fn is None else fn.latest.timing
        fv = self._new_version(ref.name, config, code, timing)
        if fn is None:
            fn = self.functions[ref.name] = Function(ref.name, fv.arn, self.region, fv)
        else:
            fn.latest = fv
        if duration_ms is not None or init_ms is not None:
            self.kit_set_timing(ref.name, duration_ms=duration_ms, init_ms=init_ms)
        return fn.latest.configuration()

    def kit_set_timing(self, FunctionName: str, *, duration_ms: float | None = None, init_ms: float | None = None) -> None:
        """Set a function's modelled compute and Init times (kit-only; see :mod:`~.timing`)."""
        fn, _ = self._find(FunctionName)
        for label, value in (("duration_ms", duration_ms), ("init_ms", init_ms)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                raise ValueError(f"{label} must be a non-negative number of milliseconds, got {value!r}")
        timing = fn.latest.timing
        fn.latest.timing = KitTiming(
            float(duration_ms) if duration_ms is not None else timing.duration_ms,
            float(init_ms) if init_ms is not None else timing.init_ms,
        )

    def kit_logs(self, FunctionName: str) -> list[str]:
        """The logs of the function's recent invocations, oldest first (kit-only)."""
        fn, _ = self._find(FunctionName)
        return [text for _, text in fn.logs]

    def kit_failures(self, FunctionName: str) -> FailurePlan:
        """The function's failure plan (kit-only): arm it to make chosen invocations fail.

        It belongs to the function, so it outlives code and configuration updates.
        """
        fn, _ = self._find(FunctionName)
        if fn.faults is None:
            fn.faults = FailurePlan()
        return fn.faults

    def may_invoke(self, FunctionName: str, *, principal: str, source_account: str | None = None,
                   source_arn: str | None = None) -> bool:
        """Whether the function exists and its resource policy lets the service ``principal``
        invoke it for this source (what a service checks before it relies on a function)."""
        try:
            fn, fv = self._find(FunctionName)
        except ClientError:
            return False
        policy = fn.policies.get(fv.version if fv is not fn.latest else "")
        return bool(policy) and policy.allows(principal, source_account=source_account, source_arn=source_arn)

    def invoke_as_service(self, FunctionName: str, event: Any, *, principal: str, source_account: str | None = None,
                          source_arn: str | None = None, note: dict[str, Any] | None = None) -> InvocationResult:
        """Invoke on behalf of an AWS service, if the function's policy lets ``principal`` do so.

        Raises ``AccessDeniedException`` otherwise; the calling service turns that into its
        own error (Secrets Manager: "Secrets Manager cannot invoke the specified Lambda
        function. Ensure that the function policy grants access to the principal ...").
        """
        fn, fv = self._permitted(FunctionName, principal, source_account, source_arn)
        return self._invoker.run(fn, fv, event, note=note)

    def queue_as_service(self, FunctionName: str, event: Any, *, principal: str, source_account: str | None = None,
                         source_arn: str | None = None, note: dict[str, Any] | None = None) -> None:
        """Invoke as an event (``InvocationType="Event"``) on behalf of an AWS service.

        The same policy check as :meth:`invoke_as_service`; the invocation then runs when
        the clock next moves, with Lambda's retries if it fails (see :mod:`~.invocation`).
        The event must fit Lambda's limit for asynchronous invocations.
        """
        fn, fv, qualifier = self._locate(FunctionName)
        self._permitted(FunctionName, principal, source_account, source_arn)
        decode_payload(json.dumps(event), "Event")

        resolve = partial(self._resolve, fn, qualifier)  # a partial, not a closure: a saved Cloud keeps it
        self._invoker.queue(fn, event, fv.qualified_arn, resolve, note=note)

    def _permitted(self, FunctionName: str, principal: str, source_account: str | None,
                   source_arn: str | None) -> tuple[Function, FunctionVersion]:
        fn, fv = self._find(FunctionName)
        if not self.may_invoke(FunctionName, principal=principal, source_account=source_account, source_arn=source_arn):
            raise lambda_error(
                "AccessDeniedException",
                f"{principal} is not authorized to perform: lambda:InvokeFunction on resource: {fv.qualified_arn} "
                "because no resource-based policy allows the lambda:InvokeFunction action",
            )
        return fn, fv

