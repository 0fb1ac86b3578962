"""Cisco IOS (Catalyst access switch) for netmiko ``cisco_ios``, printing its configuration the way IOS does.

By default a Catalyst 2960-X (WS-C2960X-48FPD-L) on IOS 15.2(7)E9; ``EmulatedDevice(..., version=, model=,
archive=)`` picks another release or model (WS-C3560*/WS-C3750* are ISL-capable; a version 16.x/17.x is IOS-XE,
e.g. a Catalyst 9300). What it prints follows the real outputs under ``tests/data/real`` (each file names its
public source):

- ``line vty 0 15`` is stored per line number and printed in groups, never across the 4/5 boundary:
  ``line vty 0 4`` + ``line vty 5 15`` (ios150_c3560_cheesy_arena.txt, ios120_c2950_ciscoconfparse_sample_02.txt);
- settings at their default are not printed (``exec-timeout 10 0``, ``logging trap informational``,
  ``ip ssh time-out 120``, ``ip ssh authentication-retries 3``, ``errdisable recovery interval 300``);
- IPv6 addresses are printed in upper case (ios_router_nist_ciscoconfparse_sample_09.txt);
- ``spanning-tree portfast [trunk]`` is stored as ``spanning-tree portfast edge [trunk]`` from 15.2(2)E on, and
  without ``edge`` on IOS-XE (xe_c9k_interfaces_genie.txt);
- ``snmp-server user`` is accepted but never printed; ``show snmp user`` lists it (ios_show_snmp_user_ntc.txt);
  IOS 15 takes only ``auth md5|sha`` and refuses ``sha-2``;
- banners are printed between ``^C`` delimiters (a literal "^C" typed as delimiter leaves "C" in the text:
  ``banner login ^CC``, ios120_c2950_ciscoconfparse_sample_02.txt);
- a RADIUS ``key 0 x`` is printed as ``key x``, or as ``key 7 <type 7>`` once ``service password-encryption`` is on
  (xe_radius_server_genie.txt; ``password 7`` lines in sample_02);
- VTP server mode by default: ``vlan N`` / ``name X`` go to the VLAN database, not the running config
  (ios150_c3560_cheesy_arena.txt); ``show vlan brief`` lists them (ios_show_vlan_brief_napalm.txt); after
  ``vtp mode transparent`` they are printed; ``show vtp status`` (ios_show_vtp_status_ntc.txt);
- ISL-capable models refuse ``switchport mode trunk`` before ``switchport trunk encapsulation dot1q``
  (ios150_c3560_cheesy_arena.txt types both, in that order); a 2960 has no ``switchport trunk encapsulation``.

Prompts ``SW1>`` (user exec), ``SW1#`` (privileged), ``SW1(config)#`` and sub-modes. Errors as IOS prints them:
``% Invalid input detected at '^' marker.`` under a caret line, ``% Incomplete command.``, and ``% Unknown command
or computer name, or unable to find computer address`` for a lone unknown word at exec level. The archive
"Rollback Confirmed Change" feature (``configure terminal revert timer N``, ``configure confirm``,
``configure revert now|timer N``) is kept on the device, so the timer survives a dropped session;
``%Turn config archive on before using Rollback Confirmed Change`` when no ``archive`` / ``path`` is set
(``archive=False`` starts without one, as a factory switch does).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from devices.config.normalize import parse_version, type7_encode
from devices.emulators.server import ConfigNode, ConfigTree, Platform, Shell, caret_error, word_column

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."
UNKNOWN_EXEC = "% Unknown command or computer name, or unable to find computer address"
NO_ROLLBACK = "%No Rollback Confirmed Change pending"
ARCHIVE_OFF = "%Turn config archive on before using Rollback Confirmed Change"
CONFIG_BANNER = "Enter configuration commands, one per line.  End with CNTL/Z."
#: What an ISL-capable switch answers to 'switchport mode trunk' while the encapsulation is still "negotiate".
TRUNK_AUTO = 'Command rejected: An interface whose trunk encapsulation is "Auto" can not be configured to "trunk" mode.'
VTP_TRANSPARENT = "Setting device to VTP Transparent mode for VLANS."
VTP_SERVER = "Setting device to VTP Server mode for VLANS."
VTP_CLIENT_REFUSES = "VTP VLAN configuration not allowed when device is in CLIENT mode."

DEFAULT_VERSION = "15.2(7)E9"
DEFAULT_MODEL = "WS-C2960X-48FPD-L"
#: From this IOS release on, 'spanning-tree portfast' is stored as 'spanning-tree portfast edge' ("STP PortFast Port
#: Types", Consolidated Platform Configuration Guide, Cisco IOS Release 15.2(4)E, Catalyst 2960-X).
PORTFAST_EDGE_FROM = "15.2(2)E"
#: IOS-XE release that accepts 'snmp-server user ... auth sha-2 256'. Assumed (no command reference page at hand
#: confirmed it); IOS 15 command references list only 'auth {md5 | sha}' ("snmp-server user", Cisco IOS IPv6
#: Command Reference).
SHA2_FROM = "16.10"

#: Global configuration lines that open a sub-mode, and the sub-mode's prompt name.
SECTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), mode)
    for p, mode in [
        (r"^interface range \S", "config-if-range"),
        (r"^interface \S+$", "config-if"),
        (r"^line (con|console|vty|aux) \d+( \d+)?$", "config-line"),
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
    r"vtp|crypto|radius-server|radius server|tacacs server|line|login|access-list|version|wlan|wireless|"
    r"parameter-map|urlfilter|key chain|ipv6 access-list|"
    r"ip (domain|ssh|http|default-gateway|route|name-server|"
    r"routing|bootp|source-route|dhcp snooping( vlan| information|$)|access-list|dhcp pool|scp|ftp|tftp|forward)|"
    r"spanning-tree (mode|extend|portfast (default|bpduguard default)|vlan|mst configuration)|interface|vlan \d)"
)
#: Settings whose lines replace each other (the key is the regex match).
EXCLUSIVE = re.compile(
    r"^(hostname|ip domain[- ]name|ip default-gateway|enable (secret|password)|ip ssh version|ip ssh time-out|"
    r"ip ssh authentication-retries|clock timezone|logging buffered|logging trap|spanning-tree mode|"
    r"banner (motd|login|exec)|description|switchport mode|switchport access vlan|switchport trunk native vlan|"
    r"switchport trunk allowed vlan|switchport trunk encapsulation|switchport voice vlan|exec-timeout|ip address|"
    r"name|speed|duplex|errdisable recovery interval|username \S+|"
    r"snmp-server location|snmp-server contact|ip dhcp snooping limit rate|login block-for|"
    r"switchport port-security maximum|switchport port-security violation|switchport port-security aging time|"
    r"switchport port-security aging type|access-class \S+ (?=in|out)|ipv6 access-class \S+ (?=in|out)|"
    r"transport input|storm-control (broadcast|multicast|unicast) level|storm-control action|path|maximum|"
    r"ip ssh source-interface|key|password)\b"
)
#: ``no X`` lines IOS shows in the running configuration (defaults that are on).
SHOWN_NEGATIONS = re.compile(
    r"^(ip http server|ip http secure-server|service pad|ip domain[- ]lookup|ip bootp server|cdp run|"
    r"ip source-route|service password-encryption|ip routing|lldp run|service config|aaa new-model|ip address|"
    r"switchport|ip dhcp snooping information option|ip gratuitous-arps|logging console|keepalive)$"
)
#: Features that are on by default: IOS prints only their "no" form, and turning one back on prints nothing
#: (Cisco IOS 15.2 configuration guides: "ip bootp server", "service pad", "cdp run", "ip domain-lookup",
#: "ip source-route", "ip gratuitous-arps", "logging console" and DHCP option 82 insertion are enabled by default;
#: real running configurations show "no service pad", "no ip domain-lookup" but never the positive lines).
DEFAULT_ON = frozenset(
    {
        "ip bootp server",
        "service pad",
        "cdp run",
        "ip domain-lookup",
        "ip domain lookup",
        "ip source-route",
        "ip gratuitous-arps",
        "logging console",
        "ip dhcp snooping information option",
    }
)
#: Settings IOS does not print while they have their default value (see the module notes): block kind -> lines.
HIDDEN_DEFAULTS: dict[str, frozenset[str]] = {
    "": frozenset(
        {
            "logging trap informational",
            "ip ssh time-out 120",
            "ip ssh authentication-retries 3",
            "errdisable recovery interval 300",
        }
    ),
    "line": frozenset({"exec-timeout 10 0"}),
}
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
SHORT_NAMES = {full: short.capitalize() for short, full in INTERFACE_NAMES.items()}
#: VLANs every Catalyst has (ios_show_vlan_brief_napalm.txt lists 1 and 1002-1005).
BUILTIN_VLANS = {
    1: "default",
    1002: "fddi-default",
    1003: "token-ring-default",
    1004: "fddinet-default",
    1005: "trnet-default",
}
VTY_LAST = 15
VTY_FIRST_GROUP_END = 4  # 'line vty 0 4' is printed apart from 'line vty 5 15'


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


def short_name(name: str) -> str:
    """``GigabitEthernet1/0/1`` -> ``Gi1/0/1`` (as ``show vlan brief`` lists ports)."""
    m = re.match(r"^([A-Za-z-]+)([\d/.:]+)$", name)
    if not m:
        return name
    return SHORT_NAMES.get(m.group(1), m.group(1)) + m.group(2)


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


def upper_ipv6(line: str) -> str:
    """IPv6 addresses and prefixes in a line as IOS prints them: compressed, upper case."""
    out = []
    for token in line.split(" "):
        if token.count(":") >= 2 and re.fullmatch(r"[0-9A-Fa-f:.]+(/\d{1,3})?", token):
            try:
                value = ipaddress.IPv6Interface(token) if "/" in token else ipaddress.IPv6Address(token)
                token = str(value).upper()
            except ValueError:
                pass
        out.append(token)
    return " ".join(out)


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


def port_layout(model: str) -> tuple[list[str], list[str]]:
    """(front ports, uplink module ports) of a model, as IOS names them."""
    count = 24 if re.search(r"-24", model) else 48
    upper = model.upper()
    if upper.startswith("WS-C3560"):  # a standalone model: no stack member number
        return [f"GigabitEthernet0/{n}" for n in range(1, count + 1)], [
            "TenGigabitEthernet0/1",
            "TenGigabitEthernet0/2",
        ]
    front = [f"GigabitEthernet1/0/{n}" for n in range(1, count + 1)]
    if upper.startswith(("WS-C3750", "C9300", "C9200")):
        return front, [f"TenGigabitEthernet1/1/{n}" for n in range(1, 3)]
    return front, ["TenGigabitEthernet1/0/1", "TenGigabitEthernet1/0/2"]


class CiscoIos(Platform):
    """The device: running/startup configuration, VLAN database, SNMP users, timestamps and the rollback timer."""

    device_type = "cisco_ios"
    default_hostname = "SW1"
    error_pattern = r"% Invalid input|% Incomplete command|% Ambiguous command|% Unknown command|% Bad |% Error"

    def __init__(self, device: object) -> None:
        self.version: str = getattr(device, "version", None) or DEFAULT_VERSION
        self.model: str = getattr(device, "model", None) or DEFAULT_MODEL
        self.archive_at_start: bool = getattr(device, "archive", True)
        self.booted = time.time()
        self.changed_at = self.booted
        self.changed_by = "console"
        self.saved_at = self.booted - 3600
        self.saved_by = "admin"
        self.rollback_point: tuple[ConfigTree, dict[int, str], str] | None = None
        self.rollback_file = ""
        self.revert_minutes = 0
        self.revert_set_at = 0.0
        self.revert_user = ""
        self.revert_handle: object | None = None
        self.archive_count = 0
        self.vtp_mode = "server"  # the factory default
        self.vtp_domain = ""
        self.vlans: dict[int, str] = dict(BUILTIN_VLANS)  # the VLAN database (vlan.dat)
        self.snmp_users: dict[str, dict[str, str]] = {}
        super().__init__(device)  # type: ignore[arg-type]
        self.startup_text = self.render_config(startup=True)

    # -- what this device is ------------------------------------------------------------------------------------

    @property
    def is_xe(self) -> bool:
        """IOS-XE (16.x, 17.x: Catalyst 9000) rather than classic IOS."""
        parsed = parse_version(self.version)
        return parsed is not None and parsed[0] >= 16

    @property
    def isl_capable(self) -> bool:
        """Models with ISL trunking: a trunk needs 'switchport trunk encapsulation dot1q' first."""
        return self.model.upper().startswith(("WS-C3560", "WS-C3750"))

    def at_least(self, release: str) -> bool:
        """Whether the emulated version is ``release`` or later."""
        have, want = parse_version(self.version), parse_version(release)
        return have is not None and want is not None and len(have) == len(want) and have >= want

    @property
    def portfast_edge(self) -> bool:
        """Whether 'spanning-tree portfast' is stored as 'spanning-tree portfast edge'."""
        return not self.is_xe and self.at_least(PORTFAST_EDGE_FROM)

    # -- configuration ------------------------------------------------------------------------------------------

    def initial_config(self) -> ConfigTree:
        """Factory-like: the ports, management on Vlan1, SSH on the vty lines, two trunks (a downlink and the
        uplink), and the configuration archive unless ``archive=False``."""
        dev = self.device
        enable = f"enable secret 9 {fake_hash(dev.enable_secret)}\n!\n" if dev.enable_secret else ""
        front, uplinks = port_layout(self.model)
        encapsulation = " switchport trunk encapsulation dot1q\n" if self.isl_capable else ""
        trunks = {front[-2]: "Downlink-Classroom-Bldg", front[-1]: "Uplink-Core"}
        ports = ""
        for name in front + uplinks:
            ports += f"interface {name}\n"
            if name in trunks:
                ports += f" description {trunks[name]}\n{encapsulation} switchport mode trunk\n"
            ports += "!\n"
        archive = "archive\n path flash:archive\n maximum 10\n!\n" if self.archive_at_start else ""
        provision = "" if self.is_xe else f"switch 1 provision {self.model.lower()}\n"
        major_minor = ".".join(self.version.split(".")[:2]).split("(")[0]
        text = f"""version {major_minor}
