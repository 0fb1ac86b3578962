"""Configuration backups, their history and diffs, and the audit trail of every push (schema 3).

Backups hold secrets (SNMP communities, RADIUS keys, password hashes), so the text is stored encrypted with
Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``). The key is random, made on first use and kept in the
store's :class:`~monitor.storage.secrets.SecretStore` under the device name :data:`STORE_SECRETS_NAME` and the kind
``backup_key``: whoever has ``inventory.db`` alone cannot read the backups, and losing the keyring entry (or the
``.secrets.json`` file) makes them unreadable. Note that a user device named ``__store__`` would share that entry.

The sha256 of a backup is computed over its *normalised* text: line endings unified, trailing blanks dropped and
volatile lines (``! Last configuration change ...``, byte counts, ``ntp clock-period``) removed, so a backup that
differs from the previous one only in those lines is not stored again.

:class:`ConfigArchive` adapts these functions to the ``BackupStore`` protocol that :func:`devices.push.push` uses.
"""

from __future__ import annotations

import difflib
import getpass
import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken

from devices.config.drivers import DRIVERS, all_volatile, compile_volatile, no_driver_message, web_only_reason
from devices.errors import CampusNetError, InputError, SecretMissing
from devices.masking import redact
from devices.platforms import UNKNOWN, netmiko_type_for
from monitor.storage.secrets import SecretStore

T = TypeVar("T")

STORE_SECRETS_NAME = "__store__"
BACKUP_KEY_KIND = "backup_key"
SOURCES = ("push-before", "push-after", "manual", "schedule")
RESULTS = ("applied", "rolled-back", "unchanged", "not-tried", "attention")
_KEY_LOCK = threading.Lock()


@dataclass(frozen=True)
class BackupRef:
    """One stored backup (without its text): id, device, time, hash of the normalised text, size, source."""

    id: int
    device_id: int
    ts: float
    sha256: str
    size: int
    source: str


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry: who pushed what to which device, the masked diff, the result and any rollback."""

    id: int
    ts: float
    user: str
    device_id: int | None
    device_name: str
    template: str
    profile_hash: str
    diff_masked: str
    result: str
    rollback: str
    detail: str


def normalize(text: str, volatile: Iterable[str] | None = None) -> str:
    """The text with unified line endings, no trailing blanks and no volatile lines (default: every platform's)."""
    pattern = compile_volatile(tuple(volatile) if volatile is not None else all_volatile())
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if pattern is not None:
        lines = [line for line in lines if not pattern.match(line)]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines) + "\n" if lines else ""


def volatile_for(device_type: str | None) -> tuple[str, ...] | None:
    """The volatile-line regexes of a netmiko device type; None (meaning all platforms') when unknown."""
    driver = DRIVERS.get((device_type or "").removesuffix("_ssh"))
    return driver.volatile if driver is not None else None


