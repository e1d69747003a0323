"""Parameter Store's two service settings: the default tier and higher throughput.

``/ssm/parameter-store/default-parameter-tier`` (``Standard`` | ``Advanced`` |
``Intelligent-Tiering``)
    The tier PutParameter uses when the request names none. It starts as ``Standard``.
``/ssm/parameter-store/high-throughput-enabled`` (``true`` | ``false``)
    Raises the request quota of the Get calls. It is not free: once it is on, *every*
    Parameter Store API interaction in the region is billed, Standard parameters included.
    Updates are logged with ``detail["ssm_high_throughput"]`` so the cost meter can follow.

A setting is named by its path or by its ARN
(``arn:aws:ssm:<region>:<account>:servicesetting/ssm/parameter-store/...``). Settings are
per region, like everything else in Parameter Store. The model serves no other setting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core.checks import check_length, check_str, fail
from ..core.context import note, touch
from ..core.service import operation
from .store import Parameters, Part

__all__ = ["DEFAULT_TIER", "HIGH_THROUGHPUT", "Settings"]

DEFAULT_TIER = "/ssm/parameter-store/default-parameter-tier"
HIGH_THROUGHPUT = "/ssm/parameter-store/high-throughput-enabled"
_DEFAULTS = {DEFAULT_TIER: "Standard", HIGH_THROUGHPUT: "false"}
_ALLOWED = {DEFAULT_TIER: ("Standard", "Advanced", "Intelligent-Tiering"), HIGH_THROUGHPUT: ("true", "false")}
_NOT_FOUND = (
    "The specified service setting wasn't found. Either the service name or the setting hasn't been "
    "provisioned by the Amazon Web Services service team."
)


class Settings(Part):
    """The region's Parameter Store settings: the three service-setting operations."""

    def __init__(self, store: Parameters) -> None:
        super().__init__(store)
        self._settings: dict[str, tuple[str, datetime]] = {}  # customised settings only: id -> (value, when set)

    def setting(self, setting_id: str) -> str:
        """The current value of a setting (its default unless updated)."""
        return self._settings.get(setting_id, (_DEFAULTS[setting_id], None))[0]

    def _setting_id(self, setting_id: object) -> str:
        check_length(check_str(setting_id, "SettingId"), "settingId", 1, 1000)
        sid: str = setting_id  # type: ignore[assignment]
        prefix = self._arn("servicesetting")
        sid = sid.removeprefix(prefix)
        if sid not in _DEFAULTS:
            raise fail("ServiceSettingNotFound", _NOT_FOUND)
        touch(self._arn("servicesetting" + sid))
        return sid

    def _setting_out(self, sid: str) -> dict[str, Any]:
        value, when = self._settings.get(sid, (_DEFAULTS[sid], None))
        out: dict[str, Any] = {"SettingId": sid, "SettingValue": value}
        if when is not None:
            out["LastModifiedDate"] = when
            out["LastModifiedUser"] = f"arn:aws:iam::{self.env.account_id}:user/student"
        out["ARN"] = self._arn("servicesetting" + sid)
        out["Status"] = "Customized" if sid in self._settings else "Default"
        return out

    def _note_setting(self, sid: str) -> None:
        if sid == HIGH_THROUGHPUT:
            note(ssm_high_throughput=self.setting(sid) == "true")

    @operation("GetServiceSetting")
    def get_service_setting(self, *, SettingId: str) -> dict[str, Any]:
        return {"ServiceSetting": self._setting_out(self._setting_id(SettingId))}

    @operation("UpdateServiceSetting")
    def update_service_setting(self, *, SettingId: str, SettingValue: str) -> dict[str, Any]:
        sid = self._setting_id(SettingId)
        check_length(check_str(SettingValue, "SettingValue"), "settingValue", 1, 4096)
        if SettingValue not in _ALLOWED[sid]:
            raise fail(
                "ValidationException",
                f"The value {SettingValue} is not valid for {sid}. Valid values: {', '.join(_ALLOWED[sid])}.",
            )
        self._settings[sid] = (SettingValue, self.env.clock.now)
        self._note_setting(sid)
        return {}

    @operation("ResetServiceSetting")
    def reset_service_setting(self, *, SettingId: str) -> dict[str, Any]:
        sid = self._setting_id(SettingId)
        self._settings.pop(sid, None)
        self._note_setting(sid)
        return {"ServiceSetting": self._setting_out(sid)}
