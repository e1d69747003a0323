"""A refused value is never echoed: not in the error, not in the event log.

Secret values, parameter values and plaintexts that fail validation (a wrong type, too
long, not matching a parameter's AllowedPattern) get AWS's error without the value in it.
Tried through the doors a user has: an SDK with botocore's own validation switched off
against ``cloud.serve()`` (so wrong types reach the model, as from any SDK that does not
validate), and the model itself, as a widget's callback calls it.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from secretkit import Cloud
from secretkit.core.errors import ClientError as ModelError

MARK = "S3cr3t-MARKER-9f2"  # what must never come back


@pytest.fixture(scope="module")
def served():
    cloud = Cloud(seed=3)
    cloud.secretsmanager().create_secret(Name="existing", SecretString="old")
    cloud.ssm().put_parameter(Name="/p/pattern", Value="abc", Type="String", AllowedPattern="^[a-z]+$")
    with cloud.serve(quiet=True) as serving:
        yield cloud, serving


def _client(serving, service):
    return boto3.client(service, endpoint_url=serving.endpoint_url, region_name="us-east-1",
                        aws_access_key_id=serving.access_key_id, aws_secret_access_key=serving.secret_access_key,
                        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))


WIRE_CASES = [
    ("secretsmanager", "create_secret", {"Name": "new1", "SecretString": {"password": MARK}}),
    ("secretsmanager", "create_secret", {"Name": "new2", "SecretString": [MARK]}),
    ("secretsmanager", "create_secret", {"Name": "new3", "SecretString": MARK * 4000}),  # too long
    ("secretsmanager", "put_secret_value", {"SecretId": "existing", "SecretString": {"p": MARK}}),
    ("secretsmanager", "update_secret", {"SecretId": "existing", "SecretString": [1, MARK]}),
    ("ssm", "put_parameter", {"Name": "/p/a", "Value": {"p": MARK}, "Type": "String"}),
    ("ssm", "put_parameter", {"Name": "/p/b", "Value": [MARK], "Type": "SecureString"}),
    ("ssm", "put_parameter", {"Name": "/p/c", "Value": MARK * 300, "Type": "String"}),  # over 4 KB
    ("ssm", "put_parameter", {"Name": "/p/pattern", "Value": MARK, "Type": "String", "Overwrite": True}),
]


@pytest.mark.parametrize("service, op, args", WIRE_CASES, ids=[f"{s}.{o}.{i}" for i, (s, o, _) in enumerate(WIRE_CASES)])
def test_a_refused_value_is_not_echoed_over_the_wire(served, service, op, args):
    cloud, serving = served
    client = _client(serving, service)
    with pytest.raises(ClientError) as e:
        getattr(client, op)(**args)
    # a wrong JSON type is refused by the wire codec (SerializationException), the rest by the model
    assert e.value.response["Error"]["Code"] in {"SerializationException", "ValidationException",
                                                 "ParameterPatternMismatchException"}
    assert MARK not in str(e.value.response)
    assert MARK not in repr(list(cloud.events))
    assert cloud.secretsmanager().get_secret_value(SecretId="existing")["SecretString"] == "old"  # nothing changed


def test_a_wrongly_typed_value_is_not_echoed_by_the_model_itself():
    cloud = Cloud(seed=4)
    sm, ssm, kms = cloud.secretsmanager(), cloud.ssm(), cloud.kms()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    calls = [
        lambda: sm.create_secret(Name="a", SecretString={"password": MARK}),
        lambda: sm.create_secret(Name="b", SecretBinary={"password": MARK}),
        lambda: ssm.put_parameter(Name="/a", Value=(MARK,), Type="String"),
        lambda: kms.encrypt(KeyId=key, Plaintext={"p": MARK}),
        lambda: kms.encrypt(KeyId=key, Plaintext=[MARK]),
        lambda: kms.decrypt(CiphertextBlob={"p": MARK}),
        lambda: sm.create_secret(Name="c", SecretString="v", AddReplicaRegions=[MARK]),
    ]
    for call in calls:
        with pytest.raises(ModelError) as e:
            call()
        assert e.value.code == "ValidationException"
        assert MARK not in str(e.value) and MARK not in repr(e.value.response)
    assert sm.list_secrets()["SecretList"] == [] and ssm.describe_parameters()["Parameters"] == []


def test_a_lambda_environment_variable_is_not_echoed():
    cloud = Cloud(seed=5)
    lam = cloud.awslambda()
    for environment in ({"Variables": {"DB_PASSWORD": [MARK]}}, {"Variables": [MARK]}, [MARK]):
        with pytest.raises(ModelError) as e:
            lam.create_function(FunctionName="f", Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
                                Handler="lambda_function.lambda_handler", Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
                                Environment=environment)
        assert e.value.code == "ValidationException"
        assert MARK not in str(e.value)
