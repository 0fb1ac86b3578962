"""Validation of every configuration parameter before anything connects, and ``--set`` overrides.

Rules (each failure is an :class:`InputError` naming the field, e.g. ``ssid[0].name``):

- No parameter may contain a control character: newline, carriage return, NUL, ESC, tab, DEL, any other C0/C1
  control, Unicode line/paragraph separators or invisible format characters. This holds for every value, including
  names, banner lines and port strings. Banner lines are the only multi-line text and are modelled as a list of
  lines, each checked on its own.
- SSID: 1-32 bytes in UTF-8 (not characters: 11 CJK characters are 33 bytes), no space, ``?`` or ``"`` (CLIs split
  arguments at spaces, ``?`` opens CLI help, quoting differs per platform).
- VLAN 1-4094; UDP ports 1-65535; exec timeout 1-60 minutes; WLAN id 1-512 (AireOS's range).
- Addresses are IPv4 or IPv6 literals (``ipaddress``); networks are in CIDR form with no host bits set.
- RADIUS shared secrets and SNMPv3 keys: printable ASCII without space, ``?``, ``"``, ``'``, ``\\`` or backtick
  (``?`` is CLI help on IOS/AireOS/Aruba; the others are quoting or escape characters on some CLI), 1-128 characters;
  SNMPv3 keys at least 8. Per platform (:data:`SECRET_MAX_LEN`): AireOS accepts at most 64 characters.
- Secret names (``secret_ref``) are 1-64 of ``A-Z a-z 0-9 _ . - :`` (``env:VAR`` names an environment variable).
- Interface names in port roles (they come from the device): 1-64 of letters, digits and ``/ : . _ -``.
- Port strings: letters, digits, ``/ - , . :`` and spaces only, and ranges that can be read (``1-40``,
  ``Gi1/0/1-48``, ``A1-A4``, ``1/1/1-1/1/48``; at most 1024 ports). ``[baseline.ports] edge`` is "auto" or "none";
  ``[[baseline.ports.device]]`` names are 1-64 characters and appear once.
- Banner lines: 1-200 characters, no ``^`` (IOS/AOS-CX delimiter), ``%`` (Comware delimiter) or ``"`` (quoted
  banners).
- Portal URLs (``portal_url``): ``http://`` or ``https://``, at most 255 characters of printable ASCII without space,
  ``?`` (CLI help on IOS/AireOS/Aruba, so no query string), ``"``, ``'``, ``\\`` or backtick (quoting or escape
  characters: FortiOS writes the URL in double quotes), no user name (``@``), and a host that is a DNS name or an
  IPv4 address (controllers need it for the pre-authentication rule), with an optional port.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from devices.errors import InputError

if TYPE_CHECKING:
    from devices.config.profile import Profile

_T = TypeVar("_T")
MAX_RADIUS = 2
SECRET_MAX_LEN: dict[str, int] = {"cisco_wlc": 64}
_SECRET_FORBIDDEN = set(" ?\"'\\`")
_REF_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_PORTS_RE = re.compile(r"[A-Za-z0-9/,.: -]{1,200}")
_INTERFACE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/:._-]{0,63}")
_NAME_FORBIDDEN = set(' ?"')
_BANNER_FORBIDDEN = set('^%"')
_URL_FORBIDDEN = set("?\"'\\`")
# A portal URL as the templates take it apart (devices/config/render.py splits it the same way).
_URL_RE = re.compile(r"https?://(?P<host>[^/:#]+)(?::(?P<port>[0-9]{1,5}))?(?P<path>[/#][!-~]*)?")
_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_CONTROL_NAMES = {
    "\n": "newline",
    "\r": "carriage return",
    "\0": "NUL",
    "\x1b": "ESC",
    "\t": "tab",
    "\x7f": "DEL",
}


def check_text(value: str, field: str) -> str:
    """Refuse any control, line-separator or invisible format character; returns the value."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            what = _CONTROL_NAMES.get(ch, f"U+{ord(ch):04X}")
            raise InputError(f"{field} contains a control character ({what})")
    return value


