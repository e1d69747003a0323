"""The property: whatever was done to a Cloud, the Cloud loaded from its save is the same
Cloud. Random operations (including failing ones), save, load, then compare the snapshots,
every describe, get and list, and the same again after moving both clocks: rotations,
purges, key deletions and rules fire identically."""

from __future__ import annotations

import os
import tempfile

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import secretkit

from _rotation_support import make_setup
from _saving_support import REPLICA, answers, events_of

NAMES = ["a", "b", "prod/c"]
PARAMS = ["/x", "/x/y", "/z"]

name = st.sampled_from(NAMES)
value = st.one_of(st.text("abcdef0123", min_size=1, max_size=12), st.binary(min_size=1, max_size=8))
op = st.one_of(
    st.tuples(st.just("create"), name, value, st.booleans(), st.booleans()),
    st.tuples(st.just("put"), name, value),
    st.tuples(st.just("delete"), name, st.sampled_from([None, 7, 30])),
    st.tuples(st.just("restore"), name),
    st.tuples(st.just("rotate"), st.sampled_from(NAMES + ["app"]), st.sampled_from([1, 3, "rate(10 hours)"]), st.booleans()),
    st.tuples(st.just("cancel rotation"), st.sampled_from(NAMES + ["app"])),
    st.tuples(st.just("tag"), name, st.sampled_from(["k1", "k2"])),
    st.tuples(st.just("param"), st.sampled_from(PARAMS), st.sampled_from(["String", "SecureString"]),
              st.sampled_from(["Standard", "Advanced"]), st.text("xyz", min_size=1, max_size=5)),
    st.tuples(st.just("label"), st.sampled_from(PARAMS), st.sampled_from(["blue", "green"])),
    st.tuples(st.just("delete param"), st.sampled_from(PARAMS)),
    st.tuples(st.just("key"), st.sampled_from(["delete", "rotate", "disable"])),
    st.tuples(st.just("rule"), st.sampled_from(["r1", "r2"]), st.integers(1, 30)),
    st.tuples(st.just("advance"), st.integers(0, 72)),
)


def apply(cloud, function_arn, step) -> None:
    sm, ssm, kms = cloud.client("secretsmanager"), cloud.client("ssm"), cloud.client("kms")
    kind, *args = step
    try:
        if kind == "create":
            secret, val, replicate, own_key = args
            extra = {"SecretString": val} if isinstance(val, str) else {"SecretBinary": val}
            if replicate:
                extra["AddReplicaRegions"] = [{"Region": REPLICA}]
            if own_key:
                extra["KmsKeyId"] = kms.create_key()["KeyMetadata"]["Arn"]
            sm.create_secret(Name=secret, **extra)
        elif kind == "put":
            secret, val = args
            sm.put_secret_value(SecretId=secret, **({"SecretString": val} if isinstance(val, str) else {"SecretBinary": val}))
        elif kind == "delete":
            secret, window = args
            sm.delete_secret(SecretId=secret, **({"ForceDeleteWithoutRecovery": True} if window is None
                                                  else {"RecoveryWindowInDays": window}))
        elif kind == "restore":
            sm.restore_secret(SecretId=args[0])
        elif kind == "rotate":
            secret, rule, now = args
            rules = {"AutomaticallyAfterDays": rule} if isinstance(rule, int) else {"ScheduleExpression": rule}
            sm.rotate_secret(SecretId=secret, RotationLambdaARN=function_arn, RotationRules=rules, RotateImmediately=now)
        elif kind == "cancel rotation":
            sm.cancel_rotate_secret(SecretId=args[0])
        elif kind == "tag":
            sm.tag_resource(SecretId=args[0], Tags=[{"Key": args[1], "Value": "v"}])
        elif kind == "param":
            param, ptype, tier, val = args
            ssm.put_parameter(Name=param, Value=val, Type=ptype, Tier=tier, Overwrite=True)
        elif kind == "label":
            ssm.label_parameter_version(Name=args[0], Labels=[args[1]])
        elif kind == "delete param":
            ssm.delete_parameter(Name=args[0])
        elif kind == "key":
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            if args[0] == "delete":
                kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
            elif args[0] == "rotate":
                kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=90)
            else:
                kms.disable_key(KeyId=key)
        elif kind == "rule":
            events = cloud.client("events")
            events.put_rule(Name=args[0], ScheduleExpression=f"rate({args[1]} hours)")
            events.put_targets(Rule=args[0], Targets=[{"Id": "t", "Arn": function_arn}])
        elif kind == "advance":
            cloud.clock.advance(hours=args[0])
    except ClientError:
        pass  # a failed call is part of the history too


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(op, min_size=1, max_size=14), later=st.lists(st.integers(1, 24 * 40), min_size=1, max_size=3))
def test_a_loaded_cloud_answers_as_the_saved_one(steps, later):
    setup = make_setup()
    cloud = setup.cloud
    for step in steps:
        apply(cloud, setup.function_arn, step)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "c.cloud")
        cloud.save(path)
        loaded = secretkit.Cloud.load(path)
    assert loaded.kit_snapshot(events=True) == cloud.kit_snapshot(events=True)
    assert answers(loaded) == answers(cloud)
    for hours in later:
        cloud.clock.advance(hours=hours)
        loaded.clock.advance(hours=hours)
        assert answers(loaded) == answers(cloud)
    assert events_of(loaded) == events_of(cloud)
