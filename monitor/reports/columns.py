"""The columns of a usage report's port tables, in one table that the CSV, Excel and PDF writers all read.

Each :class:`Column` says what it shows of a port (:class:`monitor.reports.report.PortStats`): its key (the CSV
name), its kind of value (:data:`KINDS`: text, bit/s, bytes, percent, ...), its headers in the report languages,
how wide it is in the PDF, and in which tables it appears. A figure measured in and out (average, 95th percentile,
traffic, ...) is one column with ``pair`` set: two CSV and Excel columns, one PDF cell ("152.4 / 46.2 Mbit/s").

How a kind of value is written in each format (base units in the CSV, Mbit/s, GB and % in Excel, readable text in
the PDF) is in :data:`KINDS`. Adding a column to :data:`COLUMNS` adds it to the CSV (after the columns it has, so
scripts reading them by position keep working), the Excel sheet of ports and the PDF table of ports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.reports.report import PortStats
from monitor.reports.report_text import TEXTS
from monitor.units import format_bps, format_bytes

# The tables a column may be in: the CSV, Excel's sheet of ports and its "Top N" sheet, the PDF's table of every
# port and its table of the busiest ports.
VIEWS = ("csv", "xlsx", "xlsx_top", "pdf", "pdf_top")
PORT_TABLES = frozenset({"csv", "xlsx", "pdf"})
EVERYWHERE = frozenset(VIEWS)

MEGA = 1e6
GIGA = 1e9

# Excel number formats.
RATE_FORMAT = "#,##0.00"
GB_FORMAT = "#,##0.000"
PCT_FORMAT = "0.0"
INT_FORMAT = "#,##0"

# The words for in and out in an Excel header of a pair made from its PDF header (when a column gives no sheet
# headers of its own).
_IN_OUT = {"en": ("{0} in", "{0} out"), "zh_TW": ("{0}，流入", "{0}，流出")}


def _plain(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def _scaled(factor: float) -> Callable[[Any, str], Any]:
    return lambda value, _lang: None if value is None else value / factor


def percent_text(value: float | None) -> str:
    """A share as a report prints it: ``97.5 %``; ``–`` when unknown."""
    return "–" if value is None else f"{value:.1f} %"


@dataclass(frozen=True)
class ValueKind:
    """How one kind of value is written in each format.

    Attributes:
        suffix: what its CSV names end with (the base unit: ``bps``, ``bytes``, ``pct``), "" for none.
        unit: the unit of its Excel column, named in the header ("" for none).
        csv: value -> the CSV cell (plain numbers in base units, "" when unknown).
        sheet: (value, language) -> the Excel cell (a number in ``unit``, or text).
        sheet_format: the Excel number format.
        text: (value, language) -> what the PDF shows.
        right: aligned right (numbers).
    """

    suffix: str
    unit: str
    csv: Callable[[Any], str]
    sheet: Callable[[Any, str], Any]
    sheet_format: str | None
    text: Callable[[Any, str], str]
    right: bool = True


KINDS: dict[str, ValueKind] = {
    "text": ValueKind("", "", lambda v: v, lambda v, _l: v, None, lambda v, _l: str(v), right=False),
    "flag": ValueKind(
        "",
        "",
        lambda v: "1" if v else "0",
        lambda v, lang: TEXTS[lang]["yes" if v else "no"],
        None,
        lambda v, lang: TEXTS[lang]["yes" if v else "no"],
        right=False,
    ),
    "count": ValueKind("", "", str, lambda v, _l: v, INT_FORMAT, lambda v, _l: str(v)),
    "speed": ValueKind(
        "bps",
        "Mbit/s",
        lambda v: "" if v is None else str(v),
        _scaled(MEGA),
        INT_FORMAT,
        lambda v, _l: format_bps(v),
    ),
    "bps": ValueKind("bps", "Mbit/s", lambda v: _plain(v, 3), _scaled(MEGA), RATE_FORMAT, lambda v, _l: format_bps(v)),
    "bytes": ValueKind("bytes", "GB", lambda v: _plain(v, 0), _scaled(GIGA), GB_FORMAT, lambda v, _l: format_bytes(v)),
    "percent": ValueKind(
        "pct", "%", lambda v: _plain(v, 3), lambda v, _l: v, PCT_FORMAT, lambda v, _l: percent_text(v)
    ),
}


def _texts(key: str) -> dict[str, str]:
    """A word of :mod:`monitor.reports.report_text` in every report language."""
    return {lang: words[key] for lang, words in TEXTS.items()}


def _pair_texts(key_in: str, key_out: str) -> dict[str, tuple[str, ...]]:
    return {lang: (words[key_in], words[key_out]) for lang, words in TEXTS.items()}


@dataclass(frozen=True)
class Column:
    """One column of the port tables.

    Attributes:
        key: its name in the CSV (with its kind's suffix: ``speed`` -> ``speed_bps``; a pair gives
            ``avg_in_bps`` and ``avg_out_bps``).
        kind: a key of :data:`KINDS`.
        header: its header in the PDF, per report language.
        value: the port's figure (in base units), or (in, out) for a pair.
        pair: a figure measured in and out.
        sheet: its Excel header(s) per language (two for a pair); by default the PDF header with the unit.
        width: its share of the PDF table's width (hints, scaled to fill the table).
        views: the tables it is in (:data:`VIEWS`).
        top: its place in the tables of the busiest ports (they lead with what they rank by).
    """

    key: str
    kind: str
    header: Mapping[str, str]
    value: Callable[[PortStats], Any]
    pair: bool = False
    sheet: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    width: int = 10
    views: frozenset[str] = PORT_TABLES
    top: int = 0

    @property
    def value_kind(self) -> ValueKind:
        """How its values are written."""
        return KINDS[self.kind]

    def csv_names(self) -> tuple[str, ...]:
        """Its CSV column name(s)."""
        suffix = f"_{self.value_kind.suffix}" if self.value_kind.suffix else ""
        if self.pair:
            return (f"{self.key}_in{suffix}", f"{self.key}_out{suffix}")
        return (f"{self.key}{suffix}",)

    def values(self, port: PortStats) -> tuple[Any, ...]:
        """The port's figure(s): one, or in and out."""
        value = self.value(port)
        return tuple(value) if self.pair else (value,)

    def sheet_headers(self, lang: str) -> tuple[str, ...]:
        """Its Excel header(s) in ``lang``."""
        if lang in self.sheet:
            return tuple(self.sheet[lang])
        unit = f" ({self.value_kind.unit})" if self.value_kind.unit else ""
        head = self.header[lang]
        if self.pair:
            words = _IN_OUT.get(lang, _IN_OUT["en"])
            return tuple(w.format(head) + unit for w in words)
        return (head + unit,)


