"""Zyxel GS2210-28HP managed switch (ZyNOS V4 CLI) for CampusNet's ``zyxel_switch`` driver (netmiko ``cisco_ios``,
configuration mode entered with ``configure`` and left with ``exit``).

What it answers, and the public material each part is built from:

- Login lands at the privileged prompt after the copyright line: ``Copyright (c) 1994 - 2018 Zyxel Communications
  Corp.`` then ``GS2210# `` (ytti/oxidized#2156, a GS1920 of the same ZyNOS family).
- ``configure`` (or ``config``) -> ``GS2210(config)# ``; ``vlan N`` -> ``(config-vlan)``; ``interface port-channel
  1,2,3`` or ``1-24`` -> ``(config-interface)``, the lines then apply to every port named; ``exit`` goes up one level
  (kobostone/Zyxell-Switch-Command README on a GS2210: ``GS2210#config``, ``(config)# interface port-channel 1,2,3``,
  ``(config-interface)#``; NOC's ZyNOS profile: enter ``configure``, leave ``exit``, save ``write memory``).
  ``end`` and ``configure terminal`` are refused: assumed from the CLI reference's examples, which only ever use
  ``configure`` and ``exit``.
- A line it cannot take gets ``  Invalid command "WORD"`` naming the first word it cannot take (NOC fixtures of an
  ES-2024A and an ES-2108-G: ``show vlan-stacking`` -> ``  Invalid command "vlan-stacking"``, ``show router rip`` ->
  ``  Invalid command "router"``); words are not abbreviated: ``show run`` is refused (a public Zyxel SSH reader,
  measured on an XGS1930). The emulator gives that one error form for every refusal.
- ``show running-config``: ``  Building configuration...``, a blank line, ``  Current configuration: ``, a blank line,
  then the configuration with a blank at the end of every line, block lines indented two blanks and every block
  closed by ``exit`` (ytti/oxidized#2156; NOC and oxidized drop the first four lines). Only settings that differ
  from the factory defaults are shown; a default-on service turned off shows as ``no service-control telnet``
  (``no service-control snmp`` in an XGS1930's configuration, per that SSH reader).
- VLAN membership: every port is ``normal``, ``fixed`` or ``forbidden`` in each VLAN, ``untagged`` marks members that
  send untagged; each set is printed as one compressed list (see :mod:`devices.config.zynos` for the sources).
  ``fixed 21`` adds a port, ``no fixed 21`` / ``no forbidden 21`` make it normal, ``no untagged 21`` tagged.
- The pager stops after a screenful with ``-- more --, next page: Space, continue: c, quit: ESC`` (GS1920 V4.50,
  measured by the SSH reader above; any key shows the next page here); ``terminal length 0`` turns it off (the
  reader and netmiko's ``cisco_ios`` both send it), ``terminal width`` is refused.
- Passwords read back ciphered (``admin-password cipher ...`` on an XGS1930 V5.00, per the same reader); assumed
  the same for SNMPv3 user keys: ``authpassword cipher <hash>``.
- ``write memory`` saves silently and logs ``Save system configuration 1 successfully`` (``show logging`` of a
  GS1920 in the same reader).

Not emulated: the ESC 7 (save cursor) that some ZyNOS firmware prints after each prompt (the oxidized ``zynoscli``
model strips ``\\e7`` after ``XGS4600# ``; the SSH reader measured it on a GS1920 V4.50). netmiko's ``cisco_ios``
does not strip it and would not recognise such a prompt: a device that sends it needs that handled first.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

from devices.config.zynos import MEMBERSHIP, compress, expand
from devices.emulators.server import ConfigNode, ConfigTree, Platform, Shell

PORTS = frozenset(range(1, 29))  # GS2210-28HP: 24 copper ports and 4 SFP uplinks
COPYRIGHT = "Copyright (c) 1994 - 2018 Zyxel Communications Corp."
HEADER = "  Building configuration...\n\n  Current configuration: \n\n"
MORE = "-- more --, next page: Space, continue: c, quit: ESC"
PAGE_LENGTH = 24
# Factory-like, as a school has it: VLAN 1 on the AP ports 21-24, staff (10) and student (20) VLANs on the user
# ports, and the four uplinks 25-28 tagged members of every VLAN, the first one named.
FACTORY = (
    """vlan 1
  name 1
  normal 1-20
  fixed 21-28
  forbidden ""
  untagged 21-24
  ip address default-management 192.168.1.1 255.255.255.0
