"""The checks every configuration parameter passes before anything connects (one function per kind of field).

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

import ipaddress
import re
import unicodedata

from devices.errors import InputError

MAX_RADIUS = 2
SECRET_MAX_LEN: dict[str, int] = {"cisco_wlc": 64}
_SECRET_FORBIDDEN = set(" ?\"'\\`")
_REF_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_PORTS_RE = re.compile(r"[A-Za-z0-9/,.: -]{1,200}")
_INTERFACE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/:._-]{0,63}")
NAME_FORBIDDEN = set(' ?"')
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
    bad = sorted(set(name) & NAME_FORBIDDEN)
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
