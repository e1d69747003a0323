"""A secret, its database and a pre-built rotation function, ready to rotate (shared by the rotation tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from secretkit import Cloud
from secretkit.databases import Database, SimConnector, databases
from secretkit.rotation_functions import (
    FailurePlan,
    RotationFunction,
    rotation_function,
)

APP_PW = "app-password-0"
MASTER_PW = "master-password-0"


@dataclass
class Setup:
    cloud: Cloud
    sm: Any
    db: Database
    arn: str
    function: RotationFunction
    function_arn: str
    connector: SimConnector

    def current(self) -> dict[str, Any]:
        return json.loads(self.sm.get_secret_value(SecretId=self.arn)["SecretString"])

    def labels(self) -> dict[str, list[str]]:
        return self.sm.describe_secret(SecretId=self.arn)["VersionIdsToStages"]

    def current_works(self) -> bool:
        value = self.current()
        return self.db.accepts(value["username"], value["password"])

    def rotate(self, **kwargs: Any) -> str:
        token = self.sm.rotate_secret(SecretId=self.arn, RotationLambdaARN=self.function_arn, **kwargs)["VersionId"]
        self.cloud.clock.advance(seconds=5)
        return token


def make_setup(engine: str = "postgres", strategy: str = "single-user", *, duration_ms: float = 100.0,
               client: Any = None, seed: int = 0) -> Setup:
    cloud = Cloud(seed=seed)
    sm = cloud.secretsmanager("us-east-1")
    dbs = databases(cloud)
    host = f"{engine}.db.example"
    db = dbs.create(engine, host, "admin", MASTER_PW)
    db.add_user("app", APP_PW, grants=("SELECT", "INSERT"))
    master = sm.create_secret(Name="master", SecretString=json.dumps(db.secret_dict("admin", MASTER_PW)))
    extra = {"masterarn": master["ARN"]} if strategy == "alternating-users" else {}
    arn = sm.create_secret(Name="app", SecretString=json.dumps(db.secret_dict("app", APP_PW, **extra)))["ARN"]
    connector = SimConnector(dbs)
    function = rotation_function(engine, strategy, connector, client=client, failures=FailurePlan())
    function_arn = cloud.register_function("rotate-app", function, duration_ms=duration_ms)
    return Setup(cloud, sm, db, arn, function, function_arn, connector)
