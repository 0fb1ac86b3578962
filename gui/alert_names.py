"""Alert rule kinds, severities and default rule names in the user's language (translation context AlertsPage)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from gui.i18n import QT_TRANSLATE_NOOP

# Marked for lupdate; translated where shown (AlertsPage context).
KIND_NAMES = {
    "device_down": QT_TRANSLATE_NOOP("AlertsPage", "Device down"),
    "reboot": QT_TRANSLATE_NOOP("AlertsPage", "Device restarted"),
    "port_down": QT_TRANSLATE_NOOP("AlertsPage", "Port down"),
    "utilization": QT_TRANSLATE_NOOP("AlertsPage", "High utilization"),
    "errors": QT_TRANSLATE_NOOP("AlertsPage", "Port errors or discards"),
}
SEVERITY_NAMES = {
    "critical": QT_TRANSLATE_NOOP("AlertsPage", "critical"),
    "warning": QT_TRANSLATE_NOOP("AlertsPage", "warning"),
    "info": QT_TRANSLATE_NOOP("AlertsPage", "info"),
}
# The names the store gives its default rules: shown in the user's language until the user renames them.
DEFAULT_RULE_NAMES = {
    "Device down": QT_TRANSLATE_NOOP("AlertsPage", "Device down"),
    "Device restarted": QT_TRANSLATE_NOOP("AlertsPage", "Device restarted"),
    "Uplink or important port down": QT_TRANSLATE_NOOP("AlertsPage", "Uplink or important port down"),
    "Uplink utilization high": QT_TRANSLATE_NOOP("AlertsPage", "Uplink utilization high"),
    "Port errors or discards": QT_TRANSLATE_NOOP("AlertsPage", "Port errors or discards"),
}


def kind_name(kind: str) -> str:
    """A rule kind in the user's language."""
    return QCoreApplication.translate("AlertsPage", KIND_NAMES.get(kind, kind))


def severity_name(severity: str) -> str:
    """A severity in the user's language."""
    return QCoreApplication.translate("AlertsPage", SEVERITY_NAMES.get(severity, severity))


def rule_label(name: str) -> str:
    """A rule's name as shown: a default rule's name in the user's language, any other as the user wrote it."""
    return QCoreApplication.translate("AlertsPage", DEFAULT_RULE_NAMES[name]) if name in DEFAULT_RULE_NAMES else name