no service pad
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname {dev.hostname}
!
boot-start-marker
boot-end-marker
!
{enable}username {dev.username} privilege 15 secret 9 {fake_hash(dev.password)}
no aaa new-model
{provision}!
no ip domain-lookup
ip domain-name school.example.edu.tw
!
{archive}spanning-tree mode rapid-pvst
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
        """A tree from IOS configuration text: multi-line ``banner x ^C ... ^C`` blocks become one line, vty groups
        one node per line number, and ``vlan``/``vtp`` lines go to the VLAN database."""
        tree = text_tree(text)
        tree.nodes = self._absorb_vlans(self._split_lines(tree.nodes))
        return tree

    def _split_lines(self, nodes: list[ConfigNode]) -> list[ConfigNode]:
        """``line vty 0 4`` (and its settings) -> one node per vty number."""
        out: list[ConfigNode] = []
        for node in nodes:
            m = re.match(r"^line vty (\d+)(?: (\d+))?$", node.text)
            if not m:
                out.append(node)
                continue
            for n in range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1):
                out.append(ConfigNode(f"line vty {n}", [c.copy() for c in node.children]))
        return out

    def _absorb_vlans(self, nodes: list[ConfigNode]) -> list[ConfigNode]:
        """``vtp`` lines and ``vlan N`` blocks of a configuration text go to the VLAN database."""
        kept: list[ConfigNode] = []
        for node in nodes:
            m = re.match(r"^vlan (\d+)$", node.text)
            if m:
                name = next((c.text.split(None, 1)[1] for c in node.children if c.text.startswith("name ")), None)
                self.vlans[int(m.group(1))] = name or f"VLAN{int(m.group(1)):04d}"
            elif node.text.startswith("vtp mode "):
                self.vtp_mode = node.text.split()[2]
            elif node.text.startswith("vtp domain "):
                self.vtp_domain = node.text.split(None, 2)[2]
            else:
                kept.append(node)
        return kept

    def set_running(self, tree: ConfigTree) -> None:
        """Replace the running configuration; the prompt follows its ``hostname``."""
        self.running = tree
        self.sync_vlans()
        self.config_changed()

    def config_changed(self) -> None:
        """Keep the hostname and the "Last configuration change" stamp up to date."""
        self.changed_at = time.time()
        self.changed_by = self.device.username
        host = next((n.text.split(None, 1)[1] for n in self.running.nodes if n.text.startswith("hostname ")), None)
        self.hostname = host or "Switch"

    def exclusive_key(self, line: str) -> str | None:
        """The setting of a line that replaces earlier lines for it (``hostname``, ``description`` ...)."""
        if re.match(r"^spanning-tree portfast( edge)?( trunk)?$", line):
            return "spanning-tree portfast"
        m = EXCLUSIVE.match(line)
        return m.group(0) if m else None

    def keep_negation(self, target: str) -> bool:
        """IOS shows ``no ip http server`` and the like, not ``no <anything>``."""
        return bool(SHOWN_NEGATIONS.match(target))

    def apply(self, path: list[str] | tuple[str, ...], line: str) -> None:  # type: ignore[override]
        """Apply one line the way IOS stores it (see the module notes)."""
        if self.apply_wireless(path, line):
            return
        block = path[0] if path else ""
        line = self.stored_form(block, line)
        kind = "line" if block.startswith("line ") else block
        if not path and line in DEFAULT_ON:  # back on, as by default: the "no" line goes, nothing is printed
            self.running.nodes[:] = [n for n in self.running.nodes if n.text != f"no {line}"]
            self.config_changed()
            return
        if not line.startswith("no ") and line in HIDDEN_DEFAULTS.get(kind, frozenset()):
            line = "no " + line  # back to the default: nothing is printed
        self.running.apply(list(path), line, exclusive_key=self.exclusive_key, keep_negation=self.keep_negation)
        if line == "service password-encryption":
            self.encrypt_all()
        self.config_changed()

    def apply_wireless(self, path: Sequence[str], line: str) -> bool:
        """A Catalyst 9800 WLAN or policy profile shows its state as `` shutdown`` or `` no shutdown`` (public 9800
        running configurations, and genieparser's 9800 WLAN test output, show `` no shutdown`` in every enabled
        WLAN), and a WLAN's default-on settings only when off (:data:`WLAN_DEFAULTS`); True when handled here."""
        setting = line[3:] if line.startswith("no ") else line
        shown_state = line in ("shutdown", "no shutdown")
        wlan = bool(path) and path[0].startswith("wlan ")
        default = wlan and setting in WLAN_DEFAULTS | WLAN_OFF_DEFAULTS
        if not (path and WIRELESS_BLOCK.match(path[0]) and (shown_state or default)):
            return False
        nodes = self.running.section(path)
        assert nodes is not None
        nodes[:] = [n for n in nodes if n.text not in (setting, f"no {setting}")]
        off = line.startswith("no ")
        if shown_state or (off if setting in WLAN_DEFAULTS else not off):  # shown only when not the default
            nodes.append(ConfigNode(line))
        self.config_changed()
        return True

    def stored_form(self, block: str, line: str) -> str:
        """A line as IOS stores (and prints) it."""
        if line.startswith(("description ", "name ", "banner ")):
            return line
        line = upper_ipv6(line)
        m = re.match(r"^exec-timeout (\d+)$", line)
        if m:
            line = f"exec-timeout {m.group(1)} 0"
        m = re.match(r"^spanning-tree portfast(?: edge)?( trunk)?$", line)
        if m and block.startswith("interface "):
            line = f"spanning-tree portfast{' edge' if self.portfast_edge else ''}{m.group(1) or ''}"
        m = re.match(r"^(storm-control \S+ level) ([\d.]+)(?: ([\d.]+))?$", line)
        if m:
            line = " ".join([m.group(1), *(f"{float(x):.2f}" for x in m.groups()[1:] if x)])
        if block.startswith(("ip access-list standard ", "ip access-list extended ")):
            line = self.acl_entry(line, standard=block.startswith("ip access-list standard "))
        if block.startswith("radius server ") or block.startswith("line ") or line.startswith("username "):
            line = self.secret_form(line)
        return line

    @staticmethod
    def acl_entry(line: str, *, standard: bool) -> str:
        """``deny`` is padded to the width of ``permit``; a standard entry for one host is the bare address
        (ios124_router_ciscoconfparse_sample_01.txt)."""
        if standard:
            line = re.sub(r"^(permit|deny) host (\S+)", r"\1 \2", line)
            line = re.sub(r"^(permit|deny) (\d+\.\d+\.\d+\.\d+) 0\.0\.0\.0$", r"\1 \2", line)
        return re.sub(r"^deny ", "deny   ", line)

    def secret_form(self, line: str) -> str:
        """``key 0 x`` / ``password 0 x``: clear (``key x``), or type 7 with ``service password-encryption``."""
        m = re.match(r"^(.*\b(?:key|password)) (?:0 )?(\S+)$", line)
        if not m or re.match(r"^.*\b(?:key|password) [5-9] \S+$", line):
            return line
        if "service password-encryption" in [n.text for n in self.running.nodes]:
            return f"{m.group(1)} 7 {type7_encode(m.group(2))}"
        return f"{m.group(1)} {m.group(2)}"

    def encrypt_all(self) -> None:
        """``service password-encryption``: clear keys and line passwords are encrypted at once."""
        for top in self.running.nodes:
            if top.text.startswith(("radius server ", "line ")):
                for child in top.children:
                    child.text = self.secret_form(child.text)
            elif top.text.startswith("username "):
                top.text = self.secret_form(top.text)

    def render_config(self, *, startup: bool = False) -> str:
        """The configuration body from ``!`` to ``end``, with the volatile comment lines."""
        tree = self.startup if startup else self.running
        out = ["!"]
        out.append(f"! Last configuration change at {ios_time(self.changed_at)} by {self.changed_by}")
        out.append(f"! NVRAM config last updated at {ios_time(self.saved_at)} by {self.saved_by}")
        out.append("!")
        nodes = tree.nodes
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if node.text.startswith("line vty "):
                j = i
                while j < len(nodes) and nodes[j].text.startswith("line vty "):
                    j += 1
                out.extend(self.vty_groups(nodes[i:j]))
                i = j
                continue
            line_block = node.text.startswith("line ")
            block = bool(node.children) or any(p.match(node.text) for p, _ in SECTIONS)
            if block and out[-1] != "!" and not (line_block and out[-1].startswith((" ", "line "))):
                out.append("!")
            out.append(node.text)
            out.extend(" " * depth + n.text for depth, n in _walk(node.children, 1))
            if block and not line_block:
                out.append("!")
            i += 1
        if out[-1] != "!":
            out.append("!")
        out.append("end")
        return "\n".join(out) + "\n"

    @staticmethod
    def vty_groups(nodes: list[ConfigNode]) -> list[str]:
        """Consecutive vty lines with the same settings printed as one ``line vty a b`` group; 0-4 and 5-15 are
        always apart."""
        out: list[str] = []
        group: list[ConfigNode] = []

        def flush() -> None:
            if not group:
                return
            first, last = group[0].text.split()[2], group[-1].text.split()[2]
            out.append(f"line vty {first}" if first == last else f"line vty {first} {last}")
            out.extend(" " * depth + n.text for depth, n in _walk(group[0].children, 1))
            group.clear()

        for node in nodes:
            number = int(node.text.split()[2])
            same = group and [c.text for c in _flat(group[-1])] == [c.text for c in _flat(node)]
            if group and (
                not same or number != int(group[-1].text.split()[2]) + 1 or number == VTY_FIRST_GROUP_END + 1
            ):
                flush()
            group.append(node)
        flush()
        return out

    def sync_vlans(self) -> None:
        """In VTP transparent/off mode the VLAN database is printed in the running config (``vtp mode`` line before
        ``spanning-tree mode``, ``vlan N`` blocks after ``vlan internal allocation policy ascending``; a default
        name is not printed); in server/client mode neither is (ios150_c3560_cheesy_arena.txt)."""
        nodes = [n for n in self.running.nodes if not re.match(r"^(vlan \d+|vtp (mode|domain) .*)$", n.text)]
        if self.vtp_mode in ("transparent", "off"):
            vtp = [ConfigNode(f"vtp domain {self.vtp_domain}")] if self.vtp_domain else []
            vtp.append(ConfigNode(f"vtp mode {self.vtp_mode}"))
            at = next((i for i, n in enumerate(nodes) if n.text.startswith("spanning-tree mode ")), len(nodes))
            nodes[at:at] = vtp
            blocks = []
            for vid in sorted(v for v in self.vlans if v not in BUILTIN_VLANS):
                name = self.vlans[vid]
                children = [] if name == f"VLAN{vid:04d}" else [ConfigNode(f"name {name}")]
                blocks.append(ConfigNode(f"vlan {vid}", children))
            after = next(
                (i + 1 for i, n in enumerate(nodes) if n.text == "vlan internal allocation policy ascending"),
                len(nodes),
            )
            nodes[after:after] = blocks
        self.running.nodes = nodes

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

    # -- VLAN database and SNMP users ---------------------------------------------------------------------------

    def access_vlan(self, node: ConfigNode) -> int | None:
        """The VLAN of a switch port that is not a trunk (None for trunks and routed interfaces)."""
        texts = [c.text for c in node.children]
        if node.text == "interface FastEthernet0":  # the management port, not a switch port
            return None
        if "switchport mode trunk" in texts or not re.match(
            r"^interface (Gigabit|TenGigabit|Fast|TwoGigabit)", node.text
        ):
            return None
        vlan = next((t.split()[-1] for t in texts if t.startswith("switchport access vlan ")), "1")
        return int(vlan)

    def vlan_table(self, *, brief: bool = True) -> str:
        """``show vlan brief``: VLAN, name, status and access ports, four ports a line (layout of
        ios_show_vlan_brief_napalm.txt; longer lists wrap under the Ports column as in ios_show_vlan_genie.txt)."""
        members: dict[int, list[str]] = {}
        for node in self.running.nodes:
            vid = self.access_vlan(node) if node.text.startswith("interface ") else None
            if vid is not None:
                members.setdefault(vid, []).append(short_name(node.text.split(None, 1)[1]))
        out = [
            "",
            "VLAN Name                             Status    Ports",
            "---- -------------------------------- --------- -------------------------------",
        ]
        for vid in sorted(self.vlans):
            status = "act/unsup" if vid in range(1002, 1006) else "active"
            ports = members.get(vid, [])
            chunks = [", ".join(ports[i : i + 4]) for i in range(0, len(ports), 4)] or [""]
            out.append(f"{vid:<4} {self.vlans[vid]:<32} {status:<9} {chunks[0]}".rstrip())
            out.extend(f"{'':48}{chunk}" for chunk in chunks[1:])
        return "\n".join(out) + "\n"

    def vtp_status(self) -> str:
        """``show vtp status`` (layout of ios_show_vtp_status_ntc.txt)."""
        mode = {"server": "Server", "client": "Client", "transparent": "Transparent", "off": "Off"}[self.vtp_mode]
        mac = "70db.9800.1122"
        return (
            "VTP Version capable             : 1 to 3\n"
            "VTP version running             : 1\n"
            f"VTP Domain Name                 : {self.vtp_domain}\n"
            "VTP Pruning Mode                : Disabled\n"
            "VTP Traps Generation            : Disabled\n"
            f"Device ID                       : {mac}\n"
            "Configuration last modified by 0.0.0.0 at 0-0-00 00:00:00\n"
            "Local updater ID is 10.0.99.11 on interface Vl1 (lowest numbered VLAN interface found)\n"
            "\n"
            "Feature VLAN:\n"
            "--------------\n"
            f"VTP Operating Mode                : {mode}\n"
            "Maximum VLANs supported locally   : 255\n"
            f"Number of existing VLANs          : {len(self.vlans)}\n"
            "Configuration Revision            : 0\n"
            "MD5 digest                        : 0x57 0xCD 0x40 0x65 0x63 0x59 0x47 0xBD \n"
            "                                    0x56 0x9D 0x4A 0x3E 0xA5 0x69 0x35 0xBC \n"
        )

    def snmp_user_table(self) -> str:
        """``show snmp user`` (layout of ios_show_snmp_user_ntc.txt)."""
        out = [""]
        for name, user in self.snmp_users.items():
            acl = f" access-list: {user['acl']}" if user.get("acl") else ""
            out += [
                f"User name: {name}",
                "Engine ID: 80000009030070DB98001122",
                f"storage-type: nonvolatile        active{acl}",
                f"Authentication Protocol: {user.get('auth', 'None')}",
                f"Privacy Protocol: {user.get('priv', 'None')}",
                f"Group-name: {user['group']}",
                "",
            ]
        return "\n".join(out) + "\n"

    def config_differences(self) -> str:
        """``show archive config differences``: startup (first) against running (second), '+' for lines only in
        the running config, '-' for lines only in the startup config (ios_show_archive_config_differences_genie.txt).
        """
        first, second = text_tree(self.startup_text).nodes, text_tree(self.render_config()).nodes
        out = ["!Contextual Config Diffs:"]
        for sign, have, other in (("+", second, first), ("-", first, second)):
            texts = {n.text: n for n in other}
            for node in have:
                match = texts.get(node.text)
                if match is None:
                    out.append(sign + node.text)
                    out.extend(sign + n.text for _, n in _walk(node.children, 1))
                    continue
                inner = {c.text for c in match.children}
                changed = [c.text for c in node.children if c.text not in inner]
                if changed:
                    out.append(node.text)
                    out.extend(f" {sign}{text}" for text in changed)
        if len(out) == 1:
            out.append("!No changes were found")
        return "\n".join(out) + "\n"

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
            self.rollback_point = (self.running.copy(), dict(self.vlans), self.vtp_mode)
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
        """``configure revert now`` (or the timer): the running configuration returns to the rollback point. The
        VLAN database comes back too when the VLANs were part of the configuration (VTP transparent/off); in VTP
        server mode they are not (assumed: vlan.dat is not part of the archived configuration)."""
        if self.rollback_point is None:
            return NO_ROLLBACK + "\n"
        self.cancel_timers()
        (tree, vlans, vtp_mode), self.rollback_point = self.rollback_point, None
        self.log(f"Rollback Confirmed Change: Rolling to:{self.rollback_file}")
        self.vtp_mode = vtp_mode  # a configuration line, rolled back with the rest
        if vtp_mode in ("transparent", "off"):
            self.vlans = vlans
        self.set_running(tree)
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
        """``show archive config rollback timer``: the fields napalm's IOS driver reads (``Time configured``,
        ``Timer type``, ``Timer value``, ``User``; napalm/ios/ios.py _get_pending_commits), or the
        "%No Rollback Confirmed Change pending" answer."""
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


