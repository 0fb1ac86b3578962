"""Device text in the window (offscreen) is shown as written: an ``<img src=…>`` or ``<h1>`` in a device's name,
sysDescr, status reason or port label appears as those characters, never as an image or a heading (labels,
tooltips, message boxes, graph legends); the channel editor refuses a token with a space."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from gui.main_window import MainWindow
from gui.plot import BandwidthPlot
from monitor.storage.store import connect

SECRET_FILE = Path(__file__).resolve()  # a file an <img> could load
NAME = "<h1>core</h1>"
DESCR = f'<img src="file://{SECRET_FILE}">Cisco IOS Software'
REASON = "<b>no answer</b> & <a href='http://192.0.2.9/'>click</a>"
VENDOR = "<i>Cisco</i>"


def read_as_user(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What a person sees of ``text`` in a widget with ``text_format`` (tooltips and message boxes: AutoText)."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def label_text(label: QLabel) -> str:
    return read_as_user(label.text(), label.textFormat())


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> MainWindow:
    db = tmp_path / "inventory.db"
    conn = connect(db)
    with conn:
        dev = conn.execute(
            "INSERT INTO devices (name, host, location, status, status_reason, vendor, model, sys_descr, created)"
            " VALUES (?, '192.0.2.1', '<u>機房</u>', 'unreachable', ?, ?, '<s>C9300</s>', ?, ?)",
            (NAME, REASON, VENDOR, DESCR, time.time()),
        ).lastrowid
        conn.execute(
            "INSERT INTO ports (device_id, key, ifindex, name, alias, present) VALUES (?, 'Gi1', 1, 'Gi1', ?, 1)",
            (dev, "<img src=x>uplink"),
        )
    conn.close()
    w = MainWindow(db)
    qtbot.addWidget(w)
    return w


def test_the_device_page_shows_device_text_as_written(window: MainWindow) -> None:
    group = window.tree_model.item(0)
    window._on_tree_clicked(group.child(0).index())
    shown = label_text(window.device_page.facts)
    for text in (NAME, REASON, VENDOR, "<s>C9300</s>", DESCR):
        assert text in shown, (text, shown)
    assert read_as_user(group.child(0).toolTip()).endswith(REASON)


def test_the_dashboard_names_the_device_as_written(window: MainWindow) -> None:
    summary = window.dashboard.summary
    assert NAME in label_text(summary)
    assert read_as_user(summary.toolTip()) == f"{NAME}: {REASON}"


def test_removing_asks_with_the_name_as_written(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    window._on_tree_clicked(window.tree_model.item(0).child(0).index())
    window.remove_device()
    assert len(asked) == 1 and NAME in read_as_user(asked[0])


def test_graph_legends_show_port_labels_as_written(qtbot: Any, tmp_path: Path) -> None:
    connect(tmp_path / "inventory.db").close()
    plot = BandwidthPlot(tmp_path / "inventory.db")
    qtbot.addWidget(plot)
    label = f"{NAME} <img src=x>Gi1"
    plot.set_ports([(1, label), (2, "Gi2")])
    legends = [item.item.toPlainText() for _sample, item in plot.legend.items]
    assert legends[:2] == [f"{label} in", f"{label} out"]
    plot.close_store()


def test_the_channel_editor_refuses_a_token_with_a_space(qtbot: Any, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gui.channels_dialog import ChannelsDialog
    from monitor.alerting import channels
    from monitor.polling.scheduler import CoreLoop
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import StoreWriter

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "inventory.db"
    conn = connect(db)
    writer, core = StoreWriter(db), CoreLoop()
    try:
        dialog = ChannelsDialog(conn, open_secrets(db, inventory.store_id(conn)), writer.submit, core.submit)
        qtbot.addWidget(dialog)
        editor = dialog.add_channel("telegram")
        editor.name_edit.setText("tg")
        qtbot.keyClicks(editor.fields["chat_id"], "42")
        editor.secret_edit.setText("123456:ABC-token ")
        editor.accept()
        assert (
            editor.error_label.text()
            == "Not saved: the bot token ends with a space: tokens have none (copied by mistake?)"
        )
        assert channels.list_channels(conn) == []
    finally:
        writer.close()
        core.stop()
        conn.close()
