"""How a device prints its configuration, so intended lines can be compared with a running config by meaning.

A device does not echo back what it was sent. Cisco IOS prints ``line vty 0 15`` as ``line vty 0 4`` plus
``line vty 5 15``, hides settings left at their default, prints IPv6 addresses in upper case, stores
``spanning-tree portfast`` as ``spanning-tree portfast edge`` (15.2(2)E and later), shows a RADIUS ``key 0 x`` as
``key 7 <encrypted>`` and never shows ``snmp-server user`` lines or, in VTP server mode, ``vlan`` blocks. This module
turns a configuration (running or intended) into a tree of *canonical keys*: two lines that mean the same have the
same key, whichever form the device printed. Lines the running config cannot show at all become
:class:`ExtraCheck` s: the exec command that shows them and a parser of its output.

Every rule names, in a comment, the real device output that shows it: the files under ``tests/data/real`` (each
names its public source) or a Cisco document. Platforms other than ``cisco_ios``/``cisco_xe`` only get blank and
quote normalisation (:func:`generic_key`), as before.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from devices.config.facts import DeviceFacts

CISCO = frozenset({"cisco_ios", "cisco_xe"})


@dataclass(frozen=True)
class ExtraCheck:
    """Intended lines the running configuration never shows, checked with another exec command instead."""

    command: str  # exec command to run on the device, e.g. "show snmp user"
    lines: tuple[str, ...]  # the intended lines this check covers (as rendered; caller masks)
    check: Callable[[str], list[str]]  # command output -> the lines of `lines` NOT satisfied


# ---------------------------------------------------------------------------------------------------------------
# Versions


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """A comparable tuple for an IOS or IOS-XE version: ``15.2(7)E9`` -> (15, 2, 7, 5, 9), ``17.9.4`` -> (17, 9, 4).

    The train letter counts as its position in the alphabet, so ``15.2(2)E`` < ``15.2(2)E7`` < ``15.2(4)E``.
    None when the text holds no version.
    """
    if not text:
        return None
    m = re.search(r"(\d+)\.(\d+)\((\d+)[a-z]?\)([A-Z]+)?(\d+)?", text)
    if m:
        train = m.group(4) or ""
        letter = ord(train[0]) - ord("A") + 1 if train else 0
        return (int(m.group(1)), int(m.group(2)), int(m.group(3)), letter, int(m.group(5) or 0))
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if m:
        return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    return None


def version_at_least(facts: DeviceFacts | None, minimum: str) -> bool | None:
    """Whether the device runs ``minimum`` or later; None when its version is unknown."""
    have = parse_version(facts.version if facts else None)
    want = parse_version(minimum)
    if have is None or want is None:
        return None
    return have >= want


# ---------------------------------------------------------------------------------------------------------------
# Configuration text as a tree


@dataclass
class Node:
    """One configuration line as written (a banner: its whole text) and the lines of its sub-mode."""

    text: str
    children: list[Node] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # the line(s) as written, without indentation

    @property
    def lines(self) -> list[str]:
        """The line(s) to type for this node: a banner with its delimiters, else the line itself."""
        return self.raw or [self.text]


# Header and volatile lines of 'show running-config' (every real sample under tests/data/real starts this way).
_VOLATILE = re.compile(
    r"^(Building configuration\.\.\.|Current configuration ?: ?\d+ bytes|Derived configuration : \d+ bytes|"
    r"Using \d+ out of \d+ bytes|end|version \S+|ntp clock-period .*|Load for five secs.*|Time source is .*)$"
)
_BANNER = re.compile(r"^banner (motd|login|exec|incoming|slip-ppp)\s+(\^C|\x03|\S)(.*)$")


def parse(text: str) -> Node:
    """A configuration (as printed or as rendered) as a tree by indentation; comments, blanks and headers skipped.

    A banner becomes one node whose text is ``banner <kind>`` and its lines up to the closing delimiter, in either
    form: as typed (``banner login ^`` ... ``^``) or as IOS prints it (``banner login ^C`` ... ``^C``).
    """
    root = Node("")
    stack: list[tuple[int, Node]] = [(-1, root)]
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        i += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("!") or _VOLATILE.match(stripped):
            continue
        banner = _BANNER.match(stripped) if not raw[0].isspace() else None
        if banner:
            start = i - 1
            body, i = _banner_body(banner, lines, i)
            raw_lines = [line.rstrip() for line in lines[start:i]]
            root.children.append(Node(f"banner {banner.group(1)}\n{body}", raw=raw_lines))
            stack = [(-1, root)]
            continue
        indent = len(raw) - len(raw.lstrip())
        while stack[-1][0] >= indent:
            stack.pop()
        node = Node(stripped)
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return root


def _banner_body(match: re.Match[str], lines: list[str], i: int) -> tuple[str, int]:
    """The banner text (between its delimiters) and the index of the line after the closing one."""
    delim, rest = match.group(2), match.group(3)
    if delim in rest:
        return rest.split(delim, 1)[0], i
    body = [rest]
    while i < len(lines):
        line = lines[i].rstrip("\r")
        i += 1
        if delim in line:
            body.append(line.split(delim, 1)[0])
            break
        body.append(line)
    return "\n".join(body), i


# ---------------------------------------------------------------------------------------------------------------
# Canonical keys: Cisco IOS / IOS-XE

INTERFACE_NAMES = (
    ("Hu", "HundredGigE"),
    ("Fo", "FortyGigabitEthernet"),
    ("Twe", "TwentyFiveGigE"),
    ("Tw", "TwoGigabitEthernet"),
    ("Te", "TenGigabitEthernet"),
    ("Gi", "GigabitEthernet"),
    ("Fa", "FastEthernet"),
    ("Et", "Ethernet"),
    ("Po", "Port-channel"),
    ("Vl", "Vlan"),
    ("Lo", "Loopback"),
    ("Ap", "AppGigabitEthernet"),
    ("Tu", "Tunnel"),
)


def interface_name(name: str) -> str:
    """``Gi1/0/1``, ``gi 1/0/1`` or ``VLAN24`` -> ``GigabitEthernet1/0/1`` / ``Vlan24`` (IOS stores full names;
    the 12.0 sample ``ios120_c2950_ciscoconfparse_sample_02.txt`` prints ``interface VLAN24``)."""
    m = re.match(r"^([A-Za-z-]+)\s*(\d[\d/.:]*)$", name.strip())
    if not m:
        return name.strip()
    word, number = m.group(1).lower(), m.group(2)
    for short, full in INTERFACE_NAMES:
        if full.lower().startswith(word) and word.startswith(short.lower()):
            return full + number
    return m.group(1) + number


def interface_range(spec: str) -> list[str]:
    """``GigabitEthernet1/0/1 - 4 , gi1/0/10`` -> the full names it covers; ValueError when it is not a range."""
    names: list[str] = []
    for part in spec.split(","):
        m = re.match(r"^\s*([A-Za-z-]+\s*(?:\d+/)*)(\d+)\s*(?:-\s*(\d+))?\s*$", part)
        if not m:
            raise ValueError(part)
        prefix, first, last = m.group(1).replace(" ", ""), int(m.group(2)), int(m.group(3) or m.group(2))
        if last < first or last - first > 1024:
            raise ValueError(part)
        names.extend(interface_name(f"{prefix}{n}") for n in range(first, last + 1))
    return names


def vlan_set(text: str) -> set[int]:
    """``10,20,30-32`` -> {10, 20, 30, 31, 32} (``all``/``none`` -> empty set)."""
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if re.fullmatch(r"\d+-\d+", part):
            a, b = (int(x) for x in part.split("-"))
            out.update(range(a, min(b, 4094) + 1))
        elif part.isdigit():
            out.add(int(part))
    return out


def vlan_list(vlans: Iterable[int]) -> str:
    """{10, 20, 30, 31, 32} -> ``10,20,30-32``, the way IOS prints a VLAN list."""
    nums = sorted(set(vlans))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[i]) if j == i else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ",".join(parts)


_IPV6_TOKEN = re.compile(r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/\d{1,3})?$")


def _ipv6_canonical(token: str) -> str:
    """An IPv6 address or prefix in one spelling. IOS prints IPv6 in upper case: ``ipv6 address FD00:F:F:1::3/64``
    (``ios_router_nist_ciscoconfparse_sample_09.txt``), ``address ipv6 AAAA::BBBB`` (``xe_radius_server_genie.txt``).
    """
    if not _IPV6_TOKEN.match(token) or token.count(":") < 2:
        return token
    try:
        if "/" in token:
            return str(ipaddress.IPv6Interface(token)).lower()
        return str(ipaddress.IPv6Address(token)).lower()
    except ValueError:
        return token.lower()


# Secret-bearing values: compared apart from the rest of the line (see SecretRef).
_SECRET = re.compile(r"^(?P<head>.*?\b(?:key|password|secret|server-key))(?: (?P<type>[0-9]))? (?P<value>\S+)$")
_NOT_SECRET_PARENTS = re.compile(r"^key chain ")


@dataclass(frozen=True)
class SecretRef:
    """The secret part of a line: its encryption type as printed (None: none printed) and the value."""

    kind: str | None
    value: str


# Renamed keywords: (pattern, replacement) applied to a whole line inside a given parent (None: top level).
# IOS 15.2(2)E and later store 'spanning-tree portfast' as 'spanning-tree portfast edge' (and 'portfast trunk' as
# 'portfast edge trunk'): "STP PortFast Port Types" in the Consolidated Platform Configuration Guide, Cisco IOS
# Release 15.2(4)E (Catalyst 2960-X Switches); IOS-XE on Catalyst 9000 prints them without 'edge'
# (xe_c9k_interfaces_genie.txt). Both spellings mean the same, so both get the key without 'edge'.
_RENAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^spanning-tree portfast edge( trunk)?$"), r"spanning-tree portfast\1"),
    (
        re.compile(r"^spanning-tree portfast edge (default|bpduguard default|bpdufilter default)$"),
        r"spanning-tree portfast \1",
    ),
    # 'ip domain name' is how 12.4+ and IOS-XE print it (ios124_router_ciscoconfparse_sample_01.txt); older
    # images and templates write 'ip domain-name' / 'ip domain-lookup'.
    (re.compile(r"^(no )?ip domain-(name|lookup)\b"), r"\1ip domain \2"),
    # 12.x prints a syslog host as 'logging <address>' (ios120_c2950_ciscoconfparse_sample_02.txt,
    # ios124_router_ciscoconfparse_sample_01.txt); 15.x takes and prints 'logging host <address>'.
    (re.compile(r"^logging (\d+\.\d+\.\d+\.\d+)$"), r"logging host \1"),
    # 'exec-timeout 10' is stored with its seconds.
    (re.compile(r"^exec-timeout (\d+)$"), r"exec-timeout \1 0"),
]


@dataclass(frozen=True)
class DefaultRule:
    """A setting the device hides while it has its default value: under a parent matching ``parent`` (None: top
    level), a line matching ``setting`` with the canonical ``default`` is satisfied when no such line shows.
    ``applies`` limits the rule to the versions where this is the default."""

    parent: re.Pattern[str] | None
    setting: re.Pattern[str]
    default: str
    applies: Callable[[DeviceFacts | None], bool] = lambda facts: True


# Defaults IOS does not print. The samples print these settings only when they differ from the default:
# 'logging trap debugging' (ios120_c2950_ciscoconfparse_sample_02.txt), 'exec-timeout 0 0' on the console
# (ios150_c3560_cheesy_arena.txt), 'exec-timeout 15 0' (ios124_router_ciscoconfparse_sample_01.txt),
# 'ip ssh time-out 30' (same file); the default values are the ones in the Cisco IOS command references
# ('logging trap': informational; 'ip ssh': time-out 120 s, authentication-retries 3; 'errdisable recovery
# interval': 300 s; 'exec-timeout': 10 minutes).
DEFAULTS: tuple[DefaultRule, ...] = (
    DefaultRule(None, re.compile(r"^logging trap\b"), "logging trap informational"),
    DefaultRule(None, re.compile(r"^ip ssh authentication-retries\b"), "ip ssh authentication-retries 3"),
    DefaultRule(None, re.compile(r"^ip ssh time-out\b"), "ip ssh time-out 120"),
    DefaultRule(None, re.compile(r"^errdisable recovery interval\b"), "errdisable recovery interval 300"),
    DefaultRule(re.compile(r"^line (con|vty|aux) \d+$"), re.compile(r"^exec-timeout\b"), "exec-timeout 10 0"),
)

# A negation that only removes a named object is met when the object is gone: IOS never prints
# 'no snmp-server community public' (no sample shows such a line); any other 'no X' turns off something that is on
# by default and shows as that line ('no service pad', 'no ip http secure-server', 'no ip bootp server' in the
# samples).
_ABSENCE_IS_ENOUGH = re.compile(
    r"^(snmp-server (community|user|host|group|view) |username |ntp server |logging host |ip access-list |"
    r"ipv6 access-list |access-list |radius server |tacacs server |vlan \d|interface (Vlan|Loopback|Port-channel))"
)
_VTP_SHOWS_VLANS = re.compile(r"^vtp mode (transparent|off)$")


def cisco_keys(text: str, parent: str | None) -> list[str]:
    """The canonical keys of one IOS line (several when it names a range: ``line vty 0 15``, ``interface range``).

    ``parent`` is the canonical key of the enclosing block (None at top level).
    """
    if text.startswith("banner "):
        kind, _, body = text.partition("\n")
        return [f"{kind}\n" + "\n".join(line.rstrip() for line in body.strip("\n").split("\n")).strip()]
    line = " ".join(text.split())
    if parent is None:
        ranged = _expand_parent(line)
        if ranged is not None:
            return ranged
    return [_canonical_line(line, parent)]


def _expand_parent(line: str) -> list[str] | None:
    # 'line vty 0 15' is printed as 'line vty 0 4' + 'line vty 5 15' (ios150_c3560_cheesy_arena.txt,
    # ios120_c2950_ciscoconfparse_sample_02.txt), and groups split again when their settings differ: compare per
    # line number.
    m = re.match(r"^line (con|console|vty|aux) (\d+)(?: (\d+))?$", line)
    if m:
        kind = "con" if m.group(1) == "console" else m.group(1)
        first, last = int(m.group(2)), int(m.group(3) or m.group(2))
        return [f"line {kind} {n}" for n in range(first, min(last, first + 1024) + 1)]
    m = re.match(r"^interface range (.+)$", line)
    if m:
        try:
            return [f"interface {name}" for name in interface_range(m.group(1))]
        except ValueError:
            return None
    m = re.match(r"^interface (\S+(?: \d\S*)?)$", line)
    if m:
        return [f"interface {interface_name(m.group(1))}"]
    return None


def _canonical_line(line: str, parent: str | None) -> str:
    if parent is None or not _NOT_SECRET_PARENTS.match(parent):
        secret = _SECRET.match(line)
        if secret and not line.startswith("snmp-server user "):
            line = f"{secret.group('head')} <secret>"
    for pattern, replacement in _RENAMES:
        line = pattern.sub(replacement, line)
    if parent and re.match(r"^ip access-list ", parent):
        line = _ipv4_acl_entry(line, standard=parent.startswith("ip access-list standard "))
    if parent and parent.startswith("ipv6 access-list "):
        # IOS-XE prints IPv6 ACL entries with 'sequence N' (hier_config's cisco_ios driver strips it on load).
        line = re.sub(r"^sequence \d+ ", "", line)
    line = re.sub(r"^(switchport trunk allowed vlan|ip dhcp snooping vlan) ([\d,-]+)$", _vlan_list_sub, line)
    # 'storm-control broadcast level 5.00 1.00' (xe_c9k_interfaces_genie.txt): levels printed with two decimals.
    line = re.sub(r"^(storm-control \S+ level) ([\d.]+)(?: ([\d.]+))?$", _storm_levels, line)
    return " ".join(_ipv6_canonical(token) for token in line.split(" "))


def _vlan_list_sub(m: re.Match[str]) -> str:
    return f"{m.group(1)} {vlan_list(vlan_set(m.group(2)))}"


def _storm_levels(m: re.Match[str]) -> str:
    levels = [f"{float(x):.2f}" for x in m.groups()[1:] if x is not None]
    return " ".join([m.group(1), *levels])


def _ipv4_acl_entry(line: str, *, standard: bool) -> str:
    """Extended ACL entries are printed with padded blanks ('deny   tcp any any log') and a standard ACL entry for
    one host as the bare address ('permit 172.16.0.1'): ios124_router_ciscoconfparse_sample_01.txt. Entries typed
    with a sequence number, or printed with one (hier_config's cisco_ios driver numbers them), compare without it.
    """
    line = re.sub(r"^\d+ ", "", line)
    if standard:
        line = re.sub(r"^(permit|deny) host (\S+)", r"\1 \2", line)
        line = re.sub(r"^(permit|deny) (\d+\.\d+\.\d+\.\d+) 0\.0\.0\.0\b", r"\1 \2", line)
    return line


def secret_of(text: str) -> SecretRef | None:
    """The secret part of a secret-bearing line (``key 7 0822...`` -> SecretRef("7", "0822...")), else None."""
    m = _SECRET.match(" ".join(text.split()))
    if not m:
        return None
    return SecretRef(m.group("type"), m.group("value"))


# Cisco type-7 "encryption" is a fixed XOR key; public and reversible (used by 'service password-encryption').
_TYPE7_KEY = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7_encode(plain: str, seed: int = 2) -> str:
    """``plain`` as IOS type 7 (what ``service password-encryption`` prints), with salt index ``seed``."""
    out = f"{seed:02d}"
    for i, ch in enumerate(plain):
        out += f"{ord(ch) ^ ord(_TYPE7_KEY[(seed + i) % len(_TYPE7_KEY)]):02X}"
    return out


def type7_decode(encoded: str) -> str | None:
    """The clear text of a type-7 string, or None when it is not one."""
    if not re.fullmatch(r"\d{2}([0-9A-Fa-f]{2})*", encoded):
        return None
    seed = int(encoded[:2])
    if seed >= len(_TYPE7_KEY):
        return None
    pairs = [encoded[i : i + 2] for i in range(2, len(encoded), 2)]
    return "".join(chr(int(p, 16) ^ ord(_TYPE7_KEY[(seed + i) % len(_TYPE7_KEY)])) for i, p in enumerate(pairs))


def secret_matches(intended: SecretRef, shown: SecretRef) -> bool | None:
    """Whether the secret the device shows is the intended one: True/False when it can tell (clear text, type 7),
    None when it is a hash the device keeps to itself (types 5, 6, 8, 9).

    A RADIUS ``key 0 x`` shows as ``key x`` without password encryption (xe_radius_server_genie.txt) and as
    ``key 7 <encrypted>`` with it ('password 7 ...' lines in ios120_c2950_ciscoconfparse_sample_02.txt).
    """
    want = intended.value if intended.kind in (None, "0") else None
    if intended.kind == "7":
        want = type7_decode(intended.value)
    if want is None:
        return None
    if shown.kind in (None, "0"):
        return shown.value == want
    if shown.kind == "7":
        return type7_decode(shown.value) == want
    return None


def default_satisfied(facts: DeviceFacts | None, parent: str | None, key: str, shown: Iterable[str]) -> bool:
    """Whether ``key`` (under ``parent``) is a default the device hides and no other value is shown for it."""
    for rule in DEFAULTS:
        if key != rule.default or not rule.setting.match(key) or not rule.applies(facts):
            continue
        if (rule.parent is None) != (parent is None):
            continue
        if rule.parent is not None and (parent is None or not rule.parent.match(parent)):
            continue
        return not any(rule.setting.match(other) for other in shown)
    return False


def absence_is_enough(positive_key: str) -> bool:
    """Whether ``no <positive_key>`` is met by the object being absent (see _ABSENCE_IS_ENOUGH)."""
    return bool(_ABSENCE_IS_ENOUGH.match(positive_key))


def vlans_shown(running_top_keys: Iterable[str]) -> bool:
    """Whether this running config shows ``vlan`` blocks: only in VTP transparent or off mode. In VTP server mode
    (the factory default) VLANs live in vlan.dat: ios150_c3560_cheesy_arena.txt uses VLANs 10-100 and has no
    'vlan N' block; 'show vtp status' says the mode (ios_show_vtp_status_ntc.txt)."""
    return any(_VTP_SHOWS_VLANS.match(key) for key in running_top_keys)


# ---------------------------------------------------------------------------------------------------------------
# Lines checked with another command


def parse_show_snmp_user(output: str) -> list[dict[str, str]]:
    """``show snmp user`` as one dict per user (keys: user, group, auth, priv, acl), from the layout of
    ios_show_snmp_user_ntc.txt and xe_show_snmp_user_genie.txt."""
    users: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for raw in output.splitlines():
        line = raw.strip()
        m = re.match(r"^User name:\s*(\S+)", line)
        if m:
            current = {"user": m.group(1)}
            users.append(current)
            continue
        if current is None:
            continue
        for label, key in (
            ("Authentication Protocol", "auth"),
            ("Privacy Protocol", "priv"),
            ("Group-name", "group"),
        ):
            m = re.match(rf"^{label}:\s*(\S+)", line)
            if m:
                current[key] = m.group(1)
        m = re.search(r"access-list:\s*(\S+)", line)
        if m:
            current["acl"] = m.group(1)
    return users


def parse_show_vlan_brief(output: str) -> dict[int, str]:
    """``show vlan brief`` (or the first table of ``show vlan``) as {vlan id: name}; wrapped port lines (starting
    with blanks) are skipped: ios_show_vlan_brief_napalm.txt, ios_show_vlan_genie.txt."""
    vlans: dict[int, str] = {}
    for raw in output.splitlines():
        if not raw.strip():
            if vlans:
                break  # the second table of 'show vlan' follows a blank line
            continue
        m = re.match(r"^(\d{1,4})\s+(\S+)\s+(active|suspended|act/\S+|sus/\S+)", raw)
        if m:
            vlans[int(m.group(1))] = m.group(2)
    return vlans


# 'show snmp user' names the protocols in upper case: SHA, MD5, AES128, AES256, 3DES, DES (the real samples).
# SHA-256 for 'auth sha-2 256' (IOS-XE) is assumed: no public sample of it found.
_AUTH_SHOWN = {"md5": "MD5", "sha": "SHA", "sha-2 256": "SHA-256"}


def snmp_user_expectation(line: str) -> dict[str, str] | None:
    """What ``show snmp user`` must list for an ``snmp-server user`` line (user, group, auth, priv), or None."""
    m = re.match(
        r"^snmp-server user (?P<user>\S+) (?P<group>\S+) v3"
        r"(?: auth (?P<auth>md5|sha-2 256|sha) \S+)?(?: priv (?P<priv>des|3des|aes(?: \d+)?) \S+)?",
        " ".join(line.split()),
    )
    if not m:
        return None
    want = {"user": m.group("user"), "group": m.group("group")}
    if m.group("auth"):
        want["auth"] = _AUTH_SHOWN[m.group("auth")]
    priv = m.group("priv")
    if priv:
        want["priv"] = priv.upper().replace(" ", "") if priv.startswith("aes") else priv.upper()
    return want


def snmp_user_check(lines: Sequence[str]) -> ExtraCheck:
    """An ExtraCheck of ``snmp-server user`` lines against ``show snmp user``."""

    def check(output: str) -> list[str]:
        users = parse_show_snmp_user(output)
        missing: list[str] = []
        for line in lines:
            want = snmp_user_expectation(line)
            found = want is not None and any(all(u.get(k) == v for k, v in want.items()) for u in users)
            if not found:
                missing.append(line)
        return missing

    return ExtraCheck("show snmp user", tuple(lines), check)


def vlan_check(lines: Sequence[str]) -> ExtraCheck:
    """An ExtraCheck of ``vlan N`` / ``vlan N > name X`` lines against ``show vlan brief``."""

    def check(output: str) -> list[str]:
        vlans = parse_show_vlan_brief(output)
        missing: list[str] = []
        for line in lines:
            m = re.match(r"^vlan (\d+)(?: > name (\S+))?$", line)
            if not m or int(m.group(1)) not in vlans or (m.group(2) and vlans[int(m.group(1))] != m.group(2)):
                missing.append(line)
        return missing

    return ExtraCheck("show vlan brief", tuple(lines), check)


# ---------------------------------------------------------------------------------------------------------------
# Other platforms


def generic_key(text: str) -> str:
    """Blank- and quote-insensitive form of a line (ArubaOS quotes profile names on its own)."""
    return " ".join(text.replace('"', "").split())


def walk(node: Node, depth: int = 0) -> Iterator[tuple[int, Node]]:
    """(depth, node) for every line below ``node``, depth first."""
    for child in node.children:
        yield depth, child
        yield from walk(child, depth + 1)
