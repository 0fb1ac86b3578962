"""Translations: choosing the language, switching at run time, and the shipped .ts/.qm files themselves."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from gui import i18n
from gui.i18n import install_translator, resolve_language, translations_dir
from gui.main_window import MainWindow
from tests.conftest import missing_peer

REPO = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO / "gui" / "translations"
ZH_TS = TRANSLATIONS / "campusnet_zh_TW.ts"

# Simplified-only characters and mainland terms that have no place in Taiwan's Traditional Chinese UI text.
SIMPLIFIED_CHARS = set("设网络备视频认据库计议户务线连运载数码统开关时间电实现项错误态类话这么为们软硬击链选择显档")
MAINLAND_TERMS = ("信息", "默認", "文件", "視頻", "端口", "設置", "網絡", "軟件", "服務器", "數據", "鏈接", "缺省")


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The test QApplication, put back to English afterwards so other tests see the source text."""
    yield qapp
    install_translator(qapp, "en")


def ts_messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every message in a .ts file."""
    root = ET.parse(path).getroot()
    return [
        (str(ctx.findtext("name")), str(msg.findtext("source")), msg.find("translation"))  # type: ignore[misc]
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    ]


def qt_tool(name: str) -> str:
    """A PySide6 tool installed next to this Python (pyside6-lrelease, pyside6-lupdate)."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        missing_peer(f"{name} is not installed")
    assert found is not None
    return found


# ---------------------------------------------------------------------------------------------------- choosing


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("zh_TW", "zh_TW"),
        ("zh_HK", "zh_TW"),
        ("zh_MO", "zh_TW"),
        ("zh_Hant", "zh_TW"),
        ("zh_Hant_HK", "zh_TW"),
        ("zh_CN", "en"),
        ("zh_SG", "en"),
        ("en_US", "en"),
        ("de_DE", "en"),
    ],
)
def test_system_language(system: str, expected: str) -> None:
    assert resolve_language("system", QLocale(system)) == expected


def test_explicit_language_wins_over_the_system() -> None:
    assert resolve_language("en", QLocale("zh_TW")) == "en"
    assert resolve_language("zh_TW", QLocale("en_US")) == "zh_TW"
    assert resolve_language("nonsense", QLocale("en_US")) == "en"


def test_translations_found_in_a_frozen_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert translations_dir() == TRANSLATIONS
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert translations_dir() == tmp_path / "gui" / "translations"


# ---------------------------------------------------------------------------------------------------- switching


def first_run_texts(window: MainWindow) -> list[str]:
    panel = window.first_run
    return [b.text() for b in (panel.add_button, panel.import_button, panel.demo_button)]


