"""The inventory: devices, their SNMP/SSH settings and where their secrets are.

Everything is validated before anything is written, so bad input changes nothing. Secrets go through
:mod:`monitor.storage.secrets`; the ``devices`` table only says which secrets exist (never their values).
"""

from __future__ import annotations

import ipaddress
import re
import sqlite3
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from devices.errors import InputError, SecretMissing
from devices.i18n import N_, Msg
from devices.snmp import SnmpCredentials, SnmpTarget
from monitor.storage.secrets import SECRET_KINDS, SecretStore, check_secret

ROLES = ("switch", "ap", "controller", "router", "firewall")
SNMP_VERSIONS = ("1", "2c", "3")
V3_AUTH = ("sha", "sha256", "md5")
V3_PRIV = ("aes", "aes256", "des")

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _not_a_host(field_name: str, host: str) -> Msg:
    return Msg(N_("{field} {host!r} is not an IP address or a host name"), {"field": _field(field_name), "host": host})


def _field(name: str) -> Msg:
    """A field's name as a message (the fields this module names are marked below)."""
    return Msg(name)


def _not_one_of(what: str, value: object, choices: tuple[str, ...]) -> Msg:
    return Msg(
        N_("{what} {value!r} is not one of {choices}"),
        {"what": Msg(what), "value": str(value), "choices": ", ".join(choices)},
    )


def _out_of_range(what: str, value: float, low: float, high: float) -> Msg:
    return Msg(
        N_("{field} {value} is out of range ({low}-{high})"),
        {"field": Msg(what), "value": value, "low": low, "high": high},
    )


# Field names given to validate_host, validate_port and _no_control (marked for translation).
FIELD_NAMES = (
    N_("host"),
    N_("SNMP port"),
    N_("SSH host"),
    N_("SSH port"),
    N_("SSH user"),
    N_("location"),
    N_("SNMPv3 user"),
)


def validate_host(host: str, field_name: str = "host") -> str:
    """An IPv4/IPv6 address or a DNS name; anything else raises InputError naming the field."""
    host = host.strip()
    if not host:
        raise InputError(Msg(N_("{field} is empty"), {"field": _field(field_name)}))
    if host.startswith("[") or host.endswith("]"):  # an IPv6 address as URLs write it: both brackets or none
        inner = host[1:-1] if host.startswith("[") and host.endswith("]") else None
        try:
            return str(ipaddress.IPv6Address(inner or ""))
        except ValueError:
            raise InputError(_not_a_host(field_name, host)) from None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise InputError(_not_a_host(field_name, host))
    return host


def validate_port(port: int, field_name: str) -> int:
    """A TCP/UDP port number 1-65535."""
    if not 1 <= port <= 65535:
        raise InputError(
            Msg(
                N_("{field} {value} is out of range ({low}-{high})"),
                {"field": _field(field_name), "value": port, "low": 1, "high": 65535},
            )
        )
    return port


def validate_name(name: str) -> str:
    """A device name: 1-64 characters, no control characters, no '/'."""
    name = name.strip()
    if not name or len(name) > 64:
        raise InputError(Msg(N_("device name must be 1 to 64 characters")))
    if "/" in name or any(_is_control(ch) for ch in name):
        raise InputError(Msg(N_("device name {name!r} contains '/' or a control character"), {"name": name}))
    if name.startswith("__"):
        raise InputError(
            Msg(
                N_("device name {name!r} may not start with '__' (reserved for CampusNet's own entries)"),
                {"name": name},
            )
        )
    return name