def text_tree(text: str) -> ConfigTree:
    """A tree from IOS configuration text as printed; a multi-line ``banner x ^C ... ^C`` block is one node."""
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


def _walk(nodes: list[ConfigNode], depth: int) -> list[tuple[int, ConfigNode]]:
    out: list[tuple[int, ConfigNode]] = []
    for node in nodes:
        out.append((depth, node))
        out.extend(_walk(node.children, depth + 1))
    return out


def _flat(node: ConfigNode) -> list[ConfigNode]:
    return [n for _, n in _walk(node.children, 1)]


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
        self.vlan_ids: list[int] = []  # VLANs being edited in (config-vlan)

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
        self.path, self.modes, self.range, self.vlan_ids = [], [], [], []

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
        elif command(base, "show", "archive", "config", "differences") or command(
            base, "show", "archive", "config", "differences", "nvram:startup-config", "system:running-config"
        ):
            out = p.config_differences()
        elif command(base, "show", "snmp", "user"):
            out = p.snmp_user_table()
        elif command(base, "show", "vlan", "brief") or command(base, "show", "vlan"):
            out = p.vlan_table()
        elif command(base, "show", "vtp", "status"):
            out = p.vtp_status()
        elif command(base, "show", "privilege"):
            out = f"Current privilege level is {15 if priv else 1}\n"
        else:
            return self.error(line, 1)
        return filtered(out, pipe.strip())

    def version(self) -> str:
        """``show version`` of the emulated model and release (layout of ios152_c2960x_show_version_genie.txt)."""
        p = self.platform
        up = int(time.time() - p.booted)
        days, rest = divmod(up, 86400)
        hours, minutes = rest // 3600, rest % 3600 // 60
        family = re.sub(r"^WS-C(\d{4}[A-Z]*).*$", r"C\1", p.model.upper())
        if p.is_xe:
            head = (
                f"Cisco IOS XE Software, Version {p.version}\n"
                f"Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version {p.version}, "
                "RELEASE SOFTWARE (fc1)\n"
            )
            image = "flash:packages.conf"
        else:
            head = (
                f"Cisco IOS Software, {family} Software ({family}-UNIVERSALK9-M), Version {p.version}, "
                "RELEASE SOFTWARE (fc2)\n"
            )
            image = f"flash:{family.lower()}-universalk9-mz.{p.version.replace('(', '-').replace(')', '.')}.bin"
        return f"""{head}Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2023 by Cisco Systems, Inc.
Compiled Thu 23-Mar-23 03:33 by prod_rel_team

ROM: Bootstrap program is {family} boot loader

{p.hostname} uptime is {days} days, {hours} hours, {minutes} minutes
System returned to ROM by power-on
System image file is "{image}"
Last reload reason: power-on

cisco {p.model} (APM86XXX) processor (revision D0) with 524288K bytes of memory.
Processor board ID FOC2011X0AB
Last reset from power-on
The password-recovery mechanism is enabled.

512K bytes of flash-simulated non-volatile configuration memory.
Base ethernet MAC Address       : 70:DB:98:00:11:22
Model number                    : {p.model}
System serial number            : FOC2011X0AB

Switch Ports Model                     SW Version            SW Image
------ ----- -----                     ----------            ----------
*    1 52    {p.model:<25} {p.version:<21} {family}-UNIVERSALK9-M


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
        self.path, self.modes, self.range, self.vlan_ids = [], [], [], []
        target = text[3:] if text.startswith("no ") else text
        head = target.split()[0] if target.split() else ""
        if head not in GLOBAL_WORDS:
            return self.error(line, 0 if not text.startswith("no ") else 1)
        if len(target.split()) == 1 and head in ("hostname", "interface", "username", "vlan", "ip", "snmp-server"):
            return INCOMPLETE + "\n"
        special = self.global_special(line, text)
        if special is not None:
            return special
        if not text.startswith("no "):
            for pattern, mode in SECTIONS:
                if pattern.match(text):
                    return self.enter_section(line, text, mode)
        p.apply([], text)
        return ""

    def in_mode(self, text: str) -> bool:
        """A line the current sub-mode has although it looks global: a 9800 policy profile's ``vlan N`` and its
        ``urlfilter list pre-auth-filter NAME`` (the 9800 guide's "DNS-Based Access Control Lists"), a policy tag's
        ``wlan NAME policy PROFILE``."""
        if self.modes[-1] == "config-policy-tag":  # a policy tag maps WLANs to policy profiles
            return re.match(r"^(no )?wlan \S+ policy \S+$", text) is not None
        return self.modes[-1] == "config-wireless-policy" and (
            re.match(r"^vlan \S+$", text) is not None or text.startswith("urlfilter list ")
        )

    def enter_section(self, line: str, text: str, mode: str) -> str:
        """Open a block: ``interface X`` -> ``(config-if)``; ``interface range`` applies to each interface."""
        p = self.platform
        if mode == "config-line":
            m = re.match(r"^line (con|console|vty|aux) (\d+)(?: (\d+))?$", text)
            assert m is not None
            kind = "con" if m.group(1) == "console" else m.group(1)
            first, last = int(m.group(2)), int(m.group(3) or m.group(2))
            top = VTY_LAST if kind == "vty" else 0
            if first > top or last > top or last < first:
                return self.error(line, 2 if first > top else 3)
            self.range = [f"line {kind} {n}" for n in range(first, last + 1)]
            for name in self.range:
                p.running.section([name])
            self.path, self.modes = [], [mode]
            return ""
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
        if self.modes and self.modes[-1] == "config-vlan":
            return self.vlan_line(line, text)
        interfaces = self.range if self.modes and self.modes[0] == "config-if-range" else self.path[:1]
        if interfaces and interfaces[0].startswith("interface "):
            refused = self.switchport_refusal(line, text, interfaces)
            if refused is not None:
                return refused
        if self.range:
            for name in self.range:
                p.apply([name], text)
        else:
            p.apply(self.path, text)
        return ""

    # -- lines IOS keeps out of the running configuration -------------------------------------------------------

    def global_special(self, line: str, text: str) -> str | None:
        """VTP, VLAN database and SNMP user lines (see the module notes); None for other lines."""
        p = self.platform
        words = text.split()
        if words[:2] == ["vtp", "mode"] and len(words) == 3:
            if words[2] not in ("server", "client", "transparent", "off"):
                return self.error(line, 2)
            p.vtp_mode = words[2]
            p.sync_vlans()
            p.config_changed()
            return {"transparent": VTP_TRANSPARENT, "server": VTP_SERVER}.get(words[2], "") + "\n"
        if words[:3] == ["no", "vtp", "mode"]:
            p.vtp_mode = "server"
            p.sync_vlans()
            p.config_changed()
            return VTP_SERVER + "\n"
        if words[:2] == ["vtp", "domain"] and len(words) == 3:
            old, p.vtp_domain = p.vtp_domain, words[2]
            p.sync_vlans()
            p.config_changed()
            return f"Changing VTP domain name from {old or 'NULL'} to {words[2]}\n"
        if re.match(r"^(no )?vlan [\d,-]+$", text):
            return self.vlan_command(line, text)
        if re.match(r"^(no )?snmp-server user ", text):
            return self.snmp_user(line, text)
        return None

    def vlan_command(self, line: str, text: str) -> str:
        """``vlan N[,M-P]`` enters (config-vlan); ``no vlan N`` deletes. VLANs live in the VLAN database."""
        p = self.platform
        negate = text.startswith("no ")
        ids = sorted(_vlan_ids(text.split()[-1]))
        if not ids or any(v < 1 or v > 4094 for v in ids):
            return self.error(line, len(text.split()) - 1)
        if p.vtp_mode == "client":
            return VTP_CLIENT_REFUSES + "\n"
        if any(v in BUILTIN_VLANS for v in ids):
            return f"%Default VLAN {ids[0]} may not be deleted.\n" if negate else ""
        if negate:
            for vid in ids:
                p.vlans.pop(vid, None)
            p.sync_vlans()
            p.config_changed()
            return ""
        for vid in ids:
            p.vlans.setdefault(vid, f"VLAN{vid:04d}")
        p.sync_vlans()
        p.config_changed()
        self.vlan_ids, self.modes, self.path = ids, ["config-vlan"], []
        return ""

    def vlan_line(self, line: str, text: str) -> str:
        """A line in (config-vlan): ``name X`` (32 characters at most) or ``no name``."""
        p = self.platform
        words = text.split()
        if words[0] == "name" and len(words) == 2 and len(words[1]) <= 32:
            for vid in self.vlan_ids:
                p.vlans[vid] = words[1]
        elif words == ["no", "name"]:
            for vid in self.vlan_ids:
                p.vlans[vid] = f"VLAN{vid:04d}"
        elif words[0] not in ("state", "shutdown", "no", "mtu", "remote-span"):
            return self.error(line, 0)
        p.sync_vlans()
        p.config_changed()
        return ""

    def snmp_user(self, line: str, text: str) -> str:
        """``snmp-server user NAME GROUP v3 [auth md5|sha PASS [priv des|3des|aes 128|192|256 PASS]] [access ACL]``:
        kept out of the running configuration, listed by ``show snmp user``. IOS 15 has no ``auth sha-2``."""
        p = self.platform
        words = text.split()
        if words[0] == "no":
            if len(words) < 4:
                return INCOMPLETE + "\n"
            p.snmp_users.pop(words[3], None)
            return ""
        if len(words) < 5:
            return INCOMPLETE + "\n"
        name, group, model = words[2], words[3], words[4]
        if model not in ("v1", "v2c", "v3"):
            return self.error(line, 4)
        user: dict[str, str] = {"group": group}
        i = 5
        if i < len(words) and words[i] == "auth":
            auth_words = {"md5": "MD5", "sha": "SHA"}
            if p.is_xe and p.at_least(SHA2_FROM):
                auth_words["sha-2"] = "SHA-256"
            if i + 1 >= len(words):
                return INCOMPLETE + "\n"
            proto = words[i + 1]
            if proto not in auth_words:
                return self.error(line, i + 1)
            step = 3 if proto == "sha-2" else 2
            if proto == "sha-2" and (i + 2 >= len(words) or words[i + 2] != "256"):
                return self.error(line, i + 2)
            if i + step >= len(words):
                return INCOMPLETE + "\n"
            user["auth"] = auth_words[proto]
            i += step + 1
            if i < len(words) and words[i] == "priv":
                if i + 1 >= len(words):
                    return INCOMPLETE + "\n"
                cipher = words[i + 1]
                if cipher == "aes":
                    if i + 2 >= len(words) or words[i + 2] not in ("128", "192", "256"):
                        return self.error(line, i + 2)
                    user["priv"] = f"AES{words[i + 2]}"
                    i += 4
                elif cipher in ("des", "3des"):
                    user["priv"] = cipher.upper()
                    i += 3
                else:
                    return self.error(line, i + 1)
                if i > len(words):
                    return INCOMPLETE + "\n"
        if i < len(words) and words[i] == "access" and i + 1 < len(words):
            user["acl"] = words[i + 1]
            i += 2
        if i < len(words):
            return self.error(line, i)
        p.snmp_users[name] = user
        return ""

    def switchport_refusal(self, line: str, text: str, interfaces: list[str]) -> str | None:
        """What the model refuses in interface mode: a 2960 (and Catalyst 9000) has no trunk encapsulation
        command; an ISL-capable model will not make a port a trunk while its encapsulation is "Auto"."""
        p = self.platform
        if re.match(r"^(no )?switchport trunk encapsulation\b", text) and not p.isl_capable:
            return self.error(line, 2 if not text.startswith("no ") else 3)
        if text == "switchport mode trunk" and p.isl_capable:
            for name in interfaces:
                node = p.running.find([name])
                texts = [c.text for c in node.children] if node is not None else []
                if not any(
                    t in texts for t in ("switchport trunk encapsulation dot1q", "switchport trunk encapsulation isl")
                ):
                    return TRUNK_AUTO + "\n"
        return None

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


def _vlan_ids(spec: str) -> set[int]:
    out: set[int] = set()
    for part in spec.split(","):
        if re.fullmatch(r"\d+-\d+", part):
            a, b = (int(x) for x in part.split("-"))
            if b - a > 4094:
                return set()
            out.update(range(a, b + 1))
        elif part.isdigit():
            out.add(int(part))
        else:
            return set()
    return out


PLATFORM = CiscoIos