def test_main_window_in_chinese_then_back_in_english(qtbot, app: QApplication, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert install_translator(app, "zh_TW") == "zh_TW"
    window = MainWindow(tmp_path / "empty.db")
    qtbot.addWidget(window)
    window.show()
    assert first_run_texts(window) == ["新增裝置…", "匯入 CSV…", "試用示範網路"]
    assert "歡迎使用 CampusNet" in [label.text() for label in window.first_run.findChildren(QLabel)]
    window.close()

    assert install_translator(app, "en") == "en"
    again = MainWindow(tmp_path / "empty.db")
    qtbot.addWidget(again)
    assert first_run_texts(again) == ["Add device…", "Import CSV…", "Try the demo"]
    again.close()


def test_qt_standard_buttons_follow_the_language(qtbot, app: QApplication) -> None:  # type: ignore[no-untyped-def]
    install_translator(app, "zh_TW")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == sorted(["確定", "取消"])


def test_switching_does_not_stack_translators(app: QApplication) -> None:
    for _ in range(3):
        install_translator(app, "zh_TW")
    assert len(i18n._installed) == 2  # CampusNet's and Qt's, once each
    install_translator(app, "en")
    assert QCoreApplication.translate("Tray", "Quit") == "Quit"


# ---------------------------------------------------------------------------------------------------- the files


def test_every_chinese_message_is_translated() -> None:
    messages = ts_messages(ZH_TS)
    assert len(messages) > 100
    problems = [
        (ctx, src)
        for ctx, src, tr in messages
        if not (tr.text or "").strip() or tr.get("type") in ("unfinished", "obsolete", "vanished")
    ]
    assert problems == []


def test_translations_keep_their_placeholders() -> None:
    placeholder = re.compile(r"\{\d*\}")
    wrong = [
        (src, tr.text)
        for _, src, tr in ts_messages(ZH_TS)
        if sorted(placeholder.findall(src)) != sorted(placeholder.findall(tr.text or ""))
    ]
    assert wrong == []


def test_translations_are_taiwan_traditional_chinese() -> None:
    bad = []
    for ctx, src, tr in ts_messages(ZH_TS):
        text = tr.text or ""
        if SIMPLIFIED_CHARS & set(text) or any(term in text for term in MAINLAND_TERMS):
            bad.append((ctx, src, text))
    assert bad == []
    by_source = {src: tr.text for _, src, tr in ts_messages(ZH_TS)}
    assert by_source["Settings"] == "設定"
    assert by_source["Poll now"] == "立即輪詢"


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_qm_files_match_their_ts(lang: str, tmp_path: Path) -> None:
    compiled = tmp_path / f"campusnet_{lang}.qm"
    ts = TRANSLATIONS / f"campusnet_{lang}.ts"
    subprocess.run([qt_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(compiled)], check=True)
    shipped = TRANSLATIONS / f"campusnet_{lang}.qm"
    assert shipped.read_bytes() == compiled.read_bytes(), "run packaging/update_translations.sh"


def test_every_gui_string_is_in_the_chinese_ts(tmp_path: Path) -> None:
    """lupdate over today's GUI sources finds nothing new: every tr() string has a translation."""
    ts = tmp_path / "check.ts"
    shutil.copy(ZH_TS, ts)
    sources = sorted(str(p) for p in (REPO / "gui").glob("*.py"))
    subprocess.run(
        [qt_tool("pyside6-lupdate"), "-silent", "-no-obsolete", *sources, "-ts", str(ts)], check=True, cwd=REPO
    )
    untranslated = [(ctx, src) for ctx, src, tr in ts_messages(ts) if tr.get("type") == "unfinished"]
    assert untranslated == [], "run packaging/update_translations.sh and translate the new strings"


def test_every_word_of_the_channel_kinds_is_translated() -> None:
    """The editor shows the labels, hints and choices of the table of channel kinds: each has its translation (a
    new kind marks its words in gui/channels_dialog.py)."""
    from monitor.alerting.kinds import KINDS, Secret

    translated = {(ctx, src) for ctx, src, tr in ts_messages(ZH_TS) if (tr.text or "").strip()}
    words = {("ChannelsDialog", kind.label) for kind in KINDS.values()}
    for kind in KINDS.values():
        for item in kind.fields:
            if isinstance(item, Secret):
                words |= {("ChannelEditor", item.label), ("ChannelEditor", item.short)}
            elif item.editor:
                shown = [item.label, item.hint, *(label for _code, label in item.choices)]
                words |= {("ChannelEditor", text) for text in shown if text}
    assert len(words) > 20
    assert sorted(words - translated) == []


def test_ports_table_headers_are_translated(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from gui.main_window import PortsModel

    app = QApplication.instance()
    install_translator(app, "zh_TW")
    try:
        model = PortsModel()
        headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    finally:
        install_translator(app, "en")
    # From gui/translations/campusnet_zh_TW.ts; ifIndex is an IF-MIB name and stays as it is.
    assert headers == ["ifIndex", "名稱", "別名", "狀態", "速率", "流入", "流出", "使用率", "錯誤/秒"]