exit
vlan 10
  name STAFF
  normal ""
  fixed 1-12,25-28
  forbidden 13-24
  untagged 1-12
exit
vlan 20
  name STUDENT
  normal ""
  fixed 13-20,25-28
  forbidden 1-12,21-24
  untagged 13-20
exit
"""
    + "".join(f"interface port-channel {p}\n  pvid {10 if p <= 12 else 20}\nexit\n" for p in range(1, 21))
    + ("interface port-channel 25\n  name Uplink-Core\nexit\n")
)
#: First words taken in global configuration.
TOP_WORDS = frozenset(
    """admin-password bpdu-guard dhcp hostname interface ip lldp loopguard mac-aging-time port-security
    service-control snmp-server spanning-tree syslog time timesync vlan vlan1q""".split()  # noqa: SIM905
)
#: First words taken in a port's configuration.
PORT_WORDS = frozenset(
    """bpdu-guard dhcp frame-type inactive loopguard name port-security pvid spanning-tree vlan-trunking""".split()  # noqa: SIM905
)
#: The order the switch prints settings in (lines starting with an earlier entry first).
TOP_ORDER = (
    "hostname",
    "admin-password",
    "no service-control",
    "service-control",
    "snmp-server",
    "time",
    "timesync",
    "syslog",
    "spanning-tree",
    "loopguard",
    "bpdu-guard",
    "port-security",
    "dhcp snooping",
    "lldp",
)
PORT_ORDER = ("name", "pvid", "frame-type", "vlan-trunking", "inactive", "loopguard", "bpdu-guard", "port-security")
DEFAULT_PORTS = {"telnet": "23", "ssh": "22", "ftp": "21", "http": "80", "https": "443", "snmp": "161"}
EXCLUSIVE = re.compile(
    r"^(hostname|time timezone|timesync server|timesync (?=ntp$|sntp$|daytime$|time$)|snmp-server version|"
    r"snmp-server username \S+|syslog server \S+|name|pvid|frame-type|port-security address-limit|"
    r"ip address default-management|mac-aging-time)"
)


class ZyxelSwitch(Platform):
    """The switch's configuration: top-level lines, ``vlan N`` and ``interface port-channel N`` blocks."""

    device_type = "zyxel_switch"
    default_hostname = "GS2210"
    error_pattern = r"(?i:invalid (?:command|input))"

    def initial_config(self) -> ConfigTree:
        """Factory-like, with the uplinks 25-28 carrying every VLAN tagged."""
        return self.parse_config(FACTORY)

    def parse_config(self, text: str) -> ConfigTree:
        """Configuration text as shown (header, ``;`` comments and ``exit`` lines skipped)."""

        def skip(line: str) -> bool:
            stripped = line.strip()
            return stripped in ("exit", "Building configuration...") or stripped.startswith(
                ("Current configuration:", ";")
            )

        return ConfigTree.parse(text, skip=skip)

    def config_changed(self) -> None:
        """The prompt follows ``hostname``."""
        host = next((n.text.split(None, 1)[1] for n in self.running.nodes if n.text.startswith("hostname ")), "")
        self.hostname = host or self.device.hostname

    def exclusive_key(self, line: str) -> str | None:
        """Single-valued settings (a new value replaces the old line)."""
        m = EXCLUSIVE.match(line)
        return m.group(0) if m else None

    def render(self, tree: ConfigTree) -> str:
        """The configuration as ``show running-config`` prints it (header included)."""
        out: list[str] = []
        vlans = sorted((n for n in tree.nodes if _vid(n.text) is not None), key=lambda n: _vid(n.text) or 0)
        ports = sorted((n for n in tree.nodes if _port(n.text) is not None), key=lambda n: _port(n.text) or 0)
        others = [n for n in tree.nodes if n not in vlans and n not in ports]
        for node in vlans:
            out.extend([node.text, *(f"  {c.text}" for c in _vlan_children(node)), "exit"])
        out.extend(n.text for n in sorted(others, key=lambda n: _rank(n.text, TOP_ORDER)))
        for node in ports:
            if node.children:
                kids = sorted(node.children, key=lambda c: _rank(c.text, PORT_ORDER))
                out.extend([node.text, *(f"  {c.text}" for c in kids), "exit"])
        return HEADER + "".join(f"{line} \n" for line in out)

    def render_running(self) -> str:
        """``show running-config``."""
        return self.render(self.running)

    def render_startup(self) -> str:
        """The saved configuration, printed the same way."""
        return self.render(self.startup)

    def save(self) -> None:
        """``write memory``."""
        super().save()
        self.log("Save system configuration 1 successfully")

    def normalized(self, text: str) -> str:
        """Without the header."""
        return super().normalized(self.render(self.parse_config(text))[len(HEADER) :])

    def new_shell(self) -> ZyxelShell:
        """An SSH session."""
        return ZyxelShell(self)

    # -- configuration changes ------------------------------------------------------------------------------------

    def vlan(self, vid: int) -> ConfigNode:
        """The ``vlan N`` block, created with every port normal (and the VID as its name) when missing."""
        header = f"vlan {vid}"
        node = self.running.find([header])
        if node is None:
            node = ConfigNode(header, [ConfigNode(f"name {vid}")])
            _set_membership(node, dict.fromkeys(PORTS, "normal"), set())
            self.running.nodes.append(node)
        return node

    def membership(self, vid: int, words: list[str]) -> str | None:
        """``fixed|forbidden|normal|untagged LIST`` or ``no fixed|forbidden|untagged LIST`` in VLAN ``vid``; the
        refused word, or None when taken."""
        negated = words[0] == "no"
        rest = words[1:] if negated else words
        if len(rest) != 2:
            return rest[-1] if rest else words[0]
        key, spec = rest
        if key not in MEMBERSHIP or (negated and key == "normal"):
            return key
        ports = expand(spec)
        if not ports or not set(ports) <= PORTS:
            return spec
        node = self.vlan(vid)
        states, untagged = _membership(node)
        for port in ports:
            if key == "untagged":
                (untagged.discard if negated else untagged.add)(port)
            else:
                states[port] = "normal" if negated else key
        _set_membership(node, states, untagged)
        self.config_changed()
        return None

    def service(self, name: str, port: str | None, *, off: bool) -> None:
        """``[no] service-control NAME [PORT]``: services are on by default, so only ``no service-control NAME`` or a
        service on another port shows."""
        self.running.nodes = [
            n
            for n in self.running.nodes
            if n.text.split()[:2] != ["service-control", name] and n.text != f"no service-control {name}"
        ]
        if off:
            self.running.nodes.append(ConfigNode(f"no service-control {name}"))
        elif port and port != DEFAULT_PORTS[name]:
            self.running.nodes.append(ConfigNode(f"service-control {name} {port}"))
        self.config_changed()

    def snooping_vlans(self, spec: str, *, remove: bool) -> str | None:
        """``[no] dhcp snooping vlan LIST``: the set of VLANs printed as one compressed list."""
        vids = expand(spec)
        if not vids or max(vids) > 4094:
            return spec
        line = next((n for n in self.running.nodes if n.text.startswith("dhcp snooping vlan ")), None)
        have = set(expand(line.text.split()[-1]) or []) if line else set()
        have = have - set(vids) if remove else have | set(vids)
        self.running.nodes = [n for n in self.running.nodes if n is not line]
        if have:
            self.running.nodes.append(ConfigNode(f"dhcp snooping vlan {compress(have)}"))
        self.config_changed()
        return None


