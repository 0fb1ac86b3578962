"""Files written at paths the user chose (reports, the events export, the CSV template) and what goes into them:
nothing but a regular file is ever replaced, a full disk leaves nothing behind, and device text in CSV and Excel
cells stays text (no formulas, no characters that break the workbook)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv
import errno
import stat
from pathlib import Path

import pytest

from devices.errors import InputError
from monitor.cli.main import main as cli
from monitor.reports import report_export
from monitor.safe_files import WriteError, atomic_path
from monitor.storage.store import connect
from tests.test_report import TO_DAY, _report, make_store, run_cli

EVIL_NAME = "=cmd|' -c calc'!A0"
EVIL_ALIAS = '=HYPERLINK("http://192.0.2.9/x","click")'


def _period() -> list[str]:
    from datetime import timedelta

    return ["--from", (TO_DAY - timedelta(days=2)).isoformat(), "--to", TO_DAY.isoformat()]


def _specials(tmp_path: Path) -> dict[str, Path]:
    """A named pipe, a symbolic link to a file, a folder and (as root) a character device, each in its own folder."""
    made: dict[str, Path] = {}
    for kind in ("fifo", "symlink", "folder", "device"):
        folder = tmp_path / kind
        folder.mkdir()
        made[kind] = folder / "r.csv"
    os.mkfifo(made["fifo"])
    (tmp_path / "target.txt").write_text("keep me", encoding="utf-8")
    made["symlink"].symlink_to(tmp_path / "target.txt")
    made["folder"].mkdir()
    try:
        os.mknod(made["device"], stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null, inside tmp_path
    except PermissionError:
        del made["device"]
    return made


def _unchanged(kind: str, path: Path, tmp_path: Path) -> None:
    mode = os.lstat(path).st_mode
    check = {"fifo": stat.S_ISFIFO, "symlink": stat.S_ISLNK, "folder": stat.S_ISDIR, "device": stat.S_ISCHR}
    assert check[kind](mode), f"{kind} at {path} was replaced"
    assert (tmp_path / "target.txt").read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in path.parent.iterdir()] == ["r.csv"], "a temporary file was left"


def test_report_refuses_anything_but_a_regular_file_at_out(tmp_path: Path) -> None:
    s = make_store(tmp_path, 2)
    words = {"fifo": "named pipe", "symlink": "symbolic link", "folder": "is a folder", "device": "a device"}
    for kind, path in _specials(tmp_path).items():
        done = run_cli(s.db, *_period(), "--format", "csv", "--out", str(path))
        assert done.returncode == 2, (kind, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and words[kind] in lines[0], (kind, done.stderr)
        _unchanged(kind, path, tmp_path)


def test_atomic_path_refuses_specials_and_keeps_them(tmp_path: Path) -> None:
    for kind, path in _specials(tmp_path).items():
        with pytest.raises(InputError, match=r"not a regular file|symbolic link|is a folder"), atomic_path(path) as tmp:
            tmp.write_text("new", encoding="utf-8")
        _unchanged(kind, path, tmp_path)


def test_a_link_put_at_the_target_while_writing_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    (tmp_path / "target.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="symbolic link"), atomic_path(out) as tmp:
        tmp.write_text("new", encoding="utf-8")
        out.symlink_to(tmp_path / "target.txt")
    assert out.is_symlink() and (tmp_path / "target.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "target.txt"]


def test_a_full_disk_is_one_line_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    s = make_store(tmp_path, 2)
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def full(_report: object, path: Path, _lang: str) -> None:
        path.write_bytes(b"device,port\n" * 100)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(report_export, "write_csv", full)
    code = cli(["--db", str(s.db), "report", *_period(), "--format", "csv", "--out", str(out_dir / "r.csv")])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0] and "Traceback" not in err, err
    assert list(out_dir.iterdir()) == []
    with pytest.raises(WriteError, match="No space left"), atomic_path(out_dir / "x.txt") as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert list(out_dir.iterdir()) == []


# ---------------------------------------------------------------------------------------------------- cell contents


def _evil_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The report test store with a device named like a formula, an alias that is one and an ESC in another."""
    s = make_store(tmp_path, 2)
    conn = connect(s.db)
    with conn:
        conn.execute("UPDATE devices SET name = ?, location = '@SUM(1+1)' WHERE name = 'core'", (EVIL_NAME,))
        conn.execute("UPDATE ports SET alias = ? WHERE key = 'Gi0/1'", (EVIL_ALIAS,))
        conn.execute("UPDATE ports SET alias = 'up\x1b[31mlink\x07' WHERE key = 'Port1'")
        conn.execute("UPDATE ports SET alias = '-1' WHERE key = 'Gi0/2'")
    conn.close()
    return s


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    s = _evil_store(tmp_path)
    out = tmp_path / "r.csv"
    report_export.write_report(_report(s, ports="all"), "csv", out, "en")
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = {r["port"]: r for r in csv.DictReader(f)}
    assert rows["Gi0/1"]["device"] == "'" + EVIL_NAME
    assert rows["Gi0/1"]["alias"] == "'" + EVIL_ALIAS
    assert rows["Gi0/2"]["alias"] == "-1"  # a number stays a number
    assert float(rows["Gi0/1"]["avg_in_bps"]) > 0
    for row in rows.values():
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
            assert not value.startswith("-") or value == "-1", (column, value)


def test_xlsx_cells_stay_text_and_control_characters_do_not_break_it(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    s = _evil_store(tmp_path)
    out = tmp_path / "r.xlsx"
    report_export.write_report(_report(s, ports="all"), "xlsx", out, "en")  # raised IllegalCharacterError before
    wb = load_workbook(out)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")) and cell.value != "-1":
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
    assert EVIL_NAME in texts and EVIL_ALIAS in texts and "@SUM(1+1)" in texts
    assert "up\\x1b[31mlink\\x07" in texts
    ports = wb.worksheets[1]
    assert isinstance(ports.cell(2, 6).value, float)  # numbers stay numbers


def test_events_export_refuses_a_link_and_neutralises_formulas(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from gui.events_page import EventRow, EventsPage

    page = EventsPage(tmp_path / "x.db", submit=None)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.rows = [EventRow(1, 0.0, "device_down", EVIL_NAME, "", "+1 " + EVIL_ALIAS)]
    out = tmp_path / "events.csv"
    assert page.export(out)
    with open(out, encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f))
    assert (row["device"], row["detail"]) == ("'" + EVIL_NAME, "'+1 " + EVIL_ALIAS)
    link = tmp_path / "link.csv"
    link.symlink_to(out)
    assert not page.export(link)
    assert link.is_symlink() and "symbolic link" in page.summary.text()


def test_csv_template_is_not_written_through_a_link(tmp_path: Path) -> None:
    from gui.csv_dialog import write_template

    (tmp_path / "target.txt").write_text("keep me", encoding="utf-8")
    link = tmp_path / "t.csv"
    link.symlink_to(tmp_path / "target.txt")
    with pytest.raises(InputError, match="symbolic link"):
        write_template(link)
    assert link.is_symlink() and (tmp_path / "target.txt").read_text(encoding="utf-8") == "keep me"
