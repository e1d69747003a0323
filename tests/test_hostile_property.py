"""Hostile input, property-tested: every operation of every modelled service, through genuine
boto3 clients with botocore's validation on and off, answers only AWS errors, and a call that
fails leaves the Cloud exactly as it was.

Requests are drawn from botocore's input shapes (``tests/_hostile.py``): each string often one
of the Cloud's own names (so calls get past "not found") or a value that once broke the model.
What may come out of a call: its answer, ``botocore.exceptions.ClientError`` (AWS's error), or
``ParamValidationError`` (botocore refusing to send it). With validation off, botocore itself
may fail to write a request (a wrong type its serializer cannot handle) before any of the kit
runs (as it cannot percent-encode a lone surrogate into a URL, validation on or off): that is
the SDK's refusal, counted as such and checked to have reached no kit code.

"Exactly as it was" is ``cloud.kit_snapshot()``, the whole state (every record of every
service, key material, the clock and its pending timers), compared before and after every
failed call, less two things: the position of the seeded id source, which the in-process
client moves when it draws an idempotency token (AWS's SDK draws those on the client; the
server keeps nothing) and which is checked on its own to have moved by nothing else; and
the access checks' record of their last decision (kit-only diagnostics for explaining a
denial). Caches are no part of the snapshot (nor of a save). The read-based snapshot of
``_hostile`` is the warm-up (first use of a service builds its objects and AWS managed
keys); it is no longer compared, as the whole state covers what it reads and more (IAM users
beyond the seeded one, RDS, change sets).

Seeded and derandomized. ``SECRETKIT_HOSTILE_EXAMPLES`` (default 40 per service and mode)
sets how many requests each of the 18 cases draws, for deeper runs.
"""

from __future__ import annotations

import json
import os
import traceback
from typing import Any, Callable

import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import secretkit
from _hostile import REGION, SERVICES, hostile_value, operations_of, populate, snapshot
from _snapdiff import differences, without_fields, without_id_position
from secretkit.saving.snapshot import snapshot as snapshot_of

EXAMPLES = int(os.environ.get("SECRETKIT_HOSTILE_EXAMPLES", "40"))
JSON_PROTOCOLS = {"json", "rest-json"}
DIAGNOSTICS = {"secretkit.iam.enforce.Enforcer": {"last", "last_denied"}, "secretkit.iam.authorizer.Authorizer": {"last"}}


def _kit_frames(exc: BaseException) -> list[str]:
    return [f.filename for f in traceback.extract_tb(exc.__traceback__) if f"{os.sep}secretkit{os.sep}" in f.filename]


class _Case:
    """One Cloud, populated, with a client of one service (validation on or off)."""

    def __init__(self, service: str, validate: bool) -> None:
        self.cloud = secretkit.Cloud(seed=0, start="2026-01-01")
        self.names = populate(self.cloud)[service]
        self.client = self.cloud.client(service, REGION, config=Config(parameter_validation=validate))
        self.model = self.client.meta.service_model
        self.json = self.model.protocol in JSON_PROTOCOLS
        self.modelled, self.unmodelled = operations_of(self.cloud, service)
        self.validate = validate
        snapshot(self.cloud)  # a warm-up: every service in both regions built, AWS managed keys made
        self.ids_after_tokens: object = None
        service_id = self.model.service_id.hyphenize()
        self.client.meta.events.register_last(f"before-parameter-build.{service_id}", self._note_ids)
        self.before = self.state()
        self.calls = self.failed = self.refused_by_botocore = 0

    def start_call(self) -> None:
        self.ids_before, self.ids_after_tokens = self.cloud.ids.rng.getstate(), None

    def changes_since_start(self) -> list[str]:
        """After a failed call: where the state differs from before it (none, if all is well)."""
        after = self.state()
        changed = differences(self.before, after)
        # The id source may have moved by the client's own token draw, and by nothing after it:
        # the model draws no id for a call it refuses.
        expected = self.ids_before if self.ids_after_tokens is None else self.ids_after_tokens
        if self.cloud.ids.rng.getstate() != expected:
            changed.append("the seeded id source (drawn from by the model)")
        self.before = after
        return changed

    def _note_ids(self, **_: object) -> None:
        """The id source's position once the client has drawn its idempotency tokens (they come
        from the Cloud's seeded ids, where AWS's SDK draws them on the client at random)."""
        self.ids_after_tokens = self.cloud.ids.rng.getstate()

    def state(self) -> dict:
        """The Cloud's whole state, as ``kit_snapshot`` shows it, but for two things compared
        otherwise or not at all:

        * the position of the seeded id source, compared on its own (see the test);
        * the access checks' record of the last decision (``last``, ``last_denied``): kit-only
          diagnostics, kept for explaining a denial, which a failed call is meant to update.
        """
        enforcer = self.cloud.enforcer()
        diagnostics = [enforcer.last, enforcer.last_denied, enforcer.authorizer.last]
        snap = snapshot_of(self.cloud, leave_out=diagnostics)
        return without_id_position(without_fields(snap, DIAGNOSTICS))