class ZyxelShell(Shell):
    """One session: privileged exec, ``(config)``, ``(config-vlan)`` and ``(config-interface)``; the pager."""

    platform: ZyxelSwitch

    def __init__(self, platform: ZyxelSwitch) -> None:
        super().__init__(platform)
        self.mode = "exec"
        self.vid: int | None = None
        self.ports: list[int] = []
        self.page_length = PAGE_LENGTH
        self.pending: list[str] = []

    def greeting(self) -> str:
        """The copyright line, then the privileged prompt (admin logs in at ``#``)."""
        return f"\n{COPYRIGHT}\n{self.prompt()}"

    def prompt(self) -> str:
        """``GS2210# ``, ``GS2210(config)# ``, ``GS2210(config-vlan)# ``, ``GS2210(config-interface)# ``."""
        host = self.platform.hostname
        return f"{host}# " if self.mode == "exec" else f"{host}({self.mode})# "

    def feed(self, line: str) -> str:
        """Answer one line."""
        text = " ".join(line.split())
        if not text:
            return self.prompt()
        if self.rejected(text):
            return invalid(text.split()[0]) + self.prompt()
        if text.split()[0] == "show":
            return self.page(self.show(text.split()))
        out = self.exec_command(text) if self.mode == "exec" else self.config_command(text)
        return out if self.closed else out + self.prompt()

    def key(self) -> str:
        """Any key after the pager prompt shows the next page (Space and c are not told apart here)."""
        self.wants_key = False
        rest, self.pending = self.pending, []
        return "\r" + " " * len(MORE) + "\r" + self.page("".join(rest))

    def page(self, output: str) -> str:
        """``output`` a screenful at a time when the pager is on, then the prompt."""
        lines = output.splitlines(keepends=True)
        if self.page_length == 0 or len(lines) < self.page_length:
            return output + self.prompt()
        self.pending = lines[self.page_length - 1 :]
        self.wants_key = True
        return "".join(lines[: self.page_length - 1]) + MORE

    def show(self, words: list[str]) -> str:
        """``show running-config`` and ``show system-information`` (whole words only)."""
        if len(words) == 2 and words[1] == "running-config":
            return self.platform.render_running()
        if len(words) == 2 and words[1] == "system-information":
            return system_information(self.platform.hostname)
        return invalid(words[1] if len(words) > 1 else "show")

    def exec_command(self, text: str) -> str:
        """A line at ``GS2210#``."""
        words = text.split()
        if text == "enable":
            return ""
        if words[0] == "terminal":
            if len(words) == 3 and words[1] == "length" and words[2].isdigit() and int(words[2]) <= 512:
                self.page_length = int(words[2])
                return ""
            return invalid(words[1] if len(words) > 1 else "terminal")
        if words[0] in ("configure", "config"):
            if len(words) > 1:
                return invalid(words[1])
            self.mode = "config"
            return ""
        if text == "write memory":
            self.platform.save()
            return ""
        if text in ("exit", "logout"):
            self.closed = True
            return ""
        return invalid(words[0] if words[0] != "write" or len(words) < 2 else words[1])

    def config_command(self, text: str) -> str:
        """A line in ``(config)`` or a sub-mode."""
        if text == "exit":
            self.mode, self.vid, self.ports = ("exec", None, []) if self.mode == "config" else ("config", None, [])
            return ""
        if self.mode == "config-vlan":
            return self.vlan_line(text)
        if self.mode == "config-interface":
            return self.port_line(text)
        return self.global_line(text)

    def global_line(self, text: str) -> str:
        """A line in ``(config)``."""
        p = self.platform
        words = text.split()
        negated = words[0] == "no" and len(words) > 1
        body = words[1:] if negated else words
        m = re.fullmatch(r"vlan (\d+)", " ".join(body))
        if m:
            vid = int(m.group(1))
            if not 1 <= vid <= 4094 or (negated and vid == 1):
                return invalid(m.group(1))
            if negated:
                p.running.remove([f"vlan {vid}"])
                p.config_changed()
                return ""
            p.vlan(vid)
            self.mode, self.vid = "config-vlan", vid
            return ""
        if body[0] == "interface" and negated:  # ports cannot be deleted
            return invalid("interface")
        m = re.fullmatch(r"interface port-channel (\S+)", text)
        if m:
            ports = expand(m.group(1))
            if not ports or not set(ports) <= PORTS:
                return invalid(m.group(1))
            self.mode, self.ports = "config-interface", ports
            return ""
        if body[0] not in TOP_WORDS:
            return invalid(body[0])
        if body[:3] == ["dhcp", "snooping", "vlan"] and len(body) == 4:
            bad = p.snooping_vlans(body[3], remove=negated)
            return invalid(bad) if bad else ""
        # 'no snmp-server username NAME' removes the user whatever follows NAME (assumed, as IOS takes a whole line
        # after 'no'): a rollback types the line back as the configuration shows it, keys ciphered.
        user_removal = negated and body[:2] == ["snmp-server", "username"] and len(body) >= 3
        bad = None if user_removal else check_global(body)
        if bad:
            return invalid(bad)
        if body[0] == "service-control":
            p.service(body[1], body[2] if len(body) == 3 else None, off=negated)
            return ""
        p.apply([], stored_global(text, negated))
        return ""

    def vlan_line(self, text: str) -> str:
        """A line in ``(config-vlan)``."""
        p = self.platform
        assert self.vid is not None
        words = text.split()
        head = words[1] if words[0] == "no" and len(words) > 1 else words[0]
        if head in MEMBERSHIP:
            bad = p.membership(self.vid, words)
            return invalid(bad) if bad else ""
        if head not in ("name", "ip") or (words[0] == "no" and head == "name"):
            return invalid(head)
        p.apply([f"vlan {self.vid}"], text)
        return ""

    def port_line(self, text: str) -> str:
        """A line in ``(config-interface)``, applied to every port named by ``interface port-channel``."""
        p = self.platform
        words = text.split()
        negated = words[0] == "no" and len(words) > 1
        head = words[1] if negated else words[0]
        if head not in PORT_WORDS:
            return invalid(head)
        if head == "pvid" and not re.fullmatch(r"(no )?pvid ([1-9]\d{0,3})", text):
            return invalid(words[-1])
        line = "no pvid 1" if text == "pvid 1" else text  # PVID 1 is the default: not shown
        for port in self.ports:
            p.running.section([f"interface port-channel {port}"])
            p.apply([f"interface port-channel {port}"], line)
        return ""


