"""AWS errors, with AWS's codes and messages.

The tree::

    SecretkitError                  anything secretkit raises on purpose
    └── ClientError                 an AWS error response: .response["Error"]["Code"/"Message"]
        ├── ResourceNotFoundException, InvalidParameterException, ...   Secrets Manager
        ├── NotFoundException, DisabledException, ...                     KMS
        └── ParameterNotFound, ParameterAlreadyExists, ...                Parameter Store

Called directly on the model, operations raise these classes. Through a boto3 client the
same code and message reach botocore, which raises its own
``client.exceptions.<Code>`` (a ``botocore.exceptions.ClientError``), exactly as against
AWS. ``str(error)`` has botocore's format, so notebooks show the same line either way.

Misuse of the Python API itself (a wrong type handed to a helper) raises plain
``TypeError`` / ``ValueError``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SecretkitError", "ClientError", "error_class", "ERROR_CODES"]


class SecretkitError(Exception):
    """Base class of every exception secretkit raises on purpose."""


class ClientError(SecretkitError):
    """An AWS error response. Subclasses exist per AWS error code (``ResourceNotFoundException``)."""

    code: str = "InternalServiceError"
    status: int = 400

    def __init__(self, message: str, *, operation_name: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.operation_name = operation_name
        self.extra = extra

    @property
    def response(self) -> dict[str, Any]:
        """The parsed error response botocore would give: ``{"Error": {"Code", "Message"}, ...}``."""
        return {
            "Error": {"Code": self.code, "Message": self.message, **self.extra},
            "ResponseMetadata": {"HTTPStatusCode": self.status},
        }

    def __str__(self) -> str:
        op = self.operation_name or "unknown"
        return f"An error occurred ({self.code}) when calling the {op} operation: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.message, self.operation_name, self.extra))


def _rebuild(code: str, message: str, operation_name: str | None, extra: dict[str, Any]) -> ClientError:
    return error_class(code)(message, operation_name=operation_name, **extra)


# code -> (HTTP status, what it means). One class is made per code below.
ERROR_CODES: dict[str, tuple[int, str]] = {
    # Secrets Manager
    "ResourceNotFoundException": (400, "The secret, version or resource does not exist."),
    "InvalidParameterException": (400, "A parameter value is not valid."),
    "InvalidRequestException": (400, "The request is not valid for the current state of the resource."),
    "ResourceExistsException": (400, "A resource with that name or token already exists."),
    "LimitExceededException": (400, "The request exceeds a quota."),
    "EncryptionFailure": (400, "Secrets Manager could not encrypt with the KMS key."),
    "DecryptionFailure": (400, "Secrets Manager could not decrypt with the KMS key."),
    "InvalidNextTokenException": (400, "The NextToken is not valid."),
    "MalformedPolicyDocumentException": (400, "The resource policy has a syntax error."),
    "PreconditionNotMetException": (400, "A precondition of the request is not met."),
    "PublicPolicyException": (400, "The resource policy would grant public access."),
    "InternalServiceError": (500, "An error occurred on the server side."),
    # KMS
    "NotFoundException": (400, "The key or alias does not exist."),
    "DisabledException": (400, "The key is disabled."),
    "KMSInvalidStateException": (400, "The key is not in a state that allows the request."),
    "InvalidCiphertextException": (400, "The ciphertext, key or encryption context is not valid."),
    "IncorrectKeyException": (400, "The ciphertext was not encrypted under the given key."),
    "InvalidKeyUsageException": (400, "The key cannot be used for this operation."),
    "AlreadyExistsException": (400, "The alias already exists."),
    "InvalidAliasNameException": (400, "The alias name is not valid."),
    "InvalidArnException": (400, "The ARN is not valid."),
    "UnsupportedOperationException": (400, "The operation is not supported on this key."),
    "InvalidMarkerException": (400, "The Marker is not valid."),
    "ValidationException": (400, "The input fails to satisfy a constraint."),
    "TagException": (400, "A tag is not valid."),
    # Parameter Store
    "ParameterNotFound": (400, "The parameter does not exist."),
    "ParameterVersionNotFound": (400, "The parameter version does not exist."),
    "ParameterAlreadyExists": (400, "The parameter exists and Overwrite was not set."),
    "ParameterLimitExceeded": (400, "Too many parameters in this tier."),
    "ParameterMaxVersionLimitExceeded": (400, "The oldest version is labelled and 100 versions exist."),
    "ParameterPatternMismatchException": (400, "The value does not match AllowedPattern."),
    "ParameterVersionLabelLimitExceeded": (400, "A version may carry at most 10 labels."),
    "HierarchyLevelLimitExceededException": (400, "A name may have at most 15 levels."),
    "HierarchyTypeMismatchException": (400, "A parameter cannot change type."),
    "UnsupportedParameterType": (400, "The parameter type is not supported."),
    "InvalidAllowedPatternException": (400, "AllowedPattern is not a valid regular expression."),
    "InvalidKeyId": (400, "The KMS key is not valid."),
    "PoliciesLimitExceededException": (400, "At most 10 policies per parameter."),
    "InvalidPolicyTypeException": (400, "The policy type is not supported."),
    "InvalidPolicyAttributeException": (400, "A policy attribute is not valid."),
    "IncompatiblePolicyException": (400, "The policies cannot be combined."),
    "InvalidFilterKey": (400, "The filter key is not valid."),
    "InvalidFilterOption": (400, "The filter option is not valid."),
    "InvalidFilterValue": (400, "The filter value is not valid."),
    "InvalidNextToken": (400, "The NextToken is not valid."),
    "InvalidResourceType": (400, "The resource type is not valid."),
    "InvalidResourceId": (400, "The resource id is not valid."),
    "TooManyTagsError": (400, "Too many tags on the resource."),
    "TooManyUpdates": (400, "Too many concurrent updates."),
    "ServiceSettingNotFound": (400, "The service setting does not exist."),
    "AccessDeniedException": (400, "Access is denied."),
    "ThrottlingException": (400, "Rate exceeded."),
    "InternalServerError": (500, "An error occurred on the server side."),
}

_CLASSES: dict[str, type[ClientError]] = {}


def error_class(code: str) -> type[ClientError]:
    """The exception class for an AWS error code (made on first use for codes not in the table)."""
    cls = _CLASSES.get(code)
    if cls is None:
        status, doc = ERROR_CODES.get(code, (400, f"AWS error {code}."))
        cls = type(code, (ClientError,), {"code": code, "status": status, "__doc__": doc, "__module__": __name__})
        _CLASSES[code] = cls
    return cls


for _code in ERROR_CODES:
    globals()[_code] = error_class(_code)
    __all__.append(_code)
del _code
