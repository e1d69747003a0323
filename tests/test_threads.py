"""One Cloud shared by threads: every operation and every clock step is atomic.

A notebook, its widgets' callbacks and the endpoint's connection threads all call the same
Cloud. The soak here runs 8 seeded threads for a bounded few seconds, half through genuine
boto3 clients and half on the model itself as a widget's callback does (Secrets Manager,
Parameter Store and KMS writes and reads, listings that iterate what the others change)
while another thread moves the clock and schedules timers, and then
checks what a user would: nothing raised, every acknowledged write reads back, no two
callers got the same version number, and the clock fired its timers in time order.

(The HTTP endpoint under 8 concurrent clients, with the notebook driving the clock at the
same time, is the load test in ``test_doors_http_load.py``.)
"""

from __future__ import annotations

import heapq
import http.client
import json
import random
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from _lambda_support import ROLE, lambda_role, zip_of
from _raw_http import sign
from _rotation_support import make_setup
from secretkit import Cloud

THREADS = 8
SEED = 19
SOAK_SECONDS = 3.0  # each worker stops at this bound (or after MAX_STEPS, whichever first)
MAX_STEPS = 160  # keeps each parameter well under Parameter Store's 100 kept versions
SHARED = 6  # parameters and secrets every thread writes to


def _pages(call: Any, member: str, **args: Any) -> list[dict[str, Any]]:
    """Every item of a paged listing (NextToken), through a client or the model alike."""
    items: list[dict[str, Any]] = []
    while True:
        page = call(**args)
        items += page[member]
        if not page.get("NextToken"):
            return items
        args["NextToken"] = page["NextToken"]


def _worker(cloud: Cloud, number: int, deadline: float, out: dict[str, Any]) -> None:
    rng = random.Random(SEED * 1000 + number)
    if number % 2:  # a terminal's or a notebook's boto3 clients
        sm = cloud.client("secretsmanager", region_name="us-east-1")
        ssm = cloud.client("ssm", region_name="us-east-1")
        kms = cloud.client("kms", region_name="us-east-1")
    else:  # a widget's callback, calling the model itself (same arguments, same answers)
        sm, ssm, kms = cloud.secretsmanager("us-east-1"), cloud.ssm("us-east-1"), cloud.kms("us-east-1")
    key_id = out["key_id"]
    params: list[tuple[str, int, str]] = []  # (name, version, value) acknowledged
    secrets: list[tuple[str, str, str]] = []  # (name, version id, value) acknowledged
    sealed: list[tuple[bytes, bytes]] = []  # (ciphertext, plaintext)
    own: list[str] = []  # secrets this thread created
    for step in range(MAX_STEPS):
        if time.monotonic() > deadline:
            break
        roll = rng.random()
        value = f"t{number}-s{step}-{rng.getrandbits(32):08x}"
        if roll < 0.25:
            name = f"/soak/shared/{rng.randrange(SHARED)}"
            version = ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)["Version"]
            params.append((name, version, value))
        elif roll < 0.45:
            name = f"soak/shared/{rng.randrange(SHARED)}"
            version_id = sm.put_secret_value(SecretId=name, SecretString=value)["VersionId"]
            secrets.append((name, version_id, value))
        elif roll < 0.52:
            name = f"soak/{number}/{len(own)}"
            created = sm.create_secret(Name=name, SecretString=value, Tags=[{"Key": "owner", "Value": str(number)}])
            own.append(name)
            secrets.append((name, created["VersionId"], value))
        elif roll < 0.62:
            plaintext = value.encode()
            blob = kms.encrypt(KeyId=key_id, Plaintext=plaintext)["CiphertextBlob"]
            sealed.append((blob, plaintext))
        elif roll < 0.72:  # listings iterate the dictionaries the other threads are changing
            pages = _pages(sm.list_secrets, "SecretList", Filters=[{"Key": "name", "Values": ["soak/"]}])
            assert set(own) <= {s["Name"] for s in pages}
        elif roll < 0.80:
            pages = _pages(ssm.get_parameters_by_path, "Parameters", Path="/soak", Recursive=True)
            assert all(p["Name"].startswith("/soak/") for p in pages)
        elif roll < 0.86:
            kms.list_keys()
            kms.list_aliases()
        elif roll < 0.93 and sealed:
            blob, plaintext = rng.choice(sealed)
            assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == plaintext
        elif params:
            name, version, expected = rng.choice(params)
            read = ssm.get_parameter(Name=f"{name}:{version}", WithDecryption=True)["Parameter"]
            assert read["Value"] == expected
        # a timer scheduled from this thread, racing the clock thread's steps
        if step % 10 == 0:
            with cloud.lock:  # "now" read and the timer scheduled with no clock step between
                due = cloud.clock.now + timedelta(minutes=rng.randrange(1, 600))
                cloud.clock.schedule(due, lambda due=due: out["fired"].append((due, cloud.clock.now)))
            out["timers"].append(due)
    out["params"].extend(params)
    out["secrets"].extend(secrets)
    out["sealed"].extend(sealed)


