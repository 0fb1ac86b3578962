"""Text from devices and users in spreadsheet cells (CSV and Excel exports), made inert.

A device chooses its own name, sysDescr and port descriptions (ifAlias); anyone who can configure a switch port can
write ``=HYPERLINK(...)`` or ``=cmd|' /c calc'!A0`` there. A spreadsheet program opening an export would run such a
cell as a formula (CSV injection, OWASP). So:

- CSV: a text cell starting with a formula trigger (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a
  leading ``'`` (OWASP's advice); a plain number such as ``-3.5`` stays as it is (it is no formula).
- Excel: such a cell is stored as text with Excel's own quote prefix (what typing a leading ``'`` does in Excel),
  so it shows as written and stays text when edited, instead of becoming a formula. Control characters that the
  xlsx format cannot hold (openpyxl refuses the whole workbook for one) are written as visible escapes (``\\x1b``).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# The characters XML 1.0 (and so xlsx) cannot hold: C0 controls except tab, LF and CR (openpyxl's
# ILLEGAL_CHARACTERS_RE), and the two noncharacters U+FFFE and U+FFFF.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (and it is not a plain number)."""
    return text.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(text)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def xlsx_value(value: Any) -> Any:
    """``value`` for an Excel cell: in text, the characters xlsx cannot hold become visible escapes (``\\x1b``).

    Use it on every value before it is put in a cell: openpyxl refuses such characters when the value is set.
    """
    if not isinstance(value, str):
        return value
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else "\ufffd", value)


def neutralise_sheet(ws: Any) -> None:
    """Keep every text cell of the filled openpyxl worksheet ``ws`` text: none becomes a formula.

    This program writes no formulas of its own, so any cell openpyxl took for one (a string starting with ``=``)
    is device or user text; cells starting with the other triggers get the quote prefix as well.
    """
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
