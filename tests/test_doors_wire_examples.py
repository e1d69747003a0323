"""The door's bytes next to the wire format AWS documents, for what botocore's parser forgives.

botocore reads a query-protocol list whatever its item elements are called, and ignores a
missing namespace; other SDKs do not. So beside the round-trip tests, a few answers and
requests are compared with the documented shapes exactly.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from secretkit.doors.protocols import AwsError, HttpRequest, codec_for

WHEN = datetime(2012, 9, 5, 19, 38, 48, tzinfo=timezone.utc)


def test_iam_list_users_is_documented_xml() -> None:
    user = {"Path": "/eng/", "UserName": "Andrew", "UserId": "AID2MAB8DPLSRHEXAMPLE",
            "Arn": "arn:aws:iam::123456789012:user/eng/Andrew", "CreateDate": WHEN}
    response = codec_for("iam").encode("ListUsers", {"Users": [user], "IsTruncated": False}, "7a62c49f")
    assert response.status == 200 and response.header("Content-Type") == "text/xml"
    assert response.body.decode() == (
        '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>'
        "<Users><member><Path>/eng/</Path><UserName>Andrew</UserName><UserId>AID2MAB8DPLSRHEXAMPLE</UserId>"
        "<Arn>arn:aws:iam::123456789012:user/eng/Andrew</Arn><CreateDate>2012-09-05T19:38:48.000Z</CreateDate>"
        "</member></Users><IsTruncated>false</IsTruncated></ListUsersResult>"
        "<ResponseMetadata><RequestId>7a62c49f</RequestId></ResponseMetadata></ListUsersResponse>"
    )


def test_an_operation_without_output_answers_only_metadata() -> None:
    response = codec_for("cloudformation").encode("DeleteStack", {}, "r-1")
    assert response.body.decode() == (
        '<DeleteStackResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
        "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DeleteStackResponse>"
    )


def test_query_errors_are_error_responses_with_type_code_and_message() -> None:
    error = AwsError("NoSuchEntity", "The role with name app cannot be found.")
    response = codec_for("iam").encode_error(error, "r-2")
    assert response.status == 404
    assert response.body.decode() == (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        "<Code>NoSuchEntity</Code><Message>The role with name app cannot be found.</Message></Error>"
        "<RequestId>r-2</RequestId></ErrorResponse>"
    )
    by_shape_name = codec_for("iam").encode_error(AwsError("NoSuchEntityException", "x"), "r-3")
    assert b"<Code>NoSuchEntity</Code>" in by_shape_name.body and by_shape_name.status == 404


def test_iam_policy_documents_travel_url_encoded() -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    role = {"Path": "/", "RoleName": "app", "RoleId": "AROAEXAMPLE", "Arn": "arn:aws:iam::1:role/app",
            "CreateDate": WHEN, "AssumeRolePolicyDocument": document}
    body = codec_for("iam").encode("GetRole", {"Role": role}, "r").body.decode()
    assert "<AssumeRolePolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%2C" in body


def test_json_errors_use_the_shapes_own_message_key() -> None:
    sm = codec_for("secretsmanager").encode_error(AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."), "r")
    assert (sm.status, json.loads(sm.body)) == (400, {"__type": "ResourceNotFoundException", "Message": "Secrets Manager can't find the specified secret."})
    kms = codec_for("kms").encode_error(AwsError("NotFoundException", "Key 'arn' does not exist"), "r")
    assert json.loads(kms.body) == {"__type": "NotFoundException", "message": "Key 'arn' does not exist"}
    assert sm.header("Content-Type") == "application/x-amz-json-1.1" and sm.header("x-amzn-RequestId") == "r"


def test_lambda_errors_carry_the_code_in_a_header() -> None:
    error = AwsError("ResourceNotFoundException", "Function not found: arn:aws:lambda:eu-west-2:1:function:f")
    response = codec_for("lambda").encode_error(error, "r")
    assert response.status == 404 and response.header("x-amzn-ErrorType") == "ResourceNotFoundException"
    assert json.loads(response.body) == {"Type": "User", "Message": error.message}


def test_lambda_invoke_answers_with_headers_and_the_raw_payload() -> None:
    result = {"StatusCode": 200, "FunctionError": "Unhandled", "LogResult": "U1RBUlQ=", "ExecutedVersion": "$LATEST",
              "Payload": b'{"errorType": "Sandbox.Timedout"}'}
    response = codec_for("lambda").encode("Invoke", result, "r")
    assert response.status == 200 and response.body == result["Payload"]
    assert response.header("X-Amz-Function-Error") == "Unhandled"
    assert response.header("X-Amz-Log-Result") == "U1RBUlQ=" and response.header("X-Amz-Executed-Version") == "$LATEST"
    created = codec_for("lambda").encode("CreateFunction", {"FunctionName": "f"}, "r")
    assert created.status == 201 and json.loads(created.body) == {"FunctionName": "f"}


def test_lambda_requests_decode_labels_query_strings_headers_and_payload() -> None:
    request = HttpRequest.from_raw(
        "POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-2%3A1%3Afunction%3Afn%3Alive/invocations?Qualifier=live",
        {"X-Amz-Invocation-Type": "Event", "X-Amz-Log-Type": "None"}, b"not even JSON",
    )
    assert codec_for("lambda").decode(request) == ("Invoke", {
        "FunctionName": "arn:aws:lambda:eu-west-2:1:function:fn:live", "Qualifier": "live",
        "InvocationType": "Event", "LogType": "None", "Payload": b"not even JSON"})


def test_query_requests_decode_nested_lists_and_structures() -> None:
    body = (b"Action=CreateStack&Version=2010-05-15&StackName=web&TemplateBody=%7B%7D"
            b"&Parameters.member.1.ParameterKey=DbUser&Parameters.member.1.ParameterValue=app"
            b"&Parameters.member.2.ParameterKey=Size&Parameters.member.2.UsePreviousValue=true"
            b"&Capabilities.member.1=CAPABILITY_IAM&Tags.member.1.Key=team&Tags.member.1.Value=a+b&NotificationARNs=")
    request = HttpRequest.from_raw("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert codec_for("cloudformation").decode(request) == ("CreateStack", {
        "StackName": "web", "TemplateBody": "{}", "NotificationARNs": [],
        "Parameters": [{"ParameterKey": "DbUser", "ParameterValue": "app"}, {"ParameterKey": "Size", "UsePreviousValue": True}],
        "Capabilities": ["CAPABILITY_IAM"], "Tags": [{"Key": "team", "Value": "a b"}]})
