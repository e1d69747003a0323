"""HTTP endpoint benchmark: median and 99th-percentile microseconds of a ``GetSecretValue``
round trip with boto3 over HTTP on 127.0.0.1, with moto's server measured in the same run
as the peer (issue #18).

Three rows of each figure, measured in the same run:

* **a Cloud's ``cloud.serve()``**: what a student's SDK or CLI meets — HTTP, SigV4 checked
  against the key the Cloud issued, the codecs, the one lock, and the model's
  ``GetSecretValue`` with its real AES-256-GCM decryption of the data key and the value;
* **the endpoint over a minimal backend** (a dict of secret strings): the door's own cost;
* **moto's server**, the peer, which stores values unencrypted.

moto's server
(``moto.server.ThreadedMotoServer``, a Flask app) needs ``flask`` and ``flask-cors``, which
the dev extra installs; without them its rows read ``n/a``.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config

from secretkit.doors.http import Caller, Endpoint, IssuedKey
from secretkit.doors.protocols import AwsError

CALLS = 2000
WARMUP = 100
SECRETS = 100
KEY_ID, SECRET = "AKIABENCHMARK0000001", "benchmark/secret/key"
CREATED = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _latencies_us(fn: Callable[[int], Any], calls: int) -> list[float]:
    for i in range(WARMUP):
        fn(i)
    samples = []
    for i in range(calls):
        start = time.perf_counter_ns()
        fn(i)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def _rows(label: str, samples: list[float]) -> list[tuple[str, float, str]]:
    return [
        (f"{label} GetSecretValue median", statistics.median(samples), "us/call"),
        (f"{label} GetSecretValue p99", _p99(samples), "us/call"),
    ]


def _client(endpoint_url: str, key: str, secret: str) -> Any:
    return boto3.client(
        "secretsmanager", endpoint_url=endpoint_url, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}),
    )


def _measure(client: Any) -> list[float]:
    for i in range(SECRETS):
        client.create_secret(Name=f"bench/secret-{i:03d}", SecretString=f'{{"password": "p{i}"}}')
    return _latencies_us(lambda i: client.get_secret_value(SecretId=f"bench/secret-{(i * 37) % SECRETS:03d}"), CALLS)


def _door() -> list[tuple[str, float, str]]:
    secrets: dict[str, str] = {}

    def backend(service: str, operation: str, params: dict[str, Any], caller: Caller, region: str) -> dict[str, Any]:
        arn = f"arn:aws:secretsmanager:{region}:111122223333:secret:{params.get('Name') or params.get('SecretId')}"
        if operation == "CreateSecret":
            secrets[params["Name"]] = params["SecretString"]
            return {"ARN": arn, "Name": params["Name"], "VersionId": params["ClientRequestToken"]}
        if operation == "GetSecretValue":
            if params["SecretId"] not in secrets:
                raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
            return {"ARN": arn, "Name": params["SecretId"], "SecretString": secrets[params["SecretId"]],
                    "VersionStages": ["AWSCURRENT"], "CreatedDate": CREATED}
        raise AwsError("UnsupportedOperation", operation)

    keys = {KEY_ID: IssuedKey(SECRET)}
    with Endpoint(backend, keys.get) as endpoint:
        return _rows("secretkit endpoint (minimal backend)", _measure(_client(endpoint.endpoint_url, KEY_ID, SECRET)))


def _cloud() -> list[tuple[str, float, str]]:
    from secretkit import Cloud

    with Cloud(seed=0).serve(quiet=True) as served:
        client = _client(served.endpoint_url, served.access_key_id, served.secret_access_key)
        return _rows("secretkit cloud.serve() (the model, decryption)", _measure(client))


def _moto() -> list[tuple[str, float, str]]:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        return [("moto server (peer)", float("nan"), "needs moto[server]: flask and flask-cors")]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        client = _client(f"http://127.0.0.1:{port}", "testing", "testing")
        return _rows("moto server (peer, no encryption)", _measure(client))
    finally:
        server.stop()


def run() -> list[tuple[str, float, str]]:
    return _cloud() + _door() + _moto()


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<60} {value:>10,.1f} {unit}")
