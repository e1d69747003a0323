"""The request context: each call keeps its own facts, nested calls inherit the caller, and
the event log records who made every call."""

from __future__ import annotations

import dataclasses
import json
import threading

import pytest
from _lambda_support import lambda_role
from _rotation_support import make_setup

from secretkit import Cloud
from secretkit.core import context
from secretkit.core.checks import fail
from secretkit.core.clock import SimClock
from secretkit.core.errors import ClientError
from secretkit.core.events import EventLog
from secretkit.core.ids import Ids
from secretkit.core.service import Env, Service, operation
from secretkit.secretsmanager.replication import REPLICATION_LAG

ROOT = "arn:aws:iam::123456789012:root"
ALICE = "arn:aws:iam::123456789012:user/alice"


class Probe(Service):
    """A tiny service whose operations report the context they ran in."""

    service_name = "probe"

    def __init__(self, env: Env) -> None:
        super().__init__(env)
        self.seen: list[context.RequestContext] = []
        self.inner: Probe | None = None
        self.gate: tuple[threading.Event, threading.Event] | None = None

    @operation("Touch")
    def touch(self, *, Arn: str, Fail: bool = False, Nested: bool = False, Wait: bool = False) -> dict[str, str]:
        ctx = context.current()
        assert ctx is not None
        self.seen.append(ctx)
        context.touch(Arn, step=1)
        context.note(more="yes")
        if Wait and self.gate is not None:
            started, release = self.gate
            started.set()
            release.wait(5)
        if Nested and self.inner is not None:
            self.inner.touch(Arn=Arn + "/inner")
        if Fail:
            raise fail("ValidationException", "it failed on purpose")
        return {"Arn": Arn}


@pytest.fixture
def probe() -> Probe:
    return Probe(Env("us-west-2", SimClock("2026-01-01"), Ids(0), EventLog()))


def test_a_call_runs_in_a_context_of_its_own_and_is_logged_from_it(probe):
    assert context.current() is None
    probe.touch(Arn="arn:x")
    assert context.current() is None  # restored when the call ended
    ctx = probe.seen[0]
    assert (ctx.service, ctx.operation, ctx.region, ctx.account_id) == ("probe", "Touch", "us-west-2", "123456789012")
    assert ctx.principal == ROOT and ctx.parent is None and ctx.via is None
    event = probe.env.events[-1]
    assert (event.kind, event.operation, event.outcome, event.resource) == ("call", "Touch", "OK", "arn:x")
    assert dict(event.detail) == {"step": 1, "more": "yes"}
    assert event.principal == ROOT


def test_a_failed_call_is_logged_with_its_code_and_the_context_is_restored(probe):
    with pytest.raises(ClientError) as info:
        probe.touch(Arn="arn:bad", Fail=True)
    assert info.value.operation_name == "Touch"
    assert context.current() is None
    event = probe.env.events[-1]
    assert (event.outcome, event.resource, event.principal) == ("ValidationException", "arn:bad", ROOT)


def test_a_nested_call_has_its_own_context_and_inherits_the_principal(probe):
    probe.inner = Probe(probe.env)
    with context.caller(ALICE):
        probe.touch(Arn="arn:outer", Nested=True)
    outer, inner = probe.seen[0], probe.inner.seen[0]
    assert inner.parent is outer and inner is not outer
    assert outer.principal == inner.principal == ALICE
    inner_event, outer_event = probe.env.events[-2], probe.env.events[-1]
    # The inner call touched its own resource; the outer call's record is not disturbed by it.
    assert (inner_event.resource, outer_event.resource) == ("arn:outer/inner", "arn:outer")
    assert (inner_event.principal, outer_event.principal) == (ALICE, ALICE)


def test_the_decorator_fills_in_every_field_of_the_context(probe):
    # The decorator sets each field itself instead of calling RequestContext(...) (see
    # core.service): a field added to RequestContext must be set there too, or reading it fails.
    probe.touch(Arn="arn:x")
    ctx = probe.seen[0]
    assert isinstance(ctx, context.RequestContext) and repr(ctx).startswith("RequestContext(")
    made = context.RequestContext("probe", "Touch", "us-west-2", "123456789012", ROOT, None)
    made.resource, made.detail = "arn:x", {"step": 1, "more": "yes"}
    for field in dataclasses.fields(context.RequestContext):
        assert getattr(ctx, field.name) == getattr(made, field.name), field.name


def test_touch_one_sets_the_resource_and_adds_one_fact(probe):
    class One(Service):
        service_name = "probe"

        @operation("One")
        def one(self) -> dict:
            context.note(first=1)
            context.touch_one("arn:one", "tier", "Advanced")
            return {}

    One(probe.env).one()
    event = probe.env.events[-1]
    assert (event.resource, dict(event.detail)) == ("arn:one", {"first": 1, "tier": "Advanced"})
    context.touch_one("arn:outside", "tier", "Standard")  # outside a call: nothing happens
    assert len(probe.env.events) == 1 and context.current() is None


def test_touch_and_note_do_nothing_outside_a_call():
    context.touch("arn:nowhere", x=1)
    context.note(y=2)
    assert context.current() is None


def test_overlapping_calls_in_two_threads_keep_their_own_facts(probe):
    started, release = threading.Event(), threading.Event()
    probe.gate = (started, release)
    slow = threading.Thread(target=probe.touch, kwargs={"Arn": "arn:slow", "Wait": True})
    slow.start()
    assert started.wait(5)
    probe.gate = None
    with context.caller(ALICE):
        probe.touch(Arn="arn:fast")  # runs while the slow call is still open
    release.set()
    slow.join(5)
    by_resource = {e.resource: e for e in probe.env.events}
    assert by_resource["arn:fast"].principal == ALICE
    assert by_resource["arn:slow"].principal == ROOT
    assert set(by_resource) == {"arn:slow", "arn:fast"}


