"""Policy documents: IAM's checks, in IAM's order, with IAM's (and each service's) words.

The malformed cases and their messages are AWS's documented and observed answers to
CreatePolicy (the same grammar serves PutUserPolicy, PutRolePolicy and CreateRole), plus
the short messages Secrets Manager and KMS give for their own policies.
"""

from __future__ import annotations

import json

import pytest

from secretkit.core.errors import ClientError
from secretkit.iam import PolicyKind, check_principals_exist, load_policy
from secretkit.iam.documents import iam_size

S3 = "arn:aws:s3:::example_bucket"


def doc(statement: object, version: str | None = "2012-10-17", **top: object) -> str:
    body: dict[str, object] = {}
    if version is not None:
        body["Version"] = version
    body.update(top)
    body["Statement"] = statement
    return json.dumps(body)


def allow(**fields: object) -> dict[str, object]:
    return {"Effect": "Allow", **fields}


def refused(text: str, kind: PolicyKind = PolicyKind.MANAGED) -> ClientError:
    with pytest.raises(ClientError) as info:
        load_policy(text, kind)
    return info.value


SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
VERSION = "Policy document must be version 2012-10-17 or greater."

MALFORMED = [
    ("not json", "This is not a json document", SYNTAX),
    ("no version", doc(allow(Action="s3:ListBucket", Resource=S3), version=None), VERSION),
    ("old version", doc(allow(Action="s3:ListBucket", Resource=S3), version="2008-10-17"), VERSION),
    ("unknown version", doc(allow(Action="s3:ListBucket", Resource=S3), version="2013-10-17"), SYNTAX),
    ("no statement", json.dumps({"Version": "2012-10-17"}), SYNTAX),
    ("statement not an object", doc(["afd"]), SYNTAX),
    ("empty statement list", doc([]), SYNTAX),
    ("extra top field", doc(allow(Action="s3:ListBucket", Resource=S3), **{"Extra field": "value"}), SYNTAX),
    ("extra statement field", doc(allow(Action="s3:ListBucket", Resource=S3, **{"Extra field": "value"})), SYNTAX),
    ("id not a string", doc(allow(Action="s3:ListBucket", Resource=S3), Id=["x"]), SYNTAX),
    ("id an object", doc(allow(Action="s3:ListBucket", Resource=S3), Id={}), SYNTAX),
    ("unknown effect", doc({"Effect": "invalid", "Action": "s3:ListBucket", "Resource": S3}), SYNTAX),
    ("no effect", doc({"Action": "s3:ListBucket", "Resource": S3}), SYNTAX),
    ("no vendor", doc(allow(Action="invalid", Resource=S3)), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    ("empty NotAction", doc(allow(NotAction="", Resource=S3)), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    ("vendor with a space", doc(allow(Action="a a:ListBucket", Resource=S3)), "Vendor a a is not valid"),
    ("two colons", doc(allow(Action="s3:List:Bucket", Resource=S3)), "Actions/Condition can contain only one colon."),
    ("second statement two colons",
     doc([allow(Action="s3s:ListBucket", Resource=S3), allow(Action="s:3s:ListBucket", Resource=S3)]),
     "Actions/Condition can contain only one colon."),
    ("resource not an ARN", doc(allow(Action="s3:ListBucket", Resource="invalid resource")),
     'Resource invalid resource must be in ARN format or "*".'),
    ("empty resource", doc(allow(Action="s3:ListBucket", Resource="")), 'Resource  must be in ARN format or "*".'),
    ("resource checked before action shape", doc(allow(Action="s:3:ListBucket", Resource="sdfsadf")),
     'Resource sdfsadf must be in ARN format or "*".'),
    ("bad partition, short", doc(allow(NotAction="s3s:ListBucket", Resource="a:bsdfdsafsad")),
     'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'),
    ("bad partition, long", doc(allow(NotAction="s3s:ListBucket", Resource="a:b:c:d:e:f:g:h")),
     'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".'),
    ("arn prefix missing", doc(allow(Action="s3:ListBucket", Resource="aws:s3:::example_bucket")),
     'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".'),
    ("first bad resource reported", doc(allow(Action="s3:ListBucket", Resource=["arn:error:s3:::example_bucket", "arn:error:s3::x"])),
     LEGACY),
    ("statement needs resources", doc(allow(Action="s3:ListBucket")), "Policy statement must contain resources."),
    ("empty resource list", doc(allow(Action="s3:ListBucket", Resource=[])), "Policy statement must contain resources."),
    ("vendor before resources", doc(allow(Action="invalid")), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    ("statement needs actions", doc(allow(Resource=S3)), "Policy statement must contain actions."),
    ("empty action list", doc(allow(Action=[], Resource=S3)), "Policy statement must contain actions."),
    ("any statement needs actions", doc([{"Effect": "Deny"}, allow(Action="s3:ListBucket", Resource=S3)]),
     "Policy statement must contain actions."),
    ("iam path", doc(allow(Action="s3:ListBucket", Resource="arn:aws:iam:::example_bucket")),
     'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, '
     'mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.'),
    ("iam region", doc(allow(Action="s3:ListBucket", Resource="arn:aws:iam:us-east-1::example_bucket")),
     "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."),
    ("s3 region", doc(allow(Action="s3:ListBucket", Resource="arn:aws:s3:us-east-1::example_bucket")),
     "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."),
    ("five fields", doc(allow(Action="s3:ListBucket", Resource="arn:aws:s3::example_bucket")), LEGACY),
    ("five fields before actions", doc(allow(Resource="arn:aws:s3::example_bucket")), LEGACY),
    ("empty service", doc(allow(NotAction="s3:ListBucket", Resource="arn:aws::::example_bucket")), LEGACY),
    ("four fields", doc(allow(Action="s3:ListBucket", Resource="arn:aws::fdsasf")), LEGACY),
    ("vendor wildcard", doc(allow(Action="s3:ListBucket", Resource="arn:aws")),
     "Resource vendor must be fully qualified and cannot contain regexes."),
    ("resource an object", doc(allow(Action="s3:ListBucket", Resource={"a": S3})), SYNTAX),
    ("resource list with an object", doc({"Effect": "Deny", "Action": "s3:ListBucket", "Resource": ["adfdf", {}]}), SYNTAX),
    ("Resource and NotResource", doc(allow(NotAction="s3:ListBucket", Resource=S3, NotResource=[])), SYNTAX),
    ("nested action list", doc({"Effect": "Deny", "Action": [[]], "Resource": S3}), SYNTAX),
    ("Action and NotAction", doc(allow(NotAction="s3s:ListBucket", Action=[], Resource=S3)), SYNTAX),
    ("action an object", doc(allow(Action={}, Resource=S3)), SYNTAX),
    ("condition a list", doc(allow(Action="s3:ListBucket", Resource=S3, Condition=[])), SYNTAX),
    ("condition a string", doc(allow(Action="s3:ListBucket", Resource=S3, Condition="a")), SYNTAX),
    ("operator body a string", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"a": "b"})), SYNTAX),
    ("date body a string", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": "b"})), SYNTAX),
    ("date body a list", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": []})), SYNTAX),
    ("condition value an object", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": {"a": {}}})), SYNTAX),
    ("unknown operator", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"x": {"a": "1"}})), SYNTAX),
    ("double colon operator", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"ForAnyValue::StringEqualsIfExists": {"a": "asf"}})), SYNTAX),
    ("Null with IfExists", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"NullIfExists": {"a": "true"}})), SYNTAX),
    ("sid an object", doc(allow(Sid={}, Action="s3:ListBucket", Resource=S3)), SYNTAX),
    ("sid a list", doc(allow(Sid=[], Action="s3:ListBucket", Resource=S3)), SYNTAX),
    ("duplicate sid", doc([allow(Sid="sdf", Action="s3:ListBucket", Resource=S3), allow(Sid="sdf")]),
     "Statement IDs (SID) in a single policy must be unique."),
    ("version before sids", doc([allow(Sid="sdf", Action="s3:ListBucket", Resource=S3), allow(Sid="sdf")], version=None), VERSION),
    ("Resource and NotResource star", doc(allow(Action="s3:ListBucket", Resource=S3, NotResource="*")), SYNTAX),
    ("effect case", doc({"Effect": "denY", "Action": "s3:ListBucket", "Resource": S3}), LEGACY),
    ("unreadable date", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": {"a": "sdfdsf"}})), LEGACY),
    ("version before legacy", doc({"Effect": "denY", "Action": "s3:ListBucket", "Resource": S3}, version=None), VERSION),
    ("legacy before actions", doc(allow(Condition={"DateGreaterThan": {"a": "sdfdsf"}})), LEGACY),
    ("legacy before sids", doc([{"Sid": "sdf", "Effect": "aLLow", "Action": "s3:ListBucket", "Resource": S3}, allow(Sid="sdf")]), LEGACY),
    ("month 13", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThanEquals": {"a": "234-13"}})), LEGACY),
    ("one-digit offset", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}})), LEGACY),
    ("ten fraction digits", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.1999999999+10:59"}})), LEGACY),
    ("epoch past 64 bits", doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThan": {"a": "9223372036854775808"}})), LEGACY),
    ("identity policy with a principal", doc(allow(Principal="*", Action="s3:ListBucket", Resource=S3)),
     "Policy document should not specify a principal."),
    ("NaN is not JSON", '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:x", "Resource": NaN}}', SYNTAX),
    ("deep nesting", "{\"Statement\": " + "[" * 3000 + "]" * 3000 + "}", SYNTAX),
]


@pytest.mark.parametrize("text, message", [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_identity_policies_get_iams_error(text: str, message: str) -> None:
    error = refused(text)
    assert (error.code, error.message, error.status) == ("MalformedPolicyDocument", message, 400)


VALID = [
    doc(allow(Action="s3:ListBucket", Resource=[S3])),
    doc(allow(Action="iam: asdf safdsf af ", Resource=S3)),  # IAM does not check action names
    doc(allow(Action="secretsmanager:GetSecretValu", Resource="*")),
    doc(allow(Action="s3:ListBucket", Resource=[S3, "*"])),
    doc(allow(Action="*", Resource=S3)),
    doc([allow(Action="s3:ListBucket", Resource=S3)]),
    doc(allow(Action="service-prefix:action-name", Resource="*", Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}})),
    doc(allow(Action="s3:ListBucket", Resource="arn:aws:iam:::user/example_bucket")),
    doc(allow(Action="s3:ListBucket", Resource="arn:aws:fdsasf")),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}})),
    doc(allow(Action="s3:ListBucket", Resource="arn:aws:invalid-service:us-east-1::example_bucket")),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": {}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": {"a": []}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"a": {}})),  # an empty block is not checked
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"x": {}, "y": {}})),
    doc(allow(NotAction="s3:ListBucket", Resource=S3)),
    doc({"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::HR/Payroll", "arn:aws:s3:::HR/Payroll/*"]}),
    doc(allow(NotAction="s3:ListBucket", Resource=S3), Id="sdfsdfsdf"),
    doc(allow(Action="s3-s:ListBucket", Resource=S3)),
    doc(allow(Action="s3.s:ListBucket", Resource=S3)),
    doc(allow(NotAction="s3:ListBucket", NotResource="*")),
    doc([allow(Sid="", Action="rds:*", Resource="arn:aws:rds:region:*:*"), allow(Sid="", Action="rds:Describe*", Resource="*")]),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateGreaterThan": {"a": "01T"}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"StringEqualsIfExists": {"a": "asf"}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"ForAnyValue:StringEqualsIfExists": {"a": "asf"}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThanEquals": {"a": "2016-12-13T21:20:37.593194+00:00"}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+23"}})),
    doc(allow(Action="s3:ListBucket", Resource=S3, Condition={"DateLessThan": {"a": "-292275054"}})),
    doc(allow(Action="s3:*", Resource="arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point")),
    doc(allow(Action="iam:GetUser", Resource="arn:aws:iam::*:user/${aws:username}")),
    doc(allow(Action="ec2:*", Resource="*", Condition={"Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:max-keys": 10}})),
]


