"""The PDF report: drawn by Qt off screen, read back with poppler (pdftotext, pdftoppm, pdffonts, pdfinfo)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.reports.report import Period, ReportSpec
from monitor.reports.report_export import export_report
from monitor.storage.store import connect
from tests.conftest import missing_peer, require_tool
from tests.test_report import PORTS, TO_DAY, make_store, ref_port

pytestmark = pytest.mark.usefixtures("qapp")

SCHOOL = "臺北市立測試國民小學"


def _tool(name: str, *args: str) -> str:
    done = subprocess.run([require_tool(name), *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _need_cjk_font() -> None:
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Noto Sans CJK" not in fonts:
        missing_peer("fonts-noto-cjk is not installed (Debian: apt-get install fonts-noto-cjk)")


def _write(tmp_path: Path, lang: str, days: int = 2, **spec: object) -> tuple[Path, object]:
    from gui.report_pdf import write_pdf

    s = make_store(tmp_path, days)
    out = tmp_path / f"report-{lang}.pdf"
    conn = connect(s.db)
    try:
        export_report(
            conn,
            ReportSpec(Period(s.from_ts, s.to_ts), **spec),  # type: ignore[arg-type]
            "pdf",
            out,
            lang,
            pdf_writer=lambda r, path, language: write_pdf(r, path, language, s.db),
        )
    finally:
        conn.close()
    return out, s


def _bytes_text(count: float) -> str:
    """Written out here independently of monitor.units: two decimals of the largest decimal unit below it."""
    for factor, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if count >= factor:
            return f"{count / factor:.2f} {unit}"
    return f"{count:.0f} B"


def _pages(pdf: Path, tmp_path: Path) -> int:
    info = _tool("pdfinfo", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    assert re.search(r"^Page size:\s+595(\.\d+)? x 842(\.\d+)? pts \(A4\)", info, re.M), info
    _tool("pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page"))
    assert len(list(tmp_path.glob("page-*.png"))) == pages
    return pages


def test_english_pdf_shows_the_figures(tmp_path: Path) -> None:
    pdf, s = _write(tmp_path, "en", ports="all", top=3, school="Riverside Primary")
    pages = _pages(pdf, tmp_path)
    text = _tool("pdftotext", "-layout", str(pdf), "-")
    refs = {p.key: ref_port(s.samples[p.key], s.from_ts, s.to_ts) for p in PORTS}  # type: ignore[attr-defined]
    busiest = max(refs, key=lambda k: refs[k]["total_in"] + refs[k]["total_out"])  # type: ignore[operator]
    device = next(p.device for p in PORTS if p.key == busiest)
    total_in, total_out = _bytes_text(refs[busiest]["total_in"]), _bytes_text(refs[busiest]["total_out"])  # type: ignore[arg-type]
    in_num, in_unit = total_in.split()
    pair = f"{in_num} / {total_out}" if total_out.endswith(f" {in_unit}") else f"{total_in} / {total_out}"
    top_line = next(line for line in text.splitlines() if re.match(r"\s*1\s", line) and busiest in line)
    assert device in top_line and pair in top_line, top_line
    assert "The 3 busiest ports" in text and "Device availability" in text and "All ports in this report" in text
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text
    assert text.count("Riverside Primary") >= pages + 1  # every page's header, and the summary
    frm, to = (TO_DAY - timedelta(days=2)).isoformat(), TO_DAY.isoformat()
    assert text.count(f"{frm} 00:00 to {to} 00:00") >= pages
    core_polls = [st for ts, st in s.polls["core"] if s.from_ts <= ts < s.to_ts]  # type: ignore[attr-defined]
    assert f"{core_polls.count('up') / len(core_polls) * 100:.1f} %" in text


def test_chinese_pdf_embeds_a_cjk_font_and_reads_back_as_chinese(tmp_path: Path) -> None:
    _need_cjk_font()
    pdf, s = _write(tmp_path, "zh_TW", school=SCHOOL)
    pages = _pages(pdf, tmp_path)
    text = _tool("pdftotext", "-layout", str(pdf), "-")
    for words in ("網路使用報告", "上行鏈路流量", "流量最大的 2 個連接埠", "裝置可用率", "本報告的所有連接埠"):
        assert words in text, words
    assert f"第 1 頁，共 {pages} 頁" in text
    assert text.count(SCHOOL) >= pages + 1
    assert "edge-圖書館" in text and "Uplink to 縣網中心" in text
    # Digits and common characters read back as themselves (not as radicals such as ⼤ or lost).
    assert not re.search(r"[\u2e80-\u2fdf]", text)
    core = ref_port(s.samples["Gi0/1"], s.from_ts, s.to_ts)  # type: ignore[attr-defined]
    assert f"{core['avg_in'] / 1e6:.1f} Mbit/s" in text  # type: ignore[operator]
    fonts = _tool("pdffonts", str(pdf))
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_pdf_charts_are_pictures_of_the_uplinks(tmp_path: Path) -> None:
    from gui.report_pdf import MAX_CHARTS

    pdf, _s = _write(tmp_path, "en")
    images = _tool("pdfimages", "-list", str(pdf))
    rows = [line.split() for line in images.splitlines()[2:] if line.strip()]
    charts = [r for r in rows if r[2] == "image" and int(r[3]) >= 1000]  # wide pictures: the charts
    assert len(charts) == min(MAX_CHARTS, 2)
    text = _tool("pdftotext", "-layout", str(pdf), "-")
    assert "core Gi0/1 — Uplink to 縣網中心" in text and "edge-圖書館 Port1 — Uplink to core" in text
