"""Lab 8 checks: who can read a secret — write the three policies that decide it.

Each answer is a function returning a policy document (a dict, or its JSON text). The
checks try it the way AWS would judge it: in a fresh simulated account, through genuine
boto3 clients acting as the principals the policy is about, and report the first call that
came out wrong. They never show the policy they would accept.

* ``q1``: ``app_read_policy(secret_name, region, account)``, the identity policy of an
  application role that may read exactly one secret;
* ``q2``: ``key_policy(account, reader_role_arn)``, the key policy of a customer managed key
  that the account administers and the reader uses only through Secrets Manager;
* ``q3``: ``guard_policy(account, partner_reader_arn)``, a secret's resource policy letting
  one reader of a partner account in, with an explicit deny for every other principal of
  another account.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..cloud import Cloud
from . import Checks, Mistake, call, error_code, expect, type_name

__all__ = ["ACCOUNT", "PARTNER", "checks", "check"]

checks = Checks("lab08")
check = checks.check

ACCOUNT = "123456789012"
PARTNER = "444455556666"
_REGION = "us-east-1"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _text(policy: Any, name: str) -> str:
    if isinstance(policy, str):
        try:
            json.loads(policy)
        except ValueError:
            raise Mistake(f"{name} returned text that is not JSON") from None
        return policy
    expect(isinstance(policy, dict), f"{name} returned {type_name(policy)}: return the policy document as a dict")
    return json.dumps(policy)


def _credentials(creds: dict[str, Any]) -> dict[str, str]:
    out = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"]}
    if "SessionToken" in creds:
        out["aws_session_token"] = creds["SessionToken"]
    return out


def _role(cloud: Cloud, name: str) -> None:
    """Make role ``name`` (no permissions yet), trusted by the user the check's sessions come from:
    a policy can name a role only once it exists."""
    iam = cloud.client("iam")
    if "lab08.deployer" not in cloud.extensions:
        iam.create_user(UserName="deployer")
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        iam.put_user_policy(UserName="deployer", PolicyName="assume", PolicyDocument=_doc(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
        cloud.extensions["lab08.deployer"] = _credentials(key)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/deployer"}, "Action": "sts:AssumeRole"}))


def _role_session(cloud: Cloud, name: str, policy_text: str, what: str, *, made: bool = False) -> dict[str, str]:
    """A role ``name`` (made here unless ``made``) with ``policy_text`` inline, and a session of it."""
    iam = cloud.client("iam")
    if not made:
        _role(cloud, name)
    try:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy_text)
    except Exception as exc:  # IAM's own verdict on the document
        said = getattr(exc, "response", {}).get("Error", {}).get("Message", str(exc))
        raise Mistake(f"IAM refuses {what}: {error_code(exc)}: {said}") from None
    sts = cloud.client("sts", **cloud.extensions["lab08.deployer"])
    return _credentials(sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}", RoleSessionName="check")
                        ["Credentials"])


def _allowed(action: Callable[[], Any]) -> bool:
    """Whether a call got past access control (any answer but AccessDenied counts)."""
    try:
        action()
    except Exception as exc:
        code = error_code(exc)
        if code is None:
            raise
        return code not in ("AccessDenied", "AccessDeniedException")
    return True


@checks.question("q1")
def _app_read_policy(app_read_policy: Callable[..., Any]) -> None:
    """The app role reads prod-db-credentials and nothing else, and writes nothing."""
    cloud = Cloud(seed=81)
    sm = cloud.client("secretsmanager")
    own = sm.create_secret(Name="prod-db-credentials", SecretString="mine")["ARN"]
    sm.create_secret(Name="prod-db-credentials-old", SecretString="an older secret")
    sm.create_secret(Name="prod-payments-key", SecretString="not the app's")
    text = _text(call(app_read_policy, "prod-db-credentials", _REGION, ACCOUNT), "app_read_policy")
    app = cloud.client("secretsmanager", **_role_session(cloud, "shop-app", text, "the app's policy"))
    expect(_allowed(lambda: app.get_secret_value(SecretId="prod-db-credentials")),
           "the role cannot read its own secret by name")
    expect(_allowed(lambda: app.get_secret_value(SecretId=own)), "the role cannot read its own secret by ARN")
    expect(not _allowed(lambda: app.get_secret_value(SecretId="prod-payments-key")),
           "the role may read other secrets of the account")
    expect(not _allowed(lambda: app.get_secret_value(SecretId="prod-db-credentials-old")),
           "the role may also read prod-db-credentials-old: a name followed by * matches longer names too "
           "(a secret's ARN ends in a hyphen and six characters)")
    expect(not _allowed(lambda: app.put_secret_value(SecretId="prod-db-credentials", SecretString="changed")),
           "the role may change its secret: an application only reads it")
    expect(not _allowed(lambda: app.delete_secret(SecretId="prod-db-credentials")),
           "the role may delete its secret: an application only reads it")
    expect(not _allowed(lambda: app.list_secrets()), "the role may list every secret of the account")


def _key_world(policy_text: str) -> tuple[Cloud, Any, str | None]:
    cloud = Cloud(seed=82)
    _role(cloud, "orders-reader")  # the key policy names it: it must exist first
    kms = cloud.client("kms")
    try:
        key = kms.create_key(Description="orders", Policy=policy_text, BypassPolicyLockoutSafetyCheck=True)
    except Exception as exc:
        raise Mistake(f"KMS refuses the key policy: {error_code(exc)}") from None
    return cloud, kms, key["KeyMetadata"]["Arn"]


@checks.question("q2")
def _key_policy(key_policy: Callable[..., Any]) -> None:
    """The account administers the key; the reader decrypts only through Secrets Manager."""
    reader = f"arn:aws:iam::{ACCOUNT}:role/orders-reader"
    text = _text(call(key_policy, ACCOUNT, reader), "key_policy")
    cloud, kms, key = _key_world(text)
    expect(_allowed(lambda: kms.describe_key(KeyId=key)) and _allowed(lambda: kms.get_key_policy(KeyId=key)),
           "the account's administrators cannot manage the key: a key policy that does not name the account "
           "locks even its root user out, for good")
    expect(_allowed(lambda: kms.put_key_policy(KeyId=key, Policy=text)),
           "the account's administrators could never change this key policy again")
    sm = cloud.client("secretsmanager")
    try:
        arn = sm.create_secret(Name="prod-orders-db", SecretString="orders-pw", KmsKeyId=key)["ARN"]
    except Exception as exc:
        raise Mistake(f"the account cannot store a secret under the key ({error_code(exc)}): "
                      "administrators need to use it too") from None
    read_only = _doc({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arn})
    reader_sm = cloud.client("secretsmanager", **_role_session(cloud, "orders-reader", read_only, "the reader's policy",
                                                                made=True))
    expect(_allowed(lambda: reader_sm.get_secret_value(SecretId=arn)),
           "the reader cannot read the secret: Secrets Manager decrypts as the reader, so the key policy must "
           "allow it kms:Decrypt")
    blob = kms.encrypt(KeyId=key, Plaintext=b"not through Secrets Manager")["CiphertextBlob"]
    direct = cloud.client("kms", **_session_as(cloud, "orders-reader", read_only))
    expect(not _allowed(lambda: direct.decrypt(CiphertextBlob=blob)),
           "the reader may decrypt anything under the key directly, outside Secrets Manager: "
           "a condition on kms:ViaService keeps it to Secrets Manager")
    intern = cloud.client("secretsmanager", **_role_session(cloud, "intern", _doc(
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}), "a policy"))
    expect(not _allowed(lambda: intern.get_secret_value(SecretId=arn)),
           "a role with no permission on the key can read the secret: the key policy lets too many principals "
           "decrypt")


def _session_as(cloud: Cloud, role: str, _policy: str) -> dict[str, str]:
    """A second session of an existing role (the check's own clients)."""
    sts = cloud.client("sts", **cloud.extensions["lab08.deployer"])
    return _credentials(sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="check-2")
                        ["Credentials"])


