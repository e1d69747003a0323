"""Secrets Manager's listing and batch reads: ListSecrets (filters, negation, paging),
ListSecretVersionIds and BatchGetSecretValue.

Filter rules, as AWS documents them: ``name``, ``tag-key``, ``tag-value``,
``primary-region`` and ``owning-service`` match a case-sensitive prefix. ``description``
and ``all`` match by words: the value is split into words, and every one of them must be
the start of some word (case aside) of the description, or, for ``all``, of the name, the
description, a tag key or value, or the primary region. Words are split at every character
that is not a letter or digit (``/ _ + = . @ -``, spaces) and inside camel case: before
an upper-case letter that follows a lower-case one or a digit (``myTest``: ``my``,
``Test``) and before the last of a run of capitals when a lower-case letter follows
(``COMPANYthings``: ``COMPAN``, ``Ythings``). So ``Beta`` finds ``prod/AppBeta``, ``ret``
does not find ``Secret``, and a value with no letter or digit (``+``) finds nothing.
A value starting with ``!`` negates. Values within one filter are ORed; filters are
ANDed, even with the same key.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.checks import (
    check_bool,
    check_enum,
    check_int,
    check_length,
    check_list,
    check_str,
    decode_token,
    encode_token,
    fail,
)
from ..core.context import touch
from ..core.errors import ClientError
from ..core.service import operation
from .records import Secret, describe
from .store import Part

__all__ = ["FILTER_KEYS", "Listing"]

FILTER_KEYS = ("description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all")
_SORT_BY = ("created-date", "last-accessed-date", "last-changed-date", "name")
_RUN = re.compile(r"[^\W_]+")  # letters and digits; everything else separates words


def _words(text: str) -> list[str]:
    """``text``'s words, lower-cased, split as ListSecrets splits them (see the module)."""
    words: list[str] = []
    for run in _RUN.findall(text):
        start = 0
        for i in range(1, len(run)):
            here = run[i]
            if not here.isupper():
                continue
            before = run[i - 1]
            if before.islower() or before.isdigit() or (
                before.isupper() and i + 1 < len(run) and run[i + 1].islower()
            ):
                words.append(run[start:i].lower())
                start = i
        words.append(run[start:].lower())
    return words


def _all_words_start(query: str, words: list[str]) -> bool:
    """Whether every word of ``query`` starts some word of ``words``; no word: no match."""
    wanted = _words(query)
    return bool(wanted) and all(any(w.startswith(q) for w in words) for q in wanted)


def _matches(secret: Secret, key: str, value: str) -> bool:
    tags = secret.tags
    if key == "name":
        return secret.name.startswith(value)
    if key == "tag-key":
        return any(t["Key"].startswith(value) for t in tags)
    if key == "tag-value":
        return any(t["Value"].startswith(value) for t in tags)
    if key == "primary-region":
        return (secret.primary_region or "").startswith(value) if secret.primary_region else False
    if key == "owning-service":
        return secret.owning_service is not None and secret.owning_service.startswith(value)
    if key == "description":
        return _all_words_start(value, _words(secret.description or ""))
    # "all": the words of every field together
    fields = [secret.name, secret.description or "", secret.primary_region or ""]
    fields += [t["Key"] for t in tags] + [t["Value"] for t in tags]
    return _all_words_start(value, [w for f in fields for w in _words(f)])


def _passes(secret: Secret, filters: list[tuple[str, list[str]]]) -> bool:
    for key, values in filters:
        positive = [v for v in values if not v.startswith("!")]
        negative = [v[1:] for v in values if v.startswith("!")]
        if positive and not any(_matches(secret, key, v) for v in positive):
            return False
        if any(_matches(secret, key, v) for v in negative):
            return False
    return True


def _check_filters(filters: object) -> list[tuple[str, list[str]]]:
    rows = check_list(filters, "Filters", 0, 10)
    out = []
    for row in rows:
        if not isinstance(row, dict):
            raise fail("InvalidParameterException", "Each filter must have a Key and Values.")
        key = row.get("Key")
        check_enum(key, "filters.member.key", FILTER_KEYS)
        values = check_list(row.get("Values", []), "filters.member.values", 1, 10)
        for v in values:
            check_length(check_str(v, "Values"), "filters.member.values.member", 1, 512)
        out.append((key, values))
    return out