COLUMNS: tuple[Column, ...] = (
    Column("device", "text", _texts("device"), lambda p: p.device, width=12, views=EVERYWHERE, top=1),
    Column("port", "text", _texts("port"), lambda p: p.port, width=11, views=EVERYWHERE, top=2),
    Column(
        "alias",
        "text",
        _texts("alias"),
        lambda p: p.alias,
        width=13,
        views=frozenset({"csv", "xlsx", "xlsx_top", "pdf_top"}),
        top=3,
    ),
    Column("is_uplink", "flag", _texts("uplink"), lambda p: p.is_uplink, views=frozenset({"csv", "xlsx"})),
    Column(
        "speed",
        "speed",
        _texts("speed"),
        lambda p: p.speed_bps,
        sheet={lang: (text,) for lang, text in _texts("speed_mbps").items()},
        width=8,
    ),
    Column(
        "avg",
        "bps",
        _texts("average"),
        lambda p: (p.avg_in_bps, p.avg_out_bps),
        pair=True,
        sheet=_pair_texts("avg_in_mbps", "avg_out_mbps"),
        width=15,
        views=EVERYWHERE,
        top=6,
    ),
    Column(
        "peak",
        "bps",
        _texts("peak"),
        lambda p: (p.peak_in_bps, p.peak_out_bps),
        pair=True,
        sheet=_pair_texts("peak_in_mbps", "peak_out_mbps"),
        views=frozenset({"csv", "xlsx"}),
    ),
    Column(
        "p95",
        "bps",
        _texts("p95"),
        lambda p: (p.p95_in_bps, p.p95_out_bps),
        pair=True,
        sheet=_pair_texts("p95_in_mbps", "p95_out_mbps"),
        width=16,
        views=EVERYWHERE,
        top=7,
    ),
    Column(
        "total",
        "bytes",
        _texts("traffic"),
        lambda p: (p.total_in_bytes, p.total_out_bytes),
        pair=True,
        sheet=_pair_texts("total_in_gb", "total_out_gb"),
        width=16,
        views=EVERYWHERE,
        top=5,
    ),
    Column(
        "util_avg",
        "percent",
        _texts("util_average"),
        lambda p: (p.util_avg_in_pct, p.util_avg_out_pct),
        pair=True,
        sheet=_pair_texts("util_avg_in", "util_avg_out"),
        views=frozenset({"csv", "xlsx"}),
    ),
    Column(
        "util_p95",
        "percent",
        _texts("utilization"),
        lambda p: (p.util_p95_in_pct, p.util_p95_out_pct),
        pair=True,
        sheet=_pair_texts("util_p95_in", "util_p95_out"),
        width=11,
        views=EVERYWHERE,
        top=8,
    ),
    Column(
        "availability",
        "percent",
        _texts("availability"),
        lambda p: p.availability_pct,
        sheet={lang: (text,) for lang, text in _texts("availability_pct").items()},
        width=11,
    ),
    Column("samples", "count", _texts("samples"), lambda p: p.samples, views=frozenset({"csv"})),
    # In and out together: what the busiest ports are ranked by, in the spreadsheet.
    Column(
        "total_in_out",
        "bytes",
        _texts("traffic"),
        lambda p: p.total_bytes,
        sheet={lang: (text,) for lang, text in _texts("total_gb").items()},
        views=frozenset({"xlsx_top"}),
        top=4,
    ),
)