def invalid(word: str) -> str:
    """The error for a word the CLI cannot take."""
    return f'  Invalid command "{word}"\n'


def check_global(words: list[str]) -> str | None:
    """The first word of a global line the CLI would refuse (values checked where the CLI reference bounds them)."""
    text = " ".join(words)
    if words[0] == "time":
        m = re.fullmatch(r"time timezone (-?\d+)", text)
        return None if m and -1200 <= int(m.group(1)) <= 1200 else words[-1]
    if words[0] == "timesync":
        if len(words) == 3 and words[1] == "server":
            return None if _ipv4(words[2]) else words[2]
        return None if text in ("timesync ntp", "timesync sntp", "timesync daytime", "timesync time") else words[-1]
    if words[0] == "syslog":
        m = re.fullmatch(r"syslog server (\S+) level ([0-7])", text)
        if text == "syslog" or (m and _ipv4(m.group(1))):
            return None
        return words[-1]
    if words[0] == "snmp-server":
        return check_snmp(words)
    if words[0] == "service-control":
        if len(words) < 2 or words[1] not in DEFAULT_PORTS:
            return words[1] if len(words) > 1 else words[0]
        if len(words) > 3 or (len(words) == 3 and not words[2].isdigit()):
            return words[-1]
    return None


def check_snmp(words: list[str]) -> str | None:
    """``snmp-server version v2c|v3|v3v2c`` and ``snmp-server username NAME sec-level priv auth md5|sha authpassword PW
    priv des|aes privpassword PW group NAME`` (the form in VENDORS.md 3.7; sha256/aes256 are not offered)."""
    if len(words) == 3 and words[1] == "version":
        return None if words[2] in ("v2c", "v3", "v3v2c") else words[2]
    if len(words) >= 3 and words[1] == "username":
        form: tuple[str | tuple[str, ...] | None, ...] = (
            *("snmp-server", "username", None, "sec-level", "priv", "auth", ("md5", "sha"), "authpassword", None),
            *("priv", ("des", "aes"), "privpassword", None, "group", None),
        )
        for word, want in zip(words, form, strict=False):
            if want is not None and (word not in want if isinstance(want, tuple) else word != want):
                return word
        return None if len(words) == len(form) else words[-1]
    return words[1] if len(words) > 1 else words[0]


