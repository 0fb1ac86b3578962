"""The usage report as an A4 PDF, drawn with Qt's own PDF writer.

The content is a :class:`QTextDocument` (summary, a chart per uplink with its daily traffic, the busiest ports,
device availability, every port), paginated by Qt, with the school's name and the period at the top of every page
and "Page 1 of 3" at the bottom. Charts are the app's own bandwidth graph (:class:`gui.plot.BandwidthPlot`)
rendered off screen over the report's period, so they look like the graphs on the device page. Texts come from
:mod:`monitor.reports.report_text` in the chosen language, the columns of the port tables from
:mod:`monitor.reports.columns`; for Chinese, Noto Sans CJK TC (or the system's Traditional
Chinese font) is chosen by name, so the PDF embeds it.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QMarginsF,
    QMessageLogContext,
    QPointF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QtMsgType,
    QTranslator,
    QUrl,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QRawFont,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QApplication, QGraphicsItem

from gui.i18n import translations_dir
from monitor.reports import columns
from monitor.reports.columns import Column, percent_text
from monitor.reports.report import PortStats, Report
from monitor.reports.report_text import day_text, text, time_text, tz_name
from monitor.units import format_bps, format_bytes

DPI = 300
MARGIN_MM = (15.0, 12.0, 15.0, 12.0)  # left, top, right, bottom
HEADER_MM = 11.0
FOOTER_MM = 9.0
BODY_PT = 8.5
# Uplinks that get a chart (the busiest); the others are in the tables.
MAX_CHARTS = 6
# Ports per daily table (more go to another table below).
DAILY_COLUMNS = 5
# The width (percent) of the rank column of the busiest ports' table.
RANK_WIDTH = 3
CHART_SIZE = QSize(820, 250)  # logical pixels; drawn at CHART_SCALE x for print
CHART_SCALE = 2

CJK_FAMILIES = ("Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", "Heiti TC", "Noto Sans CJK SC")
LATIN_FAMILIES = ("Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial")

# DateAxisItem tick formats replaced in reports: days carry their month (a report is read on paper, without
# zooming), and Chinese gets numeric dates instead of English month and weekday names.
_TICK_FORMATS = {
    "en": {"%d": "%b %d"},
    "zh_TW": {"%b": "%m月", "%a %d": "%m/%d", "%d": "%m/%d"},
}


# ---------------------------------------------------------------------------------------------------------- Qt set-up


def ensure_app() -> QApplication:
    """The running QApplication, or a new one; off screen when there is no display (Linux without X11/Wayland)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QApplication(sys.argv[:1])


def report_font(lang: str, point_size: float = BODY_PT) -> QFont:
    """The report's font: a Latin font for letters and digits, then a Traditional Chinese font by name (so the PDF
    embeds it; it draws every Chinese character, in both languages, as device names are often Chinese).

    The Latin font goes first for zh_TW too: with a CJK font first, the digits it shapes in Latin runs use glyphs
    outside its character map, and Qt's PDF text map then loses them (copy, search and pdftotext drop them).
    Families not installed are left out.
    """
    installed = set(QFontDatabase.families())
    families = [f for f in LATIN_FAMILIES + CJK_FAMILIES if f in installed]
    font = QFont()
    if families:
        font.setFamilies(families)
    font.setPointSizeF(point_size)
    return font


class _SourceTranslator(QTranslator):
    """Makes Qt's tr() answer in English (the source text) while installed, whatever the app's language."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return source

    def isEmpty(self) -> bool:
        return False


@contextlib.contextmanager
def _speaking(app: QApplication, lang: str) -> Iterator[None]:
    """The app's tr() speaks ``lang`` inside the block (the chart's legend and axis), then as before."""
    translator: QTranslator | None
    if lang == "zh_TW":
        translator = QTranslator()
        if not translator.load(str(translations_dir() / "campusnet_zh_TW.qm")):
            translator = None
    else:
        translator = _SourceTranslator()
    if translator is not None:
        app.installTranslator(translator)
    try:
        yield
    finally:
        if translator is not None:
            app.removeTranslator(translator)


@contextlib.contextmanager
def _app_font(app: QApplication, font: QFont) -> Iterator[None]:
    old = app.font()
    app.setFont(font)
    try:
        yield
    finally:
        app.setFont(old)


# ---------------------------------------------------------------------------------------------------------- charts

_OFFSCREEN_NOISE = "does not support propagateSizeHints"


@contextlib.contextmanager
def _quiet_offscreen() -> Iterator[None]:
    """Drop the offscreen platform's warning about size hints (harmless, printed for every hidden widget shown)."""
    previous = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if _OFFSCREEN_NOISE in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def _localise_axis(axis: object, lang: str, utc_offset: int) -> None:
    """Show the report's time zone on a DateAxisItem, with dates written as :data:`_TICK_FORMATS` says."""
    from gui.plot import localise_date_axis

    axis.utcOffset = utc_offset  # type: ignore[attr-defined]
    localise_date_axis(axis, lang, _TICK_FORMATS[lang])


