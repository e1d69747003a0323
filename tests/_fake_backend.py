"""A small in-memory backend for the HTTP door's tests: a few operations per protocol.

It stands in for the Cloud (phase 2 plugs the real one in): it records every call it
receives, exactly as the door decoded it, and answers with AWS-shaped results and AWS's
error codes and messages. It models nothing else — no encryption, no clock.
"""

from __future__ import annotations

import base64
import threading
from datetime import datetime, timezone
from typing import Any

from secretkit.doors.http import Caller, IssuedKey
from secretkit.doors.protocols import AwsError

ACCOUNT = "111122223333"
ACCESS_KEY = "AKIAFAKEBACKEND00001"
SECRET_KEY = "fake/secret+key/for/the/door/tests/0001"
TEMP_KEY = "ASIAFAKEBACKEND00002"
TEMP_SECRET = "temporary/secret/key"
TEMP_TOKEN = "FQoGZXIvYXdzEFakeSessionToken//"
EXPIRED_KEY = "ASIAFAKEEXPIRED00003"
CREATED = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def keys(access_key_id: str) -> IssuedKey | None:
    """The key lookup: one long-term key, one live temporary key, one expired one."""
    return {
        ACCESS_KEY: IssuedKey(SECRET_KEY, principal="user/ana"),
        TEMP_KEY: IssuedKey(TEMP_SECRET, session_token=TEMP_TOKEN, principal="assumed-role/app/s1"),
        EXPIRED_KEY: IssuedKey("old", session_token="old-token", expired=True),
    }.get(access_key_id)


