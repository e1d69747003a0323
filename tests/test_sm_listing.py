"""ListSecrets filters and paging, and BatchGetSecretValue."""

import pytest

from secretkit.core.errors import ClientError


def code(e) -> str:
    return e.value.response["Error"]["Code"]


@pytest.fixture
def shop(sm):
    sm.create_secret(Name="prod/db", SecretString="a", Description="Production database", Tags=[{"Key": "env", "Value": "prod"}])
    sm.create_secret(Name="prod/api", SecretString="b", Description="Payment API key", Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "pay"}])
    sm.create_secret(Name="stage/db", SecretString="c", Description="Staging database", Tags=[{"Key": "env", "Value": "stage"}])
    return sm


def names(out):
    return [s["Name"] for s in out["SecretList"]]


def test_list_entries_use_secret_versions_to_stages(shop):
    entry = shop.list_secrets()["SecretList"][0]
    assert "SecretVersionsToStages" in entry and "VersionIdsToStages" not in entry


@pytest.mark.parametrize(
    "filters, expected",
    [
        ([{"Key": "name", "Values": ["prod/"]}], ["prod/db", "prod/api"]),
        ([{"Key": "name", "Values": ["Prod/"]}], []),  # name is case-sensitive
        ([{"Key": "description", "Values": ["DATABASE"]}], ["prod/db", "stage/db"]),
        ([{"Key": "tag-key", "Values": ["team"]}], ["prod/api"]),
        ([{"Key": "tag-value", "Values": ["stage"]}], ["stage/db"]),
        ([{"Key": "name", "Values": ["!prod"]}], ["stage/db"]),
        ([{"Key": "name", "Values": ["prod", "stage"]}], ["prod/db", "prod/api", "stage/db"]),  # OR within
        ([{"Key": "name", "Values": ["prod"]}, {"Key": "description", "Values": ["payment"]}], ["prod/api"]),  # AND across
        ([{"Key": "name", "Values": ["prod"]}, {"Key": "name", "Values": ["prod/d"]}], ["prod/db"]),  # same key twice
        ([{"Key": "all", "Values": ["pay"]}], ["prod/api"]),
        ([{"Key": "primary-region", "Values": ["us-east-1"]}], []),
    ],
)
def test_filters(shop, filters, expected):
    assert names(shop.list_secrets(Filters=filters)) == expected


def test_bad_filters_are_refused(shop):
    with pytest.raises(ClientError) as e:
        shop.list_secrets(Filters=[{"Key": "colour", "Values": ["red"]}])
    assert code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        shop.list_secrets(Filters=[{"Key": "name", "Values": []}])
    assert code(e) == "ValidationException"


def test_paging_and_bad_token(shop):
    first = shop.list_secrets(MaxResults=2)
    assert len(first["SecretList"]) == 2 and "NextToken" in first
    rest = shop.list_secrets(MaxResults=2, NextToken=first["NextToken"])
    assert names(first) + names(rest) == ["prod/db", "prod/api", "stage/db"]
    assert "NextToken" not in rest
    with pytest.raises(ClientError) as e:
        shop.list_secrets(NextToken="!!not-a-token!!")
    assert code(e) == "InvalidNextTokenException"
    with pytest.raises(ClientError) as e:
        shop.list_secrets(MaxResults=101)
    assert code(e) == "ValidationException"


def test_sort(shop):
    assert names(shop.list_secrets(SortBy="name")) == ["prod/api", "prod/db", "stage/db"]
    assert names(shop.list_secrets(SortBy="name", SortOrder="desc")) == ["stage/db", "prod/db", "prod/api"]


def test_batch_get_by_ids_reports_errors_per_secret(shop):
    out = shop.batch_get_secret_value(SecretIdList=["prod/db", "missing", "stage/db"])
    assert [v["SecretString"] for v in out["SecretValues"]] == ["a", "c"]
    assert out["Errors"] == [
        {"SecretId": "missing", "ErrorCode": "ResourceNotFoundException", "Message": "Secrets Manager can't find the specified secret."}
    ]


