"""The system tray icon (polling goes on while the window is closed) and the application icon.

Not every desktop has a tray: :meth:`Tray.available` says whether this one does. Without a tray (some Linux
desktops, the ``offscreen`` platform used by the tests) closing the window must quit the app instead of hiding it,
or CampusNet would keep running with no way to reach it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

ICON_SIZES = (16, 32, 64, 256)
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
    """

    openRequested = Signal()
    pollNowRequested = Signal()
    pauseToggled = Signal(bool)
    quitRequested = Signal()

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paused = False
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

    def notify(self, title: str, text: str) -> None:
        """A desktop notification from the tray icon (e.g. a device went down)."""
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning)

    def _on_pause_triggered(self) -> None:
        self.set_paused(not self._paused)
        self.pauseToggled.emit(self._paused)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.openRequested.emit()