def _is_control(ch: str) -> bool:
    """Control, format and unassigned characters, and the Unicode line and paragraph separators."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _no_control(value: str, field_name: str) -> str:
    if any(_is_control(ch) for ch in value):
        raise InputError(
            Msg(N_("{field} contains a control character (newline, tab, ...)"), {"field": _field(field_name)})
        )
    return value


@dataclass
class DeviceSpec:
    """What the user gives to add a device. Secrets are passed separately to :func:`add_device`."""

    name: str
    host: str
    snmp_port: int = 161
    snmp_version: str = "2c"
    v3_user: str | None = None
    v3_auth: str | None = None
    v3_priv: str | None = None
    platform: str = "auto"
    ssh_host: str | None = None
    ssh_port: int | None = None
    ssh_user: str | None = None
    role: str = "switch"
    location: str = ""
    timeout_s: float = 2.0
    retries: int = 1
    max_repetitions: int = 25
    secrets: dict[str, str] = field(default_factory=dict, repr=False)

    def validate(self) -> None:
        """Check every field; raise InputError with a one-line reason on the first bad one."""
        self.name = validate_name(self.name)
        self.host = validate_host(self.host)
        validate_port(self.snmp_port, "SNMP port")
        if self.snmp_version not in SNMP_VERSIONS:
            raise InputError(_not_one_of(N_("SNMP version"), self.snmp_version, SNMP_VERSIONS))
        if self.role not in ROLES:
            raise InputError(_not_one_of(N_("role"), self.role, ROLES))
        _no_control(self.location, "location")
        self._validate_snmp_secrets()
        self._validate_ssh()
        if not 0.1 <= self.timeout_s <= 60:
            raise InputError(_out_of_range(N_("timeout (s)"), self.timeout_s, 0.1, 60))
        if not 0 <= self.retries <= 10:
            raise InputError(_out_of_range(N_("retries"), self.retries, 0, 10))
        if not 1 <= self.max_repetitions <= 200:
            raise InputError(_out_of_range(N_("max-repetitions"), self.max_repetitions, 1, 200))
        from devices.platforms import validate_platform

        self.platform = validate_platform(self.platform)

    def _validate_snmp_secrets(self) -> None:
        if self.snmp_version in ("1", "2c"):
            if not self.secrets.get("community"):
                raise InputError(Msg(N_("SNMP v1/v2c needs a community (--community-env VAR)")))
            return
        if not self.v3_user:
            raise InputError(Msg(N_("SNMPv3 needs a user (--v3-user)")))
        _no_control(self.v3_user, "SNMPv3 user")
        if self.v3_priv and not self.v3_auth:
            raise InputError(Msg(N_("unsupported security level: SNMPv3 privacy needs authentication too")))
        if self.v3_auth:
            if self.v3_auth not in V3_AUTH:
                raise InputError(_not_one_of(N_("SNMPv3 auth"), self.v3_auth, V3_AUTH))
            if len(self.secrets.get("v3_auth_key", "")) < 8:
                raise InputError(Msg(N_("SNMPv3 auth key must be at least 8 characters (--v3-auth-key-env VAR)")))
        if self.v3_priv:
            if self.v3_priv not in V3_PRIV:
                raise InputError(_not_one_of(N_("SNMPv3 privacy"), self.v3_priv, V3_PRIV))
            if len(self.secrets.get("v3_priv_key", "")) < 8:
                raise InputError(Msg(N_("SNMPv3 privacy key must be at least 8 characters (--v3-priv-key-env VAR)")))

    def _validate_ssh(self) -> None:
        if self.ssh_host:
            self.ssh_host = validate_host(self.ssh_host, "SSH host")
        if self.ssh_port is not None:
            validate_port(self.ssh_port, "SSH port")
        if self.ssh_user:
            _no_control(self.ssh_user, "SSH user")
        for kind, value in self.secrets.items():
            check_secret(value, f"the {kind.replace('_', ' ')}")


def store_id(conn: sqlite3.Connection) -> str:
    """This store's random id (created on first use); it namespaces the store's keyring entries."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()
    if row:
        return str(row[0])
    new_id = uuid.uuid4().hex
    conn.execute("INSERT OR IGNORE INTO settings(key, value) VALUES ('store_id', ?)", (new_id,))
    conn.commit()
    return str(conn.execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()[0])


def add_device(conn: sqlite3.Connection, secrets: SecretStore, spec: DeviceSpec) -> int:
    """Validate and add a device; returns its id. Nothing is written if anything is wrong."""
    spec.validate()
    if conn.execute("SELECT 1 FROM devices WHERE name = ?", (spec.name,)).fetchone():
        raise InputError(Msg(N_("a device named {name!r} already exists"), {"name": spec.name}))
    columns = {
        "name": spec.name,
        "host": spec.host,
        "snmp_port": spec.snmp_port,
        "snmp_version": spec.snmp_version,
        "v3_user": spec.v3_user if spec.snmp_version == "3" else None,
        "v3_auth": spec.v3_auth if spec.snmp_version == "3" else None,
        "v3_priv": spec.v3_priv if spec.snmp_version == "3" else None,
        "timeout_s": spec.timeout_s,
        "retries": spec.retries,
        "max_repetitions": spec.max_repetitions,
        "ssh_host": spec.ssh_host,
        "ssh_port": spec.ssh_port,
        "ssh_user": spec.ssh_user,
        "role": spec.role,
        "location": spec.location,
        "platform": spec.platform,
        "created": time.time(),
    }
    for kind, value in spec.secrets.items():
        secrets.set(spec.name, kind, value)
    try:
        with conn:
            cur = conn.execute(
                f"INSERT INTO devices ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                tuple(columns.values()),
            )
    except sqlite3.Error:
        secrets.delete_device(spec.name)
        raise
    return int(cur.lastrowid or 0)