def test_batch_get_by_filters_pages(shop):
    first = shop.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["prod"]}], MaxResults=1)
    assert len(first["SecretValues"]) == 1 and "NextToken" in first
    second = shop.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["prod"]}], MaxResults=1, NextToken=first["NextToken"])
    assert {first["SecretValues"][0]["Name"], second["SecretValues"][0]["Name"]} == {"prod/db", "prod/api"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"SecretIdList": ["prod/db"], "Filters": [{"Key": "name", "Values": ["x"]}]},
        {},
        {"SecretIdList": ["prod/db"], "MaxResults": 5},
    ],
)
def test_batch_get_argument_rules(shop, kwargs):
    with pytest.raises(ClientError) as e:
        shop.batch_get_secret_value(**kwargs)
    assert code(e) == "InvalidParameterException"


def test_batch_get_limit_of_20_ids(shop):
    with pytest.raises(ClientError) as e:
        shop.batch_get_secret_value(SecretIdList=["prod/db"] * 21)
    assert code(e) == "ValidationException"


# ---- the "all" and "description" filters match by words, as AWS splits them
@pytest.fixture
def words(cloud):
    client = cloud.client("secretsmanager", region_name="us-east-1")
    for name, extra in [
        ("OrdersWriter", {}),
        ("OrdersReader", {"Description": "ReadOnly replica"}),
        ("Backorders", {}),
        ("svc-QueueKey", {"Tags": [{"Key": "owner", "Value": "checkout"}]}),
        ("svc-Other", {"Tags": [{"Key": "checkout", "Value": "x"}]}),
        ("team/HTTPServer/7ab9", {}),
        ("team/HTTPserver/7ab9", {}),
        ("app.MailRelay", {"Description": "mail and relay"}),
        ("app_Mail", {"Description": "mail only"}),
    ]:
        client.create_secret(Name=name, SecretString="v", **extra)
    return client


def all_of(client, *values):
    return names(client.list_secrets(Filters=[{"Key": "all", "Values": list(values)}]))


@pytest.mark.parametrize(
    "values, expected",
    [
        (["Orders"], ["OrdersWriter", "OrdersReader"]),  # a word's start, any case ...
        (["orders"], ["OrdersWriter", "OrdersReader"]),
        (["ord"], ["OrdersWriter", "OrdersReader"]),
        (["ders"], []),  # ... never the middle of a word: Backorders is one word
        (["OrdersReader"], ["OrdersReader"]),  # camel case is two words, both required
        (["OrdersDeleter"], []),
        (["read"], ["OrdersReader"]),  # in the name and the description (ReadOnly)
        (["only"], ["OrdersReader", "app_Mail"]),
        (["checkout"], ["svc-QueueKey", "svc-Other"]),  # a tag value, a tag key
        (["queue"], ["svc-QueueKey"]),  # after "-"
        (["server"], ["team/HTTPServer/7ab9"]),  # HTTPServer: HTTP + Server
        (["http"], ["team/HTTPServer/7ab9"]),  # but HTTPserver is HTT + Pserver
        (["pserver"], ["team/HTTPserver/7ab9"]),
        (["7ab9"], ["team/HTTPServer/7ab9", "team/HTTPserver/7ab9"]),
        (["mail relay"], ["app.MailRelay"]),  # several words: every one must start a word
        (["m r"], ["app.MailRelay"]),
        (["relay mail"], ["app.MailRelay"]),  # in any order
        (["mail", "queue"], ["svc-QueueKey", "app.MailRelay", "app_Mail"]),  # values are ORed
        (["/"], []),  # no word at all: nothing
        (["!orders"], ["Backorders", "svc-QueueKey", "svc-Other", "team/HTTPServer/7ab9",
                       "team/HTTPserver/7ab9", "app.MailRelay", "app_Mail"]),
    ],
)
def test_the_all_filter_matches_word_starts(words, values, expected):
    assert all_of(words, *values) == expected


def test_the_description_filter_needs_every_word_of_the_value(words):
    def described(value):
        return names(words.list_secrets(Filters=[{"Key": "description", "Values": [value]}]))

    assert described("mail relay") == ["app.MailRelay"]  # "mail and relay": both words there
    assert described("MAIL") == ["app.MailRelay", "app_Mail"]
    assert described("only mail") == ["app_Mail"]
    assert described("lay") == []  # not the start of a word
    assert described("read") == ["OrdersReader"]  # ReadOnly is two words
