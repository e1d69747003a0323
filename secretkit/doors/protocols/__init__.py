"""AWS's wire protocols, read and written from botocore's service models.

Three protocols cover the services the kit models:

* **JSON 1.1** (:mod:`.awsjson`) — Secrets Manager, Parameter Store, KMS, EventBridge;
* **query** (:mod:`.query`, responses in :mod:`.queryxml`) — CloudFormation, IAM, STS, RDS;
* **REST-JSON** (:mod:`.restjson`) — Lambda.

Each decoder turns a request (raw HTTP, or the dict botocore's ``before-call`` event hands
an in-process door) into ``(operation_name, params)`` with the Python types a boto3 user
passes; each encoder turns a boto3-shaped result, or an :class:`AwsError`, into the HTTP
response AWS would send. Nothing here knows a service's behaviour: only its shapes.
"""

from .codecs import Codec, codec_for, decode_request
from .errors import AwsError, as_aws_error
from .models import SERVED, protocol_of, service_for_signing_name, service_for_target, service_model
from .wire import HttpRequest, HttpResponse

__all__ = [
    "AwsError",
    "Codec",
    "HttpRequest",
    "HttpResponse",
    "SERVED",
    "as_aws_error",
    "codec_for",
    "decode_request",
    "protocol_of",
    "service_for_signing_name",
    "service_for_target",
    "service_model",
]
