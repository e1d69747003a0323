"""A hypothesis state machine over Parameter Store versions and labels.

Random puts (with and without Overwrite), labels, unlabels and deletes, checked after every
step against a small reference model of AWS's rules:

* a label names at most one version of a parameter, and only a version that still exists;
* a plain read returns the newest version;
* at most ``version_limit`` versions are kept; the oldest goes only if it is unlabelled,
  otherwise the write fails with ParameterMaxVersionLimitExceeded and nothing changes;
* every retained version (labelled ones above all) still reads back its own value.

The machine lowers the 100-version quota to 4 so the edge is reached in a few steps; the
unit tests check the real quota of 100.
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import secretkit
from secretkit.core.errors import ClientError

NAMES = st.sampled_from(["/app/a", "b"])
VALUES = st.sampled_from(["v1", "v2", "v3"])
LABELS = st.sampled_from(["prod", "beta", "canary", "9bad", "awsx"])
LIMIT = 4


class ParameterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.cloud = secretkit.Cloud(seed=3)
        self.ssm = self.cloud.ssm()
        self.ssm.store.version_limit = LIMIT
        # name -> {"versions": {number: value}, "labels": {label: number}, "next": int}
        self.ref: dict[str, dict] = {}

    @rule(name=NAMES, value=VALUES, overwrite=st.booleans(), secure=st.booleans())
    def put(self, name, value, overwrite, secure):
        ref = self.ref.get(name)
        kind = "SecureString" if secure else "String"
        kwargs = {"Name": name, "Value": value, "Overwrite": overwrite}
        if ref is None:
            kwargs["Type"] = kind  # required on create only
        try:
            out = self.ssm.put_parameter(**kwargs)
        except ClientError as exc:
            if ref is not None and not overwrite:
                assert exc.code == "ParameterAlreadyExists"
                return
            oldest = min(ref["versions"]) if ref else None
            assert ref is not None and len(ref["versions"]) >= LIMIT and oldest in ref["labels"].values()
            assert exc.code == "ParameterMaxVersionLimitExceeded"
            return
        assert ref is None or overwrite
        if ref is None:
            ref = self.ref[name] = {"versions": {}, "labels": {}, "next": 1}
        elif len(ref["versions"]) >= LIMIT:
            oldest = min(ref["versions"])
            assert oldest not in ref["labels"].values()
            del ref["versions"][oldest]
        assert out["Version"] == ref["next"]
        ref["versions"][ref["next"]] = value
        ref["next"] += 1

    @rule(name=NAMES, values=st.lists(VALUES, min_size=2, max_size=5))
    def burst(self, name, values):
        """Several overwrites in a row, so the version quota is reached often."""
        for value in values:
            self.put(name, value, overwrite=True, secure=False)

    @rule(name=NAMES, labels=st.lists(LABELS, min_size=1, max_size=3), back=st.integers(0, 5))
    def label(self, name, labels, back):
        ref = self.ref.get(name)
        if ref is None:
            return
        numbers = sorted(ref["versions"])
        number = numbers[max(0, len(numbers) - 1 - back)]
        out = self.ssm.label_parameter_version(Name=name, ParameterVersion=number, Labels=labels)
        bad = {"9bad", "awsx"}
        assert out["InvalidLabels"] == [label for label in dict.fromkeys(labels) if label in bad]
        for label in labels:
            if label not in bad:
                ref["labels"][label] = number

    @rule(name=NAMES, label=LABELS)
    def unlabel(self, name, label):
        ref = self.ref.get(name)
        if ref is None or label not in ref["labels"]:
            return
        number = ref["labels"].pop(label)
        out = self.ssm.unlabel_parameter_version(Name=name, ParameterVersion=number, Labels=[label])
        assert out["RemovedLabels"] == [label]

    @rule(name=NAMES)
    def delete(self, name):
        try:
            self.ssm.delete_parameter(Name=name)
        except ClientError as exc:
            assert exc.code == "ParameterNotFound" and name not in self.ref
            return
        del self.ref[name]

    @invariant()
    def agrees_with_the_reference(self):
        assert {p.name for p in self.ssm.store.params.values()} == set(self.ref)
        for name, ref in self.ref.items():
            newest = max(ref["versions"])
            plain = self.ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
            assert (plain["Version"], plain["Value"]) == (newest, ref["versions"][newest])
            history = self.ssm.get_parameter_history(Name=name, WithDecryption=True)["Parameters"]
            assert {h["Version"]: h["Value"] for h in history} == ref["versions"]
            assert len(history) <= LIMIT
            seen: dict[str, int] = {}
            for h in history:
                for label in h["Labels"]:
                    assert label not in seen, "a label on two versions"
                    seen[label] = h["Version"]
            assert seen == ref["labels"]
            for label, number in ref["labels"].items():
                got = self.ssm.get_parameter(Name=f"{name}:{label}", WithDecryption=True)["Parameter"]
                assert (got["Version"], got["Value"]) == (number, ref["versions"][number])


ParameterMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestParameterMachine = ParameterMachine.TestCase
