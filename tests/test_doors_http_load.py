"""Load: 8 concurrent clients x 1,000 mixed calls, in bounded time, nothing lost, no server error.

Once against a fake backend (the door alone) and once against a real Cloud's
``cloud.serve()`` (the door, the one lock and the model), while the notebook's thread
drives the same Cloud directly (clock steps and Parameter Store writes).

Each client keeps one HTTP/1.1 connection and mixes the three protocols: JSON 1.1 writes
and reads of its own secrets (every acknowledged write must read back, now and at the
end), query-protocol IAM reads, and REST-JSON Lambda invocations. Requests are signed per
call with botocore's SigV4 signer, as an SDK signs them, and verified by the endpoint.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import _fake_backend as fake
from _raw_http import sign
from _lambda_support import HANDLER, lambda_role, zip_of
from secretkit import Cloud
from secretkit.doors.http import Endpoint

CLIENTS = 8
CALLS = 1000
SECRETS_PER_CLIENT = 5
BOUND_SECONDS = 60  # generous for a shared CI machine; the figure itself is printed


def _one_client(url: str, number: int, key: str = fake.ACCESS_KEY, secret: str = fake.SECRET_KEY,
                account: str = fake.ACCOUNT) -> tuple[dict[str, str], list[int], int]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    acknowledged: dict[str, str] = {}
    statuses: list[int] = []
    mismatches = 0

    def call(method: str, path: str, headers: dict[str, str], body: bytes, service: str) -> tuple[int, bytes]:
        signed = sign(method, url + path, headers, body, service, key=key, secret=secret)
        connection.request(method, path, body=body, headers=signed)
        answer = connection.getresponse()
        data = answer.read()
        statuses.append(answer.status)
        return answer.status, data

    def sm(target: str, document: dict[str, Any]) -> tuple[int, bytes]:
        headers = {"X-Amz-Target": f"secretsmanager.{target}", "Content-Type": "application/x-amz-json-1.1"}
        return call("POST", "/", headers, json.dumps(document).encode(), "secretsmanager")

    for k in range(SECRETS_PER_CLIENT):
        name = f"load/{number}/{k}"
        status, _ = sm("CreateSecret", {"Name": name, "SecretString": "v0", "ClientRequestToken": f"{number:08d}-0000-4000-8000-{k:012d}"})
        assert status == 200
        acknowledged[name] = "v0"
    for i in range(CALLS - SECRETS_PER_CLIENT):
        name = f"load/{number}/{i % SECRETS_PER_CLIENT}"
        kind = i % 4
        if kind == 0:
            value = f"c{number}-n{i}"
            status, _ = sm("PutSecretValue", {"SecretId": name, "SecretString": value})
            if status == 200:
                acknowledged[name] = value
        elif kind == 1:
            status, data = sm("GetSecretValue", {"SecretId": name})
            if status != 200 or json.loads(data)["SecretString"] != acknowledged[name]:
                mismatches += 1
        elif kind == 2:
            form = b"Action=GetUser&Version=2010-05-08&UserName=nobody"
            status, data = call("POST", "/", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, form, "iam")
            if status != 404 or b"<Code>NoSuchEntity</Code>" not in data:
                mismatches += 1
        else:
            path = f"/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-2%3A{account}%3Afunction%3Afn/invocations"
            status, data = call("POST", path, {}, b'{"n": %d}' % i, "lambda")
            if status != 200 or data != b'{"echo": {"n": %d}}' % i:
                mismatches += 1
    connection.close()
    return acknowledged, statuses, mismatches


def test_eight_clients_a_thousand_mixed_calls_each() -> None:
    before = set(threading.enumerate())
    backend = fake.FakeBackend()
    endpoint = Endpoint(backend, fake.keys).start()
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda n: _one_client(endpoint.endpoint_url, n), range(CLIENTS)))
    elapsed = time.perf_counter() - started
    endpoint.stop()
    print(f"\n{CLIENTS} x {CALLS} mixed calls in {elapsed:.2f} s ({CLIENTS * CALLS / elapsed:,.0f} calls/s)")

    statuses = [s for _, st, _ in results for s in st]
    assert len(statuses) == CLIENTS * CALLS  # every call answered
    assert all(s < 500 for s in statuses)  # no server error
    assert sum(m for _, _, m in results) == 0  # every read saw the last acknowledged write
    for acknowledged, _, _ in results:
        for name, value in acknowledged.items():
            assert backend.secrets[name] == value  # nothing acknowledged was lost
    assert len(backend.calls) == CLIENTS * CALLS
    assert elapsed < BOUND_SECONDS
    assert set(threading.enumerate()) - before == set()


ECHO = """
def lambda_handler(event, context):
    return {"echo": event}
"""


def test_eight_clients_a_thousand_mixed_calls_each_against_a_real_cloud() -> None:
    before = set(threading.enumerate())
    cloud = Cloud(seed=11)
    cloud.awslambda("eu-west-2").create_function(FunctionName="fn", Runtime="python3.12", Role=lambda_role(cloud), Handler=HANDLER,
                                                 Code={"ZipFile": zip_of(ECHO)})
    served = cloud.serve(quiet=True)
    # Meanwhile the notebook drives the same Cloud directly: clock steps and model calls.
    stop, notebook_writes, notebook_errors = threading.Event(), [], []

    def notebook() -> None:
        ssm = cloud.ssm("eu-west-2")
        try:
            while not stop.is_set():
                cloud.clock.advance(minutes=1)
                if len(notebook_writes) < 90:  # under Parameter Store's 100 kept versions
                    version = ssm.put_parameter(Name="/nb", Value=f"v{len(notebook_writes)}", Type="String",
                                                Overwrite=True)["Version"]
                    notebook_writes.append(version)
                time.sleep(0.005)
        except BaseException as exc:
            notebook_errors.append(exc)

    driver = threading.Thread(target=notebook)
    driver.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda n: _one_client(served.endpoint_url, n, served.access_key_id,
                                                      served.secret_access_key, cloud.account_id), range(CLIENTS)))
    elapsed = time.perf_counter() - started
    stop.set()
    driver.join(timeout=30)
    served.stop()
    assert not driver.is_alive() and notebook_errors == []
    assert notebook_writes == list(range(1, len(notebook_writes) + 1))  # each version once, in order
    assert len(notebook_writes) > 0
    print(f"\nreal Cloud: {CLIENTS} x {CALLS} mixed calls in {elapsed:.2f} s ({CLIENTS * CALLS / elapsed:,.0f} calls/s)")

    statuses = [s for _, st, _ in results for s in st]
    assert len(statuses) == CLIENTS * CALLS
    assert all(s < 500 for s in statuses)
    assert sum(m for _, _, m in results) == 0
    notebook = cloud.client("secretsmanager", region_name="eu-west-2")
    for acknowledged, _, _ in results:
        for name, value in acknowledged.items():
            assert notebook.get_secret_value(SecretId=name)["SecretString"] == value
    served_calls = [e for e in cloud.events.calls() if e.principal == f"arn:aws:iam::{cloud.account_id}:root"]
    assert len(served_calls) >= CLIENTS * CALLS  # every call reached the model (and the reads above)
    assert elapsed < BOUND_SECONDS * 2  # the model does real work (AES-GCM, a Python handler) on a shared machine
    assert set(threading.enumerate()) - before == set()
