"""Listing parameters: GetParametersByPath, DescribeParameters and GetParameterHistory.

Pages are *best effort*, as AWS documents: a page looks at a bounded stretch of the name
index, applies the filters to what it looked at, and returns what matched together with a
``NextToken`` if more names remain. A filtered page can therefore hold fewer than
``MaxResults`` items (even none) and still carry a token, so a client must keep calling
until the token is gone; boto3's paginators do exactly that. The token encodes the last
name looked at, never an offset, so a page costs O(page + log n) however many parameters
the region holds, and parameters created between pages are not skipped or repeated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from ..core.checks import (
    check_bool,
    check_int,
    check_length,
    check_list,
    check_str,
    decode_token,
    encode_token,
    fail,
)
from ..core.context import note, touch
from ..core.service import operation
from .names import check_path, clean_lookup_name, key_of, not_found, parent_of
from .policies import describe_policies
from .records import Parameter, ParamVersion
from .store import Part


__all__ = ["DESCRIBE_SCAN", "Listing"]

_KEY_PATTERN = "tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType"
_OPTIONS = {
    "Name": ("Equals", "BeginsWith", "Contains"),
    "Type": ("Equals", "BeginsWith"),
    "KeyId": ("Equals", "BeginsWith"),
    "Tier": ("Equals", "BeginsWith"),
    "DataType": ("Equals", "BeginsWith"),
    "Label": ("Equals",),
    "Path": ("Recursive", "OneLevel"),
    "tag:": ("Equals", "BeginsWith", "Contains"),
}
_VALUES = {"Type": ("String", "StringList", "SecureString"), "Tier": ("Standard", "Advanced", "Intelligent-Tiering")}
# How many names one DescribeParameters page may look at before answering (best effort).
DESCRIBE_SCAN = 500


def _check_filters(filters: object, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    """Validate ParameterStringFilter objects the way Parameter Store does."""
    rows = check_list(filters, "ParameterFilters")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, f in enumerate(rows, 1):
        if not isinstance(f, dict) or "Key" not in f:
            raise fail("ValidationException", f"1 validation error detected: Value null at 'parameterFilters.{n}.member.key' failed to satisfy constraint: Member must not be null")
        key = check_str(f["Key"], "Key")
        check_length(key, f"parameterFilters.{n}.member.key", 1, 132)
        family = "tag:" if key.startswith("tag:") and len(key) > 4 else key
        if family not in _OPTIONS:
            raise fail("ValidationException", f"1 validation error detected: Value '{key}' at 'parameterFilters.{n}.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: {_KEY_PATTERN}")
        if family not in allowed:
            names = ", ".join(k for k in allowed if k != "tag:")
            raise fail("InvalidFilterKey", f"The following filter key is not valid: {key}. Valid filter keys include: [{names}].")
        option = f.get("Option")
        if option is not None:
            check_length(check_str(option, "Option"), f"parameterFilters.{n}.member.option", 1, 10)
        option = option or ("OneLevel" if family == "Path" else "Equals")
        if option not in _OPTIONS[family]:
            raise fail("InvalidFilterOption", f"The following filter option is not valid: {option}. Valid options include: [{', '.join(_OPTIONS[family])}].")
        values = f.get("Values")
        if values is None:
            if family != "tag:":
                raise fail("InvalidFilterValue", f"The following filter values are missing : null for filter key {key}")
            values = []
        values = check_list(values, f"parameterFilters.{n}.member.values", 1 if family != "tag:" else 0, 50)
        for v in values:
            check_length(check_str(v, "Values"), f"parameterFilters.{n}.member.values.member", 1, 1024)
            if family in _VALUES and v not in _VALUES[family]:
                raise fail("InvalidFilterValue", f"The following filter value is not valid: {v}. Valid values include: [{', '.join(_VALUES[family])}]")
        if family == "Path":
            if any(v.strip("/").lower().startswith(("aws", "ssm")) for v in values):
                raise fail("ValidationException", "Filters for common parameters can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).")
            values = [check_path(v, f"parameterFilters.{n}.member.values.member") for v in values]
        if key in seen:
            raise fail("ValidationException", f"The following filter is duplicated in the request: {key}. A request can contain only one occurrence of a specific filter.")
        seen.add(key)
        out.append({"key": key, "family": family, "option": option, "values": values})
    return out


def _text_match(option: str, wanted: Iterable[str], got: str) -> bool:
    if option == "BeginsWith":
        return any(got.startswith(w) for w in wanted)
    if option == "Contains":
        return any(w in got for w in wanted)
    return got in wanted


class Listing(Part):
    """GetParametersByPath, DescribeParameters and GetParameterHistory over the region's parameters."""

    @staticmethod
    def _pick(param: Parameter, filters: list[dict[str, Any]]) -> ParamVersion | None:
        """The version a filtered listing shows (the labelled one under a Label filter), or None."""
        version = param.latest
        # A Label filter chooses the version first; the other filters then judge that version.
        for f in sorted(filters, key=lambda f: f["family"] != "Label"):
            family, option, values = f["family"], f["option"], f["values"]
            if family == "Label":
                numbers = [param.labels[v] for v in values if v in param.labels]
                if not numbers:
                    return None
                version = param.versions[max(numbers)]
            elif family == "Type" and not _text_match(option, values, version.type) or family == "KeyId" and (version.type != "SecureString" or not _text_match(option, values, version.key_id or "")) or family == "Tier" and not _text_match(option, values, param.tier) or family == "DataType" and not _text_match(option, values, version.data_type):
                return None
            elif family == "Name":
                if option == "Contains":
                    if not _text_match(option, values, param.key):
                        return None
                elif not _text_match(option, [v.lstrip("/") for v in values], param.key[1:]):
                    return None
            elif family == "tag:":
                tag = f["key"][4:]
                if tag not in param.tags or (values and not _text_match(option, values, param.tags[tag])):
                    return None
            elif family == "Path":
                recursive = option == "Recursive"
                if not any(
                    (param.key.startswith("/" if p == "/" else p + "/") if recursive else parent_of(param.key) == p)
                    for p in values
                ):
                    return None
        return version

    @staticmethod
    def _page_start(token: object) -> str | None:
        if token is None:
            return None
        check_str(token, "NextToken")
        state = decode_token(token, "InvalidNextToken", "The specified token isn't valid.")
        after = state.get("after")
        if not isinstance(after, str):
            raise fail("InvalidNextToken", "The specified token isn't valid.")
        return after

    @operation("GetParametersByPath")
    def get_parameters_by_path(
        self,
        *,
        Path: str,
        Recursive: bool = False,
        ParameterFilters: list[dict[str, Any]] | None = None,
        WithDecryption: bool = False,
        MaxResults: int = 10,
        NextToken: str | None = None,
    ) -> dict[str, Any]:
        """The parameters one level below ``Path`` (or every level, with ``Recursive=True``).

        ``Path="/"`` one level down lists the root parameters (``x`` and ``/x``). Only Type,
        KeyId and Label filters apply here; a Label filter returns the labelled version.
        """
        path = check_path(Path)
        recursive = check_bool(Recursive, "Recursive")
        decrypt = check_bool(WithDecryption, "WithDecryption")
        limit = check_int(MaxResults, "maxResults", 1, 10)
        filters = _check_filters(ParameterFilters or [], ("Type", "KeyId", "Label"))
        after = self._page_start(NextToken)
        # Look at one page of names; filter what was looked at (best effort, as AWS does).
        store = self.store
        params = store.params
        window = list(islice(store.index.under(path, recursive, after), limit + 1))
        looked_at, more = window[:limit], len(window) > limit
        out_rows = []
        for key in looked_at:
            param = params[key]
            version = self._pick(param, filters)
            if version is not None:
                out_rows.append(store.parameter_out(param, version, decrypt))
        if any(params[k].tier == "Advanced" for k in looked_at):
            note(tier="Advanced")  # one Advanced parameter makes the whole page an Advanced interaction
        result: dict[str, Any] = {"Parameters": out_rows}
        if more:
            result["NextToken"] = encode_token({"after": looked_at[-1]})
        return result

    def _metadata(self, param: Parameter) -> dict[str, Any]:
        latest = param.latest
        row: dict[str, Any] = {"Name": param.name, "ARN": param.arn, "Type": latest.type}
        if latest.type == "SecureString":
            row["KeyId"] = latest.key_id
        row["LastModifiedDate"] = latest.modified
        row["LastModifiedUser"] = f"arn:aws:iam::{param.arn.split(':')[4]}:user/student"
        if latest.description is not None:
            row["Description"] = latest.description
        if latest.allowed_pattern is not None:
            row["AllowedPattern"] = latest.allowed_pattern
        row["Version"] = latest.version
        row["Tier"] = param.tier
        row["Policies"] = describe_policies(param)
        row["DataType"] = latest.data_type
        return row

    @operation("DescribeParameters")
    def describe_parameters(
        self,
        *,
        Filters: list[dict[str, Any]] | None = None,
        ParameterFilters: list[dict[str, Any]] | None = None,
        MaxResults: int = 10,
        NextToken: str | None = None,
        Shared: bool = False,
    ) -> dict[str, Any]:
        """Metadata (never values) of the parameters that match, 10 a page by default."""
        if Filters is not None and ParameterFilters is not None:
            raise fail("ValidationException", "You can use either Filters or ParameterFilters in a single request.")
        limit = check_int(MaxResults, "maxResults", 1, 50)
        if check_bool(Shared, "Shared"):
            return {"Parameters": []}  # parameters shared from other accounts: none in this model
        if Filters is not None:
            legacy = []
            for f in check_list(Filters, "Filters"):
                if not isinstance(f, dict) or f.get("Key") not in ("Name", "Type", "KeyId"):
                    raise fail("ValidationException", "1 validation error detected: Value at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [Name, Type, KeyId]")
                legacy.append({"Key": f["Key"], "Option": "Equals", "Values": f.get("Values")})
            filters = _check_filters(legacy, ("Name", "Type", "KeyId"))
        else:
            filters = _check_filters(ParameterFilters or [], ("Path", "Name", "Type", "KeyId", "Tier", "DataType", "tag:"))
        after = self._page_start(NextToken)
        rows: list[dict[str, Any]] = []
        last: str | None = None
        more = False
        # One Path filter narrows the walk to that part of the index; otherwise walk every name.
        paths = [f for f in filters if f["family"] == "Path"]
        source: Iterator[str]
        if len(paths) == 1 and len(paths[0]["values"]) == 1:
            source = self.store.index.under(paths[0]["values"][0], paths[0]["option"] == "Recursive", after)
        else:
            source = self.store.index.after(after)
        for scanned, key in enumerate(source):
            if len(rows) == limit or scanned == DESCRIBE_SCAN:
                more = True
                break
            last = key
            param = self.store.params[key]
            if self._pick(param, filters) is not None:
                rows.append(self._metadata(param))
        result: dict[str, Any] = {"Parameters": rows}
        if more and last is not None:
            result["NextToken"] = encode_token({"after": last})
        return result

    @operation("GetParameterHistory")
    def get_parameter_history(
        self, *, Name: str, WithDecryption: bool = False, MaxResults: int = 50, NextToken: str | None = None
    ) -> dict[str, Any]:
        """Every retained version, oldest first, each with its labels and the settings it had."""
        name = clean_lookup_name(Name)
        decrypt = check_bool(WithDecryption, "WithDecryption")
        if isinstance(MaxResults, int) and not isinstance(MaxResults, bool) and MaxResults > 50:
            raise fail("ValidationException", f"1 validation error detected: Value '{MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50.")
        limit = check_int(MaxResults, "maxResults", 1, 50)
        param = self.store.params.get(key_of(name))
        if param is None or ":" in name:
            raise not_found(name)
        touch(param.arn, tier=param.tier)
        start = 0
        if NextToken is not None:
            check_str(NextToken, "NextToken")
            state = decode_token(NextToken, "InvalidNextToken", "The specified token isn't valid.")
            start = state.get("version", -1)
            if not isinstance(start, int) or start < 0:
                raise fail("InvalidNextToken", "The specified token isn't valid.")
        versions = [v for n, v in param.versions.items() if n > start]
        page, more = versions[:limit], len(versions) > limit
        rows = []
        for v in page:
            row: dict[str, Any] = {"Name": param.name, "Type": v.type}
            if v.type == "SecureString":
                row["KeyId"] = v.key_id
            row["LastModifiedDate"] = v.modified
            row["LastModifiedUser"] = f"arn:aws:iam::{param.arn.split(':')[4]}:user/student"
            if v.description is not None:
                row["Description"] = v.description
            row["Value"] = self.store.value_of(param, v, decrypt)
            if v.allowed_pattern is not None:
                row["AllowedPattern"] = v.allowed_pattern
            row["Version"] = v.version
            row["Labels"] = param.labels_of(v.version)
            row["Tier"] = v.tier
            row["Policies"] = [{"PolicyText": t, "PolicyType": _policy_type(t), "PolicyStatus": "Finished"} for t in v.policies]
            row["DataType"] = v.data_type
            rows.append(row)
        result: dict[str, Any] = {"Parameters": rows}
        if more:
            result["NextToken"] = encode_token({"version": page[-1].version})
        return result


def _policy_type(text: str) -> str:
    try:
        return str(json.loads(text).get("Type", ""))
    except (ValueError, AttributeError):
        return ""