def stored_global(text: str, negated: bool) -> str:
    """A global line as the configuration keeps it: SNMPv3 keys ciphered; ``no snmp-server username NAME ...``
    naming the user only."""
    words = text.split()
    if words[:2] == ["snmp-server", "username"] and len(words) > 8:
        words[8] = "cipher " + _cipher(words[8])
        words[12] = "cipher " + _cipher(words[12])
        return " ".join(words)
    if negated and words[1:3] == ["snmp-server", "username"]:
        return " ".join(words[:4])
    return text


def system_information(hostname: str) -> str:
    """``show system-information`` laid out like an XGS1930's (the SSH reader's sample); values invented."""
    return f"""Product Model           : GS2210-28HP
System Name             : {hostname}
System Contact          :
System Location         :
System up Time          :   194:30:49 (29bcf6c1 ticks)
Ethernet Address        : bc:99:11:00:11:22
ZyNOS F/W Version       : V4.80(ABTN.0) | 12/27/2022
Hardware Version        : V1.0
Serial Number           : S000A00000000
"""


def _ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _cipher(secret: str) -> str:
    """A stand-in for the switch's ciphered form: stable, and never the secret itself."""
    return hashlib.sha256(b"zynos:" + secret.encode()).hexdigest()[:32]


def _vid(text: str) -> int | None:
    m = re.fullmatch(r"vlan (\d+)", text)
    return int(m.group(1)) if m else None