def check_ssid(name: str, field: str) -> str:
    """An SSID: 1-32 bytes of UTF-8, no control characters, no space, ``?`` or ``"``."""
    check_text(name, field)
    size = len(name.encode("utf-8"))
    if not 1 <= size <= 32:
        raise InputError(f"{field} must be 1-32 bytes in UTF-8; {name!r} is {size} bytes")
    bad = sorted(set(name) & _NAME_FORBIDDEN)
    if bad:
        raise InputError(f"{field} must not contain {' '.join(repr(c) for c in bad)}")
    return name


def check_int(value: int, field: str, low: int, high: int, what: str = "") -> int:
    """An integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{field} must be {what + ' ' if what else ''}{low}-{high}, not {value!r}")
    return value


def check_vlan(value: int, field: str) -> int:
    """A VLAN id 1-4094."""
    return check_int(value, field, 1, 4094, "a VLAN")


def check_port(value: int, field: str) -> int:
    """A UDP port 1-65535."""
    return check_int(value, field, 1, 65535, "a UDP port")


def check_minutes(value: int, field: str) -> int:
    """A timeout in minutes, 1-60."""
    return check_int(value, field, 1, 60, "minutes")


def check_address(value: str, field: str) -> str:
    """An IPv4 or IPv6 address literal; returned in canonical form."""
    check_text(value, field)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise InputError(f"{field} must be an IPv4 or IPv6 address, not {value!r}") from None


def check_network(value: str, field: str) -> str:
    """An IPv4 or IPv6 network in CIDR form (a bare address means a single host)."""
    check_text(value, field)
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as exc:
        raise InputError(f"{field} must be a network like 192.0.2.0/24, not {value!r} ({exc})") from None


def check_choice(value: str, field: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words."""
    if value not in choices:
        raise InputError(f"{field} must be one of {', '.join(choices)}, not {value!r}")
    return value


def check_secret(value: str, field: str, platform: str | None = None, *, min_len: int = 1) -> str:
    """A RADIUS shared secret or SNMPv3 key: printable ASCII the platform's CLI accepts (see the module rules)."""
    check_text(value, field)
    max_len = SECRET_MAX_LEN.get(platform or "", 128)
    if not min_len <= len(value) <= max_len:
        where = f" on {platform}" if platform in SECRET_MAX_LEN else ""
        raise InputError(f"{field} must be {min_len}-{max_len} characters{where}, not {len(value)}")
    for ch in value:
        if not 0x21 <= ord(ch) <= 0x7E or ch in _SECRET_FORBIDDEN:
            shown = "a space" if ch == " " else repr(ch)
            raise InputError(f"{field} contains {shown}: use printable ASCII without space ? \" ' \\ `")
    return value


def check_ref(value: str, field: str) -> str:
    """The NAME of a secret in the secret store (or ``env:VAR``)."""
    check_text(value, field)
    if not _REF_RE.fullmatch(value):
        raise InputError(f"{field} must be a secret name of 1-64 letters, digits, _ . - or :, not {value!r}")
    return value


def check_ports(value: str, field: str) -> str:
    """A port range/list string in the platform's syntax (letters, digits, ``/ - , . :`` and spaces) whose ranges
    can be read."""
    from devices.config.roles import expand_ports

    check_text(value, field)
    if not _PORTS_RE.fullmatch(value) or not value.strip():
        raise InputError(f"{field} must be a port list like GigabitEthernet1/0/1-44 or 1-44, not {value!r}")
    expand_ports(value, field)
    return value


def check_interface(value: str, field: str) -> str:
    """One interface name as a CLI writes it (``GigabitEthernet1/0/1``, ``1/1/1``, ``A1``): 1-64 letters, digits
    and ``/ : . _ -``, no spaces (port names come from the device, so they are checked too)."""
    check_text(value, field)
    if not _INTERFACE_RE.fullmatch(value):
        raise InputError(f"{field} is not an interface name: {value!r}")
    return value