def _request(case: _Case) -> st.SearchStrategy[tuple[str, dict]]:
    ops = st.one_of(st.sampled_from(case.modelled), st.sampled_from(case.modelled), st.sampled_from(case.modelled),
                    st.sampled_from(case.unmodelled or case.modelled))

    def for_op(name: str) -> st.SearchStrategy[tuple[str, dict]]:
        shape = case.model.operation_model(name).input_shape
        return hostile_value(shape, case.names, json_protocol=case.json, wrong_types=not case.validate).map(
            lambda params: (name, params))

    return ops.flatmap(for_op)


@pytest.mark.parametrize("validate", [True, False], ids=["validation-on", "validation-off"])
@pytest.mark.parametrize("service", SERVICES)
def test_hostile_calls_answer_aws_errors_and_failed_calls_change_nothing(service: str, validate: bool) -> None:
    case = _Case(service, validate)
    escapes: list[str] = []

    @seed(19)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        name, params = data.draw(_request(case), label="request")
        method = getattr(case.client, xform_name(name))
        case.calls += 1
        case.start_call()
        try:
            method(**params)
        except (ClientError, ParamValidationError):
            case.failed += 1
        except Exception as exc:  # noqa: BLE001 - the property under test
            if not _kit_frames(exc):
                case.refused_by_botocore += 1  # botocore could not write the request; nothing reached the kit
                case.failed += 1
            else:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                escapes.append(f"{name}({sorted(params)}): {type(exc).__name__}: {str(exc)[:200]}"
                               f" (last at {os.path.basename(where.filename)}:{where.lineno}, {_kit_frames(exc)[-3:]})")
                return
        else:
            case.before = case.state()
            return
        changed = case.changes_since_start()
        if changed:
            escapes.append(f"{name}({sorted(params)}) failed but changed {changed[:5]}")

    run()
    assert not escapes, "\n".join(escapes[:10])
    assert case.calls >= EXAMPLES and case.failed > 0  # the requests were made, and hostile ones were refused


def test_the_comparison_sees_what_a_failed_call_could_change() -> None:
    """The comparison above is only as good as what it compares: it must see each kind of
    change, an id drawn by the model included, and nothing when nothing changed."""
    case = _Case("secretsmanager", True)
    cloud = case.cloud
    case.start_call()
    assert case.changes_since_start() == []  # reading changes nothing the comparison shows
    with pytest.raises(ClientError):  # a failed call whose client drew a token, and nothing else
        case.start_call()
        case.client.create_secret(Name="prod/db", SecretString="again")
    assert case.changes_since_start() == []
    changes = _changes_a_caller_can_make(cloud) + [
        lambda: cloud.client("iam").create_user(UserName="second-user"),  # beyond what the reads reach
        lambda: cloud.ids.uuid(),  # the model drawing an id
    ]
    for change in changes:
        case.start_call()
        change()
        assert case.changes_since_start() != []


def _changes_a_caller_can_make(cloud: secretkit.Cloud) -> list[Callable[[], Any]]:
    """One change of each kind, through the services' own clients, to a populated Cloud."""
    return [
        lambda: cloud.client("secretsmanager").tag_resource(SecretId="prod/db", Tags=[{"Key": "k", "Value": "v"}]),
        lambda: cloud.client("secretsmanager").put_secret_value(SecretId="prod/bin", SecretBinary=b"new"),
        lambda: cloud.client("ssm").label_parameter_version(Name="/app/plain", Labels=["green"]),
        lambda: cloud.client("kms").disable_key(KeyId="alias/app"),
        lambda: cloud.client("events").put_rule(Name="hourly", ScheduleExpression="rate(1 hour)"),
        lambda: cloud.client("iam").put_role_policy(RoleName="app-role", PolicyName="inline", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})),
        lambda: cloud.client("iam").create_access_key(UserName="app-user"),
        lambda: cloud.client("lambda").update_function_configuration(FunctionName="app-fn", Timeout=9),
    ]


def test_the_read_based_snapshot_sees_what_a_failed_call_could_change() -> None:
    """``_hostile.snapshot`` (what a caller can read) is the warm-up; it too sees each kind of change."""
    cloud = secretkit.Cloud(seed=0, start="2026-01-01")
    populate(cloud)
    first = snapshot(cloud)
    assert snapshot(cloud) == first  # reading changes nothing the snapshot shows
    changes = _changes_a_caller_can_make(cloud)
    for change in changes:
        before = snapshot(cloud)
        change()
        assert snapshot(cloud) != before
