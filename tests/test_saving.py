"""Saving a Cloud and loading it back: the same answers, the same work in flight, no value
in the clear in the file, and files that are not good saves refused with a clear error."""

from __future__ import annotations

import base64
import hashlib
import json
import pickle

import pytest
from _lambda_support import lambda_role

import secretkit
from secretkit.saving import FORMAT, MAGIC, SaveFileError, dumps

from _saving_support import BINARY, VALUES, answers, events_of, rich_cloud

USERS = ("bob",)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    cloud = rich_cloud()
    path = tmp_path_factory.mktemp("save") / "course.cloud"
    cloud.save(path)
    return cloud, path


def test_a_loaded_cloud_is_the_saved_one_and_goes_on_alike(saved, tmp_path):
    original, path = saved
    original = secretkit.Cloud.load(path)  # a pristine copy to go on with: the fixture is shared
    loaded = secretkit.Cloud.load(path)
    assert loaded.kit_snapshot(events=True) == original.kit_snapshot(events=True)
    assert answers(loaded, users=USERS) == answers(original, users=USERS)
    # The clock moves both alike: the scheduled rotation, the purge, the key deletion and
    # rotation, the parameter's expiration, the daily rule, RDS's maintenance all fall due.
    for step in ({"days": 8}, {"days": 60}, {"days": 400}):
        original.clock.advance(**step)
        loaded.clock.advance(**step)
        assert answers(loaded, users=USERS) == answers(original, users=USERS)
    assert events_of(loaded) == events_of(original)
    ops = {(e.service, e.operation) for e in events_of(loaded)}
    assert {("secretsmanager", "SecretPurged"), ("secretsmanager", "RotationSucceeded")} <= ops
    assert loaded.clock.now == original.clock.now


def test_a_loaded_cloud_has_one_lock_again_shared_by_every_region_and_thread(saved):
    import threading

    _, path = saved
    loaded = secretkit.Cloud.load(path)
    assert loaded.regions and all(loaded.env(r).lock is loaded.clock.lock for r in loaded.regions)
    ssm = loaded.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/load/counter", Value="0", Type="String")

    def bump() -> None:
        for _ in range(20):
            ssm.put_parameter(Name="/load/counter", Value="x", Type="String", Overwrite=True)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = [p["Version"] for p in ssm.get_parameter_history(Name="/load/counter", MaxResults=50)["Parameters"]]
    assert ssm.get_parameter(Name="/load/counter")["Parameter"]["Version"] == 81  # no write lost
    assert len(set(versions)) == len(versions) == 50  # no version number given twice


def test_what_was_in_flight_is_still_pending_after_loading(saved):
    original, path = saved
    loaded = secretkit.Cloud.load(path)
    labels = [t.label for t in loaded.clock.pending()]
    for expected in ("rotate app", "purge going", "rule daily", "ssm Expiration /app/adv"):
        assert expected in labels
    assert any(label.startswith("delete ") for label in labels)  # the key pending deletion
    assert [(t.when, t.label) for t in loaded.clock.pending()] == [(t.when, t.label) for t in original.clock.pending()]


def test_values_read_back_through_every_door(saved):
    _, path = saved
    loaded = secretkit.Cloud.load(path)
    sm = loaded.client("secretsmanager")
    assert sm.get_secret_value(SecretId="replicated")["SecretString"] == VALUES[0]
    assert sm.get_secret_value(SecretId="bin", VersionStage="AWSPREVIOUS")["SecretBinary"] == BINARY
    assert loaded.client("secretsmanager", "eu-west-1").get_secret_value(SecretId="replicated")["SecretString"] == VALUES[0]
    ssm = loaded.client("ssm")
    assert ssm.get_parameter(Name="/app/adv", WithDecryption=True)["Parameter"]["Value"] == VALUES[3]
    loaded.clock.advance(seconds=1)
    assert sm.describe_secret(SecretId="app")["RotationEnabled"] is True


def test_the_file_holds_no_value_in_the_clear(saved):
    cloud, path = saved
    data = path.read_bytes()
    plaintexts = [v.encode() for v in VALUES] + [BINARY]
    # and every value the Cloud made itself: the rotated passwords, RDS's master password,
    # the password CloudFormation generated
    fresh = secretkit.Cloud.load(path)
    sm = fresh.client("secretsmanager")
    for page in sm.get_paginator("list_secrets").paginate(IncludePlannedDeletion=True):
        for entry in page["SecretList"]:
            for stage in entry.get("SecretVersionsToStages", {}).values():
                for label in stage:
                    try:
                        got = sm.get_secret_value(SecretId=entry["ARN"], VersionStage=label)
                    except sm.exceptions.InvalidRequestException:
                        continue  # the secret pending deletion
                    value = got.get("SecretString")
                    if value is not None:
                        plaintexts.append(value.encode())
                        if value.startswith("{"):
                            plaintexts.append(json.loads(value)["password"].encode())
    assert len(plaintexts) > 10
    for plain in plaintexts:
        for form in (plain, base64.b64encode(plain), plain.hex().encode()):
            assert form not in data, plain