def save_backup(
    conn: sqlite3.Connection,
    secrets: SecretStore,
    device_id: int,
    text: str,
    source: str,
    *,
    volatile: Iterable[str] | None = None,
) -> BackupRef:
    """Store ``text`` encrypted as a new backup of ``device_id``, unless it equals the latest one (normalised).

    Returns the new backup, or the latest one when nothing changed.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown backup source {source!r}")
    if volatile is None:
        volatile = volatile_for(_device_type(conn, device_id))
    digest = hashlib.sha256(normalize(text, volatile).encode("utf-8")).hexdigest()
    latest = _latest(conn, device_id)
    if latest is not None and latest.sha256 == digest:
        return latest
    token = cipher(secrets).encrypt(text.encode("utf-8"))
    ts = time.time()
    size = len(text.encode("utf-8"))
    with conn:
        cur = conn.execute(
            "INSERT INTO config_backups (device_id, ts, sha256, size, encrypted, source) VALUES (?, ?, ?, ?, ?, ?)",
            (device_id, ts, digest, size, token, source),
        )
    return BackupRef(int(cur.lastrowid or 0), device_id, ts, digest, size, source)


def history(conn: sqlite3.Connection, device_id: int) -> list[BackupRef]:
    """Every backup of a device, newest first."""
    rows = conn.execute(
        "SELECT id, device_id, ts, sha256, size, source FROM config_backups WHERE device_id = ? ORDER BY id DESC",
        (device_id,),
    )
    return [_ref(row) for row in rows]


def load_backup(conn: sqlite3.Connection, secrets: SecretStore, backup_id: int) -> str:
    """The decrypted text of one backup; InputError if there is no such backup."""
    row = conn.execute("SELECT encrypted FROM config_backups WHERE id = ?", (backup_id,)).fetchone()
    if row is None:
        raise InputError(f"no configuration backup number {backup_id}")
    try:
        return cipher(secrets, create=False).decrypt(bytes(row[0])).decode("utf-8")
    except InvalidToken as exc:
        raise CampusNetError(
            f"backup {backup_id} cannot be decrypted: the backup key in {secrets.backend_description} "
            "is not the one it was written with"
        ) from exc


def diff(
    conn: sqlite3.Connection,
    secrets: SecretStore,
    device_id: int,
    rev_a: int | None = None,
    rev_b: int | None = None,
    *,
    mask: Iterable[str] = (),
) -> str:
    """Unified diff of two backups of a device (default: the latest two), normalised, with secrets masked the way
    the push output masks them (:func:`devices.masking.redact`): the device's own stored secrets, ``mask``, and every
    value after a secret-bearing word (communities, keys, SNMPv3 user keys).

    ``rev_a`` and ``rev_b`` are backup ids; with only ``rev_a``, it is compared with the latest backup.
    """
    refs = history(conn, device_id)
    if rev_a is None and rev_b is None:
        if len(refs) < 2:
            raise InputError(f"device {device_id} has {len(refs)} backup(s): a diff needs two")
        rev_a, rev_b = refs[1].id, refs[0].id
    elif rev_b is None:
        rev_b = refs[0].id if refs else None
    ids = {ref.id for ref in refs}
    for rev in (rev_a, rev_b):
        if rev not in ids:
            raise InputError(f"backup {rev} is not a backup of device {device_id}")
    assert rev_a is not None and rev_b is not None
    volatile = volatile_for(_device_type(conn, device_id))
    a = normalize(load_backup(conn, secrets, rev_a), volatile).splitlines(keepends=True)
    b = normalize(load_backup(conn, secrets, rev_b), volatile).splitlines(keepends=True)
    text = "".join(difflib.unified_diff(a, b, fromfile=f"backup {rev_a}", tofile=f"backup {rev_b}"))
    return redact(text, [*mask, *device_secret_values(conn, secrets, device_id)])


def device_secret_values(conn: sqlite3.Connection, secrets: SecretStore, device_id: int) -> list[str]:
    """The secrets stored for a device (community, SNMPv3 keys, SSH password), to mask wherever its text is shown."""
    row = conn.execute("SELECT name FROM devices WHERE id = ?", (device_id,)).fetchone()
    if row is None:
        return []
    values = []
    for kind in ("community", "v3_auth_key", "v3_priv_key", "ssh_password"):
        try:
            value = secrets.get(row["name"], kind)
        except CampusNetError:  # an unreadable secret store: the word-based masking still applies
            value = None
        if value:
            values.append(value)
    return values


def record_audit(
    conn: sqlite3.Connection,
    *,
    device_id: int | None,
    device_name: str,
    result: str,
    template: str = "",
    profile_hash: str = "",
    diff_masked: str = "",
    rollback: str = "",
    detail: str = "",
    user: str | None = None,
) -> int:
    """Append an audit record (the caller masks secrets first); returns its id."""
    if result not in RESULTS:
        raise ValueError(f"unknown audit result {result!r}")
    with conn:
        cur = conn.execute(
            "INSERT INTO config_audit (ts, user, device_id, device_name, template, profile_hash, diff_masked,"
            " result, rollback, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                user or _os_user(),
                device_id,
                device_name,
                template,
                profile_hash,
                diff_masked,
                result,
                rollback,
                detail,
            ),
        )
    return int(cur.lastrowid or 0)


def audit_log(conn: sqlite3.Connection, device_id: int | None = None) -> list[AuditRecord]:
    """Audit records, newest first; only those of ``device_id`` when given."""
    sql = "SELECT * FROM config_audit"
    args: tuple[Any, ...] = ()
    if device_id is not None:
        sql += " WHERE device_id = ?"
        args = (device_id,)
    rows = conn.execute(sql + " ORDER BY id DESC", args)
    return [AuditRecord(**{key: row[key] for key in row.keys()}) for row in rows]  # noqa: SIM118


class ConfigArchive:
    """Backups and audit of one store, as the ``BackupStore`` the push workflow (:mod:`devices.push`) calls.

    ``run`` executes a job on the store's write connection (e.g. ``StoreWriter.run``); by default jobs run
    directly on ``conn``.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        secrets: SecretStore,
        run: Callable[[Callable[[sqlite3.Connection], Any]], Any] | None = None,
    ) -> None:
        self.conn = conn
        self.secrets = secrets
        self._run = run or (lambda job: job(conn))

    def save_backup(self, device_id: int, text: str, source: str) -> int:
        """Store a backup (skipped when unchanged); returns the backup id."""
        ref = self._run(lambda c: save_backup(c, self.secrets, device_id, text, source))
        return int(ref.id)

    def last_backup(self, device_id: int) -> str | None:
        """The text of the latest backup of a device, or None."""
        latest = _latest(self.conn, device_id)
        return load_backup(self.conn, self.secrets, latest.id) if latest else None

    def record_audit(self, **fields: Any) -> None:
        """Append an audit record (fields as :func:`record_audit`)."""
        self._run(lambda c: record_audit(c, **fields))


