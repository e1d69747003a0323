"""CloudFormation, one per region: stacks from templates, change sets, exports.

The methods are CloudFormation's operations under boto3's names, taking AWS's
PascalCase keyword arguments and returning boto3-shaped dicts::

    cfn = CloudFormation(env, services=..., ssm_parameter_value=..., resolvers=...)
    cfn.create_stack(StackName="app", TemplateBody=text, Parameters=[...])
    cfn.describe_stacks(StackName="app")["Stacks"][0]["StackStatus"]   # 'CREATE_COMPLETE'

Its collaborators come in through the constructor: the region's :class:`Env` (clock,
seeded ids, event log), the ``services`` the resource types call (as the account's own
principal, so their calls show in the event log and the cost meter like any other),
``ssm_parameter_value`` for ``AWS::SSM::Parameter::Value<...>`` parameters, and the
dynamic-reference ``resolvers``. Every stack operation completes inside its call (see
:mod:`.engine`). Bad input gets CloudFormation's error and changes nothing.

Read-only operations live in :mod:`.reads`.
"""

from __future__ import annotations

from typing import Any, Callable

from .basis import Env, Service, fail, operation
from .changes import plan
from .dynamic import Resolvers
from .engine import Engine
from .parameters import check_given
from .preparation import Prepared, prepare
from .reads import ReadOperations
from .resources.base import StackServices
from .scope import Scope
from .stacks import IN_PROGRESS, TERMINAL_FAILED, ChangeSet, Stack
from .store import StackStore, check_stack_name
from .template import Template, load
from .updates import update

__all__ = ["CloudFormation", "NO_CHANGES", "NO_UPDATES"]

NO_UPDATES = "No updates are to be performed."
NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."
_ON_FAILURE = ("DO_NOTHING", "ROLLBACK", "DELETE")