def _port(text: str) -> int | None:
    m = re.fullmatch(r"interface port-channel (\d+)", text)
    return int(m.group(1)) if m else None


def _rank(text: str, order: tuple[str, ...]) -> int:
    return next((i for i, head in enumerate(order) if text == head or text.startswith(head + " ")), len(order))


def _membership(node: ConfigNode) -> tuple[dict[int, str], set[int]]:
    """Each port's state and the untagged ports of a ``vlan N`` block."""
    states: dict[int, str] = {}
    untagged: set[int] = set()
    for child in node.children:
        key, _, spec = child.text.partition(" ")
        ports = expand(spec) if key in MEMBERSHIP else None
        if ports is None:
            continue
        if key == "untagged":
            untagged.update(ports)
        else:
            states.update(dict.fromkeys(ports, key))
    return states, untagged


def _set_membership(node: ConfigNode, states: dict[int, str], untagged: set[int]) -> None:
    """Rewrite the membership lines of a ``vlan N`` block from the port states."""
    others = [c for c in node.children if c.text.partition(" ")[0] not in MEMBERSHIP]
    lists = [
        ConfigNode(f"{key} {compress(p for p, s in states.items() if s == key)}")
        for key in ("normal", "fixed", "forbidden")
    ]
    node.children = [*others[:1], *lists, ConfigNode(f"untagged {compress(untagged)}"), *others[1:]]


def _vlan_children(node: ConfigNode) -> list[ConfigNode]:
    """``name`` first, the membership lists, then the rest."""
    name = [c for c in node.children if c.text.startswith("name ")]
    lists = [c for key in MEMBERSHIP for c in node.children if c.text.partition(" ")[0] == key]
    rest = [c for c in node.children if c not in name and c not in lists]
    return [*name, *lists, *rest]


PLATFORM = ZyxelSwitch