@pytest.mark.parametrize("text", VALID)
def test_valid_identity_policies_are_accepted(text: str) -> None:
    policy = load_policy(text, PolicyKind.MANAGED)
    assert policy.statements and policy.text == text


def test_inline_and_trust_policies_may_use_the_old_version_or_none() -> None:
    body = allow(Action="s3:ListBucket", Resource=S3)
    assert load_policy(doc(body, version=None), PolicyKind.INLINE).version == "2008-10-17"
    assert load_policy(doc(body, version="2008-10-17"), PolicyKind.INLINE).version == "2008-10-17"
    trust = allow(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole")
    assert load_policy(doc(trust, version="2008-10-17"), PolicyKind.TRUST).statements[0].allow


TRUST = [
    ("resource", allow(Principal={"AWS": "*"}, Action="sts:AssumeRole", Resource="*"), "Has prohibited field Resource"),
    ("not resource", allow(Principal={"AWS": "*"}, Action="sts:AssumeRole", NotResource="*"), "Has prohibited field NotResource"),
    ("no principal", allow(Action="sts:AssumeRole"),
     "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"),
    ("other action", allow(Principal={"AWS": "*"}, Action="s3:GetObject"), "AssumeRole policy may only specify STS AssumeRole actions."),
    ("wildcard action", allow(Principal={"AWS": "*"}, Action="*"), "AssumeRole policy may only specify STS AssumeRole actions."),
    ("not principal", allow(NotPrincipal={"AWS": "arn:aws:iam::123456789012:root"}, Action="sts:AssumeRole"),
     "AssumeRole policy must not contain NotPrincipal field."),
    ("bad principal", allow(Principal={"AWS": "arn:aws:iam::123456789012:user/*"}, Action="sts:AssumeRole"),
     'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"'),
    ("bad service", allow(Principal={"Service": "lambda"}, Action="sts:AssumeRole"), 'Invalid principal in policy: "SERVICE":"lambda"'),
]


@pytest.mark.parametrize("statement, message", [c[1:] for c in TRUST], ids=[c[0] for c in TRUST])
def test_trust_policies(statement: dict[str, object], message: str) -> None:
    error = refused(doc(statement), PolicyKind.TRUST)
    assert (error.code, error.message) == ("MalformedPolicyDocument", message)


def test_trust_policy_accepts_every_sts_assume_action_in_any_case() -> None:
    actions = ["STS:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRoleWithWebIdentity"]
    assert load_policy(doc(allow(Principal={"AWS": "123456789012"}, Action=actions)), PolicyKind.TRUST)


SECRET = [
    ("bad effect", {"Effect": "AllowSomething", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*"},
     "This resource policy contains a syntax error."),
    ("no principal", allow(Action="secretsmanager:*", Resource="*"), "This resource policy contains a syntax error."),
    ("bad principal", allow(Principal={"AWS": "not-an-arn"}, Action="secretsmanager:*", Resource="*"),
     "This resource policy contains an unsupported principal."),
    ("bad service", allow(Principal={"Service": ["invalid service"]}, Action="secretsmanager:*", Resource="*"),
     "This resource policy contains an invalid service principal."),
]


@pytest.mark.parametrize("statement, message", [c[1:] for c in SECRET], ids=[c[0] for c in SECRET])
def test_secrets_manager_words_its_refusals_its_own_way(statement: dict[str, object], message: str) -> None:
    error = refused(doc(statement), PolicyKind.SECRET)
    assert (error.code, error.message, error.status) == ("MalformedPolicyDocumentException", message, 400)


def test_kms_key_policy_refusals() -> None:
    error = refused(doc(allow(Action="kms:*", Resource="*")), PolicyKind.KEY)
    assert (error.code, error.message) == ("MalformedPolicyDocumentException", "Policy contains a statement with no principal.")
    error = refused(doc(allow(Principal={"AWS": "arn:aws:iam::123456789012:group/admins"}, Action="kms:*", Resource="*")), PolicyKind.KEY)
    assert error.message == "Policy contains a statement with one or more invalid principals."
    error = refused("{not json", PolicyKind.KEY)
    assert (error.code, error.message) == ("MalformedPolicyDocumentException", "")


def test_key_policy_statement_without_action_or_resource_is_accepted_and_has_no_effect() -> None:
    policy = load_policy(doc([allow(Principal={"AWS": "123456789012"}, Resource="*"),
                              allow(Principal={"AWS": "123456789012"}, Action="kms:*")]), PolicyKind.KEY)
    assert policy.statements[0].actions is None and policy.statements[1].resources is None


def _padded(size: int, kind: PolicyKind, spaces: int = 0) -> str:
    """A valid document of exactly ``size`` counted characters (plus ``spaces`` uncounted)."""
    if kind is PolicyKind.TRUST:
        base = doc(allow(Principal={"AWS": "123456789012"}, Action="sts:AssumeRole", Sid=""))
    else:
        base = doc(allow(Action="s3:ListBucket", Resource=S3, Sid=""))
    counted = iam_size(base)
    text = base.replace('"Sid": ""', '"Sid": "' + "x" * (size - counted) + '"')
    return text.replace("{", "{" + " " * spaces, 1)


@pytest.mark.parametrize("kind, limit, message", [
    (PolicyKind.MANAGED, 6144, "Cannot exceed quota for PolicySize: 6144"),
    (PolicyKind.TRUST, 2048, "Cannot exceed quota for ACLSizePerRole: 2048"),
])
def test_iam_size_limits_count_characters_without_white_space(kind: PolicyKind, limit: int, message: str) -> None:
    assert load_policy(_padded(limit, kind, spaces=5000), kind)
    error = refused(_padded(limit + 1, kind), kind)
    assert (error.code, error.message, error.status) == ("LimitExceeded", message, 409)


def test_service_size_limits_count_the_whole_text() -> None:
    base = doc(allow(Principal="*", Action="secretsmanager:GetSecretValue", Resource="*"))
    assert load_policy(base + " " * (20480 - len(base)), PolicyKind.SECRET)
    error = refused(base + " " * (20481 - len(base)), PolicyKind.SECRET)
    assert error.code == "ValidationException" and "less than or equal to 20480" in error.message
    key = doc(allow(Principal={"AWS": "123456789012"}, Action="kms:*", Resource="*"))
    assert load_policy(key + " " * (32768 - len(key)), PolicyKind.KEY)
    assert refused(key + " " * (32769 - len(key)), PolicyKind.KEY).code == "LimitExceededException"


def test_named_principals_must_exist() -> None:
    known = {"arn:aws:iam::123456789012:user/alice"}
    for kind, code, message in [
        (PolicyKind.TRUST, "MalformedPolicyDocument", 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/bob"'),
        (PolicyKind.SECRET, "MalformedPolicyDocumentException", "This resource policy contains an unsupported principal."),
        (PolicyKind.KEY, "MalformedPolicyDocumentException", "Policy contains a statement with one or more invalid principals."),
    ]:
        action = "sts:AssumeRole" if kind is PolicyKind.TRUST else "kms:*"
        extra = {} if kind is PolicyKind.TRUST else {"Resource": "*"}
        good = load_policy(doc(allow(Principal={"AWS": ["arn:aws:iam::123456789012:user/alice", "123456789012"]},
                                     Action=action, **extra)), kind)
        check_principals_exist(good, known.__contains__)
        bad = load_policy(doc(allow(Principal={"AWS": "arn:aws:iam::123456789012:user/bob"}, Action=action, **extra)), kind)
        with pytest.raises(ClientError) as info:
            check_principals_exist(bad, known.__contains__)
        assert (info.value.code, info.value.message) == (code, message)


def test_parsed_documents_are_cached_per_kind_and_text() -> None:
    text = doc(allow(Action="s3:ListBucket", Resource=S3))
    assert load_policy(text, PolicyKind.INLINE) is load_policy(text, PolicyKind.INLINE)
    assert load_policy(text, PolicyKind.INLINE) is not load_policy(text, PolicyKind.MANAGED)


def test_not_a_string_is_a_syntax_error() -> None:
    assert refused({"Version": "2012-10-17"}).message == SYNTAX  # type: ignore[arg-type]