def test_caller_is_one_entry_point_and_checks_its_principal():
    with pytest.raises(ValueError):
        context.caller("")
    block = context.caller(ALICE)
    with block:
        with pytest.raises(RuntimeError):
            block.__enter__()
    with block:  # reusable once closed
        pass


def test_calls_through_boto3_and_direct_calls_record_the_root_user():
    cloud = Cloud(seed=0)
    cloud.client("secretsmanager").create_secret(Name="a", SecretString="1")
    cloud.secretsmanager().get_secret_value(SecretId="a")
    calls = cloud.events.calls()
    # A call is logged when it ends, so the KMS call made inside comes first.
    assert [e.operation for e in calls] == ["GenerateDataKey", "CreateSecret", "Decrypt", "GetSecretValue"]
    assert {e.principal for e in calls} == {ROOT}
    notices = [e for e in cloud.events if e.kind != "call"]
    assert notices and all(e.principal is None for e in notices)


def test_kms_calls_on_your_behalf_inherit_your_principal_and_name_the_service():
    cloud = Cloud(seed=0)
    sm = cloud.secretsmanager()
    with context.caller(ALICE):
        sm.create_secret(Name="a", SecretString="1")
        sm.get_secret_value(SecretId="a")
    kms_calls = cloud.events.calls("kms")
    assert [e.operation for e in kms_calls] == ["GenerateDataKey", "Decrypt"]
    for event in kms_calls:
        assert event.principal == ALICE
        assert dict(event.detail) == {"via": "secretsmanager", "key_manager": "AWS"}


def test_parameter_store_reading_a_secret_is_two_calls_by_the_same_caller():
    cloud = Cloud(seed=0)
    arn = cloud.secretsmanager().create_secret(Name="db", SecretString="s3cret")["ARN"]
    with context.caller(ALICE):
        got = cloud.ssm().get_parameter(Name="/aws/reference/secretsmanager/db", WithDecryption=True)
    assert got["Parameter"]["Value"] == "s3cret"
    read, parameter = cloud.events.select(operation="GetSecretValue")[-1], cloud.events.select(operation="GetParameter")[-1]
    assert (read.service, read.resource, read.principal) == ("secretsmanager", arn, ALICE)
    assert (parameter.service, parameter.resource, parameter.principal) == ("ssm", arn, ALICE)


def test_replication_the_clock_runs_is_the_service_acting_on_its_own():
    cloud = Cloud(seed=0)
    sm = cloud.secretsmanager("us-east-1")
    with context.caller(ALICE):
        sm.create_secret(Name="r", SecretString="v", AddReplicaRegions=[{"Region": "eu-west-1"}])
    before = len(cloud.events)
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)
    copy_calls = [e for e in list(cloud.events)[before:] if e.kind == "call"]
    assert {(e.region, e.operation) for e in copy_calls} == {("us-east-1", "Decrypt"), ("eu-west-1", "GenerateDataKey")}
    assert {e.principal for e in copy_calls} == {"secretsmanager.amazonaws.com"}


def test_rotate_secret_keeps_its_own_record_while_the_function_calls_back_inside_it():
    s = make_setup("postgres", "single-user")
    s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=s.function_arn, RotationRules={"AutomaticallyAfterDays": 30})
    rotate = s.cloud.events.select(operation="RotateSecret")[-1]
    # The function's createSecret ran inside RotateSecret and made calls of its own
    # (DescribeSecret, GetSecretValue, GetRandomPassword, PutSecretValue); none of them
    # overwrote what RotateSecret records.
    assert (rotate.outcome, rotate.resource) == ("OK", s.arn)
    assert dict(rotate.detail) == {"RotateImmediately": True}
    inside = [e.operation for e in s.cloud.events.calls("secretsmanager")]
    assert inside.index("PutSecretValue") < inside.index("RotateSecret")
    # RotateSecret was the root user's call; the function's were its execution role's session
    assert {e.principal for e in s.cloud.events.calls("secretsmanager")} == {
        ROOT, "arn:aws:sts::123456789012:assumed-role/rotate-app-role/rotate-app"}


def test_a_lambda_function_calls_as_itself_not_nested_in_its_invoker():
    cloud = Cloud(seed=0)
    sm = cloud.secretsmanager()
    sm.create_secret(Name="s", SecretString=json.dumps({"k": "v"}))
    parents: list[object] = []

    def handler(event, ctx):  # type: ignore[no-untyped-def]
        inner = Probe(cloud.env("us-east-1"))
        inner.touch(Arn="arn:from-function")
        parents.append(inner.seen[0].parent)

    lam = cloud.awslambda("us-east-1")
    lam.kit_deploy_callable("probe", handler, Role=lambda_role(cloud))
    outer = Probe(cloud.env("us-east-1"))

    class Invoker(Probe):
        @operation("Invoke")
        def run(self) -> dict[str, str]:
            lam.invoke(FunctionName="probe", Payload=b"{}")
            return {}

    with context.caller(ALICE):
        Invoker(outer.env).run()
    assert parents == [None]
    from_function = cloud.events.select(operation="Touch")[-1]
    assert from_function.principal == ROOT  # the function's own identity, not the invoker's
