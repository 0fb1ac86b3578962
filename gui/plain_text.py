"""Device and user text in Qt widgets, shown as written.

Qt shows a label, a tooltip or a message box as rich text when the text looks like HTML (``Qt::mightBeRichText``),
and pyqtgraph's legends always do. A device chooses its own name, sysDescr and port descriptions, and its errors
come back as status reasons: ``<img src=file:///...>`` would load a local file into the window, ``<h1>`` would
shout, a link could be clicked. So:

- labels that show such text are plain-text labels (:func:`plain`);
- labels that mix markup of their own with such text escape it (:func:`esc`);
- tooltips and message boxes with such text go through :func:`literal`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel


def plain(label: QLabel) -> QLabel:
    """``label`` set to show its text as written, never as HTML; returned for chaining."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def esc(value: object) -> str:
    """``value`` as text to put inside markup of this program's own (``<b>`` + esc(name) + ``</b>``)."""
    return html.escape("" if value is None else str(value), quote=False)


def literal(text: str) -> str:
    """``text`` for a widget that guesses the format (tooltips, message boxes, an AutoText label): unchanged unless
    Qt would take it for HTML, then converted to HTML that shows it as written."""
    return GuiQt.convertFromPlainText(text) if GuiQt.mightBeRichText(text) else text
