"""A small world for the IAM and STS tests: one directory, two accounts, their IAM, STS."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from secretkit.core.clock import SimClock
from secretkit.core.errors import ClientError
from secretkit.core.events import EventLog
from secretkit.core.ids import Ids
from secretkit.core.service import Env
from secretkit.iam import Authorizer, Decision, Directory, Iam, Sts

A, B = "111122223333", "444455556666"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: Any) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


@dataclass
class World:
    clock: SimClock
    directory: Directory
    authorizer: Authorizer
    events: EventLog
    decisions: list[Decision] = field(default_factory=list)
    iams: dict[str, Iam] = field(default_factory=dict)

    def iam(self, account: str = A) -> Iam:
        if account not in self.iams:
            env = Env("us-east-1", self.clock, self.directory.ids, self.events, account)
            self.iams[account] = Iam(env, self.directory, self.authorizer)
        return self.iams[account]

    def sts(self, region: str = "us-east-1") -> Sts:
        return Sts(Env(region, self.clock, self.directory.ids, self.events, A), self.directory, self.authorizer)

    def user_with_key(self, name: str, *statements: dict[str, Any], account: str = A) -> Any:
        """A user with an inline policy, as the principal its new access key resolves to."""
        iam = self.iam(account)
        iam.create_user(UserName=name)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return self.directory.resolve(key["AccessKeyId"], key["SecretAccessKey"], service="iam")


def make_world() -> World:
    clock = SimClock("2026-01-01")
    decisions: list[Decision] = []
    authorizer = Authorizer(clock, on_decision=decisions.append)
    world = World(clock, Directory(clock, Ids(7), A), authorizer, EventLog(), decisions)
    world.directory.account(B)
    return world


def error_of(call: Any, *args: Any, **kwargs: Any) -> ClientError:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value
