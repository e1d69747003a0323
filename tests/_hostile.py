"""Hostile requests for every operation of every modelled service, drawn from botocore's input shapes.

A request is what a careless or malicious caller might send through a genuine boto3 client:
members drawn from each operation's input shape, each string often one of the Cloud's own
names and ARNs (so the call reaches past "not found") and often one of the values that have
broken the model before (superscript digits, ``[[[[...]]]]``, lone surrogates, huge numbers,
schedules that never fire, patterns that backtrack without end). With botocore's validation
off, members of the wrong type too.

:func:`snapshot` is the state of a Cloud as a caller can read it: every list, describe and get
call of every service that needs no argument, the reads of each resource they name, and the
clock's pending timers. A failed call must leave it exactly as it was.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import strategies as st

import secretkit
from secretkit.doors.backend import backend_of

__all__ = ["SERVICES", "hostile_value", "operations_of", "populate", "snapshot"]

SERVICES = ("secretsmanager", "ssm", "kms", "lambda", "events", "iam", "sts", "cloudformation", "rds")
REGION = "us-east-1"
ACCOUNT = "123456789012"

DEEP = "[" * 200 + "]" * 200
HOSTILE_TEXT = [
    "", " ", "²", "/p:²", "٣", "1²", "０", "x" * 5000,
    DEEP, '{"a":' * 100 + "1" + "}" * 100,
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
    '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"9999-12-31T23:59:59Z"}},'
    '{"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"99999999","Unit":"Days"}}]',
    '[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"99999999999","Unit":"Days"}}]',
    '[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"²","Unit":"Hours"}}]',
    "rate(99999999999 hours)", "rate(1 days)", "rate(4 hours)", "rate(² days)", "cron(0 ² * * ? *)",
    "cron(0 0 30 2 ? *)", "cron(0 0 ? * 2#5 *)", "cron(0 0 * * ? 1999)", "cron(0 */99999999999 * * ? *)",
    "a{99999999999}", "^(a+)+$", "a" * 30 + "!", "(", "\\", "%", "*", "?", "..", "/", "//", "arn:", "arn:aws:::",
    "arn:aws:lambda:us-east-1:123456789012:function:²", "alias/²", "v²", "9" * 40, "-1", "1e999", "NaN",
    "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "null", "true", "{}", "[]", "\x00", "\u202e", "ﬀ",
]
SURROGATES = ["\ud800", "a\udfffb", "\udc80\udc80"]
HUGE_INTS = [0, -1, 1, 2**31, 2**63, 10**20, -(10**20), 99999999999]
def _token(state: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


_TOKEN_DEEP = base64.urlsafe_b64encode(DEEP.encode()).decode()
# Well-formed paging tokens (the kit's own format) holding the wrong things.
_ODD_TOKENS = [_token({k: v}) for k in ("i", "start", "version", "after", "secrets") for v in ("x", "²", 1.5, [1], None, -1, 10**30, True)]
# Members whose names say what they hold get the values that once broke them, often.
HINTS = {
    "Schedule": ["rate(99999999999 hours)", "rate(99999999999 minutes)", "cron(0 0 30 2 ? *)", "cron(0 ² * * ? *)",
                 "cron(0 0 31 4 ? *)", "cron(0 0 * * ? 1999)", "cron(0 */0 * * ? *)", "rate(0 days)", "rate(1 day)",
                 "cron(0 12 L * ? *)", "cron(0 0 ? * 9#1 *)", "rate(1000 days)", "cron(0 23 * * ? *)"],
    "Polic": [DEEP, '{"Statement":' * 70 + "1" + "}" * 70, "[" + DEEP + "]", HOSTILE_TEXT[10], HOSTILE_TEXT[11],
              HOSTILE_TEXT[12], HOSTILE_TEXT[13], '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",'
              '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"' + "9" * 5000 + '"}}}}'],
    "Token": [*_ODD_TOKENS, "²", DEEP, _TOKEN_DEEP, "eyJpIjoxfQ", "eyJzdGFydCI6Ilx1MDBiMiJ9", "9" * 5000, "-1"],
    "Marker": [*_ODD_TOKENS, "²", "٣", "9" * 5000, "-1", "1", DEEP, _TOKEN_DEEP],
    "Pattern": ["a{99999999999}", "^(a+)+$", "(x+x+)+y", "[", "(?<=a+)b", "\\", "a{5000}{5000}"],
    "Value": ["a" * 30 + "!", "x" * 5000, "{{ssm:/app/plain}}", "\ud800", "²"],
    "String": ["a" * 30 + "!", "\ud800", '{"password":"\ud800"}'],
    "Context": ["\ud800", "²"],
    "Expression": ["rate(99999999999 hours)", "cron(0 0 30 2 ? *)"],
    "Version": ["v²", "²", "9" * 40, "v1"],
}
WRONG_TYPES = [[[1]], {"a": 1}, 1.5, True, 7, "text", b"bytes", [], {}]


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def operations_of(cloud: secretkit.Cloud, service: str) -> tuple[list[str], list[str]]:
    """``(modelled, not modelled)`` operation names of ``service``, from botocore's model."""
    client = cloud.client(service, REGION)
    backend = backend_of(cloud)
    names = client.meta.service_model.operation_names
    modelled = [n for n in names if backend.method(service, REGION, n) is not None]
    return modelled, [n for n in names if n not in modelled]