def check_name(value: str, field: str, max_len: int = 64) -> str:
    """A free-text name (county, SNMP user): 1..max_len characters, no control characters."""
    check_text(value, field)
    if not 1 <= len(value) <= max_len:
        raise InputError(f"{field} must be 1-{max_len} characters")
    return value


def check_banner_line(value: str, field: str) -> str:
    """One banner line: 1-200 characters, no control characters, no banner delimiter (``^ % "``)."""
    check_text(value, field)
    if not 1 <= len(value) <= 200 or not value.strip():
        raise InputError(f"{field} must be 1-200 characters and not blank")
    bad = sorted(set(value) & _BANNER_FORBIDDEN)
    if bad:
        raise InputError(f"{field} must not contain {' '.join(repr(c) for c in bad)} (banner delimiters)")
    return value


def check_url(value: str, field: str) -> str:
    """A portal URL: http(s), one CLI word that no quoting can break out of, with a host the controllers can allow
    before login (see the module rules); at most 255 characters."""
    check_text(value, field)
    if not re.fullmatch(r"https?://[!-~]{1,247}", value):
        raise InputError(f"{field} must be an http:// or https:// URL without spaces, not {value!r}")
    bad = sorted(set(value) & _URL_FORBIDDEN)
    if bad:
        raise InputError(
            f"{field} must not contain {' '.join(repr(c) for c in bad)} "
            "(? opens CLI help; quotes, backslash and backtick are quoting characters)"
        )
    if "@" in re.split(r"[/#]", value.split("://", 1)[1], maxsplit=1)[0]:
        raise InputError(f"{field} must not carry a user name or password (@): {value!r}")
    match = _URL_RE.fullmatch(value)
    if match is None or (match["port"] and not 1 <= int(match["port"]) <= 65535):
        raise InputError(f"{field} must be http(s)://HOST[:PORT][/PATH] with a port of 1-65535, not {value!r}")
    if not _url_host_ok(match["host"]):
        raise InputError(f"{field} must name its host as a DNS name or an IPv4 address, not {value!r}")
    return value