def test_the_header_names_the_format_and_the_digest(saved):
    _, path = saved
    data = path.read_bytes()
    assert data.startswith(MAGIC)
    header_line, body = data[len(MAGIC):].split(b"\n", 1)
    header = json.loads(header_line)
    assert header["format"] == FORMAT == 1
    assert header["sha256"] == hashlib.sha256(body).hexdigest() and header["length"] == len(body)


def _with_header(data: bytes, **changes: object) -> bytes:
    header_line, body = data[len(MAGIC):].split(b"\n", 1)
    header = {**json.loads(header_line), **changes}
    return MAGIC + json.dumps(header).encode() + b"\n" + body


def _with_body(body: bytes) -> bytes:
    header = {"format": FORMAT, "length": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    return MAGIC + json.dumps(header).encode() + b"\n" + body


@pytest.mark.parametrize("make, message", [
    (lambda d: _with_header(d, format=FORMAT + 1), "was saved in format 2 by a newer secretkit"),
    (lambda d: d[:-1] + bytes([d[-1] ^ 1]), "is damaged or was altered"),
    (lambda d: d[: len(d) // 2], "is damaged or was altered"),
    (lambda d: d + b"more", "is damaged or was altered"),
    (lambda d: d.replace(b'"format"', b'"formta"', 1), "its header cannot be read"),
    (lambda d: b"PK\x03\x04 a zip file", "is not a saved secretkit Cloud"),
    (lambda d: b"", "is not a saved secretkit Cloud"),
], ids=["newer", "flipped", "cut", "longer", "header", "zip", "empty"])
def test_files_that_are_not_good_saves_are_refused(saved, tmp_path, make, message):
    _, path = saved
    bad = tmp_path / "bad.cloud"
    bad.write_bytes(make(path.read_bytes()))
    with pytest.raises(SaveFileError, match=message):
        secretkit.Cloud.load(bad)


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned",))


@pytest.mark.parametrize("body", [pickle.dumps(_Evil()), pickle.dumps(eval), pickle.dumps(hashlib.sha256)],
                         ids=["os.system", "eval", "hashlib"])
def test_a_body_that_names_anything_but_kit_classes_is_refused(tmp_path, body):
    bad = tmp_path / "evil.cloud"
    bad.write_bytes(_with_body(body))
    with pytest.raises(SaveFileError, match="not a secretkit class|never needs"):
        secretkit.Cloud.load(bad)


@pytest.mark.parametrize("target, name", [
    (secretkit.Cloud, "__init__"),  # a dunder: on to the module's globals
    (secretkit.Cloud, "save"),  # a plain function of a class, not a bound method of an object
    ({}, "get"),  # a method of something that is not the kit's
], ids=["dunder", "class-function", "dict-method"])
def test_only_bound_methods_of_kit_objects_are_reached_while_loading(tmp_path, target, name):
    class Reach:
        def __reduce__(self):
            return (getattr, (target, name))

    bad = tmp_path / "reach.cloud"
    bad.write_bytes(_with_body(pickle.dumps(Reach())))
    with pytest.raises(SaveFileError, match="never needs"):
        secretkit.Cloud.load(bad)


def test_kit_modules_outside_the_model_are_refused(tmp_path):
    # importing the grader's verdict module would run its top-level code
    module, name = b"secretkit.grading.verdict", b"check"
    body = b"\x80\x04\x8c" + bytes([len(module)]) + module + b"\x8c" + bytes([len(name)]) + name + b"\x93."  # STACK_GLOBAL
    bad = tmp_path / "grader.cloud"
    bad.write_bytes(_with_body(body))
    with pytest.raises(SaveFileError, match="secretkit.grading.verdict.check, which is not a secretkit class"):
        secretkit.Cloud.load(bad)


def test_a_body_that_holds_no_cloud_is_refused(tmp_path):
    bad = tmp_path / "list.cloud"
    bad.write_bytes(_with_body(pickle.dumps([1, 2, 3])))
    with pytest.raises(SaveFileError, match="does not hold a Cloud"):
        secretkit.Cloud.load(bad)


def test_a_function_deployed_as_a_python_callable_cannot_be_saved(tmp_path):
    cloud = secretkit.Cloud()
    cloud.awslambda().kit_deploy_callable("hello", lambda event, context: "hi", Role=lambda_role(cloud))
    with pytest.raises(SaveFileError, match="deploy it as a zip package"):
        cloud.save(tmp_path / "x.cloud")
    assert not (tmp_path / "x.cloud").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left behind


def test_saving_replaces_the_file_whole_and_keeps_working(tmp_path):
    cloud = secretkit.Cloud(seed=1)
    sm = cloud.client("secretsmanager")
    path = tmp_path / "c.cloud"
    sm.create_secret(Name="a", SecretString="one")
    cloud.save(path)
    sm.put_secret_value(SecretId="a", SecretString="two")
    cloud.save(path)
    assert secretkit.Cloud.load(path).client("secretsmanager").get_secret_value(SecretId="a")["SecretString"] == "two"
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "two"  # the saved Cloud goes on
    assert dumps(cloud)[: len(MAGIC)] == MAGIC


def test_locks_are_saved_as_new_unheld_ones(tmp_path):
    import threading

    cloud = secretkit.Cloud(seed=2)
    cloud.extensions["kit-test-locks"] = [threading.RLock(), threading.Lock()]
    held = cloud.extensions["kit-test-locks"][0]
    with held:
        cloud.save(tmp_path / "locks.cloud")
        snapshot = cloud.kit_snapshot()
    loaded = secretkit.Cloud.load(tmp_path / "locks.cloud")
    rlock, lock = loaded.extensions["kit-test-locks"]
    assert rlock is not held and rlock.acquire(blocking=False) and lock.acquire(blocking=False)
    assert loaded.kit_snapshot() == snapshot


def test_work_in_flight_at_the_moment_of_saving_finishes_alike_after_loading(tmp_path):
    from _rotation_support import make_setup

    setup = make_setup(seed=5)
    cloud = setup.cloud
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="fresh", SecretString="to-replicate", AddReplicaRegions=[{"Region": "eu-west-1"}])
    token = sm.rotate_secret(SecretId=setup.arn, RotationLambdaARN=setup.function_arn)["VersionId"]  # steps to run
    assert "AWSCURRENT" not in sm.describe_secret(SecretId=setup.arn)["VersionIdsToStages"][token]
    cloud.save(tmp_path / "flight.cloud")
    loaded = secretkit.Cloud.load(tmp_path / "flight.cloud")
    assert answers(loaded) == answers(cloud)
    for c in (cloud, loaded):
        c.clock.advance(minutes=10)
    assert answers(loaded) == answers(cloud)
    assert events_of(loaded) == events_of(cloud)
    stages = loaded.client("secretsmanager").describe_secret(SecretId=setup.arn)["VersionIdsToStages"]
    assert "AWSCURRENT" in stages[token]  # the rotation finished in the loaded Cloud
    assert loaded.secretsmanager().get_secret_value(SecretId=setup.arn)["VersionId"] == token
    replica = loaded.client("secretsmanager", "eu-west-1").get_secret_value(SecretId="fresh")
    assert replica["SecretString"] == "to-replicate"


def test_a_running_app_on_the_clock_goes_with_the_cloud_when_it_can(tmp_path):
    from secretkit.apps.failover import FailoverApp

    cloud = secretkit.Cloud(seed=4)
    cloud.client("secretsmanager").create_secret(Name="app/db", SecretString="v",
                                                 AddReplicaRegions=[{"Region": "us-west-2"}])
    app = FailoverApp(cloud, "app/db", ["us-east-1", "us-west-2"])
    app.start()
    cloud.clock.advance(minutes=3)
    cloud.save(tmp_path / "app.cloud")  # the app holds the Cloud and the model, nothing else
    loaded = secretkit.Cloud.load(tmp_path / "app.cloud")
    for c in (cloud, loaded):
        c.outage("us-east-1")
        c.clock.advance(minutes=5)
    assert events_of(loaded) == events_of(cloud)
    assert any(t.label == "app reads app/db" for t in loaded.clock.pending())


def test_what_cannot_be_saved_is_said_plainly(tmp_path):
    import socket

    cloud = secretkit.Cloud(seed=4)
    sock = socket.socket()
    try:
        cloud.extensions["kit-test-socket"] = sock  # e.g. a real database's connection
        with pytest.raises(SaveFileError, match="this Cloud cannot be saved: cannot pickle 'socket' object"):
            cloud.save(tmp_path / "no.cloud")
    finally:
        sock.close()
    assert list(tmp_path.iterdir()) == []