def push_target_fields(device: sqlite3.Row, secrets: SecretStore) -> dict[str, Any]:
    """The SSH fields of a device row, password included, for ``devices.push.PushTarget(**fields)``."""
    name = device["name"]
    password = secrets.get(name, "ssh_password")
    if not password:
        raise SecretMissing(f"the SSH password of {name} is not in {secrets.backend_description}")
    device_type = device_platform(device)
    if not device["ssh_user"]:
        raise InputError(
            f"{name} has no SSH user: set it with Edit device… in the app, or add the device with --ssh-user"
        )
    return {
        "device_id": int(device["id"]),
        "name": name,
        "host": device["ssh_host"] or device["host"],
        "port": int(device["ssh_port"] or 22),
        "username": device["ssh_user"],
        "password": password,
        "device_type": device_type,
    }


def cipher(secrets: SecretStore, *, create: bool = True) -> Fernet:
    """The store's Fernet key for secret-bearing texts (backups, a push's intended lines), made on first use."""
    with _KEY_LOCK:
        key = secrets.get(STORE_SECRETS_NAME, BACKUP_KEY_KIND)
        if not key:
            if not create:
                raise SecretMissing(
                    f"the configuration backup key is not in {secrets.backend_description}: backups cannot be read"
                )
            key = Fernet.generate_key().decode("ascii")
            secrets.set(STORE_SECRETS_NAME, BACKUP_KEY_KIND, key)
    return Fernet(key.encode("ascii"))


def _latest(conn: sqlite3.Connection, device_id: int) -> BackupRef | None:
    row = conn.execute(
        "SELECT id, device_id, ts, sha256, size, source FROM config_backups WHERE device_id = ? "
        "ORDER BY id DESC LIMIT 1",
        (device_id,),
    ).fetchone()
    return _ref(row) if row else None


def _ref(row: sqlite3.Row) -> BackupRef:
    return BackupRef(int(row[0]), int(row[1]), float(row[2]), str(row[3]), int(row[4]), str(row[5]))


def _device_type(conn: sqlite3.Connection, device_id: int) -> str | None:
    row = conn.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
    try:
        return device_platform(row) if row is not None else None
    except InputError:
        return None


def device_platform(device: sqlite3.Row) -> str:
    """The platform to render templates for and push with (the user's choice, else what polling detected): a key
    of the push drivers (``devices.config.drivers.DRIVERS``), which names the template folder too.

    A platform with a driver of its own stays itself even where it shares a netmiko device type with another:
    ``aruba_instant`` gets the Instant templates and ``commit apply``, while its SSH session is netmiko's
    ``aruba_os`` (the driver's ``netmiko_type``). Any other platform is its netmiko device type.

    InputError, one line for the user: "not known yet" only for a device never identified; "no configuration
    driver for planet (supported: ...)" for an identified platform without a driver; the reason for a model its
    driver cannot configure (a web-managed Zyxel GS1900).
    """
    name = device["name"]
    keys = device.keys()  # 'in' on a sqlite3.Row looks at the values
    chosen = device["platform"] if device["platform"] and device["platform"] != "auto" else None
    detected = device["detected_platform"] if "detected_platform" in keys else None
    detected = detected if detected and detected != UNKNOWN else None
    if (chosen or detected) in DRIVERS:
        platform = str(chosen or detected)
    elif chosen:
        platform = netmiko_type_for(chosen) or str(chosen)
    elif device["netmiko_type"]:
        platform = str(device["netmiko_type"])
    elif detected:
        raise InputError(f"{name}: {no_driver_message(detected)}")
    else:
        raise InputError(f"the platform of {name} is not known yet: poll it once or set its platform")
    if platform.lower().removesuffix("_ssh") not in DRIVERS:
        raise InputError(f"{name}: {no_driver_message(chosen or detected or platform)}")
    why = web_only_reason(platform, device["model"] if "model" in keys else None)
    if why:
        raise InputError(f"{name}: {why}")
    return platform


def known_hosts_path(db: Path) -> Path:
    """The pinned SSH host keys of a store (OpenSSH known_hosts format), beside it."""
    return db.with_name(db.name + ".known_hosts")


def session_log_dir(db: Path) -> Path:
    """The folder of a store's SSH session logs (secrets masked), beside it, readable only by its owner."""
    folder = db.with_name(db.name + ".logs")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