@checks.question("q3")
def _guard_policy(guard_policy: Callable[..., Any]) -> None:
    """The partner's reader reads; every other principal of another account is explicitly denied."""
    partner_reader = f"arn:aws:iam::{PARTNER}:user/reader"
    text = _text(call(guard_policy, ACCOUNT, partner_reader), "guard_policy")
    cloud = Cloud(seed=83)
    partner_root = cloud.kit_add_account(PARTNER)
    kms = cloud.client("kms")
    key = kms.create_key(Policy=_doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "kms:Decrypt",
         "Resource": "*"}))["KeyMetadata"]["Arn"]
    sm = cloud.client("secretsmanager")
    arn = sm.create_secret(Name="shared-orders", SecretString="shared", KmsKeyId=key)["ARN"]
    partner_iam = cloud.client("iam", **partner_root)
    readers = {}
    for name in ("reader", "intruder"):  # the policy names the reader: it must exist first
        partner_iam.create_user(UserName=name)
        partner_iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*"}))
        readers[name] = cloud.client("secretsmanager", **_credentials(
            partner_iam.create_access_key(UserName=name)["AccessKey"]))
    try:
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=text, BlockPublicPolicy=True)
    except Exception as exc:
        code = error_code(exc)
        if code == "PublicPolicyException":
            raise Mistake("Secrets Manager refuses the policy as public: an Allow to every principal with no "
                          "condition on who the caller is grants broad access") from None
        raise Mistake(f"Secrets Manager refuses the policy: {code}") from None
    expect(_allowed(lambda: readers["reader"].get_secret_value(SecretId=arn)),
           "the partner's reader cannot read the secret: across accounts the secret's policy must allow it")
    try:
        readers["intruder"].get_secret_value(SecretId=arn)
        raise Mistake("another user of the partner account can read the secret")
    except Mistake:
        raise
    except Exception as exc:
        expect(error_code(exc) in ("AccessDenied", "AccessDeniedException"),
               f"another user of the partner account got {error_code(exc)} instead of AccessDeniedException")
        expect("explicit deny" in str(exc),
               "another user of the partner account is refused only because nothing allows it: add the explicit deny "
               "that refuses every principal outside your account but the reader, whatever their own policies say")
    own = cloud.client("secretsmanager", **_role_session(cloud, "shop-app", _doc(
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arn},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}), "a policy"))
    expect(_allowed(lambda: own.get_secret_value(SecretId=arn)),
           "the deny also refuses your own account's application: scope it to principals of other accounts")
    expect(_allowed(lambda: sm.get_secret_value(SecretId=arn)), "the deny also refuses your account's root user")
