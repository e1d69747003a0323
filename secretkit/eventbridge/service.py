"""EventBridge's rules API, one per region: scheduled rules that invoke Lambda functions.

Parameter Store has no rotation of its own. On AWS you rotate a parameter with a scheduled
rule whose target is a Lambda function, and the model does the same, through the same API
a student writes::

    events = cloud.client("events", region_name="us-east-1")
    rule_arn = events.put_rule(Name="rotate-db-password", ScheduleExpression="rate(30 days)")["RuleArn"]
    lam.add_permission(FunctionName="rotate-db-password", StatementId="events-invoke",
                       Action="lambda:InvokeFunction", Principal="events.amazonaws.com", SourceArn=rule_arn)
    events.put_targets(Rule="rotate-db-password", Targets=[{"Id": "1", "Arn": function_arn}])

Each time the simulated clock passes a firing instant, every target function is invoked
**asynchronously** (as ``InvocationType="Event"``: it runs as the clock moves on, and Lambda
retries it twice if it fails), after EventBridge checks that the function's resource policy
lets ``events.amazonaws.com`` invoke it for this rule (``SourceArn`` = the rule's ARN). A
target EventBridge may not invoke, or one that no longer exists, is not invoked; the model
logs a ``FailedInvocation`` notice, where AWS counts the rule's ``FailedInvocations`` metric.

Operations: PutRule (create or update; ``ScheduleExpression`` only), DescribeRule,
ListRules, EnableRule, DisableRule, DeleteRule (refused while targets remain: "Rule can't be
deleted since it has targets."), PutTargets, RemoveTargets and ListTargetsByRule, each
checking its arguments first and changing nothing when it fails. Only the ``default`` event
bus exists; targets are Lambda functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from ..core.checks import check_bool, check_enum, check_int, check_length, check_list, check_pattern, check_str
from ..core.checks import decode_token, encode_token, fail, loads_json
from ..core.context import note, touch
from ..core.expressions import ScheduleError, first_after, parse
from ..core.service import Env, Service, operation
from .access import RULES
from .rules import MAX_TARGETS, Rule, Target, scheduled_event

__all__ = ["EventBridge"]

_NAME_RE = re.compile(r"[\.\-_A-Za-z0-9]+")
_LAMBDA_ARN_RE = re.compile(r"arn:aws:lambda:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):function:[a-zA-Z0-9_-]{1,64}(?::[$\w-]+)?", re.ASCII)
_PRINCIPAL = "events.amazonaws.com"

#: ``functions(region)``: the Lambda service of a region (the Cloud hands it in).
Functions = Callable[[str], Any]


class EventBridge(Service):
    """The rules on one region's default event bus, and their firing."""

    service_name = "events"
    access = RULES  # what each operation is about, for access control (see .access)

    def __init__(self, env: Env, functions: Functions | None = None) -> None:
        super().__init__(env)
        self.functions = functions
        self.rules: dict[str, Rule] = {}

    # ------------------------------------------------------------------ checks
    def _not_found(self, name: str) -> Exception:
        return fail("ResourceNotFoundException", f"Rule {name} does not exist on EventBus default.")

    def _bus(self, bus: object) -> None:
        if bus is None:
            return
        name = check_str(bus, "EventBusName")
        check_length(name, "eventBusName", 1, 1600)
        if name not in ("default", f"arn:aws:events:{self.region}:{self.env.account_id}:event-bus/default"):
            raise fail("ResourceNotFoundException", f"Event bus {name} does not exist.")

    def _name(self, value: object, field: str = "name") -> str:
        name = check_str(value, field[0].upper() + field[1:])
        check_length(name, field, 1, 64)
        check_pattern(name, field, _NAME_RE)
        return name

    def _rule(self, value: object, bus: object, field: str = "name") -> Rule:
        name = self._name(value, field)
        self._bus(bus)
        rule = self.rules.get(name)
        if rule is None:
            raise self._not_found(name)
        touch(rule.arn)
        return rule

    # ------------------------------------------------------------------ rules
    @operation("PutRule")
    def put_rule(self, *, Name: str, ScheduleExpression: str | None = None, EventPattern: str | None = None,
                 State: str | None = None, Description: str | None = None, RoleArn: str | None = None,
                 Tags: list[dict[str, str]] | None = None, EventBusName: str | None = None) -> dict[str, Any]:
        name = self._name(Name)
        self._bus(EventBusName)
        if EventPattern is not None:
            raise fail("ValidationException", "secretkit models scheduled rules only: EventPattern is not supported.")
        if ScheduleExpression is None:
            raise fail("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        check_length(check_str(ScheduleExpression, "ScheduleExpression"), "scheduleExpression", 0, 256)
        try:
            schedule = parse(ScheduleExpression)
        except ScheduleError:
            raise fail("ValidationException", "Parameter ScheduleExpression is not valid.") from None
        if first_after(schedule, self.env.clock.now) is None:  # a cron() of years gone by
            raise fail("ValidationException", "Parameter ScheduleExpression is not valid.")
        if State is not None:
            check_enum(State, "state", ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"))
        if Description is not None:
            check_length(check_str(Description, "Description"), "description", 0, 512)
        if RoleArn is not None:
            check_length(check_str(RoleArn, "RoleArn"), "roleArn", 1, 1600)
        tags = self._tags(Tags) if Tags is not None else None
        rule = self.rules.get(name)
        if rule is None:
            rule = self.rules[name] = Rule(name, self._arn(f"rule/{name}"), self.region, self.env.account_id, schedule,
                                           State or "ENABLED")
        else:  # PutRule on an existing rule updates it; its targets stay
            rule.schedule = schedule
            rule.state = State or rule.state
        rule.description = Description if Description is not None else rule.description
        rule.role_arn = RoleArn if RoleArn is not None else rule.role_arn
        if tags is not None:
            rule.tags.update(tags)
        touch(rule.arn)
        note(ScheduleExpression=ScheduleExpression)
        self._arm(rule)
        return {"RuleArn": rule.arn}

    @staticmethod
    def _tags(tags: object) -> dict[str, str]:
        out: dict[str, str] = {}
        for tag in check_list(tags, "Tags", 0, 50):
            if not isinstance(tag, dict) or set(tag) != {"Key", "Value"}:
                raise fail("ValidationException", "Each tag needs exactly a Key and a Value.")
            check_length(check_str(tag["Key"], "Key"), "key", 1, 128)
            check_length(check_str(tag["Value"], "Value"), "value", 0, 256)
            out[tag["Key"]] = tag["Value"]
        return out

    @operation("DescribeRule")
    def describe_rule(self, *, Name: str, EventBusName: str | None = None) -> dict[str, Any]:
        return self._rule(Name, EventBusName).describe()

    @operation("ListRules")
    def list_rules(self, *, NamePrefix: str | None = None, EventBusName: str | None = None,
                   NextToken: str | None = None, Limit: int | None = None) -> dict[str, Any]:
        self._bus(EventBusName)
        prefix = self._name(NamePrefix, "namePrefix") if NamePrefix is not None else ""
        limit = check_int(Limit, "limit", 1, 100) if Limit is not None else 100
        start = 0
        if NextToken is not None:
            start = decode_token(NextToken, "ValidationException").get("i", 0)
            if not isinstance(start, int) or start < 0:
                raise fail("ValidationException", "The NextToken value is not valid.")
        names = [n for n in sorted(self.rules) if n.startswith(prefix)]
        page = names[start : start + limit]
        out: dict[str, Any] = {"Rules": [self._listed(self.rules[n]) for n in page]}
        if start + limit < len(names):
            out["NextToken"] = encode_token({"i": start + limit})
        return out

    @staticmethod
    def _listed(rule: Rule) -> dict[str, Any]:
        shown = rule.describe()
        shown.pop("CreatedBy")
        return shown

    @operation("EnableRule")
    def enable_rule(self, *, Name: str, EventBusName: str | None = None) -> dict[str, Any]:
        rule = self._rule(Name, EventBusName)
        if not rule.enabled:
            rule.state = "ENABLED"
            self._arm(rule)
        return {}

    @operation("DisableRule")
    def disable_rule(self, *, Name: str, EventBusName: str | None = None) -> dict[str, Any]:
        rule = self._rule(Name, EventBusName)
        rule.state = "DISABLED"
        rule.disarm()
        return {}

    @operation("DeleteRule")
    def delete_rule(self, *, Name: str, EventBusName: str | None = None, Force: bool = False) -> dict[str, Any]:
        name = self._name(Name)
        self._bus(EventBusName)
        check_bool(Force, "Force")
        rule = self.rules.get(name)
        if rule is None:  # deleting a rule that is not there succeeds, as on AWS
            return {}
        touch(rule.arn)
        if rule.targets:
            raise fail("ValidationException", "Rule can't be deleted since it has targets.")
        rule.disarm()
        del self.rules[name]
        return {}

    # ------------------------------------------------------------------ targets
    @operation("PutTargets")
    def put_targets(self, *, Rule: str, Targets: list[dict[str, Any]], EventBusName: str | None = None) -> dict[str, Any]:
        rule = self._rule(Rule, EventBusName, "rule")
        new = [self._target(t) for t in check_list(Targets, "Targets", 1, 100)]
        ids = [t.id for t in new]
        if len(set(ids)) != len(ids):
            raise fail("ValidationException", "Target ids must be unique within one request.")
        if len(set(rule.targets) | set(ids)) > MAX_TARGETS:
            raise fail("LimitExceededException", f"The requested resource exceeds the maximum number allowed ({MAX_TARGETS} targets per rule).")
        for target in new:
            rule.targets[target.id] = target
        return {"FailedEntryCount": 0, "FailedEntries": []}

    def _target(self, value: object) -> Target:
        if not isinstance(value, dict):
            raise fail("ValidationException", "Each target must be a structure with Id and Arn.")
        unknown = set(value) - {"Id", "Arn", "Input", "RoleArn"}
        if unknown:
            raise fail("ValidationException",
                       f"secretkit's targets take Id, Arn, Input and RoleArn only, not {', '.join(sorted(unknown))}.")
        if "Id" not in value or "Arn" not in value:
            raise fail("ValidationException", "Each target needs an Id and an Arn.")
        target_id = self._name(value["Id"], "id")
        arn = check_str(value["Arn"], "Arn")
        check_length(arn, "arn", 1, 1600)
        if not _LAMBDA_ARN_RE.fullmatch(arn):
            raise fail("ValidationException", f"secretkit's rules invoke Lambda functions only; {arn} is not a function ARN.")
        text = value.get("Input")
        if text is not None:
            check_length(check_str(text, "Input"), "input", 0, 8192)
            try:
                loads_json(text)
            except ValueError:
                raise fail("ValidationException", "Target Input is not valid JSON text.") from None
        role = value.get("RoleArn")
        if role is not None:
            check_length(check_str(role, "RoleArn"), "roleArn", 1, 1600)
        return Target(target_id, arn, text, role)

    @operation("RemoveTargets")
    def remove_targets(self, *, Rule: str, Ids: list[str], EventBusName: str | None = None,
                       Force: bool = False) -> dict[str, Any]:
        rule = self._rule(Rule, EventBusName, "rule")
        ids = [self._name(i, "id") for i in check_list(Ids, "Ids", 1, 100)]
        check_bool(Force, "Force")
        failed = [{"TargetId": i, "ErrorCode": "ResourceNotFoundException",
                   "ErrorMessage": f"Target {i} does not exist on rule {rule.name}."} for i in ids if i not in rule.targets]
        for target_id in ids:
            rule.targets.pop(target_id, None)
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    @operation("ListTargetsByRule")
    def list_targets_by_rule(self, *, Rule: str, EventBusName: str | None = None, NextToken: str | None = None,
                             Limit: int | None = None) -> dict[str, Any]:
        rule = self._rule(Rule, EventBusName, "rule")
        limit = check_int(Limit, "limit", 1, 100) if Limit is not None else 100
        start = decode_token(NextToken, "ValidationException").get("i", 0) if NextToken is not None else 0
        if type(start) is not int or start < 0:
            raise fail("ValidationException", "The NextToken value is not valid.")
        targets = list(rule.targets.values())
        out: dict[str, Any] = {"Targets": [t.describe() for t in targets[start : start + limit]]}
        if start + limit < len(targets):
            out["NextToken"] = encode_token({"i": start + limit})
        return out

    # ------------------------------------------------------------------ firing
    def _arm(self, rule: Rule) -> None:
        """(Re)start the rule's timer at its schedule's next instant after now."""
        rule.disarm()
        if not rule.enabled:
            return
        clock = self.env.clock
        rule.next_fire = first_after(rule.schedule, clock.now)
        if rule.next_fire is None:
            return  # the schedule has no instant left (its last year is over): the rule stays, quiet
        rule.timer = clock.schedule(rule.next_fire, partial(self._fire, rule), label=f"rule {rule.name}")

    def _fire(self, rule: Rule) -> None:
        rule.timer = None
        if self.rules.get(rule.name) is not rule or not rule.enabled:
            return
        rule.fired += 1
        now = self.env.clock.now
        for target in list(rule.targets.values()):
            event = json.loads(target.input) if target.input is not None else scheduled_event(rule, self.env.ids.uuid(), now)
            self._deliver(rule, target, event)
        self._arm(rule)

    def _deliver(self, rule: Rule, target: Target, event: Any) -> None:
        """Hand the event to the target function, asynchronously, if its policy allows EventBridge."""
        region = target.arn.split(":")[3]
        try:
            if self.functions is None:
                raise LookupError("this EventBridge was built without a way to reach Lambda")
            lam = self.functions(region)
            lam.queue_as_service(target.arn, event, principal=_PRINCIPAL, source_account=self.env.account_id,
                                 source_arn=rule.arn, note={"rule": rule.arn, "target": target.id})
        except Exception as exc:  # noqa: BLE001 - a target that cannot be invoked never stops the schedule
            detail = {"rule": rule.name, "target": target.id, "error": f"{type(exc).__name__}: {exc}"[:300]}
            self.env.events.record(self.env.clock.now, "notice", self.region, "events", "FailedInvocation", "Failed",
                                   rule.arn, detail)