class _Drawer:
    def __init__(self, names: list[str], json_protocol: bool, wrong_types: bool) -> None:
        self.names = names or ["x"]
        self.json_protocol = json_protocol
        self.wrong_types = wrong_types

    def text(self) -> st.SearchStrategy[str]:
        pool = HOSTILE_TEXT + (SURROGATES if self.json_protocol else [])
        names = st.sampled_from(self.names)
        return st.one_of(
            names, names, names, names,
            st.sampled_from(pool), st.sampled_from(pool),
            st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
        )

    def hinted(self, member: str) -> st.SearchStrategy[str] | None:
        pools = [pool for word, pool in HINTS.items() if word in member]
        if not pools:
            return None
        values = [v for pool in pools for v in pool if self.json_protocol or not _has_surrogate(v)]
        return st.sampled_from(values) if values else None

    def draw(self, shape: Any, depth: int = 0, member: str = "") -> st.SearchStrategy[Any]:
        right = self._right(shape, depth, member)
        if self.wrong_types:
            return st.one_of(right, right, right, st.sampled_from(WRONG_TYPES))
        return right

    def _right(self, shape: Any, depth: int, member: str = "") -> st.SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "structure":
            if getattr(shape, "is_document_type", False):
                return st.sampled_from([{}, {"a": [1]}, "text"])
            members = {}
            for name, member in shape.members.items():
                if member.metadata.get("contextParam") and name not in shape.required_members:
                    continue  # it steers botocore's endpoint resolution, not the service
                if depth < 4 or name in shape.required_members:
                    members[name] = st.deferred(lambda m=member, n=name: self.draw(m, depth + 1, n))
            required = {k: v for k, v in members.items() if k in shape.required_members}
            optional = {k: v for k, v in members.items() if k not in shape.required_members}
            if shape.metadata.get("union") and members:
                return st.one_of([st.fixed_dictionaries({k: v}) for k, v in members.items()])
            return st.fixed_dictionaries(required, optional=optional)
        if kind == "list":
            return st.lists(self.draw(shape.member, depth + 1, member), max_size=3 if depth < 4 else 0)
        if kind == "map":
            return st.dictionaries(self.text(), self.draw(shape.value, depth + 1, member), max_size=2 if depth < 4 else 0)
        if kind == "string":
            if shape.enum:
                return st.one_of(st.sampled_from(list(shape.enum)), self.text())
            hinted = self.hinted(member)
            return self.text() if hinted is None else st.one_of(hinted, hinted, self.text())
        if kind == "boolean":
            return st.booleans()
        if kind in ("integer", "long"):
            return st.one_of(st.integers(1, 30), st.integers(1, 30), st.sampled_from(HUGE_INTS), st.integers(-5, 100))
        if kind in ("float", "double"):
            return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -0.0]))
        if kind == "blob":
            return st.one_of(st.binary(max_size=40), st.sampled_from([b"\x00" * 4096, b"\x01\x02"]))
        if kind == "timestamp":
            from datetime import datetime, timezone

            return st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9999, 1, 1)).map(
                lambda d: d.replace(microsecond=0, tzinfo=timezone.utc)
            )
        return st.none()


def hostile_value(shape: Any, names: list[str], *, json_protocol: bool, wrong_types: bool) -> st.SearchStrategy[dict[str, Any]]:
    """A request for ``shape`` (an operation's input; ``None``: no input)."""
    if shape is None:
        return st.just({})
    return _Drawer(names, json_protocol, wrong_types)._right(shape, 0)  # the members may be of the wrong type


# ---------------------------------------------------------------------------------- the Cloud

_FUNCTION = b"def lambda_handler(event, context):\n    return event\n"