def _url_host_ok(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 4
    except ValueError:
        pass
    if not 1 <= len(host) <= 253 or re.fullmatch(r"[0-9.]+", host):
        return False
    return all(_LABEL_RE.fullmatch(label) for label in host.split("."))


def validate_profile(profile: Profile) -> None:
    """Check every field of a profile; raise InputError naming the first bad one."""
    from devices.config.profile import AUTH_MODES, FT_MODES

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
    from devices.config.profile import SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS

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
        if set(snmp.user) & _NAME_FORBIDDEN:
            raise InputError('baseline.snmpv3.user must not contain a space, ? or "')
        check_choice(snmp.auth_protocol, "baseline.snmpv3.auth_protocol", SNMP_AUTH_PROTOCOLS)
        check_choice(snmp.priv_protocol, "baseline.snmpv3.priv_protocol", SNMP_PRIV_PROTOCOLS)
        check_ref(snmp.auth_key_ref, "baseline.snmpv3.auth_key_ref")
        check_ref(snmp.priv_key_ref, "baseline.snmpv3.priv_key_ref")


def _validate_ports(profile: Profile) -> None:
    from devices.config.roles import EDGE_MODES

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


# --- overrides -------------------------------------------------------------------------------------------------

OVERRIDE_KEYS = ("ssid", "vlan", "radius1", "radius2", "radius_secret_env", "banner", "ntp", "syslog")


@dataclass(frozen=True)
class Overridden:
    """The profile after ``--set`` overrides, and the environment variable (if any) holding the RADIUS secret.

    The caller reads ``secret_env`` itself; this module never touches the environment. When it is set, every RADIUS
    server's ``secret_ref`` is ``env:<VAR>``, so the caller's ``resolve_secret`` recognises it.
    """

    profile: Profile
    secret_env: str | None = None


def apply_overrides(profile: Profile, overrides: dict[str, str]) -> Overridden:
    """Apply ``--set KEY=VALUE`` overrides for the one-SSID case, then validate the result.

    Mapping: ``ssid`` -> the SSID's name (a new 802.1X SSID when the profile has none); ``vlan`` -> its VLAN, where
    the SSID is the profile's only one, or its only 802.1X one beside portal SSIDs; ``radius1``/``radius2`` ->
    ``radius[0|1].host`` (new servers on ports 1812/1813); ``radius_secret_env`` -> every server's
    ``secret_ref = "env:VAR"``; ``banner`` -> a one-line banner;
    ``ntp``/``syslog`` -> comma-separated address lists replacing the profile's. ``ssid``/``vlan`` refuse a profile
    with several SSIDs and not exactly one 802.1X SSID among them (which one would it be?).
    """
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise InputError(f"unknown --set key {unknown[0]!r} (known: {', '.join(OVERRIDE_KEYS)})")
    for key, value in overrides.items():
        check_text(value, f"--set {key}")
    profile = _override_ssid(profile, overrides)
    profile, secret_env = _override_radius(profile, overrides)
    profile = _override_baseline(profile, overrides)
    validate_profile(profile)
    return Overridden(profile, secret_env)


def _override_ssid(profile: Profile, overrides: dict[str, str]) -> Profile:
    from devices.config.profile import Ssid

    if "ssid" not in overrides and "vlan" not in overrides:
        return profile
    index = _override_target(profile)
    vlan = _override_int(overrides["vlan"], "--set vlan") if "vlan" in overrides else None
    if index is not None:
        ssids = list(profile.ssids)
        ssid = ssids[index]
        ssids[index] = dataclasses.replace(
            ssid, name=overrides.get("ssid", ssid.name), vlan=ssid.vlan if vlan is None else vlan
        )
        return dataclasses.replace(profile, ssids=tuple(ssids))
    if "ssid" not in overrides or vlan is None:
        raise InputError("--set ssid needs --set vlan too (the profile has no SSID to take it from)")
    return dataclasses.replace(profile, ssids=(Ssid(name=overrides["ssid"], auth="dot1x", vlan=vlan),))


def _override_target(profile: Profile) -> int | None:
    """The SSID that ``--set ssid/vlan`` change: the only one, or else the only 802.1X one (a profile may add a
    portal SSID beside its 802.1X SSID); None when the profile has none."""
    if len(profile.ssids) <= 1:
        return 0 if profile.ssids else None
    dot1x = [i for i, s in enumerate(profile.ssids) if s.auth == "dot1x"]
    if len(dot1x) != 1:
        raise InputError("--set ssid/vlan: the profile has several SSIDs; edit the profile instead")
    return dot1x[0]


def _override_radius(profile: Profile, overrides: dict[str, str]) -> tuple[Profile, str | None]:
    from devices.config.profile import RadiusServer

    servers = list(profile.radius)
    env = overrides.get("radius_secret_env")
    if env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", env):
        raise InputError(f"--set radius_secret_env must be an environment variable name, not {env!r}")
    for index, key in enumerate(("radius1", "radius2")):
        if key not in overrides:
            continue
        host = check_address(overrides[key], f"--set {key}")
        if index < len(servers):
            servers[index] = dataclasses.replace(servers[index], host=host)
        elif index == len(servers):
            servers.append(RadiusServer(host=host, secret_ref=f"env:{env}" if env else "radius"))
        else:
            raise InputError("--set radius2 needs a first RADIUS server (--set radius1 or one in the profile)")
    if env is not None:
        servers = [dataclasses.replace(s, secret_ref=f"env:{env}") for s in servers]
    return dataclasses.replace(profile, radius=tuple(servers)), env


def _override_baseline(profile: Profile, overrides: dict[str, str]) -> Profile:
    base = profile.baseline
    changes: dict[str, object] = {}
    if "banner" in overrides:
        changes["banner"] = (overrides["banner"],)
    for key in ("ntp", "syslog"):
        if key in overrides:
            changes[key] = tuple(part.strip() for part in overrides[key].split(",") if part.strip())
    if not changes:
        return profile
    return dataclasses.replace(profile, baseline=dataclasses.replace(base, **changes))  # type: ignore[arg-type]


def _override_int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(f"{field} must be a whole number, not {value!r}") from None
