"""Cisco IOS (Catalyst access switch, IOS 15.2) for netmiko ``cisco_ios``.

Prompts ``SW1>`` (user exec), ``SW1#`` (privileged), ``SW1(config)#`` and sub-modes (``config-if``,
``config-if-range``, ``config-line``, ``config-vlan``, ``config-std-nacl``, ``config-archive``, ``config-wlan`` ...).
Errors as IOS prints them: ``% Invalid input detected at '^' marker.`` under a caret line, ``% Incomplete
command.``, and ``% Unknown command or computer name, or unable to find computer address`` for a lone unknown
word at exec level. The archive "Rollback Confirmed Change" feature (``configure terminal revert timer N``,
``configure confirm``, ``configure revert now|timer N``) is kept on the device, so the timer survives a dropped
session. ``%Turn config archive on before using Rollback Confirmed Change`` when no ``archive`` / ``path`` is set.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from devices.emulators.server import ConfigNode, ConfigTree, Platform, Shell, caret_error, word_column

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."
UNKNOWN_EXEC = "% Unknown command or computer name, or unable to find computer address"
NO_ROLLBACK = "%No Rollback Confirmed Change pending"
ARCHIVE_OFF = "%Turn config archive on before using Rollback Confirmed Change"
CONFIG_BANNER = "Enter configuration commands, one per line.  End with CNTL/Z."

#: Global configuration lines that open a sub-mode, and the sub-mode's prompt name.
SECTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), mode)
    for p, mode in [
        (r"^interface range \S", "config-if-range"),
        (r"^interface \S+$", "config-if"),
        (r"^line (con|vty|aux) \d+( \d+)?$", "config-line"),
        (r"^vlan \d+$", "config-vlan"),
        (r"^ip access-list standard \S+$", "config-std-nacl"),
        (r"^ip access-list extended \S+$", "config-ext-nacl"),
        (r"^ipv6 access-list \S+$", "config-ipv6-acl"),
        (r"^router \S+", "config-router"),
        (r"^archive$", "config-archive"),
        (r"^radius server \S+$", "config-radius-server"),
        (r"^aaa group server radius \S+$", "config-sg-radius"),
        (r"^wlan \S+ \d+ \S+$", "config-wlan"),
        (r"^wireless profile policy \S+$", "config-wireless-policy"),
        (r"^wireless tag policy \S+$", "config-policy-tag"),
        (r"^parameter-map type webauth \S+$", "config-params-parameter-map"),
        (r"^urlfilter list \S+$", "config-urlfilter-params"),
        (r"^ip dhcp pool \S+$", "dhcp-config"),
        (r"^spanning-tree mst configuration$", "config-mst"),
        (r"^class-map ", "config-cmap"),
        (r"^policy-map ", "config-pmap"),
        (r"^key chain \S+$", "config-keychain"),
        (r"^crypto pki trustpoint \S+$", "ca-trustpoint"),
    ]
]
#: Sub-sub-modes: (parent mode, line, mode).
SUBSECTIONS: list[tuple[str, re.Pattern[str], str]] = [
    ("config-archive", re.compile(r"^log config$"), "config-archive-log-cfg"),
    ("config-pmap", re.compile(r"^class \S+$"), "config-pmap-c"),
    ("config-keychain", re.compile(r"^key \d+$"), "config-keychain-key"),
]

#: First words IOS accepts in global configuration (a line starting otherwise is invalid).
GLOBAL_WORDS = frozenset(
    [
        "aaa",
        "access-list",
        "alias",
        "archive",
        "banner",
        "boot",
        "bridge",
        "call-home",
        "cdp",
        "class-map",
        "clock",
        "crypto",
        "default",
        "device-tracking",
        "dot1x",
        "enable",
        "errdisable",
        "event",
        "exception",
        "file",
        "hostname",
        "interface",
        "ip",
        "ipv6",
        "key",
        "l2",
        "lldp",
        "line",
        "logging",
        "login",
        "mac",
        "monitor",
        "mls",
        "ntp",
        "parameter-map",
        "policy-map",
        "port-channel",
        "power",
        "privilege",
        "radius",
        "radius-server",
        "router",
        "service",
        "snmp",
        "snmp-server",
        "spanning-tree",
        "storm-control",
        "switch",
        "system",
        "tacacs",
        "tacacs-server",
        "track",
        "udld",
        "urlfilter",
        "username",
        "version",
        "vlan",
        "vtp",
        "wireless",
        "wlan",
    ]
)
#: Lines that only exist at global level: typed in a sub-mode, they leave it (IOS tries the parent mode).
GLOBAL_ONLY = re.compile(
    r"^(no )?(hostname|username|enable|service|aaa(?!-)|snmp-server|ntp|clock|banner|logging|archive|boot|errdisable|"
    r"vtp|crypto|radius-server|line|login|access-list|version|ip (domain|ssh|http|default-gateway|route|name-server|"
    r"routing|bootp|source-route|dhcp snooping( vlan| information|$)|access-list|dhcp pool|scp|ftp|tftp|forward)|"
    r"spanning-tree (mode|extend|portfast (default|bpduguard default)|vlan|mst configuration)|interface|vlan \d)"
)
#: Settings whose lines replace each other (the key is the regex match).
EXCLUSIVE = re.compile(
    r"^(hostname|ip domain[- ]name|ip default-gateway|enable (secret|password)|ip ssh version|ip ssh time-out|"
    r"ip ssh authentication-retries|clock timezone|logging buffered|logging trap|spanning-tree mode|"
    r"banner (motd|login|exec)|description|switchport mode|switchport access vlan|switchport trunk native vlan|"
    r"switchport voice vlan|exec-timeout|ip address|name|speed|duplex|errdisable recovery interval|username \S+|"
    r"snmp-server location|snmp-server contact|ip dhcp snooping limit rate|login block-for|"
    r"switchport port-security maximum|switchport port-security violation|switchport port-security aging time|"
    r"switchport port-security aging type|access-class \S+ (?=in|out)|transport input|"
    r"storm-control (broadcast|multicast|unicast) level|storm-control action|path|maximum|"
    r"ip ssh source-interface|snmp-server user \S+|key)\b"
)
#: ``no X`` lines IOS shows in the running configuration (defaults that are on).
SHOWN_NEGATIONS = re.compile(
    r"^(ip http server|ip http secure-server|service pad|ip domain[- ]lookup|ip bootp server|cdp run|"
    r"ip source-route|service password-encryption|ip routing|lldp run|service config|aaa new-model|ip address|"
    r"switchport|ip dhcp snooping information option|ip gratuitous-arps|logging console|keepalive)$"
)
#: Catalyst 9800 blocks whose enabled state shows as ``no shutdown``.
WIRELESS_BLOCK = re.compile(r"^(wlan \S+ \d+ \S+|wireless profile policy \S+)$")
#: 9800 WLAN settings that are on by default: never shown while on, ``no X`` shown when off (genieparser's 9800 WLAN
#: section test output: "no security ft adaptive", "no security wpa akm dot1x", "no broadcast-ssid" ... where off,
#: nothing where on). ``bss-transition`` is on by default too (shared/VENDORS.md 3.2).
WLAN_DEFAULTS = frozenset(
    {
        "broadcast-ssid",
        "security wpa",
        "security wpa wpa2",
        "security wpa wpa2 ciphers aes",
        "security wpa akm dot1x",
        "security ft adaptive",
        "bss-transition",
    }
)
#: 9800 WLAN settings off by default: shown only while on (public 9800 configurations show "security ft" where FT
#: is on, nothing where it is off).
WLAN_OFF_DEFAULTS = frozenset({"security ft", "security wpa akm ft dot1x"})
VOLATILE = re.compile(
    r"^(Building configuration\.\.\.|Current configuration : \d+ bytes|Using \d+ out of \d+ bytes|"
    r"! Last configuration change at .*|! NVRAM config last updated at .*|! No configuration change since .*|"
    r"ntp clock-period .*)$"
)
INTERFACE_NAMES = {
    "gi": "GigabitEthernet",
    "te": "TenGigabitEthernet",
    "fa": "FastEthernet",
    "po": "Port-channel",
    "vl": "Vlan",
    "lo": "Loopback",
    "tw": "TwoGigabitEthernet",
}


def ios_time(ts: float) -> str:
    """A timestamp as IOS prints it: ``10:21:33 UTC Mon Mar 4 2024``."""
    t = datetime.fromtimestamp(ts, UTC)
    return f"{t:%H:%M:%S} UTC {t:%a %b} {t.day} {t.year}"


def fake_hash(secret: str) -> str:
    """A stable stand-in for an IOS type-9 hash (the emulator never shows a secret in clear)."""
    return "$9$" + hashlib.sha256(secret.encode()).hexdigest()[:40]


def interface_name(name: str) -> str:
    """``gi1/0/1`` -> ``GigabitEthernet1/0/1`` (IOS expands abbreviations in what it stores)."""
    m = re.match(r"^([A-Za-z-]+)\s*([\d/.:]+)$", name)
    if not m:
        return name
    word, number = m.groups()
    for short, full in INTERFACE_NAMES.items():
        if full.lower().startswith(word.lower()) and word.lower().startswith(short):
            return full + number
    return word + number


def interface_range(spec: str) -> list[str]:
    """``GigabitEthernet1/0/1 - 4 , gi1/0/10`` -> the interfaces it names."""
    names: list[str] = []
    for part in spec.split(","):
        m = re.match(r"^\s*([A-Za-z-]+\s*[\d/]*?)(\d+)\s*(?:-\s*(\d+))?\s*$", part)
        if not m:
            raise ValueError(part)
        prefix, first, last = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        names.extend(interface_name(f"{prefix}{n}") for n in range(first, last + 1))
    return names


def _word_matches(typed: str, word: str) -> bool:
    return word.startswith(typed.lower()) and len(typed) >= min(2, len(word))


def command(line: str, *spec: str) -> bool:
    """Whether ``line`` is the command ``spec`` (words, each possibly abbreviated as IOS allows)."""
    words = line.split()
    return len(words) == len(spec) and all(_word_matches(w, s) for w, s in zip(words, spec, strict=True))


def starts_with(line: str, *spec: str) -> bool:
    """Whether ``line`` begins with the (possibly abbreviated) words of ``spec``."""
    words = line.split()
    return len(words) >= len(spec) and all(_word_matches(w, s) for w, s in zip(words, spec, strict=False))


class CiscoIos(Platform):
    """The device: running/startup configuration, timestamps and the archive rollback timer."""

    device_type = "cisco_ios"
    default_hostname = "SW1"
    error_pattern = r"% Invalid input|% Incomplete command|% Ambiguous command|% Unknown command|% Bad |% Error"

    def __init__(self, device: object) -> None:
        self.booted = time.time()
        self.changed_at = self.booted
        self.changed_by = "console"
        self.saved_at = self.booted - 3600
        self.saved_by = "admin"
        self.rollback_point: ConfigTree | None = None
        self.rollback_file = ""
        self.revert_minutes = 0
        self.revert_set_at = 0.0
        self.revert_user = ""
        self.revert_handle: object | None = None
        self.archive_count = 0
        super().__init__(device)  # type: ignore[arg-type]
        self.startup_text = self.render_config(startup=True)

    # -- configuration ------------------------------------------------------------------------------------------

    def initial_config(self) -> ConfigTree:
        """A Catalyst 2960-X with 48 ports, management on Vlan1, SSH and the archive configured."""
        dev = self.device
        enable = f"enable secret 9 {fake_hash(dev.enable_secret)}\n!\n" if dev.enable_secret else ""
        ports = "".join(f"interface GigabitEthernet1/0/{n}\n!\n" for n in range(1, 49))
        text = f"""version 15.2
