"""The texts of notifications: a :class:`Notice` (what happened) rendered as a :class:`Message` in English or
Traditional Chinese (Taiwan): an e-mail subject and body, one chat text (LINE, Telegram) and the webhook's JSON.

Messages are made by the service and the command line as well as the app, so their words live here rather than
in Qt's translation files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.units import format_bps

LANGUAGES = ("zh_TW", "en")
TEXT_LIMIT = 4000  # Telegram allows 4096 characters per message, LINE 5000


@dataclass(frozen=True)
class Notice:
    """Something to tell the admins: an alert fired or resolved, a flapping notice, a reminder, or a test.

    Attributes:
        event: ``alert``, ``alert_resolved``, ``alert_flapping``, ``alert_stable`` (flapping ended, all well),
            ``alert_stable_down`` (flapping ended, still down), ``alert_reminder`` or ``test``.
        rule_kind: the rule's kind (``device_down``, ``reboot``, ``port_down``, ``utilization``, ``errors``).
        facts: numbers for the message (missed polls, percentages, rates, state changes, the device's last error).
    """

    event: str
    rule_kind: str
    device: str
    alert_id: int | None = None
    rule_name: str = ""
    severity: str = "warning"
    host: str = ""
    location: str = ""
    port: str = ""
    port_alias: str = ""
    started: float | None = None
    resolved: float | None = None
    acknowledged_by: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """A notice rendered in one language: an e-mail subject and body, and the webhook's JSON."""

    subject: str
    body: str
    payload: dict[str, Any]

    @property
    def text(self) -> str:
        """Subject and body as one chat message (LINE, Telegram), cut to what they accept."""
        text = f"{self.subject}\n\n{self.body}"
        return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


_TITLES: dict[str, dict[str, str]] = {
    "en": {
        "device_down/alert": "Device down: {device}",
        "device_down/alert_resolved": "Device back up: {device}",
        "reboot/alert": "Device restarted: {device}",
        "port_down/alert": "Port down: {device} {port}",
        "port_down/alert_resolved": "Port back up: {device} {port}",
        "utilization/alert": "High utilization: {device} {port}",
        "utilization/alert_resolved": "Utilization back to normal: {device} {port}",
        "errors/alert": "Port errors: {device} {port}",
        "errors/alert_resolved": "Port errors cleared: {device} {port}",
        "alert_flapping": "Flapping: {subject}",
        "alert_stable": "Stable again: {subject}",
        "alert_stable_down": "Stopped flapping, still down: {subject}",
        "alert_reminder": "Reminder: {title}",
        "test": "Test notification",
    },
    "zh_TW": {
        "device_down/alert": "裝置離線：{device}",
        "device_down/alert_resolved": "裝置恢復連線：{device}",
        "reboot/alert": "裝置重新開機：{device}",
        "port_down/alert": "連接埠斷線：{device} {port}",
        "port_down/alert_resolved": "連接埠恢復連線：{device} {port}",
        "utilization/alert": "頻寬使用率過高：{device} {port}",
        "utilization/alert_resolved": "頻寬使用率恢復正常：{device} {port}",
        "errors/alert": "連接埠錯誤過多：{device} {port}",
        "errors/alert_resolved": "連接埠錯誤已恢復正常：{device} {port}",
        "alert_flapping": "狀態反覆變動：{subject}",
        "alert_stable": "已恢復穩定：{subject}",
        "alert_stable_down": "已停止反覆變動，但仍未恢復：{subject}",
        "alert_reminder": "提醒：{title}",
        "test": "測試通知",
    },
}

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "device": "Device",
        "port": "Port",
        "started": "Since",
        "resolved": "Resolved",
        "duration": "Duration",
        "severity": "Severity",
        "rule": "Rule",
        "alert": "Alert number",
        "acknowledged": "Acknowledged by",
        "critical": "critical",
        "warning": "warning",
        "info": "information",
        "minutes": "{n} min",
        "hours": "{h} h {m} min",
        "test": "This is a test message from CampusNet. If you can read it, this channel works.",
    },
    "zh_TW": {
        "device": "裝置",
        "port": "連接埠",
        "started": "開始時間",
        "resolved": "恢復時間",
        "duration": "持續時間",
        "severity": "嚴重程度",
        "rule": "警報規則",
        "alert": "警報編號",
        "acknowledged": "已確認",
        "critical": "嚴重",
        "warning": "警告",
        "info": "資訊",
        "minutes": "{n} 分鐘",
        "hours": "{h} 小時 {m} 分鐘",
        "test": "這是 CampusNet 的測試訊息。看得到這則訊息，表示這個通知管道設定正確。",
    },
}

