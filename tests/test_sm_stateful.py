"""A hypothesis state machine over random create / put / update-stage / delete / restore.

After every step: each label sits on at most one version, a secret with a value has
exactly one AWSCURRENT, the model agrees with a tiny reference model of what AWS keeps,
and every value ever written is still readable by its VersionId until AWS's retention
rules allow it to go.
"""

from __future__ import annotations

from datetime import timedelta

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import secretkit
from secretkit.core.errors import ClientError

NAMES = st.sampled_from(["alpha", "beta"])
VALUES = st.sampled_from(["v1", "v2", "v3", "v4"])
LABELS = st.sampled_from(["AWSCURRENT", "AWSPENDING", "blue", "green"])
TOKENS = st.sampled_from([c * 32 for c in "abcdef"])


class SecretsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.cloud = secretkit.Cloud(seed=1)
        self.sm = self.cloud.secretsmanager()
        # name -> {"versions": {vid: value}, "labels": {label: vid}, "deleted": bool}
        self.ref: dict[str, dict] = {}

    # ------------------------------------------------------------------ helpers
    def _attach(self, ref: dict, label: str, vid: str) -> None:
        old = ref["labels"].get(label)
        if old == vid:
            return
        ref["labels"][label] = vid
        if label == "AWSCURRENT" and old is not None:
            ref["labels"]["AWSPREVIOUS"] = old

    def _live(self, name: str) -> bool:
        return name in self.ref and not self.ref[name]["deleted"]

    # -------------------------------------------------------------------- rules
    @rule(name=NAMES, value=st.none() | VALUES, token=st.none() | TOKENS)
    def create(self, name, value, token):
        kwargs = {"Name": name}
        if value is not None:
            kwargs["SecretString"] = value
        if token is not None:
            kwargs["ClientRequestToken"] = token
        try:
            out = self.sm.create_secret(**kwargs)
        except ClientError as exc:
            assert name in self.ref, f"unexpected {exc.code}"
            assert exc.code in ("ResourceExistsException", "InvalidRequestException")
            return
        if name in self.ref:
            # Only an idempotent retry may succeed on an existing name.
            assert token is not None and self.ref[name]["versions"].get(token) == value
            return
        ref = {"versions": {}, "labels": {}, "deleted": False}
        if value is not None:
            ref["versions"][out["VersionId"]] = value
            ref["labels"]["AWSCURRENT"] = out["VersionId"]
        self.ref[name] = ref

    @rule(name=NAMES, value=VALUES, token=st.none() | TOKENS, labels=st.none() | st.lists(LABELS, min_size=1, max_size=2))
    def put(self, name, value, token, labels):
        kwargs = {"SecretId": name, "SecretString": value}
        if token is not None:
            kwargs["ClientRequestToken"] = token
        if labels is not None:
            kwargs["VersionStages"] = labels
        try:
            out = self.sm.put_secret_value(**kwargs)
        except ClientError as exc:
            if not self._live(name):
                assert exc.code in ("ResourceNotFoundException", "InvalidRequestException")
                return
            assert exc.code == "ResourceExistsException"
            assert token in self.ref[name]["versions"] and self.ref[name]["versions"][token] != value
            return
        ref = self.ref[name]
        vid = out["VersionId"]
        if vid in ref["versions"]:
            assert ref["versions"][vid] == value  # idempotent retry: nothing moved
            return
        first = "AWSCURRENT" not in ref["labels"]
        ref["versions"][vid] = value
        for label in dict.fromkeys(labels if labels is not None else ["AWSCURRENT"]):
            self._attach(ref, label, vid)
        if first:
            self._attach(ref, "AWSCURRENT", vid)  # the first version always becomes current

    @rule(name=NAMES, label=LABELS, data=st.data())
    def move_label(self, name, label, data):
        if not self._live(name) or not self.ref[name]["versions"]:
            return
        ref = self.ref[name]
        target = data.draw(st.sampled_from(sorted(ref["versions"])))
        holder = ref["labels"].get(label)
        kwargs = {"SecretId": name, "VersionStage": label, "MoveToVersionId": target}
        if holder is not None:
            kwargs["RemoveFromVersionId"] = holder
        self.sm.update_secret_version_stage(**kwargs)
        self._attach(ref, label, target)

    @rule(name=NAMES, label=LABELS)
    def remove_label(self, name, label):
        if not self._live(name):
            return
        ref = self.ref[name]
        holder = ref["labels"].get(label)
        if holder is None:
            return
        try:
            self.sm.update_secret_version_stage(SecretId=name, VersionStage=label, RemoveFromVersionId=holder)
        except ClientError as exc:
            assert label == "AWSCURRENT" and exc.code == "InvalidParameterException"
            return
        del ref["labels"][label]

    @rule(name=NAMES, force=st.booleans())
    def delete(self, name, force):
        try:
            self.sm.delete_secret(SecretId=name, **({"ForceDeleteWithoutRecovery": True} if force else {}))
        except ClientError as exc:
            assert exc.code in ("ResourceNotFoundException", "InvalidRequestException")
            assert not self._live(name)
            return
        if force:
            self.ref.pop(name, None)
        elif name in self.ref:
            self.ref[name]["deleted"] = True
            self.ref[name]["purge_at"] = self.cloud.clock.now + timedelta(days=30)

    @rule(name=NAMES)
    def restore(self, name):
        try:
            self.sm.restore_secret(SecretId=name)
        except ClientError as exc:
            assert exc.code == "ResourceNotFoundException" and name not in self.ref
            return
        self.ref[name]["deleted"] = False
        self.ref[name].pop("purge_at", None)

    @precondition(lambda self: bool(self.ref))
    @rule(days=st.sampled_from([1, 10, 31]))
    def time_passes(self, days):
        self.cloud.clock.advance(days=days)
        now = self.cloud.clock.now
        # The default 30-day recovery window ends however many steps the time took: purged.
        for name in [n for n, r in self.ref.items() if r["deleted"] and now >= r["purge_at"]]:
            del self.ref[name]

    # --------------------------------------------------------------- invariants
    @invariant()
    def labels_and_values_agree_with_the_reference(self):
        for name, ref in self.ref.items():
            secret = self.sm.find(name)
            assert secret.labels == ref["labels"]
            holders = list(secret.labels.values())
            assert len(secret.labels) == len(set(secret.labels))  # dict keys: at most one version per label
            if ref["versions"]:
                assert "AWSCURRENT" in secret.labels
            if ref["deleted"]:
                continue
            for vid, value in ref["versions"].items():
                # Fewer than 100 deprecated versions here, so retention keeps everything.
                assert self.sm.get_secret_value(SecretId=name, VersionId=vid)["SecretString"] == value
            if "AWSCURRENT" in ref["labels"]:
                got = self.sm.get_secret_value(SecretId=name)
                assert got["VersionId"] == ref["labels"]["AWSCURRENT"]
            described = self.sm.describe_secret(SecretId=name)["VersionIdsToStages"]
            assert sorted(described) == sorted(set(holders))


TestSecretsMachine = SecretsMachine.TestCase
TestSecretsMachine.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
