"""Add many devices at once from a CSV file (the GUI's "Import CSV…").

The file:

- UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"); failing that, Big5 (cp950), which Excel on a
  Traditional Chinese Windows writes for plain "CSV", or GBK, which it writes on a Simplified Chinese one. The two
  share most of their bytes, so charset_normalizer tells which one the text is in; a file it cannot place is
  refused with the accepted encodings named, never imported as garbled names.
- A header row, then one device per row (at most :data:`MAX_ROWS`). Columns, in any order, names case-insensitive:
  ``name,host,snmp_version,community,snmp_port,role,location,platform,v3_user,v3_auth,v3_auth_key,v3_priv,
  v3_priv_key,ssh_host,ssh_port,ssh_user``. Only ``name`` and ``host`` are required. The Chinese headers
  名稱 (name), 主機 (host), 位置 (location) and 角色 (role) are accepted too. An unknown column refuses the file.
- Empty cells mean the default of ``device add`` (SNMP v2c on port 161, role switch, platform auto).

Every row goes through the same validation as ``device add``; a bad row is reported with its line number and the
reason, the good rows are added. A row is added completely (device and secrets) or not at all.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from devices.errors import CampusNetError, InputError
from monitor.storage.inventory import DeviceSpec, add_device
from monitor.storage.secrets import SecretStore
from monitor.storage.store import StoreError

COLUMNS = (
    "name", "host", "snmp_version", "community", "snmp_port", "role", "location", "platform", "v3_user", "v3_auth",
    "v3_auth_key", "v3_priv", "v3_priv_key", "ssh_host", "ssh_port", "ssh_user",
)  # fmt: skip
REQUIRED = ("name", "host")
HEADER_ALIASES = {"名稱": "name", "主機": "host", "位置": "location", "角色": "role"}
SECRET_COLUMNS = ("community", "v3_auth_key", "v3_priv_key")
UTF8 = "utf-8-sig"
CHINESE = ("cp950", "gbk")  # Big5 (Excel's "CSV" on Traditional Chinese Windows) and GBK (on Simplified Chinese)
ENCODINGS = (UTF8, *CHINESE)
ACCEPTED = "Big5 (Traditional Chinese) or GBK (Simplified Chinese)"
TIE = "tie"
SAVE_AS = "save it from Excel as 'CSV UTF-8'"
MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
# The hints in ``device add`` messages ("(--community-env VAR)") do not apply to a file.
_CLI_HINT = re.compile(r"\s*\(--[^)]*\)")


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not added: its line in the file (1 is the header), the name it gave and why."""

    line: int
    name: str
    reason: str


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        added: names of the devices added (or that would be added, on a dry run), in file order.
        rejected: the rows refused, with reasons.
        rows: data rows read from the file (blank lines not counted).
        encoding: the encoding the file was read with.
        cancelled: the import stopped early because it was cancelled; rows after that were not looked at.
    """

    added: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    rows: int = 0
    encoding: str = ""
    cancelled: bool = False


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]
    error: str | None = None


def import_devices(
    conn: sqlite3.Connection,
    secrets: SecretStore,
    path: Path,
    *,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Add every good row of the CSV file at ``path``; report the bad ones.

    ``on_progress(done, total)`` is called after each row; ``cancelled()`` is checked before each row, and a true
    answer stops the import there (rows already added stay). With ``dry_run`` every row is checked, nothing written.
    Raises :class:`InputError` when the file as a whole is unusable (unreadable, wrong encoding, no header, unknown
    columns, too many rows), and :class:`StoreError` when the store cannot be written.
    """
    text, encoding = read_text(Path(path))
    rows = list(_rows(text))
    if len(rows) > MAX_ROWS:
        raise InputError(f"{path} has {len(rows)} rows; at most {MAX_ROWS} can be imported at once")
    report = ImportReport(rows=len(rows), encoding=encoding)
    existing = {str(r[0]) for r in conn.execute("SELECT name FROM devices")}
    first_line: dict[str, int] = {}
    for done, row in enumerate(rows):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        name = row.values.get("name", "").strip()
        try:
            spec = _checked_spec(row, existing, first_line)
            if not dry_run:
                _add(conn, secrets, spec)
        except StoreError as exc:
            raise StoreError(f"{exc} (stopped at line {row.line}; {len(report.added)} devices added before)") from exc
        except CampusNetError as exc:
            report.rejected.append(RejectedRow(row.line, name, _CLI_HINT.sub("", str(exc))))
        else:
            first_line[spec.name] = row.line
            report.added.append(spec.name)
        if on_progress is not None:
            on_progress(done + 1, len(rows))
    return report


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (with or without BOM), else Big5 (cp950) or GBK,
    told apart by :mod:`charset_normalizer`; :class:`InputError` naming the accepted encodings otherwise."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB; is it really a device list?")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        not_utf8 = f"byte 0x{data[exc.start]:02x} on line {line} is not UTF-8"
    encoding = _chinese_encoding(data)
    if encoding in (None, TIE):
        why = "Big5 and GBK fit it equally well" if encoding == TIE else "nor is it Big5 or GBK"
        raise InputError(f"cannot read {path}: {not_utf8}, {why} (accepted: UTF-8, {ACCEPTED}); {SAVE_AS}")
    return data.decode(encoding), encoding


