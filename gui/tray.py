"""The system tray icon (polling goes on while the window is closed) and the application icon.

Not every desktop has a tray: :meth:`Tray.available` says whether this one does. Without a tray (some Linux
desktops, the ``offscreen`` platform used by the tests) closing the window must quit the app instead of hiding it,
or CampusNet would keep running with no way to reach it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from monitor.alerting import texts
from monitor.alerting.texts import Notice

ICON_SIZES = (16, 32, 64, 256)
# Alert notices named one by one in a tray message; the rest are counted ("and 5 more").
BALLOON_LINES = 3
# Notices the tray shows: new alerts, recoveries and flapping (reminders and tests go to the channels only).
BALLOON_EVENTS = ("alert", "alert_resolved", "alert_flapping", "alert_stable", "alert_stable_down")
ICON_BLUE = QColor("#1565c0")

# The glyph on a 1x1 square: a core node linked to three edge nodes.
_CORE = QPointF(0.5, 0.32)
_EDGES = (QPointF(0.22, 0.74), QPointF(0.5, 0.74), QPointF(0.78, 0.74))


def paint_icon(size: int) -> QPixmap:
    """The CampusNet icon at ``size`` pixels: white network nodes on a blue rounded square."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size, size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ICON_BLUE)
    painter.drawRoundedRect(QRectF(0.02, 0.02, 0.96, 0.96), 0.18, 0.18)
    white = QColor("white")
    painter.setPen(QPen(white, 0.07, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for edge in _EDGES:
        painter.drawLine(_CORE, edge)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(white)
    painter.drawEllipse(_CORE, 0.13, 0.13)
    for edge in _EDGES:
        painter.drawEllipse(edge, 0.1, 0.1)
    painter.end()
    return pixmap


def message_language() -> str:
    """The language the GUI speaks now (``zh_TW`` or ``en``), for texts the core writes (alert titles, details)."""
    # The translation of this marker is its own language code, so it follows the installed translator.
    language = QCoreApplication.translate("Tray", "en", "the language code of this translation: zh_TW")
    return language if language in texts.LANGUAGES else "en"


def alert_balloon(notices: Sequence[Notice], language: str) -> tuple[str, str, bool] | None:
    """(title, text, urgent) of one tray message about a cycle's alert notices, or None when none is for the tray.

    One notice: its title and detail. Several: a count, the first :data:`BALLOON_LINES` titles and "and N more".
    ``urgent`` when a critical alert fired (not only recoveries).
    """
    shown = [n for n in notices if n.event in BALLOON_EVENTS]
    if not shown:
        return None
    bad_news = ("alert", "alert_flapping", "alert_stable_down")
    urgent = any(n.event in bad_news and n.severity == "critical" for n in shown)
    if len(shown) == 1:
        notice = shown[0]
        head = texts.title(notice, language)
        return head, texts.render(notice, language).payload["detail"] or head, urgent
    lines = [texts.title(n, language) for n in shown[:BALLOON_LINES]]
    if len(shown) > BALLOON_LINES:
        lines.append(QCoreApplication.translate("Tray", "and {0} more").format(len(shown) - BALLOON_LINES))
    head = QCoreApplication.translate("Tray", "CampusNet: {0} alert messages").format(len(shown))
    return head, "\n".join(lines), urgent


def app_icon() -> QIcon:
    """The application icon, drawn at 16, 32, 64 and 256 px (window, taskbar and tray)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(paint_icon(size))
    return icon


class Tray(QObject):
    """The tray icon and its menu: open the window, poll now, pause or resume polling, quit.

    The tray only reports what the user asked for; the app decides what to do (it owns the window and the bridge).

    Signals:
        openRequested(): "Open CampusNet" chosen, or the icon clicked.
        pollNowRequested(): "Poll now" chosen.
        pauseToggled(bool): the user paused (True) or resumed (False) polling.
        quitRequested(): "Quit" chosen.
        alertsRequested(): the user clicked a message about alerts (open the Alerts page).
        messageShown(str, str): a desktop message was shown (title, text).
    """

    openRequested = Signal()
    pollNowRequested = Signal()
    pauseToggled = Signal(bool)
    quitRequested = Signal()
    alertsRequested = Signal()
    messageShown = Signal(str, str)

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paused = False
        self._last_about_alerts = False
        self.menu = QMenu()
        self.open_action = QAction(self.tr("Open CampusNet"), self)
        self.poll_action = QAction(self.tr("Poll now"), self)
        self.pause_action = QAction(self.tr("Pause polling"), self)
        self.quit_action = QAction(self.tr("Quit"), self)
        self.menu.addAction(self.open_action)
        self.menu.addAction(self.poll_action)
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.open_action.triggered.connect(self.openRequested)
        self.poll_action.triggered.connect(self.pollNowRequested)
        self.pause_action.triggered.connect(self._on_pause_triggered)
        self.quit_action.triggered.connect(self.quitRequested)
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip(self.tr("CampusNet"))
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self._on_message_clicked)

    @staticmethod
    def available() -> bool:
        """True when the desktop has a system tray; without one, closing the window must quit the app."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    @property
    def paused(self) -> bool:
        """Whether the menu currently offers "Resume polling"."""
        return self._paused

    def show(self) -> None:
        """Put the icon in the tray."""
        self.icon.show()

    def hide(self) -> None:
        """Take the icon out of the tray (before quitting)."""
        self.icon.hide()

    def set_paused(self, paused: bool) -> None:
        """Show the polling state: the menu offers "Resume polling" while paused, "Pause polling" otherwise."""
        self._paused = paused
        self.pause_action.setText(self.tr("Resume polling") if paused else self.tr("Pause polling"))

    def set_status(self, text: str) -> None:
        """The tooltip, e.g. "CampusNet — 2 devices down"."""
        self.icon.setToolTip(text)

    def notify(self, title: str, text: str, *, about_alerts: bool = False, urgent: bool = True) -> None:
        """A desktop notification from the tray icon; clicking one ``about_alerts`` asks for the Alerts page."""
        self._last_about_alerts = about_alerts
        kind = QSystemTrayIcon.MessageIcon.Warning if urgent else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(title, text, kind)
        self.messageShown.emit(title, text)

    def notify_alerts(self, notices: Sequence[Notice], language: str | None = None) -> bool:
        """One message about a cycle's new alerts and recoveries (in the GUI's language); False if none to show."""
        balloon = alert_balloon(notices, language or message_language())
        if balloon is None:
            return False
        title, text, urgent = balloon
        self.notify(title, text, about_alerts=True, urgent=urgent)
        return True

    def _on_message_clicked(self) -> None:
        if self._last_about_alerts:
            self.alertsRequested.emit()
        else:
            self.openRequested.emit()

    def _on_pause_triggered(self) -> None:
        self.set_paused(not self._paused)
        self.pauseToggled.emit(self._paused)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.openRequested.emit()