class FakeBackend:
    """Secrets, parameters, a KMS "key" that base64s, IAM users, stacks and one Lambda function."""

    def __init__(self, page_size: int = 2) -> None:
        self.page_size = page_size
        self.calls: list[tuple[str, str, dict[str, Any], Caller, str]] = []
        self.secrets: dict[str, str] = {}
        self.parameters: dict[str, str] = {}
        self.users: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str, operation: str, params: dict[str, Any], caller: Caller, region: str) -> dict[str, Any]:
        with self._lock:
            self.calls.append((service, operation, params, caller, region))
            handler = getattr(self, f"{service}_{operation}", None)
            if handler is None:
                raise AwsError("UnsupportedOperation", f"the fake backend does not serve {service}.{operation}")
            return handler(params, region)

    def _page(self, names: list[str], token: str | None) -> tuple[list[str], str | None]:
        start = int(token or 0)
        end = start + self.page_size
        return names[start:end], (str(end) if end < len(names) else None)

    # Secrets Manager (JSON 1.1)
    def _arn(self, region: str, name: str) -> str:
        return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}-AbCdEf"

    def secretsmanager_CreateSecret(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        if p["Name"] in self.secrets:
            raise AwsError("ResourceExistsException", f"The operation failed because the secret {p['Name']} already exists.")
        self.secrets[p["Name"]] = p.get("SecretString", "")
        return {"ARN": self._arn(region, p["Name"]), "Name": p["Name"], "VersionId": p.get("ClientRequestToken")}

    def secretsmanager_PutSecretValue(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        if p["SecretId"] not in self.secrets:
            raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
        self.secrets[p["SecretId"]] = p["SecretString"]
        return {"ARN": self._arn(region, p["SecretId"]), "Name": p["SecretId"], "VersionStages": ["AWSCURRENT"]}

    def secretsmanager_GetSecretValue(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        if p["SecretId"] not in self.secrets:
            raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
        return {
            "ARN": self._arn(region, p["SecretId"]),
            "Name": p["SecretId"],
            "SecretString": self.secrets[p["SecretId"]],
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": CREATED,
        }

    def secretsmanager_ListSecrets(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        page, token = self._page(sorted(self.secrets), p.get("NextToken"))
        out: dict[str, Any] = {"SecretList": [{"Name": n, "ARN": self._arn(region, n)} for n in page]}
        if token:
            out["NextToken"] = token
        return out

    def secretsmanager_DeleteSecret(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        if self.secrets.pop(p["SecretId"], None) is None:
            raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
        return {"ARN": self._arn(region, p["SecretId"]), "Name": p["SecretId"], "DeletionDate": CREATED}

    # Parameter Store and KMS (JSON 1.1)
    def ssm_PutParameter(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        if p["Name"] in self.parameters and not p.get("Overwrite"):
            raise AwsError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
        self.parameters[p["Name"]] = p["Value"]
        return {"Version": 1, "Tier": p.get("Tier", "Standard")}

    def ssm_GetParameter(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        if p["Name"] not in self.parameters:
            raise AwsError("ParameterNotFound", "")
        return {"Parameter": {"Name": p["Name"], "Type": "String", "Value": self.parameters[p["Name"]], "Version": 1}}

    def kms_Encrypt(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        return {"CiphertextBlob": b"fake:" + p["Plaintext"], "KeyId": p["KeyId"], "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def kms_Decrypt(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        blob = p["CiphertextBlob"]
        if not blob.startswith(b"fake:"):
            raise AwsError("InvalidCiphertextException", "")
        return {"Plaintext": blob[5:], "KeyId": "alias/fake"}

    # IAM, STS, CloudFormation (query)
    def iam_CreateUser(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        name = p["UserName"]
        if name in self.users:
            raise AwsError("EntityAlreadyExists", f"User with name {name} already exists.")
        self.users[name] = p.get("Path", "/")
        return {"User": self._user(name)}

    def _user(self, name: str) -> dict[str, Any]:
        path = self.users[name]
        return {"Path": path, "UserName": name, "UserId": "AIDA" + name.upper().ljust(17, "X")[:17],
                "Arn": f"arn:aws:iam::{ACCOUNT}:user{path}{name}", "CreateDate": CREATED}

    def iam_GetUser(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        name = p.get("UserName", "ana")
        if name not in self.users:
            raise AwsError("NoSuchEntity", f"The user with name {name} cannot be found.")
        return {"User": self._user(name)}

    def iam_ListUsers(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        page, token = self._page(sorted(self.users), p.get("Marker"))
        out: dict[str, Any] = {"Users": [self._user(n) for n in page], "IsTruncated": token is not None}
        if token:
            out["Marker"] = token
        return out

    def iam_GetRolePolicy(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
        return {"RoleName": p["RoleName"], "PolicyName": p["PolicyName"], "PolicyDocument": document}

    def sts_GetCallerIdentity(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        return {"UserId": "AIDAANAEXAMPLE000001", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ana"}

    def cloudformation_CreateStack(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        return {"StackId": f"arn:aws:cloudformation:{region}:{ACCOUNT}:stack/{p['StackName']}/00000000-0000-4000-8000-000000000001"}

    # Lambda (REST-JSON)
    def lambda_Invoke(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        name = p["FunctionName"]
        if "missing" in name:
            raise AwsError("ResourceNotFoundException", f"Function not found: arn:aws:lambda:{region}:{ACCOUNT}:function:{name}")
        log = base64.b64encode(b"START RequestId: 1\nEND RequestId: 1\n").decode()
        if p.get("InvocationType") == "Event":
            return {"StatusCode": 202, "Payload": b""}
        return {"StatusCode": 200, "Payload": b'{"echo": ' + p.get("Payload", b"null") + b"}", "ExecutedVersion": "$LATEST",
                "FunctionError": "Unhandled" if b"fail" in p.get("Payload", b"") else None,
                "LogResult": log if p.get("LogType") == "Tail" else None}

    def lambda_GetFunction(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        raise AwsError("ResourceNotFoundException", f"Function not found: arn:aws:lambda:{region}:{ACCOUNT}:function:{p['FunctionName']}")

    def lambda_ListFunctions(self, p: dict[str, Any], region: str) -> dict[str, Any]:
        names = [f"fn-{i}" for i in range(5)]
        page, token = self._page(names, p.get("Marker"))
        out: dict[str, Any] = {"Functions": [{"FunctionName": n, "Runtime": "python3.12"} for n in page]}
        if token:
            out["NextMarker"] = token
        return out