def _strings(value: object, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise fail("ValidationError", f"{name} must be a list of strings.")
    return list(value)


def _tags(value: object) -> list[dict[str, str]] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(isinstance(t, dict) and "Key" in t and "Value" in t for t in value):
        raise fail("ValidationError", "Tags must be a list of {Key, Value} structures.")
    return [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in value]


class CloudFormation(ReadOperations, Service):
    """The CloudFormation of one region (see the module docstring)."""

    service_name = "cloudformation"

    def __init__(
        self,
        env: Env,
        *,
        services: StackServices,
        ssm_parameter_value: Callable[[str], str | None],
        resolvers: Resolvers,
    ) -> None:
        super().__init__(env)
        self.store = StackStore()
        self.ssm_parameter_value = ssm_parameter_value
        self.resolvers = resolvers
        self.engine = Engine(
            region=env.region, account_id=env.account_id, clock=env.clock, ids=env.ids, services=services, resolvers=resolvers
        )

    # ----------------------------------------------------------------- helpers
    def _prepare(
        self, stack: Stack, body: str | Template, parameters: object, previous: dict[str, str] | None,
        capabilities: list[str], via_change_set: bool,
    ) -> Prepared:
        return prepare(
            stack, body, check_given(parameters), previous, capabilities,
            region=self.region, account_id=self.env.account_id, via_change_set=via_change_set,
            ssm_value=self.ssm_parameter_value, import_value=self.store.import_value, resolvers=self.resolvers,
        )

    def _body(self, stack: Stack | None, body: object, url: object, use_previous: object) -> str | Template:
        given = [x for x in (body, url) if x is not None]
        if use_previous:
            if given:
                raise fail("ValidationError", "You cannot specify both usePreviousTemplate and Template Body/Template URL.")
            if stack is None or stack.template is None:
                raise fail("ValidationError", "UsePreviousTemplate can only be used with an existing stack.")
            return stack.template
        if url is not None:
            raise fail("ValidationError", "secretkit has no S3 to read TemplateURL from; pass the template as TemplateBody.")
        if body is None:
            raise fail("ValidationError", "Either Template URL or Template Body must be specified.")
        return str(body) if isinstance(body, str) else body  # type: ignore[return-value]

    def _new_stack(self, name: str) -> Stack:
        stack_id = f"arn:aws:cloudformation:{self.region}:{self.env.account_id}:stack/{name}/{self.env.ids.uuid()}"
        return Stack(stack_id, name, self.env.clock.now)

    def _finish(self, stack: Stack) -> Callable[[Scope], str | None]:
        def finish(scope: Scope) -> str | None:
            try:
                outputs = scope.outputs()
            except Exception as exc:  # noqa: BLE001 - an output that cannot be evaluated fails the operation
                return str(exc)
            return self.store.publish(stack, outputs, scope.imported)

        return finish

    def _same(self, stack: Stack, prepared: Prepared, tags: list[dict[str, str]] | None) -> bool:
        assert stack.template is not None
        if prepared.template.data != stack.template.data or (tags is not None and tags != stack.tags):
            return False
        old = {k: (v.value, v.resolved) for k, v in stack.parameters.items()}
        return old == {k: (v.value, v.resolved) for k, v in prepared.parameters.items()}

    def _updatable(self, stack: Stack) -> None:
        if stack.status in TERMINAL_FAILED or stack.status in IN_PROGRESS or stack.status in (
            "REVIEW_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"
        ):
            raise fail("ValidationError", f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated.")

    def _check_types_kept(self, stack: Stack, template: Template) -> None:
        changed = [
            lid for lid, spec in template.resources.items()
            if lid in stack.resources and stack.resources[lid].resource_type != spec.type
        ]
        if changed:
            raise fail(
                "ValidationError",
                "Update of resource type is not permitted. The new template modifies resource type of the "
                f"following resources: [{', '.join(changed)}]",
            )

    def _run_create(self, stack: Stack, prepared: Prepared, on_failure: str) -> None:
        stack.template, stack.parameters = prepared.template, prepared.parameters
        stack.conditions = dict(prepared.scope.conditions)
        stack.version += 1
        self.engine.create(stack, prepared.scope, on_failure, self._finish(stack), prepared.cache)
        if stack.status == "DELETE_COMPLETE":
            self.store.retire(stack)

    def _run_update(self, stack: Stack, prepared: Prepared, disable_rollback: bool, tags: list[dict[str, str]] | None) -> None:
        assert stack.template is not None
        old = Scope(stack, stack.template, stack.parameters, region=self.region, account_id=self.env.account_id,
                    import_value=self.store.import_value)
        stack.version += 1
        stack.updated = self.env.clock.now
        done = update(self.engine, stack, old, prepared.scope, disable_rollback, self._finish(stack), prepared.cache)
        if done or stack.status == "UPDATE_FAILED":
            stack.template, stack.parameters = prepared.template, prepared.parameters
            stack.conditions = dict(prepared.scope.conditions)
            if tags is not None:
                stack.tags = tags

    # ------------------------------------------------------------------ stacks
    @operation("CreateStack")
    def create_stack(
        self, *, StackName: str, TemplateBody: str | None = None, TemplateURL: str | None = None,
        Parameters: list[dict[str, Any]] | None = None, DisableRollback: bool | None = None,
        OnFailure: str | None = None, Capabilities: list[str] | None = None, Tags: list[dict[str, str]] | None = None,
        TimeoutInMinutes: int | None = None, NotificationARNs: list[str] | None = None, RoleARN: str | None = None,
        EnableTerminationProtection: bool = False, ClientRequestToken: str | None = None,
        RetainExceptOnCreate: bool | None = None, **_ignored: Any,
    ) -> dict[str, Any]:
        name = check_stack_name(StackName)
        if DisableRollback is not None and OnFailure is not None:
            raise fail("ValidationError", "You cannot specify both DisableRollback and OnFailure.")
        if OnFailure is not None and OnFailure not in _ON_FAILURE:
            raise fail("ValidationError", f"OnFailure must be one of {', '.join(_ON_FAILURE)}")
        on_failure = OnFailure or ("DO_NOTHING" if DisableRollback else "ROLLBACK")
        if name in self.store.by_name:
            raise fail("AlreadyExistsException", f"Stack [{name}] already exists")
        capabilities = _strings(Capabilities, "Capabilities")
        tags = _tags(Tags) or []
        notification_arns = _strings(NotificationARNs, "NotificationARNs")
        body = self._body(None, TemplateBody, TemplateURL, False)
        with self.env.ids.given_back_on_error():  # a template refused leaves no stack id drawn
            stack = self._new_stack(name)
            prepared = self._prepare(stack, body, Parameters, None, capabilities, False)
        stack.capabilities, stack.tags = capabilities, tags
        stack.notification_arns = notification_arns
        stack.disable_rollback = on_failure == "DO_NOTHING"
        stack.termination_protection = bool(EnableTerminationProtection)
        stack.role_arn, stack.timeout = RoleARN, TimeoutInMinutes
        self.store.add(stack)
        self._run_create(stack, prepared, on_failure)
        return {"StackId": stack.stack_id}

    @operation("UpdateStack")
    def update_stack(
        self, *, StackName: str, TemplateBody: str | None = None, TemplateURL: str | None = None,
        UsePreviousTemplate: bool | None = None, Parameters: list[dict[str, Any]] | None = None,
        Capabilities: list[str] | None = None, Tags: list[dict[str, str]] | None = None,
        DisableRollback: bool | None = None, NotificationARNs: list[str] | None = None,
        ClientRequestToken: str | None = None, **_ignored: Any,
    ) -> dict[str, Any]:
        stack = self.store.find(StackName)
        if stack is None:
            raise fail("ValidationError", f"Stack [{StackName}] does not exist")
        self._updatable(stack)
        capabilities = _strings(Capabilities, "Capabilities")
        tags = _tags(Tags)
        body = self._body(stack, TemplateBody, TemplateURL, UsePreviousTemplate)
        previous = {k: v.value for k, v in stack.parameters.items()}
        prepared = self._prepare(stack, body, Parameters, previous, capabilities, False)
        self._check_types_kept(stack, prepared.template)
        if self._same(stack, prepared, tags):
            raise fail("ValidationError", NO_UPDATES)
        stack.capabilities = capabilities
        if NotificationARNs is not None:
            stack.notification_arns = _strings(NotificationARNs, "NotificationARNs")
        self._run_update(stack, prepared, bool(DisableRollback), tags)
        return {"StackId": stack.stack_id}

    @operation("DeleteStack")
    def delete_stack(
        self, *, StackName: str, RetainResources: list[str] | None = None, RoleARN: str | None = None,
        ClientRequestToken: str | None = None, **_ignored: Any,
    ) -> dict[str, Any]:
        stack = self.store.find(StackName)
        if stack is None or stack.status == "DELETE_COMPLETE":
            return {}  # deleting a stack that is not there succeeds, as on AWS
        if stack.termination_protection:
            raise fail("ValidationError", f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled")
        keep = frozenset(_strings(RetainResources, "RetainResources"))
        if keep and stack.status != "DELETE_FAILED":
            raise fail(
                "ValidationError",
                f"Invalid operation on stack [{stack.stack_id}]. RetainResources can only be specified when the stack is in the DELETE_FAILED state",
            )
        blocked = self.store.blocking_imports(stack)
        if blocked is not None:
            self.engine.stack_event(stack, "DELETE_IN_PROGRESS", "User Initiated")
            self.engine.stack_event(stack, "DELETE_FAILED", blocked)
            return {}
        scope = None
        if stack.template is not None:
            scope = Scope(stack, stack.template, stack.parameters, region=self.region, account_id=self.env.account_id,
                          import_value=self.store.import_value)
        stack.version += 1
        self.engine.delete(stack, scope, keep)
        if stack.status == "DELETE_COMPLETE":
            self.store.retire(stack)
        return {}

    @operation("UpdateTerminationProtection")
    def update_termination_protection(self, *, EnableTerminationProtection: bool, StackName: str) -> dict[str, Any]:
        stack = self.store.get(StackName)
        stack.termination_protection = bool(EnableTerminationProtection)
        return {"StackId": stack.stack_id}

    # ------------------------------------------------------------- change sets
    @operation("CreateChangeSet")
    def create_change_set(
        self, *, StackName: str, ChangeSetName: str, TemplateBody: str | None = None, TemplateURL: str | None = None,
        UsePreviousTemplate: bool | None = None, Parameters: list[dict[str, Any]] | None = None,
        Capabilities: list[str] | None = None, Tags: list[dict[str, str]] | None = None,
        ChangeSetType: str = "UPDATE", Description: str | None = None, NotificationARNs: list[str] | None = None,
        **_ignored: Any,
    ) -> dict[str, Any]:
        name = check_stack_name(StackName)
        cs_name = check_stack_name(ChangeSetName, "changeSetName")
        if ChangeSetType not in ("CREATE", "UPDATE"):
            raise fail("ValidationError", "ChangeSetType must be CREATE or UPDATE (secretkit does not model IMPORT).")
        stack = self.store.find(name)
        with self.env.ids.given_back_on_error():  # refused: no stack id drawn for a new stack
            if ChangeSetType == "CREATE":
                if stack is not None and stack.status != "REVIEW_IN_PROGRESS":
                    raise fail("ValidationError", f"Stack [{name}] already exists and cannot be created again with the changeSet [{cs_name}].")
                fresh = stack is None
                stack = stack or self._new_stack(name)
            else:
                if stack is None:
                    raise fail("ValidationError", f"Stack [{name}] does not exist")
                self._updatable(stack)
                fresh = False
            if any(cs.stack_id == stack.stack_id and cs.name == cs_name for cs in self.store.change_sets.values()):
                raise fail("AlreadyExistsException", f"ChangeSet {cs_name} already exists")
            capabilities = _strings(Capabilities, "Capabilities")
            tags = _tags(Tags)
            body = self._body(None if ChangeSetType == "CREATE" else stack, TemplateBody, TemplateURL, UsePreviousTemplate)
            previous = {k: v.value for k, v in stack.parameters.items()} if ChangeSetType == "UPDATE" else None
            prepared = self._prepare(stack, body, Parameters, previous, capabilities, True)
            if ChangeSetType == "UPDATE":
                self._check_types_kept(stack, prepared.template)
            raw = {lid: dict(spec.properties) for lid, spec in stack.template.resources.items()} if stack.template else {}
            changes = [c.to_api() for c in plan(prepared.scope, raw)]
        prepared.scope.pending = set()
        cs_id = f"arn:aws:cloudformation:{self.region}:{self.env.account_id}:changeSet/{cs_name}/{self.env.ids.uuid()}"
        change_set = ChangeSet(
            cs_id, cs_name, stack.stack_id, stack.name, ChangeSetType, self.env.clock.now, prepared.template,
            prepared.parameters, capabilities, tags if tags is not None else list(stack.tags), changes, Description,
            notification_arns=_strings(NotificationARNs, "NotificationARNs"), stack_version=stack.version,
        )
        if ChangeSetType == "UPDATE" and self._same(stack, prepared, tags):
            change_set.status, change_set.status_reason, change_set.execution_status = "FAILED", NO_CHANGES, "UNAVAILABLE"
        if fresh:
            self.store.add(stack)
            self.engine.stack_event(stack, "REVIEW_IN_PROGRESS", "User Initiated")
        self.store.change_sets[cs_id] = change_set
        return {"Id": cs_id, "StackId": stack.stack_id}

    @operation("ExecuteChangeSet")
    def execute_change_set(
        self, *, ChangeSetName: str, StackName: str | None = None, DisableRollback: bool | None = None,
        ClientRequestToken: str | None = None, **_ignored: Any,
    ) -> dict[str, Any]:
        change_set = self.store.change_set(ChangeSetName, StackName)
        stack = self.store.by_id[change_set.stack_id]
        if change_set.execution_status == "AVAILABLE" and stack.version != change_set.stack_version:
            change_set.execution_status = "OBSOLETE"
        if change_set.execution_status != "AVAILABLE":
            raise fail(
                "InvalidChangeSetStatus",
                f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of [{change_set.execution_status}]",
            )
        prepared = self._prepare(
            stack, change_set.template, [{"ParameterKey": k, "ParameterValue": v.value} for k, v in change_set.parameters.items()],
            None, change_set.capabilities, True,
        )
        stack.capabilities = change_set.capabilities
        if change_set.change_set_type == "CREATE":
            stack.tags, stack.notification_arns = change_set.tags, change_set.notification_arns
            stack.disable_rollback = bool(DisableRollback)
            self._run_create(stack, prepared, "DO_NOTHING" if DisableRollback else "ROLLBACK")
            ok = stack.status == "CREATE_COMPLETE"
        else:
            self._run_update(stack, prepared, bool(DisableRollback), change_set.tags)
            ok = stack.status == "UPDATE_COMPLETE"
        change_set.execution_status = "EXECUTE_COMPLETE" if ok else "EXECUTE_FAILED"
        for other in self.store.change_sets.values():
            if other is not change_set and other.stack_id == stack.stack_id and other.execution_status == "AVAILABLE":
                other.execution_status = "OBSOLETE"
        return {}

    @operation("DeleteChangeSet")
    def delete_change_set(self, *, ChangeSetName: str, StackName: str | None = None) -> dict[str, Any]:
        change_set = self.store.change_set(ChangeSetName, StackName)
        if change_set.execution_status == "EXECUTE_IN_PROGRESS":
            raise fail("InvalidChangeSetStatus", f"ChangeSet [{change_set.change_set_id}] cannot be deleted in its current status of [EXECUTE_IN_PROGRESS]")
        del self.store.change_sets[change_set.change_set_id]
        return {}

    # --------------------------------------------------------------- templates
    @operation("ValidateTemplate")
    def validate_template(self, *, TemplateBody: str | None = None, TemplateURL: str | None = None) -> dict[str, Any]:
        body = self._body(None, TemplateBody, TemplateURL, False)
        template = body if isinstance(body, Template) else load(body, self.region)
        return self.template_summary(template)
