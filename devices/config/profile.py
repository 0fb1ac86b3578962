"""The county profile: roaming SSIDs, RADIUS servers and the security baseline, read from a TOML file.

The county education network center gives each school its roaming parameters (SSID names, 802.1X or portal, VLANs,
RADIUS servers) and the baseline it asks for. The user keeps them in one TOML file (the GUI writes the same file with
tomli-w); ``devices/profiles/example.toml`` documents every key.

Secrets never live in the file. A RADIUS server names its shared secret with ``secret_ref``, SNMPv3 names its keys
with ``auth_key_ref``/``priv_key_ref``; the caller resolves a name to the value with a ``resolve_secret(name) -> str``
callback (the keyring/secret store, or an environment variable for ``env:VAR`` references made by ``--set
radius_secret_env=VAR``). A ``secret = ...`` (or ``key``/``auth_key``/``priv_key``) entry in the file is refused.

Ports are chosen by role, not by fixed ranges: ``[baseline.ports]`` says whether every port that qualifies as an
edge port takes the edge hardening (``edge = "auto"``) or none does (``"none"``), and ``[[baseline.ports.device]]``
tables (one per device name) give candidate ``edge``, ``ap`` and ``uplink`` port lists in the device's own syntax.
Candidates are still checked against the running configuration, the neighbours and the marks
(:mod:`devices.config.roles`). The older per-platform ``access_ports``/``ap_ports``/``uplink_ports`` keys still load
and become candidates; :func:`port_request` gives the request for one device.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from devices.config.checks import (
    MAX_RADIUS,
    NAME_FORBIDDEN,
    check_address,
    check_banner_line,
    check_choice,
    check_int,
    check_minutes,
    check_name,
    check_network,
    check_port,
    check_ports,
    check_ref,
    check_ssid,
    check_text,
    check_url,
    check_vlan,
)
from devices.config.roles import EDGE_MODES, RoleRequest
from devices.errors import InputError

AUTH_MODES = ("dot1x", "portal")
FT_MODES = ("off", "adaptive", "on")
SNMP_AUTH_PROTOCOLS = ("sha", "sha256")
SNMP_PRIV_PROTOCOLS = ("aes", "aes256")
FIRST_WLAN_ID = 17
# Keys that would put a secret value into the file; each is refused with a pointer to the secret store.
SECRET_KEYS = frozenset({"secret", "key", "password", "auth_key", "priv_key", "shared_secret"})
SECRET_HINT = (
    "secrets are not kept in the profile file: save it with `campusnet secret set NAME` (or in the GUI) "
    'and write its name here as {ref} = "NAME"'
)


@dataclass(frozen=True)
class Ssid:
    """One roaming SSID: name, 802.1X or portal, client VLAN, 802.11r/k/v and the controller WLAN id."""

    name: str
    auth: str
    vlan: int
    ft: str = "adaptive"
    dot11k: bool = True
    dot11v: bool = True
    portal_url: str | None = None
    wlan_id: int = FIRST_WLAN_ID


@dataclass(frozen=True)
class RadiusServer:
    """A county RADIUS server; ``secret_ref`` is the NAME of the shared secret in the secret store."""

    host: str
    secret_ref: str
    auth_port: int = 1812
    acct_port: int = 1813


@dataclass(frozen=True)
class Snmpv3:
    """The SNMPv3 user the baseline creates; keys are referenced by name, never stored here."""

    user: str
    auth_key_ref: str
    priv_key_ref: str
    auth_protocol: str = "sha"
    priv_protocol: str = "aes"


@dataclass(frozen=True)
class PortOverride:
    """Port choices for one device (by its name in the inventory); port strings in the device's own syntax.

    ``edge_mode`` "auto"/"none" overrides ``[baseline.ports] edge`` (None: keep it); ``edge`` lists candidate edge
    ports (only these may take the edge hardening); ``ap`` and ``uplink`` list AP and uplink ports.
    """

    device: str
    edge_mode: str | None = None
    edge: tuple[str, ...] = ()
    ap: tuple[str, ...] = ()
    uplink: tuple[str, ...] = ()


@dataclass(frozen=True)
class PortPolicy:
    """``[baseline.ports]``: edge hardening on every qualifying port ("auto") or on none, and per-device lists."""

    edge: str = "auto"
    devices: tuple[PortOverride, ...] = ()


@dataclass(frozen=True)
class Baseline:
    """The security baseline.

    ``ports`` chooses ports by role. ``access_ports``/``ap_ports``/``uplink_ports`` are the older form (port strings
    in the platform's own syntax, keyed by platform, "*" = any): they become candidates (see :func:`port_request`).
    ``banner`` is a list of lines: the one place where the user's text spans several lines, each line validated.
    """

    ntp: tuple[str, ...] = ()
    syslog: tuple[str, ...] = ()
    snmpv3: Snmpv3 | None = None
    management_acl: tuple[str, ...] = ()
    banner: tuple[str, ...] = ()
    exec_timeout_minutes: int = 10
    dhcp_snooping_vlans: tuple[int, ...] = ()
    access_ports: dict[str, str] = field(default_factory=dict)
    uplink_ports: dict[str, str] = field(default_factory=dict)
    ap_ports: dict[str, str] = field(default_factory=dict)
    ap_vlan: int | None = None
    ports: PortPolicy = field(default_factory=PortPolicy)


@dataclass(frozen=True)
class Profile:
    """A whole county profile: what the county center asks every school to configure."""

    county: str
    ssids: tuple[Ssid, ...] = ()
    radius: tuple[RadiusServer, ...] = ()
    baseline: Baseline = field(default_factory=Baseline)


def load_profile(path: str | Path) -> Profile:
    """Read and validate a county profile TOML file; InputError names the file and the bad field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the profile {path}: {exc}") from exc
    try:
        return parse_profile(text)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc


def parse_profile(text: str) -> Profile:
    """Parse and validate profile TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}") from exc
    profile = profile_from_dict(data)
    validate_profile(profile)
    return profile


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """Build a Profile from parsed TOML (types checked here; values are checked by params.validate_profile)."""
    _check_keys(data, "", {"county", "ssid", "radius", "baseline"})
    county = _table(data, "county", "county")
    _check_keys(county, "county", {"name"})
    return Profile(
        county=_str(county, "name", "county"),
        ssids=tuple(_ssid(item, f"ssid[{i}]", i) for i, item in enumerate(_array(data, "ssid", "ssid"))),
        radius=tuple(_radius(item, f"radius[{i}]") for i, item in enumerate(_array(data, "radius", "radius"))),
        baseline=_baseline(_table(data, "baseline", "baseline", required=False)),
    )


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The profile as plain TOML-able data (the GUI writes it with tomli-w); None values are left out."""
    base = dataclasses.asdict(profile.baseline)
    baseline = {k: _plain(v) for k, v in base.items() if v is not None and k not in ("snmpv3", "ports")}
    if profile.baseline.snmpv3 is not None:
        baseline["snmpv3"] = dataclasses.asdict(profile.baseline.snmpv3)
    for key in ("access_ports", "uplink_ports", "ap_ports"):
        ports = baseline[key]
        if not ports:
            del baseline[key]
        else:
            baseline[key] = ports["*"] if list(ports) == ["*"] else ports
    baseline["ports"] = _ports_to_dict(profile.baseline.ports)
    return {
        "county": {"name": profile.county},
        "ssid": [{k: v for k, v in dataclasses.asdict(s).items() if v is not None} for s in profile.ssids],
        "radius": [dataclasses.asdict(r) for r in profile.radius],
        "baseline": baseline,
    }


def profile_hash(profile_or_path: Profile | str | Path) -> str:
    """sha256 (hex) of the profile's canonical content: comments and key order in the file do not change it."""
    profile = profile_or_path if isinstance(profile_or_path, Profile) else load_profile(profile_or_path)
    canonical = json.dumps(dataclasses.asdict(profile), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def port_request(profile: Profile, platform: str, device: str | None = None) -> RoleRequest:
    """What the profile asks for one device's ports: its ``[[baseline.ports.device]]`` table when there is one,
    else ``[baseline.ports]`` with the older per-platform port lists (if any) as candidates."""
    from devices.config.folders import platform_folder

    base = profile.baseline
    folder = platform_folder(platform)
    override = next((o for o in base.ports.devices if device is not None and o.device == device), None)
    legacy = {key: _legacy_ports(getattr(base, key), folder) for key in ("access_ports", "ap_ports", "uplink_ports")}
    if override is None:
        access = legacy["access_ports"]
        return RoleRequest(
            edge=base.ports.edge,
            edge_candidates=access if access else None,
            ap=legacy["ap_ports"],
            uplink=legacy["uplink_ports"],
            where="baseline.ports" if not any(legacy.values()) else f"the profile's {folder} port lists",
        )
    return RoleRequest(
        edge=override.edge_mode or base.ports.edge,
        edge_candidates=override.edge or None,
        ap=override.ap,
        uplink=override.uplink,
        where=f"baseline.ports.device {override.device!r}",
    )


def _legacy_ports(table: dict[str, str], folder: str) -> tuple[str, ...]:
    from devices.config.folders import ALIASES

    names = [folder, *(k for k, v in ALIASES.items() if v == folder), "*"]
    return next(((table[n],) for n in names if n in table), ())


def _ports_to_dict(policy: PortPolicy) -> dict[str, Any]:
    out: dict[str, Any] = {"edge": policy.edge}
    devices = []
    for o in policy.devices:
        entry: dict[str, Any] = {"name": o.device}
        if o.edge_mode is not None:
            entry["edge"] = o.edge_mode
        elif o.edge:
            entry["edge"] = list(o.edge)
        if o.ap:
            entry["ap"] = list(o.ap)
        if o.uplink:
            entry["uplink"] = list(o.uplink)
        devices.append(entry)
    if devices:
        out["device"] = devices
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _ssid(item: Any, where: str, index: int) -> Ssid:
    item = _as_table(item, where)
    _check_keys(item, where, {"name", "auth", "vlan", "ft", "dot11k", "dot11v", "portal_url", "wlan_id"})
    return Ssid(
        name=_str(item, "name", where),
        auth=_str(item, "auth", where, default="dot1x"),
        vlan=_int(item, "vlan", where),
        ft=_str(item, "ft", where, default="adaptive"),
        dot11k=_bool(item, "dot11k", where, default=True),
        dot11v=_bool(item, "dot11v", where, default=True),
        portal_url=_str(item, "portal_url", where, default=None),
        wlan_id=_int(item, "wlan_id", where, default=FIRST_WLAN_ID + index),
    )


def _radius(item: Any, where: str) -> RadiusServer:
    item = _as_table(item, where)
    _check_keys(item, where, {"host", "auth_port", "acct_port", "secret_ref"}, ref="secret_ref")
    return RadiusServer(
        host=_str(item, "host", where),
        secret_ref=_str(item, "secret_ref", where),
        auth_port=_int(item, "auth_port", where, default=1812),
        acct_port=_int(item, "acct_port", where, default=1813),
    )


def _snmpv3(item: Any, where: str) -> Snmpv3:
    item = _as_table(item, where)
    keys = {"user", "auth_protocol", "priv_protocol", "auth_key_ref", "priv_key_ref"}
    _check_keys(item, where, keys, ref="auth_key_ref / priv_key_ref")
    return Snmpv3(
        user=_str(item, "user", where),
        auth_key_ref=_str(item, "auth_key_ref", where),
        priv_key_ref=_str(item, "priv_key_ref", where),
        auth_protocol=_str(item, "auth_protocol", where, default="sha"),
        priv_protocol=_str(item, "priv_protocol", where, default="aes"),
    )


_BASELINE_KEYS = {
    "ntp",
    "syslog",
    "snmpv3",
    "management_acl",
    "banner",
    "exec_timeout_minutes",
    "dhcp_snooping_vlans",
    "access_ports",
    "uplink_ports",
    "ap_ports",
    "ap_vlan",
    "ports",
}


def _baseline(item: dict[str, Any]) -> Baseline:
    where = "baseline"
    _check_keys(item, where, _BASELINE_KEYS)
    snmp = item.get("snmpv3")
    return Baseline(
        ntp=_str_list(item, "ntp", where),
        syslog=_str_list(item, "syslog", where),
        snmpv3=None if snmp is None else _snmpv3(snmp, f"{where}.snmpv3"),
        management_acl=_str_list(item, "management_acl", where),
        banner=_banner(item, where),
        exec_timeout_minutes=_int(item, "exec_timeout_minutes", where, default=10),
        dhcp_snooping_vlans=tuple(_int_list(item, "dhcp_snooping_vlans", where)),
        access_ports=_ports(item, "access_ports", where),
        uplink_ports=_ports(item, "uplink_ports", where),
        ap_ports=_ports(item, "ap_ports", where),
        ap_vlan=_int(item, "ap_vlan", where, default=None),
        ports=_port_policy(_table(item, "ports", f"{where}.ports", required=False)),
    )


def _port_policy(item: dict[str, Any]) -> PortPolicy:
    where = "baseline.ports"
    _check_keys(item, where, {"edge", "device"})
    devices = _array(item, "device", f"{where}.device")
    return PortPolicy(
        edge=_str(item, "edge", where, default="auto"),
        devices=tuple(_port_override(entry, f"{where}.device[{i}]") for i, entry in enumerate(devices)),
    )


def _port_override(item: Any, where: str) -> PortOverride:
    item = _as_table(item, where)
    _check_keys(item, where, {"name", "edge", "ap", "uplink"})
    edge = item.get("edge")
    mode = edge if isinstance(edge, str) and edge.strip().lower() in EDGE_MODES else None
    return PortOverride(
        device=_str(item, "name", where),
        edge_mode=mode.strip().lower() if mode is not None else None,
        edge=() if mode is not None or edge is None else _port_strings(edge, f"{where}.edge"),
        ap=_port_strings(item.get("ap", []), f"{where}.ap"),
        uplink=_port_strings(item.get("uplink", []), f"{where}.uplink"),
    )


def _port_strings(value: Any, where: str) -> tuple[str, ...]:
    """Port strings: one string ("Gi1/0/1-40, Gi1/0/44") or a list of them."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise InputError(f"{where} must be a port string or a list of them, not {_kind(value)}")
    for i, entry in enumerate(value):
        if not isinstance(entry, str):
            raise InputError(f"{where}[{i}] must be text, not {_kind(entry)}")
    return tuple(value)


def _banner(item: dict[str, Any], where: str) -> tuple[str, ...]:
    """The banner as lines; a TOML multi-line string is split here, then every line is validated like any value."""
    value = item.get("banner")
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.strip("\n").split("\n"))
    return _str_list(item, "banner", where)


def _ports(item: dict[str, Any], key: str, where: str) -> dict[str, str]:
    """A port string for every platform ("*"), or a table of port strings keyed by platform."""
    value = item.get(key)
    if value is None:
        return {}
    if isinstance(value, str):
        return {"*": value}
    table = _as_table(value, f"{where}.{key}")
    out: dict[str, str] = {}
    for platform, ports in table.items():
        if not isinstance(ports, str):
            raise InputError(f"{where}.{key}.{platform} must be a text string, not {_kind(ports)}")
        out[str(platform)] = ports
    return out


def _check_keys(item: dict[str, Any], where: str, allowed: set[str], ref: str = "secret_ref") -> None:
    """Refuse secret values (pointing at the secret store) and unknown keys (typos must not be silent)."""
    for key in item:
        name = f"{where}.{key}" if where else key
        if key in SECRET_KEYS:
            raise InputError(f"{name}: {SECRET_HINT.format(ref=ref)}")
        if key not in allowed:
            raise InputError(f"{name}: unknown key (known here: {', '.join(sorted(allowed))})")


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _as_table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{where} must be a table, not {_kind(value)}")
    return value


def _table(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> dict[str, Any]:
    if key not in data:
        if required:
            raise InputError(f"[{where}] is missing")
        return {}
    return _as_table(data[key], where)


def _array(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{where} must be an array of tables ([[{key}]]), not {_kind(value)}")
    return value


_MISSING: Any = object()


def _get(item: dict[str, Any], key: str, where: str, default: Any) -> Any:
    if key in item:
        return item[key]
    if default is _MISSING:
        raise InputError(f"{where}.{key} is missing")
    return default


def _str(item: dict[str, Any], key: str, where: str, default: Any = _MISSING) -> Any:
    value = _get(item, key, where, default)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{where}.{key} must be text, not {_kind(value)}")
    return value


def _int(item: dict[str, Any], key: str, where: str, default: Any = _MISSING) -> Any:
    value = _get(item, key, where, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InputError(f"{where}.{key} must be a whole number, not {_kind(value)}")
    return value


def _bool(item: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = _get(item, key, where, default)
    if not isinstance(value, bool):
        raise InputError(f"{where}.{key} must be true or false, not {_kind(value)}")
    return value


def _str_list(item: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{where}.{key} must be a list, not {_kind(value)}")
    for i, entry in enumerate(value):
        if not isinstance(entry, str):
            raise InputError(f"{where}.{key}[{i}] must be text, not {_kind(entry)}")
    return tuple(value)


def _int_list(item: dict[str, Any], key: str, where: str) -> list[int]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{where}.{key} must be a list, not {_kind(value)}")
    for i, entry in enumerate(value):
        if isinstance(entry, bool) or not isinstance(entry, int):
            raise InputError(f"{where}.{key}[{i}] must be a whole number, not {_kind(entry)}")
    return value


# --- validation ------------------------------------------------------------------------------------------------

_T = TypeVar("_T")


def validate_profile(profile: Profile) -> None:
    """Check every field of a profile; raise InputError naming the first bad one."""
    check_name(profile.county, "county.name")
    names: set[str] = set()
    ids: set[int] = set()
    for i, ssid in enumerate(profile.ssids):
        where = f"ssid[{i}]"
        check_ssid(ssid.name, f"{where}.name")
        check_choice(ssid.auth, f"{where}.auth", AUTH_MODES)
        check_vlan(ssid.vlan, f"{where}.vlan")
        check_choice(ssid.ft, f"{where}.ft", FT_MODES)
        check_int(ssid.wlan_id, f"{where}.wlan_id", 1, 512, "a WLAN id")
        if ssid.auth == "portal" and ssid.portal_url is None:
            raise InputError(f'{where}.portal_url is missing (needed for auth = "portal")')
        if ssid.portal_url is not None:
            check_url(ssid.portal_url, f"{where}.portal_url")
        _unique(names, ssid.name, f"{where}.name")
        _unique(ids, ssid.wlan_id, f"{where}.wlan_id")
    if len(profile.radius) > MAX_RADIUS:
        raise InputError(f"radius: at most {MAX_RADIUS} servers (primary and secondary), not {len(profile.radius)}")
    if any(s.auth == "dot1x" for s in profile.ssids) and not profile.radius:
        raise InputError("radius: an 802.1X SSID needs at least one [[radius]] server")
    for i, server in enumerate(profile.radius):
        where = f"radius[{i}]"
        check_address(server.host, f"{where}.host")
        check_port(server.auth_port, f"{where}.auth_port")
        check_port(server.acct_port, f"{where}.acct_port")
        check_ref(server.secret_ref, f"{where}.secret_ref")
    _validate_baseline(profile)


def _unique(seen: set[_T], value: _T, field: str) -> None:
    if value in seen:
        raise InputError(f"{field}: {value!r} appears twice")
    seen.add(value)


def _validate_baseline(profile: Profile) -> None:
    base = profile.baseline
    for i, addr in enumerate(base.ntp):
        check_address(addr, f"baseline.ntp[{i}]")
    for i, addr in enumerate(base.syslog):
        check_address(addr, f"baseline.syslog[{i}]")
    for i, net in enumerate(base.management_acl):
        check_network(net, f"baseline.management_acl[{i}]")
    for i, line in enumerate(base.banner):
        check_banner_line(line, f"baseline.banner[{i}]")
    check_minutes(base.exec_timeout_minutes, "baseline.exec_timeout_minutes")
    for i, vlan in enumerate(base.dhcp_snooping_vlans):
        check_vlan(vlan, f"baseline.dhcp_snooping_vlans[{i}]")
    if base.ap_vlan is not None:
        check_vlan(base.ap_vlan, "baseline.ap_vlan")
    for key in ("access_ports", "uplink_ports", "ap_ports"):
        for platform, ports in getattr(base, key).items():
            check_text(platform, f"baseline.{key}")
            check_ports(ports, f"baseline.{key}" + ("" if platform == "*" else f".{platform}"))
    _validate_ports(profile)
    if base.snmpv3 is not None:
        snmp = base.snmpv3
        check_name(snmp.user, "baseline.snmpv3.user", 32)
        if set(snmp.user) & NAME_FORBIDDEN:
            raise InputError('baseline.snmpv3.user must not contain a space, ? or "')
        check_choice(snmp.auth_protocol, "baseline.snmpv3.auth_protocol", SNMP_AUTH_PROTOCOLS)
        check_choice(snmp.priv_protocol, "baseline.snmpv3.priv_protocol", SNMP_PRIV_PROTOCOLS)
        check_ref(snmp.auth_key_ref, "baseline.snmpv3.auth_key_ref")
        check_ref(snmp.priv_key_ref, "baseline.snmpv3.priv_key_ref")


def _validate_ports(profile: Profile) -> None:
    policy = profile.baseline.ports
    check_choice(policy.edge, "baseline.ports.edge", EDGE_MODES)
    names: set[str] = set()
    for i, override in enumerate(policy.devices):
        where = f"baseline.ports.device[{i}]"
        check_name(override.device, f"{where}.name")
        _unique(names, override.device, f"{where}.name")
        if override.edge_mode is not None:
            check_choice(override.edge_mode, f"{where}.edge", EDGE_MODES)
        for key in ("edge", "ap", "uplink"):
            for j, ports in enumerate(getattr(override, key)):
                check_ports(ports, f"{where}.{key}[{j}]")
