"""Where one region's stacks, change sets and exports are kept, and found.

Stacks are found by name (the live stack of that name) or by stack id (any stack,
deleted ones included, as ``DescribeStacks`` and ``DescribeStackEvents`` allow).
Exports are per account **and region**: one name, one exporting stack. The store also
remembers which stacks import each export, since an export in use can be neither changed
nor removed.
"""

from __future__ import annotations

import re
from typing import Any

from .basis import fail
from .intrinsics import TemplateError
from .stacks import ChangeSet, Stack

__all__ = ["StackStore", "check_stack_name"]

_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")


def check_stack_name(name: object, field: str = "stackName") -> str:
    if not isinstance(name, str) or not name:
        raise fail("ValidationError", f"1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must not be null")
    if len(name) > 128:
        raise fail(
            "ValidationError",
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint: "
            "Member must have length less than or equal to 128",
        )
    if not _NAME.fullmatch(name):
        raise fail(
            "ValidationError",
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
        )
    return name


class StackStore:
    """The stacks, change sets and exports of one account in one region."""

    def __init__(self) -> None:
        self.by_name: dict[str, Stack] = {}
        self.by_id: dict[str, Stack] = {}
        self.change_sets: dict[str, ChangeSet] = {}
        self.exports: dict[str, tuple[str, Any]] = {}  # name -> (stack id, value)
        self.importers: dict[str, set[str]] = {}  # export name -> importing stack ids

    # ------------------------------------------------------------------ stacks
    def find(self, name_or_id: object) -> Stack | None:
        if not isinstance(name_or_id, str):
            return None
        if name_or_id.startswith("arn:"):
            return self.by_id.get(name_or_id)
        return self.by_name.get(name_or_id)

    def get(self, name_or_id: object) -> Stack:
        """The stack, or AWS's ``Stack with id X does not exist``."""
        stack = self.find(name_or_id)
        if stack is None:
            raise fail("ValidationError", f"Stack with id {name_or_id} does not exist")
        return stack

    def add(self, stack: Stack) -> None:
        self.by_name[stack.name] = stack
        self.by_id[stack.stack_id] = stack

    def retire(self, stack: Stack) -> None:
        """A deleted stack: gone by name, kept by id; its exports and imports released."""
        if self.by_name.get(stack.name) is stack:
            del self.by_name[stack.name]
        for name in [n for n, (owner, _) in self.exports.items() if owner == stack.stack_id]:
            del self.exports[name]
        for importers in self.importers.values():
            importers.discard(stack.stack_id)
        for cs_id in [i for i, cs in self.change_sets.items() if cs.stack_id == stack.stack_id]:
            del self.change_sets[cs_id]

    # ----------------------------------------------------------------- exports
    def import_value(self, name: str) -> Any:
        found = self.exports.get(name)
        if found is None:
            raise TemplateError(f"No export named {name} found.")
        return found[1]

    def users(self, name: str, besides: str) -> list[str]:
        """Names of the stacks (other than ``besides``) that import export ``name``."""
        return sorted(self.by_id[i].name for i in self.importers.get(name, ()) if i != besides and i in self.by_id)

    def publish(self, stack: Stack, outputs: list[dict[str, Any]], imported: set[str]) -> str | None:
        """Record a stack's outputs and exports; a failure reason if an export rule is broken."""
        wanted = {o["ExportName"]: o["OutputValue"] for o in outputs if "ExportName" in o}
        for name, value in wanted.items():
            owner = self.exports.get(name)
            if owner is not None and owner[0] != stack.stack_id:
                return f"Export with name {name} is already exported by stack {self.by_id[owner[0]].name}"
        for name, (owner, value) in self.exports.items():
            if owner != stack.stack_id:
                continue
            users = self.users(name, stack.stack_id)
            if users and name not in wanted:
                return f"Export {name} cannot be deleted as it is in use by {', '.join(users)}"
            if users and wanted[name] != value:
                return f"Cannot update export {name} as it is in use by {', '.join(users)}"
        for name in [n for n, (owner, _) in self.exports.items() if owner == stack.stack_id and n not in wanted]:
            del self.exports[name]
        for name, value in wanted.items():
            self.exports[name] = (stack.stack_id, value)
        for importers in self.importers.values():
            importers.discard(stack.stack_id)
        for name in imported:
            self.importers.setdefault(name, set()).add(stack.stack_id)
        stack.outputs, stack.imports = outputs, set(imported)
        return None

    def blocking_imports(self, stack: Stack) -> str | None:
        """Why ``stack`` cannot be deleted (an export of it is imported), or None."""
        for name, (owner, _value) in self.exports.items():
            if owner == stack.stack_id:
                users = self.users(name, stack.stack_id)
                if users:
                    return f"Export {name} cannot be deleted as it is in use by {', '.join(users)}"
        return None

    # ------------------------------------------------------------- change sets
    def change_set(self, name: object, stack_name: object) -> ChangeSet:
        if isinstance(name, str) and name.startswith("arn:"):
            found = self.change_sets.get(name)
        else:
            stack = self.find(stack_name)
            found = next(
                (cs for cs in self.change_sets.values() if stack is not None and cs.stack_id == stack.stack_id and cs.name == name),
                None,
            )
            if stack_name is None and found is None:
                raise fail("ValidationError", "StackName must be specified if ChangeSetName is not specified as an ARN.")
        if found is None:
            raise fail("ChangeSetNotFound", f"ChangeSet [{name}] does not exist")
        return found