def remove_device(conn: sqlite3.Connection, secrets: SecretStore, name: str) -> None:
    """Remove a device, its ports, history and secrets."""
    get_device(conn, name)
    with conn:
        ports = "SELECT id FROM ports WHERE device_id = (SELECT id FROM devices WHERE name = ?)"
        for table in ("samples", "rollup_5m", "rollup_30m", "rollup_2h", "rollup_1d"):
            conn.execute(f"DELETE FROM {table} WHERE port_id IN ({ports})", (name,))
        conn.execute("DELETE FROM devices WHERE name = ?", (name,))
    secrets.delete_device(name)


def get_device(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    """The device row named ``name``; InputError if there is none."""
    row = conn.execute("SELECT * FROM devices WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise InputError(Msg(N_("no device named {name!r} (see 'device list')"), {"name": name}))
    return row


def list_devices(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """All devices, by name."""
    return list(conn.execute("SELECT * FROM devices ORDER BY name"))


def snmp_target(device: sqlite3.Row | dict[str, Any], secrets: SecretStore) -> SnmpTarget:
    """Everything needed to poll ``device``, secrets included (read from the secret store now)."""
    name = device["name"]

    def need(kind: str, what: str) -> str:
        value = secrets.get(name, kind)
        if not value:
            raise SecretMissing(f"the {what} of {name} is not in {secrets.backend_description}")
        return value

    version = device["snmp_version"]
    if version == "3":
        creds = SnmpCredentials(
            version="3",
            v3_user=device["v3_user"],
            v3_auth=device["v3_auth"],
            v3_auth_key=need("v3_auth_key", "SNMPv3 auth key") if device["v3_auth"] else None,
            v3_priv=device["v3_priv"],
            v3_priv_key=need("v3_priv_key", "SNMPv3 privacy key") if device["v3_priv"] else None,
        )
    else:
        creds = SnmpCredentials(version=version, community=need("community", "SNMP community"))
    return SnmpTarget(
        host=device["host"],
        port=device["snmp_port"],
        credentials=creds,
        timeout=device["timeout_s"],
        retries=device["retries"],
        max_repetitions=device["max_repetitions"],
    )


def update_device(conn: sqlite3.Connection, secrets: SecretStore, name: str, spec: DeviceSpec) -> None:
    """Validate and save new settings for the device ``name`` (``spec.name`` may rename it).

    A secret absent (or empty) in ``spec.secrets`` keeps its current value; renaming moves the secrets along.
    Nothing is written if anything is wrong.
    """
    get_device(conn, name)
    old = {kind: value for kind in SECRET_KINDS if (value := secrets.get(name, kind))}
    spec.secrets = {**old, **{kind: value for kind, value in spec.secrets.items() if value}}
    spec.validate()
    if spec.name != name and conn.execute("SELECT 1 FROM devices WHERE name = ?", (spec.name,)).fetchone():
        raise InputError(Msg(N_("a device named {name!r} already exists"), {"name": spec.name}))
    for kind, value in spec.secrets.items():
        secrets.set(spec.name, kind, value)
    values = [None if c.startswith("v3_") and spec.snmp_version != "3" else getattr(spec, c) for c in _EDITABLE]
    try:
        with conn:
            assignments = ", ".join(f"{column} = ?" for column in _EDITABLE)
            conn.execute(f"UPDATE devices SET {assignments} WHERE name = ?", (*values, name))
    except sqlite3.Error:
        secrets.delete_device(spec.name)
        for kind, value in old.items():
            secrets.set(name, kind, value)
        raise
    if spec.name != name:
        secrets.delete_device(name)


def set_port_uplink(conn: sqlite3.Connection, port_id: int, uplink: bool) -> None:
    """Mark a port as an uplink (graphed on the dashboard, counted in reports, its going down alerts) or not."""
    with conn:
        if conn.execute("UPDATE ports SET is_uplink = ? WHERE id = ?", (int(uplink), port_id)).rowcount == 0:
            raise InputError(f"port {port_id} does not exist")


def spec_of(device: sqlite3.Row) -> DeviceSpec:
    """The user's settings of a stored device as a :class:`DeviceSpec` (without secrets), to edit and save back."""
    return DeviceSpec(**{column: device[column] for column in _EDITABLE})


# The devices columns a user may change (the rest is what polling learns).
_EDITABLE = (
    "name", "host", "snmp_port", "snmp_version", "v3_user", "v3_auth", "v3_priv", "timeout_s", "retries",
    "max_repetitions", "ssh_host", "ssh_port", "ssh_user", "role", "location", "platform",
)  # fmt: skip