_DETAILS: dict[str, dict[str, str]] = {
    "en": {
        "device_down": "{polls} polls in a row failed. Last error: {reason}",
        "device_down/alert_resolved": "It answers again.",
        "device_down/alert_resolved/restarted": "It answers again. It has restarted (its uptime started over).",
        "reboot": "The device restarted (its uptime started over).",
        "port_down": "The port is down (it is not administratively shut down).",
        "port_down/alert_resolved": "The port is up again.",
        "utilization": "Above {percent}% of {speed} for {minutes} minutes (average in {in_bps}, out {out_bps}).",
        "utilization/alert_resolved": "Below {percent}% again.",
        "errors": "Errors {errors_ps}/s and discards {discards_ps}/s on average over {minutes} minutes "
        "(limits {max_errors_ps}/s and {max_discards_ps}/s).",
        "errors/alert_resolved": "Errors and discards are below the limits again.",
        "alert_flapping": "It changed state {changes} times in {window} minutes. Further notifications are held back "
        "until it has been stable for {window} minutes.",
        "alert_stable": "No state change for {window} minutes; it is up now.",
        "alert_stable_down": "No state change for {window} minutes, but it is still down.",
    },
    "zh_TW": {
        "device_down": "連續 {polls} 次輪詢失敗。最後的錯誤：{reason}",
        "device_down/alert_resolved": "裝置已恢復回應。",
        "device_down/alert_resolved/restarted": "裝置已恢復回應。裝置曾重新開機（運作時間重新計算）。",
        "reboot": "裝置已重新開機（運作時間重新計算）。",
        "port_down": "連接埠已斷線（並非由管理者關閉）。",
        "port_down/alert_resolved": "連接埠已恢復連線。",
        "utilization": "使用率超過 {speed} 的 {percent}% 已持續 {minutes} 分鐘（平均輸入 {in_bps}，輸出 {out_bps}）。",
        "utilization/alert_resolved": "使用率已低於 {percent}%。",
        "errors": "近 {minutes} 分鐘平均每秒錯誤 {errors_ps} 個、丟棄 {discards_ps} 個"
        "（上限每秒 {max_errors_ps} 個、{max_discards_ps} 個）。",
        "errors/alert_resolved": "錯誤與丟棄已低於上限。",
        "alert_flapping": "{window} 分鐘內狀態改變了 {changes} 次。穩定 {window} 分鐘之前不再發送通知。",
        "alert_stable": "已 {window} 分鐘沒有狀態改變，目前正常。",
        "alert_stable_down": "已 {window} 分鐘沒有狀態改變，但仍未恢復。",
    },
}


def format_time(ts: float | None) -> str:
    """Local time, as people read it: ``2026-03-05 08:15:02 (UTC+08:00)``."""
    if ts is None:
        return ""
    dt = datetime.fromtimestamp(ts).astimezone()
    offset = dt.strftime("%z")
    return f"{dt:%Y-%m-%d %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _duration(seconds: float, labels: dict[str, str]) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return labels["minutes"].format(n=minutes)
    return labels["hours"].format(h=minutes // 60, m=minutes % 60)


def _number(value: Any) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _facts_text(facts: dict[str, Any]) -> dict[str, str]:
    out = {k: _number(v) for k, v in facts.items()}
    for key in ("speed", "in_bps", "out_bps"):
        if isinstance(facts.get(key), int | float):
            out[key] = format_bps(facts[key])
    return out


def title(notice: Notice, language: str) -> str:
    """The one-line title of a notice (the e-mail subject without its ``[CampusNet]`` tag)."""
    titles = _TITLES[language]
    subject = f"{notice.device} {notice.port}".strip()
    if notice.event == "alert_reminder":
        inner = titles.get(f"{notice.rule_kind}/alert", "{device} {port}")
        return titles["alert_reminder"].format(title=inner.format(device=notice.device, port=notice.port).strip())
    template = titles.get(f"{notice.rule_kind}/{notice.event}") or titles[notice.event]
    return template.format(device=notice.device, port=notice.port, subject=subject).strip()


def _detail(notice: Notice, language: str) -> str:
    details = _DETAILS[language]
    event = "alert" if notice.event == "alert_reminder" else notice.event
    key = notice.rule_kind if event == "alert" else f"{notice.rule_kind}/{event}"
    if notice.facts.get("restarted"):
        key += "/restarted"
    template = details.get(key) or details.get(key.removesuffix("/restarted")) or details.get(event, "")
    try:
        return template.format(**_facts_text(notice.facts))
    except (KeyError, IndexError, ValueError):
        return ""


def render(notice: Notice, language: str) -> Message:
    """The notice as a message in ``language`` (``zh_TW`` or ``en``)."""
    labels = _LABELS[language]
    head = title(notice, language)
    if notice.event == "test":
        return Message(f"[CampusNet] {head}", labels["test"], _payload(notice, head, labels["test"]))
    sep = "：" if language == "zh_TW" else ": "
    where = ", ".join(x for x in (notice.host, notice.location) if x)
    lines = [f"{labels['device']}{sep}{notice.device}" + (f" ({where})" if where else "")]
    if notice.port:
        lines.append(f"{labels['port']}{sep}{notice.port}" + (f" ({notice.port_alias})" if notice.port_alias else ""))
    lines.append(f"{labels['started']}{sep}{format_time(notice.started)}")
    if notice.resolved is not None and notice.started is not None and notice.event != "alert":
        lines.append(f"{labels['resolved']}{sep}{format_time(notice.resolved)}")
        lines.append(f"{labels['duration']}{sep}{_duration(notice.resolved - notice.started, labels)}")
    lines.append(f"{labels['severity']}{sep}{labels.get(notice.severity, notice.severity)}")
    if notice.acknowledged_by:
        lines.append(f"{labels['acknowledged']}{sep}{notice.acknowledged_by}")
    if notice.alert_id is not None:
        lines.append(f"{labels['alert']}{sep}{notice.alert_id}")
    detail = _detail(notice, language)
    body = "\n".join(([detail, ""] if detail else []) + lines)
    return Message(f"[CampusNet] {head}", body, _payload(notice, head, detail))


def _payload(notice: Notice, message: str, detail: str) -> dict[str, Any]:
    return {
        "event": notice.event,
        "alert_id": notice.alert_id,
        "rule": notice.rule_kind,
        "rule_name": notice.rule_name,
        "severity": notice.severity,
        "device": notice.device,
        "host": notice.host,
        "port": notice.port or None,
        "message": message,
        "detail": detail,
        "started": _iso(notice.started),
        "resolved": _iso(notice.resolved),
        "acknowledged_by": notice.acknowledged_by,
    }