def populate(cloud: secretkit.Cloud) -> dict[str, list[str]]:
    """Give ``cloud`` one or two of every kind of resource; return their names, ids and ARNs by service."""
    from secretkit.awslambda.code import build_zip

    c = {s: cloud.client(s, REGION) for s in SERVICES}
    names: dict[str, list[str]] = {s: [] for s in SERVICES}
    key = c["kms"].create_key(Description="k")["KeyMetadata"]
    c["kms"].create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    names["kms"] += [key["KeyId"], key["Arn"], "alias/app", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"]
    role = c["iam"].create_role(RoleName="app-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))["Role"]
    user = c["iam"].create_user(UserName="app-user")["User"]
    policy = c["iam"].create_policy(PolicyName="app-policy", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }))["Policy"]
    names["iam"] += ["app-role", role["Arn"], "app-user", user["Arn"], "app-policy", policy["Arn"], "v1"]
    fn = c["lambda"].create_function(FunctionName="app-fn", Runtime="python3.12", Role=role["Arn"],
                                     Handler="lambda_function.lambda_handler",
                                     Code={"ZipFile": build_zip({"lambda_function.py": _FUNCTION.decode()})})
    c["lambda"].add_permission(FunctionName="app-fn", StatementId="sm", Action="lambda:InvokeFunction",
                               Principal="secretsmanager.amazonaws.com")
    names["lambda"] += ["app-fn", fn["FunctionArn"], "sm", "$LATEST"]
    secret = c["secretsmanager"].create_secret(Name="prod/db", SecretString='{"password":"p"}', KmsKeyId=key["KeyId"])
    c["secretsmanager"].create_secret(Name="prod/bin", SecretBinary=b"\x00\x01")
    names["secretsmanager"] += ["prod/db", secret["ARN"], secret["VersionId"], "AWSCURRENT", "AWSPENDING", "prod/bin"]
    c["ssm"].put_parameter(Name="/app/plain", Value="v1", Type="String")
    c["ssm"].put_parameter(Name="/app/secret", Value="s1", Type="SecureString", Tier="Advanced")
    c["ssm"].label_parameter_version(Name="/app/plain", Labels=["blue"])
    names["ssm"] += ["/app/plain", "/app/secret", "/app/plain:1", "/app/plain:blue", "blue", "/app",
              f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/plain"]
    rule = c["events"].put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)")
    c["events"].put_targets(Rule="nightly", Targets=[{"Id": "t1", "Arn": fn["FunctionArn"]}])
    names["events"] += ["nightly", rule["RuleArn"], "t1", "default"]
    c["cloudformation"].create_stack(StackName="app-stack", TemplateBody=json.dumps({
        "Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "x"}}},
    }))
    names["cloudformation"] += ["app-stack", "P"]
    names["rds"] += ["postgres", "mysql", "db.t3.micro", "db1", "admin"]
    names["sts"] += [role["Arn"], "session", ACCOUNT]
    for service in ("secretsmanager", "lambda", "events", "cloudformation"):
        names[service] += [key["Arn"], role["Arn"], fn["FunctionArn"], secret["ARN"]]
    for service in SERVICES:
        names[service] += [ACCOUNT, REGION, "us-west-2"]
    return names


_SKIP_READS = {"GetRandomPassword", "GenerateRandom", "GetSessionToken", "GetFederationToken",
               "GetAccountAuthorizationDetails", "GetCredentialReport", "GetAccountSummary"}


def _reads(cloud: secretkit.Cloud, service: str) -> list[tuple[str, str]]:
    cached = cloud.extensions.get("test.reads." + service)
    if cached is None:
        client = cloud.client(service, REGION)
        model = client.meta.service_model
        backend = backend_of(cloud)
        cached = []
        for name in model.operation_names:
            if not name.startswith(("List", "Describe", "Get")) or name in _SKIP_READS:
                continue
            shape = model.operation_model(name).input_shape
            if shape is not None and shape.required_members:
                continue
            if backend.method(service, REGION, name) is not None:
                cached.append((name, xform_name(name)))
        cloud.extensions["test.reads." + service] = cached = _KeptList(cached)
    return cached


_READ_MARKS = {"ResponseMetadata", "LastAccessedDate"}  # the snapshot's own reads set LastAccessedDate


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in _READ_MARKS}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _call(client: Any, method: str, **args: Any) -> Any:
    try:
        out = getattr(client, method)(**args)
    except ClientError as exc:
        return ("error", exc.response["Error"]["Code"])
    if "Payload" in out:
        out["Payload"] = out["Payload"].read()
    return _plain(out)


def _items(client: Any, method: str, key: str, **args: Any) -> list[Any]:
    out = _call(client, method, **args)
    return out.get(key, []) if isinstance(out, dict) else []


class _Kept(dict):
    """What this test keeps on a Cloud (its clients, its list of reads): ``transient``, so it is
    no part of the Cloud's state: ``kit_snapshot`` and a save leave it out."""

    transient = True


class _KeptList(list):
    """Likewise, a list."""

    transient = True