no service pad
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname {self.device.hostname}
!
boot-start-marker
boot-end-marker
!
{enable}username {dev.username} privilege 15 secret 9 {fake_hash(dev.password)}
no aaa new-model
switch 1 provision ws-c2960x-48fpd-l
!
no ip domain-lookup
ip domain-name school.example.edu.tw
!
archive
 path flash:archive
 maximum 10
!
spanning-tree mode rapid-pvst
spanning-tree extend system-id
!
vlan internal allocation policy ascending
!
interface FastEthernet0
 no ip address
 shutdown
!
{ports}interface Vlan1
 ip address 10.0.99.11 255.255.255.0
!
ip default-gateway 10.0.99.1
ip http server
ip http secure-server
!
line con 0
line vty 0 4
 login local
 transport input ssh
line vty 5 15
 login local
 transport input ssh
!
end
"""
        return self.parse_config(text)

    def parse_config(self, text: str) -> ConfigTree:
        """A tree from IOS configuration text; multi-line ``banner x ^C ... ^C`` blocks become one line."""
        lines: list[str] = []
        banner: list[str] | None = None
        for raw in text.replace("\r\n", "\n").split("\n"):
            if banner is not None:
                banner.append(raw)
                if "^C" in raw or "\x03" in raw:
                    lines.append("\n".join(banner))
                    banner = None
                continue
            if not raw.strip() or VOLATILE.match(raw) or raw.strip() == "end" or raw.lstrip().startswith("!"):
                continue
            m = re.match(r"^banner \S+ (\^C|\x03)(.*)$", raw)
            if m and "^C" not in m.group(2) and "\x03" not in m.group(2):
                banner = [raw]
                continue
            lines.append(raw)
        tree = ConfigTree()
        stack: list[tuple[int, list[ConfigNode]]] = [(-1, tree.nodes)]
        for raw in lines:
            indent = len(raw) - len(raw.lstrip(" "))
            while len(stack) > 1 and indent <= stack[-1][0]:
                stack.pop()
            node = ConfigNode(raw.strip() if "\n" not in raw else raw)
            stack[-1][1].append(node)
            stack.append((indent, node.children))
        return tree

    def set_running(self, tree: ConfigTree) -> None:
        """Replace the running configuration; the prompt follows its ``hostname``."""
        self.running = tree
        self.config_changed()

    def config_changed(self) -> None:
        """Keep the hostname and the "Last configuration change" stamp up to date."""
        self.changed_at = time.time()
        self.changed_by = self.device.username
        host = next((n.text.split(None, 1)[1] for n in self.running.nodes if n.text.startswith("hostname ")), None)
        self.hostname = host or "Switch"

    def apply(self, path: Sequence[str], line: str) -> None:
        """Apply one line; a Catalyst 9800 WLAN or policy profile shows its state as `` shutdown`` or `` no
        shutdown`` (public 9800 running configurations, and genieparser's 9800 WLAN test output, show `` no
        shutdown`` in every enabled WLAN), and a WLAN's default-on settings only when off (:data:`WLAN_DEFAULTS`)."""
        setting = line[3:] if line.startswith("no ") else line
        shown_state = line in ("shutdown", "no shutdown")
        wlan = bool(path) and path[0].startswith("wlan ")
        default = wlan and setting in WLAN_DEFAULTS | WLAN_OFF_DEFAULTS
        if path and WIRELESS_BLOCK.match(path[0]) and (shown_state or default):
            nodes = self.running.section(path)
            assert nodes is not None
            nodes[:] = [n for n in nodes if n.text not in (setting, f"no {setting}")]
            off = line.startswith("no ")
            if shown_state or (off if setting in WLAN_DEFAULTS else not off):  # shown only when not the default
                nodes.append(ConfigNode(line))
            self.config_changed()
            return
        super().apply(path, line)

    def exclusive_key(self, line: str) -> str | None:
        """The setting of a line that replaces earlier lines for it (``hostname``, ``description`` ...)."""
        m = EXCLUSIVE.match(line)
        return m.group(0) if m else None

    def keep_negation(self, target: str) -> bool:
        """IOS shows ``no ip http server`` and the like, not ``no <anything>``."""
        return bool(SHOWN_NEGATIONS.match(target))

    def render_config(self, *, startup: bool = False) -> str:
        """The configuration body from ``!`` to ``end``, with the volatile comment lines."""
        tree = self.startup if startup else self.running
        out = ["!"]
        out.append(f"! Last configuration change at {ios_time(self.changed_at)} by {self.changed_by}")
        out.append(f"! NVRAM config last updated at {ios_time(self.saved_at)} by {self.saved_by}")
        out.append("!")
        previous_block = False
        for node in tree.nodes:
            block = bool(node.children) or any(p.match(node.text) for p, _ in SECTIONS)
            if block and not previous_block and out[-1] != "!":
                out.append("!")
            out.append(node.text)
            out.extend(" " * depth + n.text for depth, n in _walk(node.children, 1))
            if block:
                out.append("!")
            previous_block = block
        if out[-1] != "!":
            out.append("!")
        out.append("end")
        return "\n".join(out) + "\n"

    def render_running(self) -> str:
        """``show running-config`` output."""
        body = self.render_config()
        return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}"

    def render_startup(self) -> str:
        """``show startup-config`` output."""
        return f"Using {len(self.startup_text)} out of 524288 bytes\n{self.startup_text}"

    def save(self) -> None:
        """``write memory``: startup = running, and the NVRAM stamp moves."""
        super().save()
        self.saved_at = time.time()
        self.saved_by = self.device.username
        self.startup_text = self.render_config(startup=True)

    def normalized(self, text: str) -> str:
        """The configuration without the header lines and volatile comments."""
        kept = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip() and not VOLATILE.match(ln.strip())]
        return "\n".join(ln.rstrip() for ln in kept) + "\n"

    def reload(self) -> None:
        """A reboot: timers dropped, running = startup."""
        super().reload()
        self.booted = time.time()

    # -- archive: Rollback Confirmed Change ---------------------------------------------------------------------

    def archive_path(self) -> str | None:
        """The ``path`` of the ``archive`` block, or None when the archive is off."""
        node = self.running.find(["archive"])
        if node is None:
            return None
        return next((c.text.split(None, 1)[1] for c in node.children if c.text.startswith("path ")), None)

    def start_revert(self, minutes: int, user: str) -> str:
        """``configure terminal revert timer N``: save a rollback point (unless one is pending) and arm the timer."""
        path = self.archive_path()
        if path is None:
            return ARCHIVE_OFF + "\n"
        out = ""
        if self.rollback_point is None:
            self.rollback_point = self.running.copy()
            t = datetime.now(UTC)
            self.rollback_file = f"{path}-{t:%b-%d-%H-%M-%S}.{t.microsecond // 1000}-{self.archive_count}"
            self.archive_count += 1
            out = f"Rollback Confirmed Change: Backing up current running config to {self.rollback_file}\n\n"
        self.arm_timer(minutes, user)
        return out

    def arm_timer(self, minutes: int, user: str) -> None:
        """(Re)start the revert timer."""
        self.cancel_timers()
        self.revert_minutes = minutes
        self.revert_set_at = time.time()
        self.revert_user = user
        self.revert_handle = self.device.call_later(minutes * self.device.revert_seconds_per_minute, self.expire)

    def expire(self) -> None:
        """The timer ran out without ``configure confirm``: back to the rollback point."""
        self.revert_handle = None
        self.log("%ARCHIVE_DIFF-5-ROLLBK_CNFRM_TIMER_EXPIRED: Confirmed change timer has expired")
        self.revert_now()

    def revert_now(self) -> str:
        """``configure revert now`` (or the timer): the running configuration returns to the rollback point."""
        if self.rollback_point is None:
            return NO_ROLLBACK + "\n"
        self.cancel_timers()
        point, self.rollback_point = self.rollback_point, None
        self.log(f"Rollback Confirmed Change: Rolling to:{self.rollback_file}")
        self.set_running(point)
        self.log("%ARCHIVE_DIFF-5-ROLLBK_CNFRM_REVERT: Rollback Confirmed Change: config reverted")
        return f"Rollback Confirmed Change: Rolling to:{self.rollback_file}\n"

    def confirm(self) -> str:
        """``configure confirm``: keep the change, drop the rollback point."""
        if self.rollback_point is None:
            return NO_ROLLBACK + "\n"
        self.cancel_timers()
        self.rollback_point = None
        return ""

    def revert_timer_text(self) -> str:
        """``show archive config rollback timer``."""
        if self.rollback_point is None:
            return NO_ROLLBACK + "\n"
        return (
            f"Time configured(or reset)  : {ios_time(self.revert_set_at)}\n"
            f"Timer type: revert timer\nTimer value: {self.revert_minutes} min\nUser: {self.revert_user}\n"
        )

    def cancel_timers(self) -> None:
        """Cancel the revert timer (the rollback point stays until confirmed or reverted)."""
        handle, self.revert_handle = self.revert_handle, None
        if handle is not None:
            handle.cancel()  # type: ignore[attr-defined]

    def new_shell(self) -> IosShell:
        """A vty session."""
        return IosShell(self)