def _chinese_encoding(data: bytes) -> str | None:
    """Big5 (``cp950``) or GBK (``gbk``) for bytes that are not UTF-8; :data:`TIE` when both fit alike, None when
    neither does.

    Both are double-byte encodings over much the same bytes: a GBK file often decodes as Big5 without an error
    (into garbled characters), so decoding alone cannot tell; charset_normalizer measures how plausible each
    decoding is.
    """
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data, cp_isolation=list(CHINESE)) if m.encoding in CHINESE]
    if not matches:
        return None
    best = min(matches, key=lambda m: (m.chaos, -m.coherence))
    if any(m.encoding != best.encoding and (m.chaos, m.coherence) == (best.chaos, best.coherence) for m in matches):
        return TIE  # guessing would import garbled names
    try:
        data.decode(best.encoding)
    except UnicodeDecodeError:
        return None
    return str(best.encoding)


def header_columns(header: list[str]) -> list[str]:
    """Map header cells to column names (case-insensitive, Chinese aliases); InputError naming unknown ones."""
    columns = [HEADER_ALIASES.get(cell.strip(), cell.strip().lower()) for cell in header]
    unknown = [cell.strip() for cell, column in zip(header, columns, strict=True) if column not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(map(repr, unknown))}; known columns: {', '.join(COLUMNS)}")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise InputError(f"column(s) {', '.join(repeated)} appear more than once in the header")
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise InputError(f"the header has no {' and no '.join(missing)} column (the first row must name the columns)")
    return columns


def _rows(text: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise InputError("the file is empty: it needs a header row (name,host,...) and one row per device")
        columns = header_columns(header)
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield _row(line, columns, cells)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: not valid CSV ({exc})") from exc


def _row(line: int, columns: list[str], cells: list[str]) -> _Row:
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
        return _Row(line, {}, f"{len(cells)} fields, but the header names {len(columns)} columns")
    # Fewer cells than columns: the missing ones are empty (some tools drop trailing empty cells).
    return _Row(line, dict(zip(columns, cells, strict=False)))


def _checked_spec(row: _Row, existing: set[str], first_line: dict[str, int]) -> DeviceSpec:
    if row.error:
        raise InputError(row.error)
    for column, value in row.values.items():
        if any(unicodedata.category(ch).startswith("C") for ch in value):
            raise InputError(f"{column} contains a newline or control character")
    spec = _spec(row.values)
    spec.validate()
    if spec.name in first_line:
        raise InputError(f"device {spec.name!r} appears twice in the file (first on line {first_line[spec.name]})")
    if spec.name in existing:
        raise InputError(f"a device named {spec.name!r} already exists")
    return spec


def _spec(values: dict[str, str]) -> DeviceSpec:
    def text(column: str) -> str:
        return values.get(column, "").strip()

    snmp_port = _number(text("snmp_port"), "snmp_port")
    return DeviceSpec(
        name=text("name"),
        host=text("host"),
        snmp_port=161 if snmp_port is None else snmp_port,
        snmp_version=text("snmp_version").lower().removeprefix("v") or "2c",
        v3_user=text("v3_user") or None,
        v3_auth=text("v3_auth").lower() or None,
        v3_priv=text("v3_priv").lower() or None,
        platform=text("platform") or "auto",
        ssh_host=text("ssh_host") or None,
        ssh_port=_number(text("ssh_port"), "ssh_port"),
        ssh_user=text("ssh_user") or None,
        role=text("role").lower() or "switch",
        location=text("location"),
        # Secrets are taken as they are (a leading or trailing space may be part of a community).
        secrets={kind: values[kind] for kind in SECRET_COLUMNS if values.get(kind)},
    )


def _number(value: str, column: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{column} {value!r} is not a whole number") from None


def _add(conn: sqlite3.Connection, secrets: SecretStore, spec: DeviceSpec) -> None:
    """add_device, making sure a failed row leaves no secrets behind."""
    try:
        add_device(conn, secrets, spec)
    except CampusNetError:
        # Only if the device is not there: another program may have added one of that name meanwhile.
        if not conn.execute("SELECT 1 FROM devices WHERE name = ?", (spec.name,)).fetchone():
            secrets.delete_device(spec.name)
        raise
    except sqlite3.Error as exc:
        raise StoreError(f"cannot add {spec.name!r} to the store: {exc}") from exc
