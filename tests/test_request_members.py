"""Every request member botocore knows is modelled, or refused with an AWS error.

Found systematically: for every operation a service models, each input member of the
pinned botocore's model must be a parameter of the model's method (where it is modelled,
or refused with AWS's own error for that case), or, for a service that declares it, be
refused by the door with the AWS error it names for that service (``UNMODELLED_MEMBER_ERRORS``).
Never the kit's own "could not serve this request". A member added by a newer botocore
fails the first test until it is handled.
"""

from __future__ import annotations

import inspect
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from secretkit import Cloud
from secretkit.doors.backend import UNMODELLED_MEMBER_ERRORS

SESSION = botocore.session.get_session()
#: Secrets Manager, Parameter Store and KMS model or refuse every member in the method itself.
NO_BLANKET = {"secretsmanager", "ssm", "kms"}
assert not NO_BLANKET & set(UNMODELLED_MEMBER_ERRORS)
#: Operations that take any member (``**kwargs``) and ignore what they do not model: CloudFormation's
#: stack operations. Listed so that a new catch-all is a failure here.
CATCH_ALL = {("cloudformation", op) for op in ("CreateChangeSet", "CreateStack", "DeleteStack", "ExecuteChangeSet",
                                                 "UpdateStack")}


def _model(cloud: Cloud, service: str) -> Any:
    return cloud.iam() if service == "iam" else cloud.service(service, "us-east-1")


def _operations(cloud: Cloud):
    for service in cloud.service_names:
        model = _model(cloud, service)
        api = SESSION.get_service_model(service)
        for op in api.operation_names:
            method = getattr(model, xform_name(op), None)
            if method is not None and getattr(method, "aws_operation", None) == op:
                yield service, op, method, api.operation_model(op).input_shape


def _unmodelled(method: Any, shape: Any) -> list[str]:
    accepted = inspect.signature(method).parameters
    return [m for m in (shape.members if shape else {}) if m not in accepted]


def test_every_member_is_a_parameter_or_refused_by_a_declared_aws_error() -> None:
    cloud = Cloud()
    gaps, catch_alls = [], set()
    for service, op, method, shape in _operations(cloud):
        parameters = inspect.signature(method).parameters.values()
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            catch_alls.add((service, op))
            continue
        missing = _unmodelled(method, shape)
        if missing and (service in NO_BLANKET or service not in UNMODELLED_MEMBER_ERRORS):
            gaps.append((service, op, missing))
    assert gaps == []
    assert catch_alls == CATCH_ALL


def _value(shape: Any, depth: int = 0) -> Any:
    """A value of botocore shape ``shape`` that botocore's own validation accepts."""
    kind = shape.type_name
    low = shape.metadata.get("min", 1)
    if kind == "string":
        return shape.enum[0] if shape.enum else "x" * max(int(low), 1)
    if kind in ("integer", "long"):
        return max(int(low), 1)
    if kind in ("float", "double"):
        return float(max(low, 1))
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x" * max(int(low), 1)
    if kind == "timestamp":
        return datetime(2026, 1, 1, tzinfo=timezone.utc)
    if kind == "list":
        return [_value(shape.member, depth + 1)] * max(int(low), 1)
    if kind == "map":
        return {_value(shape.key, depth + 1): _value(shape.value, depth + 1)}
    if kind == "structure":
        names = shape.required_members or ([] if depth > 2 else list(shape.members)[:1])
        return {n: _value(shape.members[n], depth + 1) for n in names}
    raise AssertionError(f"no value for {kind}")


def _refused_cases():
    cloud = Cloud()
    for service, op, method, shape in _operations(cloud):
        if service in NO_BLANKET or (service, op) in CATCH_ALL:
            continue
        for member in _unmodelled(method, shape):
            yield pytest.param(service, op, member, UNMODELLED_MEMBER_ERRORS[service],
                               id=f"{service}.{op}.{member}")


REFUSED = list(_refused_cases())


def test_some_members_are_refused_by_the_door() -> None:
    assert len(REFUSED) > 50  # Lambda's and RDS's many configuration members, IAM's, STS's