def render_chart(db_path: Path, report: Report, port: PortStats, lang: str) -> tuple[QImage, str]:
    """The app's bandwidth graph of ``port`` over the report's period as an image, and its tier caption."""
    from gui.plot import BandwidthPlot

    now = report.generated_ts
    plot = BandwidthPlot(db_path, clock=lambda: now)
    try:
        plot.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        item = plot.plot_widget.getPlotItem()
        middle = (report.period.from_ts + report.period.to_ts) / 2
        offset = report.period.local(middle).utcoffset()
        _localise_axis(item.getAxis("bottom"), lang, -int(offset.total_seconds()) if offset else 0)
        plot.set_ports([(port.port_id, report.port_label(port))])
        plot.set_range(report.period.from_ts, report.period.to_ts)
        plot.resize(CHART_SIZE.width(), CHART_SIZE.height() + 80)
        with _quiet_offscreen():
            plot.show()  # lays the widget out at its size (WA_DontShowOnScreen: nothing appears)
        QCoreApplication.processEvents()
        view = plot.plot_widget
        # The legend ignores view transformations (it keeps its size when zooming): let it scale with the picture.
        plot.legend.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
        source = view.mapToScene(view.viewport().rect()).boundingRect()
        image = QImage(view.viewport().size() * CHART_SCALE, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            view.scene().render(painter, QRectF(image.rect()), source)
        finally:
            painter.end()
        return image, plot.tier_label.text()
    finally:
        plot.close_store()
        plot.hide()
        plot.deleteLater()


# ---------------------------------------------------------------------------------------------------------- content


def _e(value: object) -> str:
    return html.escape(str(value))


def _pair(a: str, b: str) -> str:
    """In and out on one line, the unit once when both share it: "152.4 / 46.2 Mbit/s" (a table row of one line
    never breaks across pages)."""
    unit_a, unit_b = a.partition(" ")[2], b.partition(" ")[2]
    if unit_a and unit_a == unit_b:
        return _e(f"{a.partition(' ')[0]} / {b}")
    return _e(f"{a} / {b}")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int], widths: Sequence[int] = ()) -> str:
    """An HTML table (cells already escaped) with a header row that repeats on every page it spans."""
    head = "".join(
        f'<th align="{"right" if i in right else "left"}"{_width_attr(widths, i)}>{h}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for n, row in enumerate(rows):
        shade = ' bgcolor="#f3f6f9"' if n % 2 else ""
        cells = "".join(f'<td align="{"right" if i in right else "left"}">{c}</td>' for i, c in enumerate(row))
        body.append(f"<tr{shade}>{cells}</tr>")
    return (
        '<table width="100%" cellspacing="0" cellpadding="3" class="grid">'
        f'<thead><tr bgcolor="#dce7f2">{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _width_attr(widths: Sequence[int], i: int) -> str:
    return f' width="{widths[i]}%"' if i < len(widths) else ""


def _summary(report: Report, lang: str) -> str:
    t = lambda key, *a: text(lang, key, *a)  # noqa: E731
    period = report.period
    when = t("period_text", time_text(period.local(period.from_ts)), time_text(period.local(period.to_ts)))
    if report.polls_total:
        polls = f"{percent_text(report.availability_pct)} ({t('polls')} {report.polls_answered} / {report.polls_total})"
    else:
        polls = t("not_polled")
    generated = time_text(period.local(report.generated_ts))
    scope = t("scope_uplinks") if report.scope == "uplinks" else t("scope_all")
    rows = [
        [(t("school"), report.school or "CampusNet")],
        [(t("period"), f"{when} ({tz_name(lang, period.tz_name)})")],
        [(t("scope"), scope), (t("generated"), generated)],
        [(t("devices_count"), str(len(report.devices))), (t("ports_count"), str(len(report.ports)))],
        [(t("total_in"), format_bytes(report.total_in_bytes)), (t("total_out"), format_bytes(report.total_out_bytes))],
        [(t("availability"), polls)],
    ]
    html_rows = []
    for pairs in rows:
        cells = []
        for n, (key, value) in enumerate(pairs):
            span = ' colspan="3"' if len(pairs) == 1 else ""
            width = ' width="19%"' if n == 0 else ' width="17%"'
            cells.append(f"<td{width}><b>{_e(key)}</b></td><td{span}>{_e(value)}</td>")
        html_rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table width="100%" cellspacing="0" cellpadding="3" class="summary">{"".join(html_rows)}</table>'


def _chart_block(report: Report, port: PortStats, lang: str, name: str, caption: str) -> str:
    t = lambda key, *a: text(lang, key, *a)  # noqa: E731
    title = f"{_e(report.port_label(port))}" + (f" — {_e(port.alias)}" if port.alias else "")
    facts = " · ".join(
        [
            f"{t('average')} {format_bps(port.avg_in_bps)} / {format_bps(port.avg_out_bps)}",
            f"{t('p95')} {format_bps(port.p95_in_bps)} / {format_bps(port.p95_out_bps)}",
            f"{t('peak')} {format_bps(port.peak_in_bps)} / {format_bps(port.peak_out_bps)}",
            f"{t('traffic')} {format_bytes(port.total_in_bytes)} / {format_bytes(port.total_out_bytes)}",
        ]
    )
    return (
        f"<h3>{title}</h3>"
        f'<p class="facts">{_e(facts)} ({_e(t("in_out"))})</p>'
        f'<p><img src="{name}" width="{{chart_width}}"></p>'
        f'<p class="caption">{_e(caption)}</p>'
    )


def _daily_tables(report: Report, lang: str) -> str:
    t = lambda key, *a: text(lang, key, *a)  # noqa: E731
    by_key = {(d.day, d.port_id): d for d in report.daily}
    out = []
    ports = report.daily_ports
    for start in range(0, len(ports), DAILY_COLUMNS):
        chunk = ports[start : start + DAILY_COLUMNS]
        headers = [_e(t("date"))] + [_e(report.port_label(p)) for p in chunk]
        rows = []
        for day in report.days():
            row = [_e(day_text(day))]
            for p in chunk:
                d = by_key.get((day, p.port_id))
                row.append("–" if d is None else _pair(format_bytes(d.total_in_bytes), format_bytes(d.total_out_bytes)))
            rows.append(row)
        share = 86 // len(chunk)
        out.append(_table(headers, rows, set(range(1, len(chunk) + 1)), [14, *[share] * len(chunk)]))
    return _GAP.join(out)


def _port_table(shown: Sequence[Column], ports: Sequence[PortStats], lang: str, ranked: bool = False) -> str:
    """A table of ``ports`` in the ``shown`` columns (:mod:`monitor.reports.columns`), a pair of figures in one cell;
    ``ranked`` puts their rank first."""
    io = f"<br>({_e(text(lang, 'in_out'))})"
    headers = [_e(c.header[lang]) + (io if c.pair else "") for c in shown]
    rows = []
    for rank, p in enumerate(ports, start=1):
        cells = []
        for c in shown:
            words = [c.value_kind.text(v, lang) for v in c.values(p)]
            cells.append(_pair(*words) if c.pair else _e(words[0]))
        rows.append([str(rank), *cells] if ranked else cells)
    first = 1 if ranked else 0
    right = {i + first for i, c in enumerate(shown) if c.value_kind.right} | ({0} if ranked else set())
    widths = columns.widths(shown, RANK_WIDTH if ranked else 0)
    if ranked:
        return _table(["#", *headers], rows, right, [RANK_WIDTH, *widths])
    return _table(headers, rows, right, widths)


def _top(report: Report, lang: str) -> str:
    return _port_table(columns.shown_in("pdf_top"), report.top, lang, ranked=True)


def _devices(report: Report, lang: str) -> str:
    t = lambda key, *a: text(lang, key, *a)  # noqa: E731
    headers = [
        _e(t("device")),
        _e(t("location")),
        _e(t("polls_answered")),
        _e(t("polls_total")),
        _e(t("availability")),
        _e(t("total_in")),
        _e(t("total_out")),
    ]
    rows = [
        [
            _e(d.name),
            _e(d.location),
            str(d.polls_answered),
            str(d.polls_total),
            _e(percent_text(d.availability_pct) if d.polls_total else t("not_polled")),
            _e(format_bytes(d.total_in_bytes)),
            _e(format_bytes(d.total_out_bytes)),
        ]
        for d in report.devices
    ]
    return _table(headers, rows, {2, 3, 4, 5, 6})


def _ports(report: Report, lang: str) -> str:
    """Every port; peaks are left to the chart facts and the spreadsheet, so the table fits a portrait page."""
    return _port_table(columns.shown_in("pdf"), report.ports, lang)


_CSS = """
h1 { font-size: 17pt; margin-bottom: 2pt; }
h2 { font-size: 12.5pt; color: #1f4e79; margin-top: 14pt; margin-bottom: 5pt; }
h3 { font-size: 10pt; margin-top: 9pt; margin-bottom: 2pt; }
p.facts { color: #333333; margin-top: 0; margin-bottom: 2pt; }
p.caption { color: #666666; font-size: 7.5pt; margin-top: 0; }
p.note { color: #444444; font-size: 7.5pt; margin: 0; }
table.grid { border-collapse: collapse; border-color: #b7c6d6; border-style: solid; }
table.grid th { border-bottom: 1px solid #8fa6bf; }
table.grid td { border-bottom: 1px solid #dde5ee; font-size: 7.5pt; }
table.grid th { font-size: 7.5pt; }
p.gap { margin: 0; font-size: 5pt; }
"""


# Qt drops the top margin of a heading that follows a table: a small empty paragraph keeps them apart.
_GAP = '<p class="gap">&nbsp;</p>'


def _html(report: Report, lang: str, charts: Sequence[tuple[PortStats, str, str]]) -> str:
    t = lambda key, *a: text(lang, key, *a)  # noqa: E731
    busiest = all(p.is_uplink for p in report.daily_ports)
    notes = "".join(f'<p class="note">{_e(t(k))}</p>' for k in ("note_rates", "note_p95", "note_availability"))
    parts = [f"<h1>{_e(t('title'))}</h1>", _summary(report, lang), _GAP, notes]
    if charts:
        parts.append(f"<h2>{_e(t('uplinks_section' if busiest else 'busiest_section'))}</h2>")
        parts += [_chart_block(report, port, lang, name, caption) for port, name, caption in charts]
        left = len(report.daily_ports) - len(charts)
        if left > 0:
            parts.append(f'<p class="note">{_e(t("charts_left_out", left))}</p>')
    if report.daily:
        parts += [f"<h2>{_e(t('daily_section'))} ({_e(t('in_out'))})</h2>", _daily_tables(report, lang), _GAP]
    parts += [f"<h2>{_e(t('top_section', len(report.top)))}</h2>", _top(report, lang), _GAP]
    parts += [f"<h2>{_e(t('devices_section'))}</h2>", _devices(report, lang), _GAP]
    parts += [f"<h2>{_e(t('ports_section'))}</h2>", _ports(report, lang), _GAP]
    return f"<html><head><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>"


# ---------------------------------------------------------------------------------------------------------- text map

# Code points that share their glyph with a common ideograph in CJK fonts (Kangxi radicals, radical supplement,
# kanbun), and where that ideograph is looked for.
_SHARED_GLYPH_RANGES = ((0x2E80, 0x2FE0), (0x3190, 0x31A0))
_IDEOGRAPH_RANGES = ((0x4E00, 0xA000), (0x3400, 0x4DC0))
_HEX4 = re.compile(r"<([0-9A-Fa-f]{4})>")


@functools.cache
def _shared_glyph_fixes(families: tuple[str, ...]) -> dict[int, int]:
    """Radical -> ideograph, for radicals drawn with the same glyph as an ideograph in one of ``families``.

    Qt's PDF writer names each glyph in the text map by the lowest code point the font maps to it, so 大, 用 or 頁
    come out of a copy, a search or pdftotext as the radicals ⼤, ⽤ and ⾴. These pairs undo that.
    """
    fixes: dict[int, int] = {}
    for family in families:
        raw = QRawFont.fromFont(QFont(family))
        if not raw.isValid():
            continue
        glyph_of: dict[int, int] = {}
        for lo, hi in _IDEOGRAPH_RANGES:
            chars = "".join(chr(c) for c in range(lo, hi))
            for c, g in zip(range(lo, hi), raw.glyphIndexesForString(chars), strict=True):
                if g:
                    glyph_of.setdefault(g, c)
        for lo, hi in _SHARED_GLYPH_RANGES:
            chars = "".join(chr(c) for c in range(lo, hi))
            for c, g in zip(range(lo, hi), raw.glyphIndexesForString(chars), strict=True):
                if g and g in glyph_of:
                    fixes.setdefault(c, glyph_of[g])
    return fixes


def _fixed_cmap(cmap: str, fixes: dict[int, int]) -> str:
    """A ToUnicode CMap with every one-character destination in ``fixes`` replaced.

    Destinations are the third entry of a bfrange line (a code or an array of codes) and the second of a bfchar
    line; a range ``<a> <b> <u>`` with a < b stands for consecutive codes and is written out as an array first.
    """

    def fix(token: str) -> str:
        m = _HEX4.fullmatch(token)
        return f"<{fixes[int(m.group(1), 16)]:04X}>" if m and int(m.group(1), 16) in fixes else token

    out: list[str] = []
    section = ""
    for line in cmap.splitlines():
        words = line.split()
        if words[-1:] in (["beginbfrange"], ["beginbfchar"]):
            section = words[-1]
        elif words[-1:] in (["endbfrange"], ["endbfchar"]):
            section = ""
        elif section == "beginbfchar" and len(words) == 2:
            line = f"{words[0]} {fix(words[1])}"
        elif section == "beginbfrange" and len(words) >= 3:
            lo, hi, rest = words[0], words[1], words[2:]
            if rest[0].startswith("["):
                line = " ".join([lo, hi, *(fix(w) for w in " ".join(rest).replace("[", "[ ").split())])
            elif len(rest) == 1 and _HEX4.fullmatch(rest[0]):
                first, count = int(rest[0][1:-1], 16), int(hi[1:-1], 16) - int(lo[1:-1], 16) + 1
                codes = [fix(f"<{first + k:04X}>") for k in range(count)]
                line = f"{lo} {hi} {codes[0]}" if count == 1 else f"{lo} {hi} [{' '.join(codes)}]"
        out.append(line)
    return "\n".join(out) + "\n"


def _fix_text_map(path: Path, fixes: dict[int, int]) -> None:
    """Rewrite the ToUnicode maps of the PDF at ``path`` with :func:`_fixed_cmap` (so copied text is right)."""
    if not fixes:
        return
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(path))
    changed = False
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            to_unicode = ref.get_object().get("/ToUnicode")
            if to_unicode is None:
                continue
            stream = to_unicode.get_object()
            old = stream.get_data().decode("latin-1")
            new = _fixed_cmap(old, fixes)
            if new != old:
                stream.set_data(new.encode("latin-1"))
                changed = True
    if changed:
        buffer = io.BytesIO()
        writer.write(buffer)
        path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------------------------------------------------- pages


def _px(mm: float) -> float:
    return mm / 25.4 * DPI


def _header_texts(report: Report, lang: str) -> tuple[str, str]:
    period = report.period
    left = f"CampusNet · {report.school}" if report.school else "CampusNet"
    right = text(lang, "period_text", time_text(period.local(period.from_ts)), time_text(period.local(period.to_ts)))
    return left, right


def _paint_pages(writer: QPdfWriter, doc: QTextDocument, report: Report, lang: str, font: QFont) -> int:
    width, height = writer.width(), writer.height()
    header, footer = _px(HEADER_MM), _px(FOOTER_MM)
    body_h = height - header - footer
    pages = doc.pageCount()
    left, right = _header_texts(report, lang)
    small = QFont(font)
    small.setPointSizeF(7.5)
    bold = QFont(font)
    bold.setPointSizeF(8.5)
    bold.setBold(True)
    painter = QPainter(writer)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.setPen(QPen(QColor("#1f4e79")))
            painter.setFont(bold)
            top_row = QRectF(0, 0, width, header * 0.7)
            painter.drawText(top_row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
            painter.setFont(small)
            painter.setPen(QPen(QColor("#333333")))
            painter.drawText(top_row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
            painter.setPen(QPen(QColor("#8fa6bf"), _px(0.25)))
            rule = header * 0.78
            painter.drawLine(QPointF(0, rule), QPointF(width, rule))
            painter.save()
            painter.translate(0, header - page * body_h)
            doc.drawContents(painter, QRectF(0, page * body_h, width, body_h))
            painter.restore()
            painter.setPen(QPen(QColor("#555555")))
            painter.setFont(small)
            foot = QRectF(0, height - footer * 0.8, width, footer * 0.8)
            painter.drawText(foot, Qt.AlignmentFlag.AlignCenter, text(lang, "page", page + 1, pages))
    finally:
        painter.end()
    return pages


# Blocks after a heading of each level that must be on its page: a section title with the first row of its
# table, a chart's title with its facts line, the chart and its caption.
_KEEP_WITH_HEADING = {2: 1, 3: 3}
_MAX_KEEP_PASSES = 50


def _keep_headings_with_content(doc: QTextDocument, page_h: float) -> None:
    """Start a page before any heading whose following blocks (:data:`_KEEP_WITH_HEADING`) would be on the next
    page, so no title is left alone at the bottom of a page (Qt has no keep-with-next)."""
    auto = QTextFormat.PageBreakFlag.PageBreak_Auto
    for _ in range(_MAX_KEEP_PASSES):
        layout = doc.documentLayout()
        layout.documentSize()  # lays out the whole document: positions below are final, not partial
        block = doc.begin()
        while block.isValid():
            fmt = block.blockFormat()
            keep = _KEEP_WITH_HEADING.get(fmt.headingLevel(), 0)
            ahead = block
            for _ in range(keep):
                ahead = ahead.next() if ahead.next().isValid() else ahead
            top = layout.blockBoundingRect(block).top()
            bottom = layout.blockBoundingRect(ahead).bottom()
            if keep and fmt.pageBreakPolicy() == auto and int(top // page_h) != int((bottom - 1) // page_h):
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                break
            block = block.next()
        else:
            return


def add_charts(doc: QTextDocument, report: Report, lang: str, db_path: Path) -> list[tuple[PortStats, str, str]]:
    """Draw the charts of the busiest uplinks into ``doc``'s resources; (port, resource name, caption) each.

    Needs the QApplication's thread (the charts are widgets drawn off screen).
    """
    app = ensure_app()
    charted = sorted(report.daily_ports, key=lambda p: p.total_bytes, reverse=True)[:MAX_CHARTS]
    charts: list[tuple[PortStats, str, str]] = []
    with _speaking(app, lang), _app_font(app, report_font(lang, 9)):
        for n, port in enumerate(charted):
            image, caption = render_chart(db_path, report, port, lang)
            name = f"chart{n}.png"
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
            charts.append((port, name, caption))
    return charts


def report_html(report: Report, lang: str, charts: Sequence[tuple[PortStats, str, str]], chart_width: int) -> str:
    """The report's content as the HTML the PDF is made of (charts ``chart_width`` pixels wide), for a preview."""
    return _html(report, lang, charts).replace("{chart_width}", str(chart_width))


def write_pdf(report: Report, path: Path, lang: str, db_path: Path) -> int:
    """Draw ``report`` as an A4 PDF at ``path`` in ``lang`` (charts read from the store at ``db_path``).

    Needs a running QApplication (see :func:`ensure_app`) and runs on its thread (the charts are widgets drawn off
    screen); returns the number of pages.
    """
    font = report_font(lang)
    doc = QTextDocument()
    charts = add_charts(doc, report, lang, db_path)
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    left, top, right, bottom = MARGIN_MM
    writer.setPageMargins(QMarginsF(left, top, right, bottom), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{text(lang, 'title')} {report.school}".strip())
    writer.setCreator("CampusNet")
    doc.documentLayout().setPaintDevice(writer)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    width = writer.width()
    doc.setPageSize(QSizeF(width, writer.height() - _px(HEADER_MM) - _px(FOOTER_MM)))
    # QTextDocument sizes images in pixels of a 96 dpi screen and scales them to the paint device.
    doc.setHtml(_html(report, lang, charts).replace("{chart_width}", str(int(width * 96 / DPI))))
    _keep_headings_with_content(doc, doc.pageSize().height())
    pages = _paint_pages(writer, doc, report, lang, font)
    del writer  # closes the file
    installed = set(QFontDatabase.families())
    _fix_text_map(path, _shared_glyph_fixes(tuple(f for f in CJK_FAMILIES if f in installed)))
    return pages


def write_pdf_headless(report: Report, path: Path, lang: str, db_path: Path) -> int:
    """:func:`write_pdf` from a program without a window (the command line): makes the QApplication if needed."""
    ensure_app()
    return write_pdf(report, path, lang, db_path)
