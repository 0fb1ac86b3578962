"""The core's messages in the reader's language: every marked message has its Traditional Chinese translation with
the same placeholders, the compiled catalogue matches it, and events are stored so each reader sees them in theirs."""

from __future__ import annotations

import gettext
import importlib.util
import sqlite3
from pathlib import Path

import pytest

from devices.i18n import LOCALE_DIR, N_, Msg, render_stored, system_language
from monitor.storage.events import record_event
from tests.conftest import REPO


def _tools():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("core_translations", REPO / "packaging" / "core_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_core_message_has_its_chinese_translation() -> None:
    tools = _tools()
    marked = tools.marked_messages()
    assert "{device} answers again" in marked  # the extraction sees the marks
    catalogue = tools.read_catalogue("zh_TW")
    missing = [m for m in marked if catalogue.get(m) is None or not catalogue.get(m).string]
    assert missing == [], "untranslated (run packaging/update_translations.sh, then translate)"
    wrong = [m for m in marked if tools.placeholders(catalogue.get(m).string) != tools.placeholders(m)]
    assert wrong == [], "translations whose {placeholders} differ from their source"


def test_the_stored_catalogues_are_fresh() -> None:
    tools = _tools()
    merged = tools.merged("zh_TW")
    path = tools.po_path("zh_TW")
    assert path.read_bytes() == tools.po_bytes(merged), "campusnet.po is stale: run packaging/update_translations.sh"
    compiled = gettext.GNUTranslations(path.with_suffix(".mo").open("rb"))
    for message in merged:
        if message.id:
            assert compiled.gettext(message.id) == message.string, f"campusnet.mo is stale: {message.id}"


def test_a_message_renders_in_each_language_and_survives_the_store(tmp_path: Path) -> None:
    assert LOCALE_DIR.is_dir()
    msg = Msg(N_("{device} answers again"), {"device": "gym-sw"})
    assert msg.render("en") == str(msg) == "gym-sw answers again"
    assert msg.render("zh_TW") == "gym-sw 恢復回應"
    conn = sqlite3.connect(tmp_path / "e.db")
    conn.execute(
        "CREATE TABLE events (ts REAL, device_id INTEGER, port_id INTEGER, kind TEXT, detail TEXT, message TEXT)"
    )
    assert record_event(conn, 1.0, "device_up", msg) == "gym-sw answers again"
    detail, message = conn.execute("SELECT detail, message FROM events").fetchone()
    assert detail == "gym-sw answers again"
    assert render_stored(message, detail, "zh_TW") == "gym-sw 恢復回應"
    assert render_stored(None, "written by an older version", "zh_TW") == "written by an older version"
    assert render_stored("{not json", "fallback", "zh_TW") == "fallback"


def test_device_text_in_parameters_is_never_translated() -> None:
    msg = Msg(N_("{device} answers again"), {"device": "{device} answers again"})  # a hostile name
    assert msg.render("zh_TW") == "{device} answers again 恢復回應"
    assert Msg("").render("zh_TW") == ""  # not the catalogue's header


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_TW.UTF-8"}, "zh_TW"),
        ({"LC_ALL": "zh_Hant_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh_TW"),
        ({"LANGUAGE": "zh_HK:en"}, "zh_TW"),
        ({"LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_system_language(environ: dict[str, str], language: str) -> None:
    assert system_language(environ) == language


def test_the_command_line_speaks_the_chosen_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from monitor.cli.main import main

    db = str(tmp_path / "inventory.db")
    assert main(["--db", db, "--lang", "zh_TW", "device", "remove", "ghost"]) == 2
    assert capsys.readouterr().err.strip() == "錯誤：沒有名為 'ghost' 的裝置（請見「device list」）"
    assert main(["--db", db, "--lang", "en", "device", "remove", "ghost"]) == 2
    assert capsys.readouterr().err.strip() == "error: no device named 'ghost' (see 'device list')"


def test_the_command_line_follows_campusnet_lang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.cli.main import main

    monkeypatch.setenv("CAMPUSNET_LANG", "zh_TW")
    assert main(["--db", str(tmp_path / "inventory.db"), "device", "remove", "ghost"]) == 2
    assert capsys.readouterr().err.startswith("錯誤：")


def test_why_a_device_is_down_reads_in_each_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.polling.poller import record_failure
    from monitor.storage.overview import overview
    from monitor.storage.store import connect

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    conn = connect(tmp_path / "inventory.db")
    device = conn.execute("INSERT INTO devices (name, host, created, status) VALUES ('gym-sw', '192.0.2.9', 0, 'up')")
    why = Msg(N_("cannot resolve host {host}"), {"host": "gym-sw.school"})
    with conn:
        assert record_failure(conn, int(device.lastrowid or 0), "unreachable", str(why), 2.0, why)
    assert overview(conn, 10.0, "en").down == [("gym-sw", "unreachable", "cannot resolve host gym-sw.school")]
    assert overview(conn, 10.0, "zh_TW").down == [("gym-sw", "unreachable", "無法解析主機名稱 gym-sw.school")]
    (event,) = conn.execute("SELECT detail, message FROM events WHERE kind = 'device_down'").fetchall()
    assert event[0] == "gym-sw: cannot resolve host gym-sw.school"
    assert render_stored(event[1], event[0], "zh_TW") == "gym-sw：無法解析主機名稱 gym-sw.school"
    conn.close()