class Listing(Part):
    """ListSecrets, ListSecretVersionIds and BatchGetSecretValue over the region's store."""

    @operation("ListSecrets")
    def list_secrets(
        self,
        *,
        IncludePlannedDeletion: bool = False,
        MaxResults: int | None = None,
        NextToken: str | None = None,
        Filters: list[dict[str, Any]] | None = None,
        SortOrder: str = "asc",
        SortBy: str = "created-date",
    ) -> dict[str, Any]:
        check_bool(IncludePlannedDeletion, "IncludePlannedDeletion")
        limit = check_int(MaxResults, "MaxResults", 1, 100) if MaxResults is not None else 100
        filters = _check_filters(Filters or [])
        check_enum(SortOrder, "sortOrder", ("asc", "desc"))
        check_enum(SortBy, "sortBy", _SORT_BY)
        start = self._page_start(NextToken, "list")
        rows = [
            s
            for s in self.store.by_arn.values()
            if (IncludePlannedDeletion or not s.pending_deletion) and _passes(s, filters)
        ]
        if SortBy == "name":
            rows.sort(key=lambda s: s.name)
        elif SortBy == "last-changed-date":
            rows.sort(key=lambda s: (s.last_changed or s.created))
        elif SortBy == "last-accessed-date":
            rows.sort(key=lambda s: (s.last_accessed or s.created))
        if SortOrder == "desc":
            rows.reverse()
        page = rows[start : start + limit]
        out: dict[str, Any] = {"SecretList": [self._list_entry(s) for s in page]}
        if start + limit < len(rows):
            out["NextToken"] = encode_token({"list": start + limit})
        return out

    def _page_start(self, token: object, kind: str) -> int:
        if token is None:
            return 0
        check_length(check_str(token, "NextToken"), "nextToken", 1, 4096)
        state = decode_token(token, "InvalidNextTokenException", "The NextToken value is invalid.")
        start = state.get(kind)
        if not isinstance(start, int) or start < 0:
            raise fail("InvalidNextTokenException", "The NextToken value is invalid.")
        return start

    @staticmethod
    def _list_entry(secret: Secret) -> dict[str, Any]:
        """A ListSecrets entry: DescribeSecret's fields without the replicas' status."""
        return describe(secret, stages_key="SecretVersionsToStages")

    @operation("ListSecretVersionIds")
    def list_secret_version_ids(
        self,
        *,
        SecretId: str,
        MaxResults: int | None = None,
        NextToken: str | None = None,
        IncludeDeprecated: bool = False,
    ) -> dict[str, Any]:
        secret = self.store.find(SecretId)
        limit = check_int(MaxResults, "MaxResults", 1, 100) if MaxResults is not None else 100
        check_bool(IncludeDeprecated, "IncludeDeprecated")
        start = self._page_start(NextToken, "versions")
        labelled = set(secret.labels.values())
        rows = [
            v
            for v in secret.versions.values()
            if v.has_value and (IncludeDeprecated or v.version_id in labelled)
        ]
        page = rows[start : start + limit]
        versions = []
        for v in page:
            entry: dict[str, Any] = {"VersionId": v.version_id}
            stages = secret.stages_of(v.version_id)
            if stages:
                entry["VersionStages"] = stages
            if v.last_accessed is not None:
                entry["LastAccessedDate"] = v.last_accessed
            entry["CreatedDate"] = v.created
            entry["KmsKeyIds"] = [v.sealed.key_arn] if v.sealed else []
            versions.append(entry)
        out: dict[str, Any] = {"Versions": versions, "ARN": secret.arn, "Name": secret.name}
        if start + limit < len(rows):
            out["NextToken"] = encode_token({"versions": start + limit})
        return out

    @operation("BatchGetSecretValue")
    def batch_get_secret_value(
        self,
        *,
        SecretIdList: list[str] | None = None,
        Filters: list[dict[str, Any]] | None = None,
        MaxResults: int | None = None,
        NextToken: str | None = None,
    ) -> dict[str, Any]:
        if SecretIdList is not None and Filters is not None:
            raise fail("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided, but not both.")
        if SecretIdList is None and Filters is None:
            raise fail("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided.")
        if MaxResults is not None and Filters is None:
            raise fail(
                "InvalidParameterException",
                "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided in a request.",
            )
        values: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        out: dict[str, Any] = {}
        if SecretIdList is not None:
            ids = check_list(SecretIdList, "SecretIdList", 1, 20)
            targets: list[tuple[str, Secret | None]] = []
            for sid in ids:
                try:
                    targets.append((sid, self.store.find(sid, deleted_ok=False)))
                except ClientError as exc:
                    errors.append({"SecretId": sid, "ErrorCode": exc.code, "Message": exc.message})
        else:
            limit = check_int(MaxResults, "MaxResults", 1, 20) if MaxResults is not None else 20
            filters = _check_filters(Filters)
            start = self._page_start(NextToken, "batch")
            rows = [s for s in self.store.by_arn.values() if not s.pending_deletion and _passes(s, filters)]
            targets = [(s.arn, s) for s in rows[start : start + limit]]
            if start + limit < len(rows):
                out["NextToken"] = encode_token({"batch": start + limit})
        for sid, secret in targets:
            assert secret is not None
            try:
                version = self.store.select_version(secret, None, None)
                plain = self.store.open_value(secret, version)
            except ClientError as exc:
                errors.append({"SecretId": sid, "ErrorCode": exc.code, "Message": exc.message})
                continue
            entry: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name, "VersionId": version.version_id}
            if version.sealed.binary:  # type: ignore[union-attr]
                entry["SecretBinary"] = plain
            else:
                entry["SecretString"] = plain.decode()
            entry["VersionStages"] = secret.stages_of(version.version_id)
            entry["CreatedDate"] = version.created
            values.append(entry)
        touch(None)  # a batch read names no single secret
        out["SecretValues"] = values
        out["Errors"] = errors
        return out