def _clock_driver(cloud: Cloud, stop: threading.Event, out: dict[str, Any]) -> None:
    """The notebook's side: direct model calls and clock steps while the workers run."""
    rng = random.Random(SEED)
    ssm = cloud.ssm("us-east-1")  # the model itself, not a door
    n = 0
    while not stop.is_set():
        cloud.clock.advance(minutes=rng.randrange(1, 90))
        value = f"clock-{n}"
        name = "/soak/shared/0" if n < 20 else f"/soak/clock/{n}"  # under 100 versions of each
        version = ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)["Version"]
        out["params"].append((name, version, value))
        n += 1
        time.sleep(0.001)
    out["advances"] = n


def _heap_ordered(queue: list[Any]) -> bool:
    return all(not queue[(i - 1) // 2] > queue[i] for i in range(1, len(queue)))


def test_eight_threads_and_the_clock_share_one_cloud() -> None:
    cloud = Cloud(seed=SEED)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    ssm = cloud.client("ssm", region_name="us-east-1")
    kms = cloud.client("kms", region_name="us-east-1")
    for i in range(SHARED):
        sm.create_secret(Name=f"soak/shared/{i}", SecretString="initial")
        ssm.put_parameter(Name=f"/soak/shared/{i}", Value="initial", Type="SecureString")
    out: dict[str, Any] = defaultdict(list)
    out["key_id"] = kms.create_key(Description="soak")["KeyMetadata"]["KeyId"]
    errors: list[BaseException] = []

    def guarded(target: Any, *args: Any) -> None:
        try:
            target(*args)
        except BaseException as exc:  # collected: a thread's exception would otherwise vanish
            errors.append(exc)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that races show within seconds
    try:
        stop = threading.Event()
        deadline = time.monotonic() + SOAK_SECONDS
        workers = [threading.Thread(target=guarded, args=(_worker, cloud, n, deadline, out)) for n in range(THREADS)]
        driver = threading.Thread(target=guarded, args=(_clock_driver, cloud, stop, out))
        driver.start()
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=SOAK_SECONDS + 60)
        stop.set()
        driver.join(timeout=60)
    finally:
        sys.setswitchinterval(switch)
    assert not any(t.is_alive() for t in (*workers, driver)), "a thread is stuck (a deadlock?)"
    assert errors == []
    assert out["advances"] > 0 and len(out["params"]) > THREADS and out["sealed"]

    # Version numbers: unique per parameter, and every acknowledged one reads back its value.
    by_name: dict[str, list[int]] = defaultdict(list)
    for name, version, value in out["params"]:
        by_name[name].append(version)
        read = ssm.get_parameter(Name=f"{name}:{version}", WithDecryption=True)["Parameter"]
        assert read["Value"] == value
    for name, versions in by_name.items():
        assert len(versions) == len(set(versions)), f"{name}: two callers got the same version"
        latest = ssm.get_parameter(Name=name)["Parameter"]["Version"]
        first = 2 if name.startswith("/soak/shared/") else 1  # the shared ones began at version 1
        assert sorted(versions) == list(range(first, latest + 1))  # one version per acknowledged write
    # Secrets: every acknowledged version id is unique and reads back its value.
    version_ids = [v for _, v, _ in out["secrets"]]
    assert len(version_ids) == len(set(version_ids))
    for name, version_id, value in out["secrets"]:
        assert sm.get_secret_value(SecretId=name, VersionId=version_id)["SecretString"] == value
    for blob, plaintext in out["sealed"]:
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == plaintext

    # The clock: its heap is still a heap, and timers fired in time order, each at its instant.
    cloud.clock.advance(days=1)  # past every timer the workers scheduled
    assert _heap_ordered(cloud.clock._queue)
    fired = out["fired"]
    assert len(fired) == len(out["timers"])
    assert [at for _, at in fired] == sorted(at for _, at in fired)
    assert all(at == due for due, at in fired)


def test_a_heap_check_that_can_fail() -> None:
    """The heap check above is not vacuous: it spots a queue out of order."""
    queue = [3, 1, 2]
    assert not _heap_ordered(queue)
    heapq.heapify(queue)
    assert _heap_ordered(queue)


SSM_READER = """
import boto3

def lambda_handler(event, context):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=event["name"], Value=event["value"], Type="String", Overwrite=True)
    return {"value": ssm.get_parameter(Name=event["name"])["Parameter"]["Value"]}
"""


def test_functions_calling_back_into_the_cloud_from_several_threads_do_not_deadlock() -> None:
    """A rotation function's boto3 calls made during a clock step in one thread, a function
    invoked through boto3 from another (its code calls Parameter Store), and the endpoint
    serving a third: each takes the Cloud's lock again in its own thread, and all finish."""
    setup = make_setup()
    cloud = setup.cloud
    lambda_role(cloud)
    cloud.awslambda("us-east-1").create_function(FunctionName="writer", Runtime="python3.12", Role=ROLE,
                                                 Handler="lambda_function.lambda_handler",
                                                 Code={"ZipFile": zip_of(SSM_READER)})
    setup.sm.rotate_secret(SecretId=setup.arn, RotationLambdaARN=setup.function_arn,
                           RotationRules={"ScheduleExpression": "rate(4 hours)"}, RotateImmediately=False)
    errors: list[BaseException] = []
    results: dict[str, Any] = {}

    def rotate_by_the_clock() -> None:
        try:
            for _ in range(6):
                cloud.clock.advance(hours=4, minutes=1)
            results["rotated"] = True
        except BaseException as exc:
            errors.append(exc)

    def invoke() -> None:
        try:
            lam = cloud.client("lambda", region_name="us-east-1")
            for i in range(20):
                answer = lam.invoke(FunctionName="writer", Payload=json.dumps({"name": "/by/fn", "value": f"v{i}"}))
                assert json.loads(answer["Payload"].read()) == {"value": f"v{i}"}
            results["invoked"] = True
        except BaseException as exc:
            errors.append(exc)

    with cloud.serve(quiet=True) as served:
        # A terminal's connection, opened before any function runs: while one runs, the
        # kit's network guard refuses new connections from this process (not the server's).
        parts = urlsplit(served.endpoint_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.connect()

        def over_http() -> None:
            try:
                headers = {"X-Amz-Target": "secretsmanager.GetSecretValue",
                           "Content-Type": "application/x-amz-json-1.1"}
                body = json.dumps({"SecretId": "app"}).encode()
                for _ in range(20):
                    signed = sign("POST", served.endpoint_url + "/", headers, body, "secretsmanager", "us-east-1",
                                  key=served.access_key_id, secret=served.secret_access_key)
                    connection.request("POST", "/", body=body, headers=signed)
                    answer = connection.getresponse()
                    assert answer.status == 200 and json.loads(answer.read())["SecretString"]
                results["served"] = True
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=f) for f in (rotate_by_the_clock, invoke, over_http)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a thread is stuck: a deadlock"
        connection.close()
    assert errors == []
    assert set(results) == {"rotated", "invoked", "served"}
    cloud.clock.advance(minutes=5)  # a rotation the last step left in flight finishes
    assert setup.sm.describe_secret(SecretId=setup.arn)["LastRotatedDate"] > setup.cloud.start
    assert setup.current_works()  # the rotations finished and the database took the new password
    assert len(setup.labels()) >= 2  # rotated at least once


WAITER = """
import _routing_race


def lambda_handler(event, context):
    _routing_race.running.set()
    return {"released": _routing_race.made.wait(timeout=10)}
"""


def test_a_client_made_in_another_thread_while_a_function_runs_is_an_ordinary_one() -> None:
    """Which function's clients boto3 makes is decided per thread: a notebook thread making a
    client while a function runs in another gets an ordinary client of its own, at once,
    neither routed into the running function nor unrouting it."""
    import types

    import boto3.session

    cloud = Cloud(seed=5)
    lambda_role(cloud)
    cloud.awslambda("us-east-1").create_function(FunctionName="waiter", Runtime="python3.12", Role=ROLE,
                                                 Handler="lambda_function.lambda_handler",
                                                 Code={"ZipFile": zip_of(WAITER)})
    race = types.SimpleNamespace(running=threading.Event(), made=threading.Event())
    sys.modules["_routing_race"] = race  # what the function's code imports, shared with this test
    answers: list[Any] = []
    try:
        lam = cloud.client("lambda", region_name="us-east-1")
        runner = threading.Thread(target=lambda: answers.append(json.loads(
            lam.invoke(FunctionName="waiter")["Payload"].read())))
        runner.start()
        assert race.running.wait(timeout=10)
        client = boto3.session.Session(region_name="us-east-1").client(
            "sts", aws_access_key_id="a", aws_secret_access_key="b")  # while the function runs
        race.made.set()
        runner.join(timeout=20)
    finally:
        del sys.modules["_routing_race"]
    assert answers == [{"released": True}]  # made without waiting for the function
    assert client.meta.endpoint_url == "https://sts.us-east-1.amazonaws.com"  # botocore's own, not the Cloud's