@pytest.mark.parametrize("service, op, member, expected", REFUSED[::7])  # a spread of them: each is a call
def test_an_unmodelled_member_gets_the_services_aws_error(service: str, op: str, member: str, expected: str) -> None:
    cloud = Cloud()
    client = cloud.client(service, region_name="us-east-1")
    shape = SESSION.get_service_model(service).operation_model(op).input_shape
    params = {n: _value(shape.members[n]) for n in shape.required_members}
    params[member] = _value(shape.members[member])
    with pytest.raises(ClientError) as e:
        getattr(client, xform_name(op))(**params)
    error = e.value.response["Error"]
    assert error["Code"] == expected
    assert member in error["Message"] and "could not serve" not in error["Message"]


# ---- the members Secrets Manager and KMS model or refuse themselves
@pytest.fixture
def kms(cloud):
    return cloud.client("kms", region_name="us-east-1")


def code(e) -> str:
    return e.value.response["Error"]["Code"]


def test_list_keys_resource_owners(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert [k["KeyId"] for k in kms.list_keys(ResourceOwners=["SELF"])["Keys"]] == [key_id]
    assert kms.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"])["Keys"] == []  # nothing is shared here
    assert [k["KeyId"] for k in kms.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM", "SELF"])["Keys"]] == [key_id]
    with pytest.raises(ClientError) as e:
        kms.list_keys(ResourceOwners=["EVERYONE"])
    assert code(e) == "ValidationException"


def test_decrypt_dry_run_ignoring_the_ciphertext_checks_only_the_key(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=b"not a ciphertext", KeyId=key_id, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])
    assert code(e) == "DryRunOperationException"
    with pytest.raises(ClientError) as e:  # without the modifier the ciphertext is checked
        kms.decrypt(CiphertextBlob=b"not a ciphertext", KeyId=key_id, DryRun=True)
    assert code(e) == "InvalidCiphertextException"
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=b"x", KeyId=key_id, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])
    assert code(e) == "DisabledException"


def test_attested_calls_and_custom_key_stores_are_refused_with_kms_errors(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
    recipient = {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"doc"}
    for call in (lambda: kms.decrypt(CiphertextBlob=blob, Recipient=recipient),
                 lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", Recipient=recipient)):
        with pytest.raises(ClientError) as e:
            call()
        assert code(e) == "UnsupportedOperationException"
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, Recipient={"KeyEncryptionAlgorithm": "RSA", "AttestationDocument": b"d"})
    assert code(e) == "ValidationException"
    before = len(kms.list_keys()["Keys"])
    with pytest.raises(ClientError) as e:
        kms.create_key(CustomKeyStoreId="cks-1234567890abcdef0")
    assert code(e) == "CustomKeyStoreNotFoundException"
    with pytest.raises(ClientError) as e:
        kms.create_key(XksKeyId="ext-key-1")
    assert code(e) == "ValidationException"
    assert len(kms.list_keys()["Keys"]) == before


def test_create_secret_cross_account_primary(cloud):
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    primary = "arn:aws:secretsmanager:us-east-1:210987654321:secret:shared/db-AbCdEf"
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    cases = [
        ({"CrossAccountPrimaryARN": primary, "KmsKeyId": key}, "ResourceNotFoundException"),  # no such account here
        ({"CrossAccountPrimaryARN": primary}, "InvalidParameterException"),  # needs a customer managed key
        ({"CrossAccountPrimaryARN": primary, "KmsKeyId": key, "SecretString": "v"}, "InvalidParameterException"),
        ({"CrossAccountPrimaryARN": primary.replace("210987654321", "123456789012"), "KmsKeyId": key},
         "InvalidParameterException"),  # the same account
        ({"CrossAccountPrimaryARN": primary.replace("us-east-1", "eu-west-1"), "KmsKeyId": key},
         "InvalidParameterException"),  # another Region
    ]
    for extra, expected in cases:
        with pytest.raises(ClientError) as e:
            sm.create_secret(Name="replica", **extra)
        assert code(e) == expected, extra
    assert sm.list_secrets()["SecretList"] == []