def _clients(cloud: secretkit.Cloud) -> dict[str, Any]:
    found = cloud.extensions.get("test.snapshot-clients")
    if found is None:
        found = cloud.extensions["test.snapshot-clients"] = _Kept((s, cloud.client(s, REGION)) for s in SERVICES)
        found["secretsmanager-west"] = cloud.client("secretsmanager", "us-west-2")
    return found


def snapshot(cloud: secretkit.Cloud) -> dict[str, Any]:
    """What a caller can read of ``cloud``: every argument-free read, each resource's reads, timers."""
    c = _clients(cloud)
    out: dict[str, Any] = {}
    for service in SERVICES:
        for name, method in _reads(cloud, service):
            out[f"{service}.{name}"] = _call(c[service], method)
    sm = c["secretsmanager"]
    for entry in _items(sm, "list_secrets", "SecretList", IncludePlannedDeletion=True):
        arn = entry["ARN"]
        out[f"sm.versions {arn}"] = _call(sm, "list_secret_version_ids", SecretId=arn, IncludeDeprecated=True)
        out[f"sm.value {arn}"] = _call(sm, "get_secret_value", SecretId=arn)
        out[f"sm.policy {arn}"] = _call(sm, "get_resource_policy", SecretId=arn)
    out["sm.west"] = _call(c["secretsmanager-west"], "list_secrets", IncludePlannedDeletion=True)
    ssm = c["ssm"]
    for entry in _items(ssm, "describe_parameters", "Parameters", MaxResults=50):
        out[f"ssm.history {entry['Name']}"] = _call(ssm, "get_parameter_history", Name=entry["Name"], WithDecryption=True)
        out[f"ssm.tags {entry['Name']}"] = _call(ssm, "list_tags_for_resource", ResourceType="Parameter", ResourceId=entry["Name"])
    kms = c["kms"]
    for entry in _items(kms, "list_keys", "Keys"):
        key = entry["KeyId"]
        out[f"kms.key {key}"] = _call(kms, "describe_key", KeyId=key)
        out[f"kms.policy {key}"] = _call(kms, "get_key_policy", KeyId=key, PolicyName="default")
        out[f"kms.tags {key}"] = _call(kms, "list_resource_tags", KeyId=key)
        out[f"kms.rotation {key}"] = _call(kms, "get_key_rotation_status", KeyId=key)
    events = c["events"]
    for entry in _items(events, "list_rules", "Rules"):
        out[f"events.targets {entry['Name']}"] = _call(events, "list_targets_by_rule", Rule=entry["Name"])
        out[f"events.tags {entry['Name']}"] = _call(events, "list_tags_for_resource", ResourceARN=entry["Arn"])
    lam = c["lambda"]
    for entry in _items(lam, "list_functions", "Functions"):
        name = entry["FunctionName"]
        out[f"lambda.fn {name}"] = _call(lam, "get_function", FunctionName=name)
        out[f"lambda.policy {name}"] = _call(lam, "get_policy", FunctionName=name)
        out[f"lambda.versions {name}"] = _call(lam, "list_versions_by_function", FunctionName=name)
        out[f"lambda.aliases {name}"] = _call(lam, "list_aliases", FunctionName=name)
    iam = c["iam"]
    for entry in _items(iam, "list_roles", "Roles"):
        role = entry["RoleName"]
        out[f"iam.role {role}"] = _call(iam, "get_role", RoleName=role)
        out[f"iam.role policies {role}"] = _call(iam, "list_role_policies", RoleName=role)
        out[f"iam.role attached {role}"] = _call(iam, "list_attached_role_policies", RoleName=role)
    users = [entry["UserName"] for entry in _items(iam, "list_users", "Users")] or ["app-user"]  # ListUsers: not modelled yet
    for user in users:
        out[f"iam.user {user}"] = _call(iam, "get_user", UserName=user)
        out[f"iam.user policies {user}"] = _call(iam, "list_user_policies", UserName=user)
        out[f"iam.user attached {user}"] = _call(iam, "list_attached_user_policies", UserName=user)
        out[f"iam.user keys {user}"] = _call(iam, "list_access_keys", UserName=user)
    for entry in _items(iam, "list_policies", "Policies", Scope="Local"):
        out[f"iam.policy versions {entry['Arn']}"] = _call(iam, "list_policy_versions", PolicyArn=entry["Arn"])
    cfn = c["cloudformation"]
    for entry in _items(cfn, "list_stacks", "StackSummaries"):
        out[f"cfn.resources {entry['StackId']}"] = _call(cfn, "list_stack_resources", StackName=entry["StackId"])
        out[f"cfn.template {entry['StackId']}"] = _call(cfn, "get_template", StackName=entry["StackId"])
    out["clock"] = (cloud.clock.now, [(t.when, t.label) for t in cloud.clock.pending()])
    return out