# The CSV's first columns, in the order scripts read them by since the first version: never reordered. Columns
# added since follow them in the order of :data:`COLUMNS`.
CSV_FIRST = (
    "device",
    "port",
    "speed_bps",
    "avg_in_bps",
    "avg_out_bps",
    "peak_in_bps",
    "peak_out_bps",
    "p95_in_bps",
    "p95_out_bps",
    "total_in_bytes",
    "total_out_bytes",
    "availability_pct",
    "alias",
    "is_uplink",
    "util_avg_in_pct",
    "util_avg_out_pct",
    "util_p95_in_pct",
    "util_p95_out_pct",
    "samples",
)


def shown_in(view: str, columns: Sequence[Column] | None = None) -> list[Column]:
    """The columns of ``view`` in their order (the busiest ports' tables by :attr:`Column.top`)."""
    chosen = [c for c in (COLUMNS if columns is None else columns) if view in c.views]
    return sorted(chosen, key=lambda c: c.top) if view.endswith("_top") else chosen


def csv_cells() -> list[tuple[str, Column, int]]:
    """The CSV's columns: (name, column, 0 for a single figure or the in part of a pair, 1 for the out part)."""
    cells = [(name, c, n) for c in shown_in("csv") for n, name in enumerate(c.csv_names())]
    known = {cell[0]: cell for cell in cells}
    first = [known[name] for name in CSV_FIRST if name in known]
    return first + [cell for cell in cells if cell[0] not in CSV_FIRST]


def csv_header() -> tuple[str, ...]:
    """The CSV's header row."""
    return tuple(name for name, _c, _n in csv_cells())


def widths(columns: Sequence[Column], fixed: int = 0) -> list[int]:
    """The PDF widths (percent) of ``columns`` in a table with ``fixed`` percent taken already: their hints scaled
    to fill it, rounded so they add up to exactly what is left."""
    left = 100 - fixed
    total = sum(c.width for c in columns) or 1
    exact = [c.width * left / total for c in columns]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: left - sum(shares)]:
        shares[i] += 1
    return shares