def _walk(nodes: list[ConfigNode], depth: int) -> list[tuple[int, ConfigNode]]:
    out: list[tuple[int, ConfigNode]] = []
    for node in nodes:
        out.append((depth, node))
        out.extend(_walk(node.children, depth + 1))
    return out


class IosShell(Shell):
    """One vty session: user/privileged exec, global configuration and its sub-modes."""

    platform: CiscoIos

    def __init__(self, platform: CiscoIos) -> None:
        super().__init__(platform)
        self.level = "priv" if self.device.privileged else "user"
        self.path: list[str] = []  # sub-mode blocks, e.g. ["interface Vlan1"]
        self.modes: list[str] = []  # their prompt names, e.g. ["config-if"]
        self.range: list[str] = []  # interfaces of "interface range"
        self.pending: Callable[[str], str] | None = None
        self.tries = 0
        self.banner: tuple[str, str, list[str]] | None = None  # (head, delimiter, lines so far)

    # -- prompts ------------------------------------------------------------------------------------------------

    def prompt(self) -> str:
        """``SW1>``, ``SW1#``, ``SW1(config)#``, ``SW1(config-if)#`` ..."""
        host = self.platform.hostname
        if self.level == "user":
            return f"{host}>"
        if self.level == "priv":
            return f"{host}#"
        mode = self.modes[-1] if self.modes else "config"
        return f"{host[:20]}({mode})#"

    def error(self, line: str, word: int, message: str = INVALID) -> str:
        """The caret error under word number ``word`` of ``line`` (as typed after the prompt)."""
        return caret_error(len(self.prompt()) + word_column(line, word), message)

    # -- input --------------------------------------------------------------------------------------------------

    def feed(self, line: str) -> str:
        """Answer one line."""
        if self.pending is not None:
            handler, self.pending = self.pending, None
            return handler(line)
        if self.banner is not None:
            return self.banner_line(line)
        text = line.strip()
        if not text:
            return self.prompt()
        if self.rejected(text):
            return self.error(line, len(text.split()) - 1) + self.prompt()
        if self.level == "config":
            return self.config_line(line, text)
        return self.exec_line(line, text)

    def ctrl_z(self) -> str:
        """Ctrl-Z leaves configuration mode."""
        if self.level == "config":
            self.end_config()
        return self.prompt()

    def end_config(self) -> None:
        """Back to privileged exec."""
        self.level = "priv"
        self.path, self.modes, self.range = [], [], []

    # -- exec ---------------------------------------------------------------------------------------------------

    def exec_line(self, line: str, text: str) -> str:
        """A line at ``>`` or ``#``."""
        out = self.exec_command(line, text)
        return out if self.closed else out + self.prompt()

    def exec_command(self, line: str, text: str, *, from_config: bool = False) -> str:
        """Output of an exec command (also for ``do ...`` in configuration mode)."""
        p = self.platform
        priv = self.level != "user"
        base = text.split("|")[0].strip()
        if command(base, "enable"):
            return self.enable() if not priv else ""
        if command(base, "disable"):
            self.level = "user"
            return ""
        if command(base, "exit") or command(base, "logout") or command(base, "quit"):
            self.closed = True
            return ""
        if starts_with(base, "terminal") and len(base.split()) >= 2:
            return ""
        if starts_with(base, "show"):
            return self.show(line, text, priv)
        if not priv:
            return self.unknown(line, text)
        if command(base, "configure", "terminal") or command(base, "configure"):
            self.level, self.path, self.modes = "config", [], []
            return CONFIG_BANNER + "\n"
        m = re.match(r"^conf\w* +t\w* +revert +timer +(\d+)$", base)
        if m:
            out = p.start_revert(int(m.group(1)), self.device.username)
            if out.startswith("%"):
                return out
            self.level, self.path, self.modes = "config", [], []
            return out + CONFIG_BANNER + "\n"
        if command(base, "configure", "confirm"):
            return p.confirm()
        if command(base, "configure", "revert", "now"):
            return p.revert_now()
        m = re.match(r"^conf\w* +revert +timer +(\d+)$", base)
        if m:
            if p.rollback_point is None:
                return NO_ROLLBACK + "\n"
            p.arm_timer(int(m.group(1)), self.device.username)
            return ""
        if command(base, "write", "memory") or command(base, "write"):
            p.save()
            return "Building configuration...\n[OK]\n"
        if command(base, "copy", "running-config", "startup-config"):
            self.pending = self.copy_destination
            return "Destination filename [startup-config]? "
        if command(base, "reload"):
            return "% Reload is not available on the emulator\n"
        return self.unknown(line, text)

    def unknown(self, line: str, text: str) -> str:
        """A lone unknown word is taken for a host to telnet to; anything else is invalid input."""
        if len(text.split()) == 1:
            return f'Translating "{text}"\n{UNKNOWN_EXEC}\n'
        return self.error(line, 0)

    def enable(self) -> str:
        """``enable``: asks the secret when there is one (three tries, then ``% Bad secrets``)."""
        if self.device.enable_secret is None:
            self.level = "priv"
            return ""
        self.tries = 0
        self.echo = False
        self.pending = self.enable_password
        return "Password: "

    def enable_password(self, line: str) -> str:
        """The answer to ``Password:`` after ``enable``."""
        if line == self.device.enable_secret:
            self.echo = True
            self.level = "priv"
            return self.prompt()
        self.tries += 1
        if self.tries >= 3:
            self.echo = True
            return "% Bad secrets\n\n" + self.prompt()
        self.pending = self.enable_password
        return "Password: "

    def copy_destination(self, line: str) -> str:
        """The answer to ``Destination filename [startup-config]?``."""
        if line.strip() not in ("", "startup-config"):
            return "%Error opening flash:" + line.strip() + " (Permission denied)\n" + self.prompt()
        self.platform.save()
        return "Building configuration...\n[OK]\n" + self.prompt()

    def show(self, line: str, text: str, priv: bool) -> str:
        """``show ...`` commands, with ``| include`` / ``| section`` / ``| begin`` filters."""
        p = self.platform
        base, _, pipe = text.partition("|")
        words = base.split()
        if len(words) < 2:
            return INCOMPLETE + "\n"
        if command(base, "show", "running-config") or command(base, "show", "startup-config"):
            if not priv:
                return self.error(line, 1)
            out = p.render_running() if words[1].startswith("r") else p.render_startup()
        elif command(base, "show", "version"):
            out = self.version()
        elif command(base, "show", "clock"):
            out = "*" + datetime.now(UTC).strftime("%H:%M:%S.%f")[:12] + " UTC " + ios_time(time.time())[13:] + "\n"
        elif command(base, "show", "archive", "config", "rollback", "timer"):
            out = p.revert_timer_text()
        elif command(base, "show", "privilege"):
            out = f"Current privilege level is {15 if priv else 1}\n"
        else:
            return self.error(line, 1)
        return filtered(out, pipe.strip())

    def version(self) -> str:
        """``show version`` of a Catalyst 2960-X."""
        up = int(time.time() - self.platform.booted)
        days, rest = divmod(up, 86400)
        hours, minutes = rest // 3600, rest % 3600 // 60
        return f"""Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E9, RELEASE SOFTWARE (fc2)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2023 by Cisco Systems, Inc.
Compiled Thu 23-Mar-23 03:33 by prod_rel_team

ROM: Bootstrap program is C2960X boot loader
BOOTLDR: C2960X Boot Loader (C2960X-HBOOT-M) Version 15.2(7r)E, RELEASE SOFTWARE (fc1)

{self.platform.hostname} uptime is {days} days, {hours} hours, {minutes} minutes
System returned to ROM by power-on
System image file is "flash:c2960x-universalk9-mz.152-7.E9.bin"
Last reload reason: power-on

cisco WS-C2960X-48FPD-L (APM86XXX) processor (revision D0) with 524288K bytes of memory.
Processor board ID FOC2011X0AB
Last reset from power-on
1 Virtual Ethernet interface
1 FastEthernet interface
52 Gigabit Ethernet interfaces
The password-recovery mechanism is enabled.

512K bytes of flash-simulated non-volatile configuration memory.
Base ethernet MAC Address       : 70:DB:98:00:11:22
Model revision number           : D0
Model number                    : WS-C2960X-48FPD-L
System serial number            : FOC2011X0AB

Switch Ports Model                     SW Version            SW Image
------ ----- -----                     ----------            ----------
*    1 52    WS-C2960X-48FPD-L         15.2(7)E9             C2960X-UNIVERSALK9-M


Configuration register is 0xF

"""

    # -- configuration mode -------------------------------------------------------------------------------------

    def config_line(self, line: str, text: str) -> str:
        """A line in global configuration or a sub-mode."""
        words = text.split()
        if text == "end":
            self.end_config()
            return self.prompt()
        if text == "exit":
            if self.modes:
                self.modes.pop()
                self.path = self.path[: len(self.modes)]
                if not self.modes:
                    self.range = []
            else:
                self.end_config()
            return self.prompt()
        if words[0] == "do" and len(words) > 1:
            rest = text[2:].strip()
            return self.exec_command(line, rest, from_config=True) + self.prompt()
        if words[0] == "banner" and not self.modes:
            return self.start_banner(line, text)
        out = self.apply(line, text)
        return out + self.prompt()

    def apply(self, line: str, text: str) -> str:
        """Apply one configuration line where IOS would: the sub-mode, a new block, or global level."""
        p = self.platform
        words = text.split()
        if words[0] == "int":
            text = "interface " + " ".join(words[1:])
            words = text.split()
        if words[0] == "interface" and len(words) >= 2 and words[1] != "range":
            text = "interface " + interface_name("".join(words[1:]))
        # a sub-sub-mode opener inside its parent
        for parent, pattern, mode in SUBSECTIONS:
            if self.modes and self.modes[-1] == parent and pattern.match(text):
                self.path = [*self.path[: len(self.modes)], text]
                self.modes.append(mode)
                p.running.section(self.path)
                p.config_changed()
                return ""
        if self.modes and (not GLOBAL_ONLY.match(text) or self.in_mode(text)):
            return self.apply_in_mode(line, text)
        # global level (leaving any sub-mode, as IOS does for a global command)
        self.path, self.modes, self.range = [], [], []
        target = text[3:] if text.startswith("no ") else text
        head = target.split()[0] if target.split() else ""
        if head not in GLOBAL_WORDS:
            return self.error(line, 0 if not text.startswith("no ") else 1)
        if len(target.split()) == 1 and head in ("hostname", "interface", "username", "vlan", "ip", "snmp-server"):
            return INCOMPLETE + "\n"
        if not text.startswith("no "):
            for pattern, mode in SECTIONS:
                if pattern.match(text):
                    return self.enter_section(line, text, mode)
        p.apply([], text)
        return ""

    def in_mode(self, text: str) -> bool:
        """A line the current sub-mode has although it looks global: a 9800 policy profile's ``vlan N``."""
        return self.modes[-1] == "config-wireless-policy" and re.match(r"^vlan \S+$", text) is not None

    def enter_section(self, line: str, text: str, mode: str) -> str:
        """Open a block: ``interface X`` -> ``(config-if)``; ``interface range`` applies to each interface."""
        p = self.platform
        if mode == "config-if-range":
            try:
                self.range = [f"interface {n}" for n in interface_range(text.split(None, 2)[2])]
            except ValueError:
                return self.error(line, 2)
            for name in self.range:
                p.running.section([name])
            self.path, self.modes = [], [mode]
            return ""
        self.path, self.modes = [text], [mode]
        p.running.section(self.path)
        p.config_changed()
        return ""

    def apply_in_mode(self, line: str, text: str) -> str:
        """A line inside the current block."""
        p = self.platform
        if not re.match(r"^[a-z0-9]", text):
            return self.error(line, 0)
        if self.range:
            for name in self.range:
                p.apply([name], text)
        else:
            p.apply(self.path, text)
        return ""

    def start_banner(self, line: str, text: str) -> str:
        """``banner login ^C ...``: the first character after the banner type is the delimiter, up to its next
        appearance (which may be lines later; IOS then asks for the text without prompts)."""
        m = re.match(r"^banner +(motd|login|exec|incoming|slip-ppp) +(\S)(.*)$", text)
        if not m:
            return self.error(line, 1 if len(text.split()) < 2 else 2) + self.prompt()
        kind, delim, rest = m.groups()
        if delim in rest:
            self.store_banner(kind, rest.split(delim, 1)[0])
            return self.prompt()
        self.banner = (kind, delim, [rest])
        shown = "^C" if delim == "\x03" else delim
        return f"Enter TEXT message.  End with the character '{shown}'.\n"

    def banner_line(self, line: str) -> str:
        """A line of banner text (no prompt until the delimiter comes)."""
        assert self.banner is not None
        kind, delim, lines = self.banner
        if delim in line:
            lines.append(line.split(delim, 1)[0])
            self.banner = None
            self.store_banner(kind, "\n".join(lines))
            return self.prompt()
        lines.append(line)
        return ""

    def store_banner(self, kind: str, text: str) -> None:
        """Keep the banner as IOS shows it: ``banner login ^C<text>^C``."""
        self.platform.apply([], f"banner {kind} ^C{text}^C")


def filtered(output: str, pipe: str) -> str:
    """Apply an IOS output filter (``include``, ``exclude``, ``section``, ``begin``) to ``output``."""
    if not pipe:
        return output
    kind, _, pattern = pipe.partition(" ")
    pattern = pattern.strip()
    lines = output.split("\n")
    if "include".startswith(kind) and kind:
        return "\n".join(ln for ln in lines if re.search(pattern, ln)) + "\n"
    if "exclude".startswith(kind) and kind:
        return "\n".join(ln for ln in lines if not re.search(pattern, ln)) + "\n"
    if "begin".startswith(kind) and kind:
        for i, ln in enumerate(lines):
            if re.search(pattern, ln):
                return "\n".join(lines[i:])
        return ""
    if "section".startswith(kind) and kind:
        out: list[str] = []
        keep = False
        for ln in lines:
            if not ln.startswith(" "):
                keep = bool(re.search(pattern, ln))
            if keep:
                out.append(ln)
        return "\n".join(out) + "\n"
    return output


PLATFORM = CiscoIos
