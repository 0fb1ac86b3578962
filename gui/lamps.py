"""The round status lamps the device tree, the wireless pages and the dashboard share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

STATUS_COLOURS = {"up": "#2ca02c", "unreachable": "#d62728", "error": "#ff7f0e", "unknown": "#9e9e9e"}
_ICONS: dict[str, QIcon] = {}


def status_icon(status: str) -> QIcon:
    """A round coloured lamp for a device status (green up, red unreachable, orange error, grey unknown)."""
    if status not in _ICONS:
        icon = QIcon()
        for size in (16, 32):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(QColor(STATUS_COLOURS.get(status, STATUS_COLOURS["unknown"])))
            painter.setPen(QColor("#ffffff"))
            margin = size // 6
            painter.drawEllipse(margin, margin, size - 2 * margin, size - 2 * margin)
            painter.end()
            icon.addPixmap(pixmap)
        _ICONS[status] = icon
    return _ICONS[status]


# AP status -> the device lamp of the same meaning (:func:`status_icon`).
_LAMPS = {"online": "up", "offline": "unreachable", "unknown": "unknown"}


def lamp_icon(status: str) -> QIcon:
    """The round lamp of an AP status (green online, red offline, grey unknown), the device tree's own lamps."""
    return status_icon(_LAMPS.get(status, "unknown"))
