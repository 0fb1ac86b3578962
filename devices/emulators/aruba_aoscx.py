"""Aruba AOS-CX (6300M, FL.10.13) for netmiko ``aruba_aoscx``.

The account is an administrator, so a session starts in the manager context: ``switch# `` (AOS-CX prompts end in
a space). ``configure terminal`` (or ``configure``, ``config``) -> ``switch(config)# ``, and from there
``interface 1/1/N`` -> ``switch(config-if)# ``, ``interface vlan N`` -> ``(config-if-vlan)``, ``interface lag N``
-> ``(config-lag-if)``, ``interface mgmt`` -> ``(config-if-mgmt)``, ``vlan N`` -> ``(config-vlan-N)``,
``access-list ip NAME`` -> ``(config-acl-ip)``, ``cli-session`` -> ``(config-cli-session)``; ``exit`` goes up one
level, ``end`` or Ctrl-Z back to ``switch#``. ``banner motd|exec D`` answers ``Enter a new banner. Terminate the
banner with the delimiter you have chosen.`` and takes ``(banner-motd)# `` lines up to the delimiter D.

Errors as AOS-CX prints them: ``Invalid input: <word>`` naming the first word it cannot take, and ``% Command
incomplete.``. The commands the CampusNet templates use are checked against their documented syntax (``rate-limit``
takes ``kbps`` or ``pps``, ``spanning-tree``, ``vlan`` on ports, ``logging``, ``snmpv3 user``...). ``show
running-config`` starts ``Current configuration:`` / ``!Version ArubaOS-CX ...``, indents blocks 4 spaces and shows
L2 ports as ``no shutdown`` / ``no routing`` / ``vlan access 1``; ``plaintext`` secrets read back ``ciphertext``;
``vlan trunk allowed`` adds to a port's list. ``write memory`` and ``copy running-config startup-config`` answer
``Success``.

Checkpoints, from the AOS-CX 10.x command reference: ``copy running-config checkpoint NAME``, ``checkpoint rollback
NAME|startup-config`` and ``copy checkpoint NAME running-config|startup-config`` answer ``Success``; ``erase
checkpoint NAME``; ``show checkpoint``. ``checkpoint auto N`` (1 to 60 minutes, manager context) snapshots the
running configuration and answers ``Auto checkpoint mode expires in N minute(s)``; ``checkpoint auto confirm``
answers ``checkpoint AUTO<YYYYMMDDHHMMSS> created``; without it the snapshot is restored when the timer runs out.
The timer lives on the device (a dropped session does not stop it) and runs ``revert_seconds_per_minute`` seconds a
minute. The switch's console messages when it restores (``WARNING: Restoring configuration. Do NOT add any new
configuration.``, ``Restoration successful``) go to :attr:`EmulatedDevice.log`, not into open sessions.

Not documented, so assumed here: the wording of the answers to a second ``checkpoint auto``, to a confirm with no
auto checkpoint pending and to an unknown or existing checkpoint name; that ``checkpoint rollback`` works while
the auto checkpoint mode is on (the mode and its timer carry on); how a banner and a ``logging`` line read back.
Not emulated: interface ranges, VLAN existence checks, the "confirm within 2 minutes" warning.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from devices.emulators.server import ConfigNode, ConfigTree, Platform, Shell

VERSION = "FL.10.13.1040"
PORTS = 52
INCOMPLETE = "% Command incomplete."
BANNER_HELP = "Enter a new banner. Terminate the banner with the delimiter you have chosen."
HEADER = re.compile(r"^(Current configuration:|!Version .*|!export-password: .*)$")
CHECKPOINT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

#: Lines that open a context, and the context's prompt name (``{0}``: the first group of the match).
CONTEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), name)
    for p, name in [
        (r"^interface (\d+/\d+/\d+)$", "config-if"),
        (r"^interface vlan ?(\d+)$", "config-if-vlan"),
        (r"^interface lag (\d+)$", "config-lag-if"),
        (r"^interface mgmt$", "config-if-mgmt"),
        (r"^interface loopback (\d+)$", "config-loopback-if"),
        (r"^vlan (\d+)$", "config-vlan-{0}"),
        (r"^access-list (ip|ipv6|mac) (\S+)$", "config-acl-{0}"),
        (r"^cli-session$", "config-cli-session"),
    ]
]

#: Token classes for :data:`SYNTAX` (anything else in a spec is a literal, ``a|b`` an alternative).
TOKENS = {
    "VLAN": r"(?:[1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-4])",
    "VLANS": r"(?:all|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)",
    "NUM": r"\d+",
    "WORD": r"\S+",
    "HOST": r"[0-9A-Za-z.:_-]+",
    "LEVEL": r"emerg|alert|crit|err|warning|notice|info|debug",
    "AUTH": r"md5|sha|sha256",
    "PRIV": r"aes|des|aes256",
    "SECRET": r"plaintext|ciphertext",
}
_SNMPV3_AUTH = "snmpv3 user WORD auth AUTH auth-pass SECRET WORD"
_ANY = "..."  # the rest of the line, zero or more words
_TEXT = "TEXT"  # the rest of the line, one or more words

#: Per context: first word -> the forms it takes (words checked one by one; the furthest match decides the error).
SYNTAX: dict[str, dict[str, list[str]]] = {
    "config": {
        "hostname": ["hostname WORD"],
        "ntp": ["ntp server HOST ...", "ntp enable", "ntp vrf WORD", "ntp authentication ...", "ntp trusted-key ..."],
        "logging": [
            "logging HOST",
            "logging HOST severity LEVEL",
            "logging HOST severity LEVEL vrf WORD",
            "logging HOST vrf WORD",
            "logging HOST udp|tcp|tls ...",
            "logging facility ...",
        ],
        "snmpv3": ["snmpv3 user WORD", _SNMPV3_AUTH, f"{_SNMPV3_AUTH} priv PRIV priv-pass SECRET WORD", "snmpv3 ..."],
        "https-server": ["https-server vrf WORD", "https-server rest access-mode read-only|read-write"],
        "ssh": ["ssh server vrf WORD", "ssh ..."],
        "apply": ["apply access-list ip|ipv6|mac WORD control-plane vrf WORD"],
        "checkpoint": ["checkpoint post-configuration", "checkpoint post-configuration timeout NUM"],
        **{
            word: [f"{word} ..."]
            for word in """aaa alias banner clock console crypto dhcpv4-snooping dhcpv6-snooping dns ip ipv6 lacp
            lldp loop-protect mac-address mirror port-access qos radius-server router sflow snmp-server
            spanning-tree system tacacs-server usb user user-group vrf vsf vsx""".split()  # noqa: SIM905
        },
    },
    "config-if": {
        "description": ["description TEXT"],
        "shutdown": ["shutdown"],
        "routing": ["routing"],
        "vlan": [
            "vlan access VLAN",
            "vlan trunk native VLAN",
            "vlan trunk native VLAN tag",
            "vlan trunk allowed VLANS",
        ],
        "spanning-tree": [
            "spanning-tree bpdu-guard",
            "spanning-tree bpdu-guard timeout NUM",
            "spanning-tree port-type admin-edge|admin-network",
            "spanning-tree root-guard",
            "spanning-tree loop-guard",
            "spanning-tree tcn-guard",
            "spanning-tree bpdu-filter",
            "spanning-tree link-type point-to-point|shared",
            "spanning-tree cost NUM",
            "spanning-tree port-priority NUM",
        ],
        "rate-limit": [
            "rate-limit broadcast|multicast|unknown-unicast NUM kbps|pps",
            "rate-limit icmp ip-all|ipv4|ipv6 NUM kbps|pps",
        ],
        "dhcpv4-snooping": ["dhcpv4-snooping trust", "dhcpv4-snooping max-bindings NUM"],
        "mtu": ["mtu NUM"],
        **{
            word: [f"{word} ..."]
            for word in """aaa apply arp dhcpv6-snooping flow-control ip ipv6 lacp lag lldp loop-protect persona
            port-access power-over-ethernet qos speed vrf""".split()  # noqa: SIM905
        },
    },
    "config-if-vlan": {
        "description": ["description TEXT"],
        "shutdown": ["shutdown"],
        **{w: [f"{w} ..."] for w in ("ip", "ipv6", "vrf", "active-gateway", "apply", "arp")},
    },
    "config-if-mgmt": {
        "description": ["description TEXT"],
        "shutdown": ["shutdown"],
        "ip": ["ip dhcp", "ip static WORD"],
        "default-gateway": ["default-gateway HOST"],
        "nameserver": ["nameserver ..."],
    },
    "config-loopback-if": {w: [f"{w} ..."] for w in ("description", "ip", "ipv6", "vrf", "shutdown")},
    "config-vlan": {
        "name": ["name WORD"],
        "description": ["description TEXT"],
        "shutdown": ["shutdown"],
        "dhcpv4-snooping": ["dhcpv4-snooping"],
        "voice": ["voice"],
        **{w: [f"{w} ..."] for w in ("ip", "ipv6", "arp", "apply", "vsx-sync")},
    },
    "config-cli-session": {"timeout": ["timeout NUM"]},
}
SYNTAX["config-lag-if"] = SYNTAX["config-if"]
ACL_LINE = re.compile(r"^(?:(\d+) )?((?:permit|deny) \S+ \S+ \S+(?: .*)?|comment .+)$")

#: Settings whose lines replace each other (the key names the setting).
EXCLUSIVE = re.compile(
    r"^(hostname|banner (?:motd|exec)|logging \S+|ntp server \S+|snmpv3 user \S+|user \S+|"
    r"snmp-server (?:community \S+|system-location|system-contact)|description|name|timeout|vlan access|"
    r"vlan trunk native|mtu|speed|ip address|ip dhcp|rate-limit (?:broadcast|multicast|unknown-unicast|icmp)|"
    r"spanning-tree (?:port-type|cost|port-priority|link-type)|default-gateway|\d+)(?=\s|$)"
)
_CONTROL_PLANE = re.compile(r"^apply access-list (ip|ipv6|mac) \S+ control-plane vrf (\S+)$")


def ciphertext(secret: str) -> str:
    """A stable stand-in for the AOS-CX encryption of a secret (``AQBap...``); the secret never shows."""
    return "AQBap" + base64.b64encode(hashlib.sha256(secret.encode()).digest()).decode().rstrip("=")


def hide_plaintext(line: str) -> str:
    """``... plaintext S ...`` as the switch stores it: ``... ciphertext AQBap...``."""
    return re.sub(r"\bplaintext (\S+)", lambda m: "ciphertext " + ciphertext(m.group(1)), line)


def check_syntax(words: Sequence[str], forms: Sequence[str]) -> str | None:
    """None when ``words`` fit one of ``forms``; else the error AOS-CX prints for the form that got furthest."""
    best, error = -1, INCOMPLETE
    for form in forms:
        spec = form.split()
        reached, problem = len(spec), ""
        for i, token in enumerate(spec):
            if token in (_ANY, _TEXT):
                if token == _TEXT and i >= len(words):
                    reached, problem = i, INCOMPLETE
                break
            if i >= len(words):
                reached, problem = i, INCOMPLETE
                break
            if not re.fullmatch(TOKENS.get(token, token), words[i]):
                reached, problem = i, f"Invalid input: {words[i]}"
                break
        else:
            if len(words) > len(spec):
                problem = f"Invalid input: {words[len(spec)]}"
        if not problem:
            return None
        if reached > best:
            best, error = reached, problem
    return error


def vlan_set(spec: str) -> set[int]:
    """``99,200-202`` -> the VLAN ids."""
    ids: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        ids.update(range(int(first), int(last or first) + 1))
    return ids


def vlan_list(ids: set[int]) -> str:
    """VLAN ids as AOS-CX lists them: ``99,200-202``."""
    out: list[str] = []
    for vid in sorted(ids):
        if out and vid - 1 in ids:
            start = out[-1].split("-")[0]
            out[-1] = f"{start}-{vid}"
        else:
            out.append(str(vid))
    return ",".join(out)


def is_port(name: str) -> bool:
    """Whether ``name`` is one of the switch's ports (``1/1/1`` to ``1/1/52``)."""
    member, slot, port = (int(part) for part in name.split("/"))
    return member == 1 and slot == 1 and 1 <= port <= PORTS


def _stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y%m%d%H%M%S")


class ArubaAoscx(Platform):
    """The switch: running and startup configuration, named checkpoints and the auto checkpoint timer."""

    device_type = "aruba_aoscx"
    default_hostname = "switch"
    error_pattern = r"Invalid input: |% Command incomplete|Ambiguous command|% Unknown command|Error:"

    def __init__(self, device: object) -> None:
        self.checkpoints: dict[str, tuple[ConfigTree, float]] = {}
        self.auto_point: ConfigTree | None = None
        self.auto_handle: object | None = None
        super().__init__(device)  # type: ignore[arg-type]

    # -- configuration ------------------------------------------------------------------------------------------

    def initial_config(self) -> ConfigTree:
        """A 6300M with 52 L2 ports in VLAN 1, management on VLAN 1 and the OOBM port, SSH and HTTPS on."""
        dev = self.device
        ports = "".join(
            f"interface 1/1/{n}\n    no shutdown\n    no routing\n    vlan access 1\n" for n in range(1, PORTS + 1)
        )
        return self.parse_config(
            f"""hostname {dev.hostname}
user {dev.username} group administrators password ciphertext {ciphertext(dev.password)}
!
!
!
!
ssh server vrf default
ssh server vrf mgmt
vlan 1
spanning-tree
interface mgmt
    no shutdown
    ip dhcp
{ports}interface vlan 1
    ip address 10.0.99.13/24
ip route 0.0.0.0/0 10.0.99.1
!
!
https-server vrf default
https-server vrf mgmt
"""
        )

    def parse_config(self, text: str) -> ConfigTree:
        """Configuration text as shown (header lines skipped); a ``banner motd D`` ... ``D`` block is one line."""
        tree = ConfigTree()
        stack: list[tuple[int, list[ConfigNode]]] = [(-1, tree.nodes)]
        banner: list[str] | None = None
        for raw in text.replace("\r\n", "\n").split("\n"):
            if banner is not None:
                banner.append(raw)
                if raw.strip() == banner[0].split()[-1]:
                    tree.nodes.append(ConfigNode("\n".join(banner)))
                    banner = None
                continue
            if not raw.strip() or HEADER.match(raw.strip()):
                continue
            if re.match(r"^banner (motd|exec) \S$", raw):
                banner = [raw]
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            while len(stack) > 1 and indent <= stack[-1][0]:
                stack.pop()
            node = ConfigNode(raw.strip())
            stack[-1][1].append(node)
            stack.append((indent, node.children))
        return tree

    def set_running(self, tree: ConfigTree) -> None:
        """Replace the running configuration; the prompt follows its ``hostname``."""
        self.running = tree
        self.config_changed()

    def config_changed(self) -> None:
        """The prompt follows ``hostname``."""
        host = next((n.text.split()[1] for n in self.running.nodes if n.text.startswith("hostname ")), None)
        self.hostname = host or "switch"

    def exclusive_key(self, line: str) -> str | None:
        """The setting a line sets, when lines for it replace each other."""
        plane = _CONTROL_PLANE.match(line)
        if plane:
            return f"apply {plane.group(1)} control-plane vrf {plane.group(2)}"
        m = EXCLUSIVE.match(line)
        return m.group(1) if m else None

    def keep_negation(self, target: str) -> bool:
        """``no shutdown`` and ``no routing`` show in the configuration."""
        return target in ("shutdown", "routing")

    def render(self, tree: ConfigTree) -> str:
        """Configuration text as AOS-CX prints it."""
        out = ["Current configuration:", "!", f"!Version ArubaOS-CX {VERSION}", "!export-password: default"]
        for depth, node in tree.walk():
            out.append("    " * depth + node.text)
        return "\n".join(out) + "\n"

    def render_running(self) -> str:
        """``show running-config``."""
        return self.render(self.running)

    def render_startup(self) -> str:
        """``show startup-config``."""
        return self.render(self.startup)

    def normalized(self, text: str) -> str:
        """Without the ``Current configuration:`` line and blank lines."""
        return super().normalized("\n".join(ln for ln in text.splitlines() if ln.strip() != "Current configuration:"))

    # -- checkpoints ----------------------------------------------------------------------------------------------

    def take_checkpoint(self, name: str) -> str:
        """``copy running-config checkpoint NAME``."""
        if not CHECKPOINT_NAME.match(name):
            return f"Invalid input: {name}"
        if name in self.checkpoints:
            return f"Checkpoint {name} already exists."
        self.checkpoints[name] = (self.running.copy(), time.time())
        return "Success"

    def restore(self, name: str) -> str:
        """``checkpoint rollback NAME|startup-config`` (the auto checkpoint mode, if on, carries on)."""
        if name == "startup-config":
            self.set_running(self.startup.copy())
            return "Success"
        if name not in self.checkpoints:
            return f"Checkpoint {name} does not exist."
        self.set_running(self.checkpoints[name][0].copy())
        return "Success"

    def start_auto(self, minutes: int) -> str:
        """``checkpoint auto N``: snapshot the running configuration and start the timer."""
        if not 1 <= minutes <= 60:
            return f"Invalid input: {minutes}"
        if self.auto_point is not None:
            return "Auto checkpoint mode is already enabled."
        self.auto_point = self.running.copy()
        self.auto_handle = self.device.call_later(minutes * self.device.revert_seconds_per_minute, self.expire)
        return f"Auto checkpoint mode expires in {minutes} minute(s)"

    def confirm_auto(self) -> str:
        """``checkpoint auto confirm``: keep the running configuration as checkpoint ``AUTO<timestamp>``."""
        if self.auto_point is None:
            return "Auto checkpoint mode is not enabled."
        self.cancel_timers()
        self.auto_point = None
        now = time.time()
        name = f"AUTO{_stamp(now)}"
        self.checkpoints[name] = (self.running.copy(), now)
        return f"checkpoint {name} created"

    def expire(self) -> None:
        """The auto checkpoint timer ran out without a confirm: back to the snapshot."""
        self.auto_handle = None
        point, self.auto_point = self.auto_point, None
        if point is None:
            return
        self.log("WARNING: Restoring configuration. Do NOT add any new configuration.")
        self.set_running(point)
        self.log("Restoration successful")

    def checkpoint_list(self) -> str:
        """``show checkpoint``."""
        rows = ["NAME                          TYPE        WRITER  DATE(YYYY/MM/DD)      IMAGE VERSION"]
        for name, (_, ts) in sorted(self.checkpoints.items(), key=lambda item: item[1][1]):
            date = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(f"{name:<30}checkpoint  User    {date:<22}{VERSION}")
        return "\n".join(rows) + "\n"

    def cancel_timers(self) -> None:
        """Cancel the auto checkpoint timer (device stopped or reloaded)."""
        handle, self.auto_handle = self.auto_handle, None
        if handle is not None:
            handle.cancel()  # type: ignore[attr-defined]

    def reload(self) -> None:
        """A reboot ends the auto checkpoint mode; the startup configuration runs."""
        super().reload()
        self.auto_point = None

    def new_shell(self) -> AoscxShell:
        """An SSH session."""
        return AoscxShell(self)


class AoscxShell(Shell):
    """One session: the manager context, configuration and its contexts, banner input."""

    platform: ArubaAoscx

    def __init__(self, platform: ArubaAoscx) -> None:
        super().__init__(platform)
        self.level = "exec"
        self.path: list[str] = []  # the context's block, e.g. ["interface 1/1/1"]
        self.context = ""  # its prompt name, e.g. "config-if"
        self.banner: tuple[str, str, list[str]] | None = None  # (motd|exec, delimiter, lines so far)

    def prompt(self) -> str:
        """``switch# ``, ``switch(config)# ``, ``switch(config-if)# ``, ``(banner-motd)# ``."""
        if self.banner is not None:
            return f"(banner-{self.banner[0]})# "
        host = self.platform.hostname
        if self.level == "exec":
            return f"{host}# "
        return f"{host}({self.context or 'config'})# "

    def feed(self, line: str) -> str:
        """Answer one line."""
        if self.banner is not None:
            return self.banner_line(line)
        text = " ".join(line.split())
        if not text:
            return self.prompt()
        if self.rejected(text):
            return f"Invalid input: {text.split()[-1]}\n" + self.prompt()
        out = self.exec_command(text) if self.level == "exec" else self.config_command(text)
        return out if self.closed else out + self.prompt()

    def ctrl_z(self) -> str:
        """Ctrl-Z goes back to the manager context."""
        self.end()
        return self.prompt()

    def end(self) -> None:
        """Leave configuration mode."""
        self.level, self.path, self.context, self.banner = "exec", [], "", None

    # -- manager context ----------------------------------------------------------------------------------------

    def exec_command(self, text: str) -> str:
        """A line at ``switch#``."""
        p = self.platform
        words = text.split()
        if text in ("enable", "no page", "page"):
            return ""
        if words[0] in ("exit", "logout") and len(words) == 1:
            self.closed = True
            return ""
        if words[0] == "terminal":
            return "" if len(words) == 3 and words[1] == "length" and words[2].isdigit() else self.invalid(words, 1)
        if words[0] in ("configure", "config", "conf") and (len(words) == 1 or "terminal".startswith(words[1])):
            if len(words) > 2:
                return self.invalid(words, 2)
            self.level, self.path, self.context = "config", [], ""
            return ""
        if words[0] == "show":
            return self.show(words)
        if text == "write memory":
            p.save()
            return "Success\n"
        if words[0] == "copy":
            return self.copy(words) + "\n"
        if words[0] == "checkpoint":
            return self.checkpoint(words) + "\n"
        if words[:2] == ["erase", "checkpoint"] and len(words) == 3:
            return self.erase(words[2])
        if words == ["erase", "startup-config"]:
            p.startup = ConfigTree()
            return ""
        return self.invalid(words, 0)

    def invalid(self, words: Sequence[str], index: int) -> str:
        """``Invalid input: <word>`` for word ``index``, or ``% Command incomplete.`` when the line stops there."""
        return f"Invalid input: {words[index]}\n" if index < len(words) else INCOMPLETE + "\n"

    def show(self, words: list[str]) -> str:
        """``show running-config|startup-config|version|checkpoint``."""
        p = self.platform
        what = words[1] if len(words) > 1 else ""
        if not what:
            return INCOMPLETE + "\n"
        if "running-config".startswith(what) and len(what) >= 3 and len(words) == 2:
            return p.render_running()
        if what == "startup-config" and len(words) == 2:
            return p.render_startup()
        if what == "version" and len(words) == 2:
            return (
                "-" * 80
                + "\nArubaOS-CX\n(c) Copyright 2017-2024 Hewlett Packard Enterprise Development LP\n"
                + "-" * 80
                + f"\nVersion      : {VERSION}\nBuild Date   : 2024-05-14 06:02:39 UTC\n"
                f"Build ID     : ArubaOS-CX:{VERSION}:4d6ea5fb8a61:202405140602\nHot Patches  :\n"
                "Active Image : primary\n\nService OS Version : FL.01.14.0002\nBIOS Version       : FL-01-0002\n"
            )
        if what == "checkpoint" and len(words) == 2:
            return p.checkpoint_list()
        if what == "checkpoint" and len(words) == 3 and words[2] in p.checkpoints:
            return p.render(p.checkpoints[words[2]][0])
        return self.invalid(words, 1 if what not in ("checkpoint",) else 2)

    def copy(self, words: list[str]) -> str:
        """``copy running-config startup-config|checkpoint NAME``, ``copy checkpoint NAME running-config|...``."""
        p = self.platform
        if words[1:] == ["running-config", "startup-config"]:
            p.save()
            return "Success"
        if words[1:3] == ["running-config", "checkpoint"] and len(words) == 4:
            return p.take_checkpoint(words[3])
        if words[1:] == ["startup-config", "running-config"]:
            return p.restore("startup-config")
        if len(words) == 4 and words[1] == "checkpoint" and words[3] in ("running-config", "startup-config"):
            if words[2] not in p.checkpoints:
                return f"Checkpoint {words[2]} does not exist."
            if words[3] == "running-config":
                return p.restore(words[2])
            p.startup = p.checkpoints[words[2]][0].copy()
            return "Success"
        return self.invalid(words, min(len(words), 2)).rstrip("\n")

    def checkpoint(self, words: list[str]) -> str:
        """``checkpoint auto N|confirm``, ``checkpoint rollback NAME|startup-config``."""
        p = self.platform
        if words[1:] == ["auto", "confirm"]:
            return p.confirm_auto()
        if len(words) == 3 and words[1] == "auto":
            return p.start_auto(int(words[2])) if words[2].isdigit() else f"Invalid input: {words[2]}"
        if len(words) == 3 and words[1] == "rollback":
            return p.restore(words[2])
        return self.invalid(words, 1 if len(words) < 2 or words[1] not in ("auto", "rollback") else 2).rstrip("\n")

    def erase(self, name: str) -> str:
        """``erase checkpoint NAME|all`` (silent when done)."""
        p = self.platform
        if name == "all":
            p.checkpoints.clear()
            return ""
        if p.checkpoints.pop(name, None) is None:
            return f"Checkpoint {name} does not exist.\n"
        return ""

    # -- configuration ------------------------------------------------------------------------------------------

    def config_command(self, text: str) -> str:
        """A line in ``switch(config)#`` or one of its contexts."""
        words = text.split()
        if text == "end":
            self.end()
            return ""
        if text == "exit":
            if self.path:
                self.path, self.context = [], ""
            else:
                self.end()
            return ""
        if words[0] == "show" or text == "write memory":  # AOS-CX runs these in any context
            return self.exec_command(text)
        if words[0] == "banner" and not self.path:
            return self.start_banner(words)
        opened = self.open_context(words)
        if opened is not None:
            return opened
        context = "config-vlan" if self.context.startswith("config-vlan-") else self.context
        if context.startswith("config-acl-"):
            return self.acl_line(words)
        word = words[1] if words[0] == "no" and len(words) > 1 else words[0]
        if context and word in SYNTAX.get(context, {}):
            return self.apply_in_context(context, words)
        if word not in SYNTAX["config"]:
            return self.invalid(words, 0 if words[0] != "no" else 1)
        if words[0] != "no":
            error = check_syntax(words, SYNTAX["config"][word])
            if error:
                return error + "\n"
        self.path, self.context = [], ""  # a global command leaves the context, as on the CLI
        self.platform.apply([], hide_plaintext(text))
        return ""

    def open_context(self, words: list[str]) -> str | None:
        """``interface X``, ``vlan N``, ``access-list ip NAME``, ``cli-session``: enter the context (None: the
        line opens none); ``no vlan N`` and the like remove the block."""
        negate = words[0] == "no"
        text = " ".join(words[1:] if negate else words)
        if words[-1] in ("interface", "vlan", "access-list") and len(words) == 1 + negate:
            return INCOMPLETE + "\n"
        for pattern, name in CONTEXTS:
            m = pattern.match(text)
            if not m:
                continue
            if name == "config-if" and not is_port(m.group(1)):
                return f"Invalid input: {m.group(1)}\n"
            if name.startswith("config-vlan") and not re.fullmatch(TOKENS["VLAN"], m.group(1)):
                return f"Invalid input: {m.group(1)}\n"
            block = "interface vlan " + m.group(1) if name == "config-if-vlan" else text
            if negate:
                self.path, self.context = [], ""
                self.platform.apply([], f"no {block}")
                return ""
            self.path, self.context = [block], name.format(*m.groups())
            self.platform.running.section(self.path)
            self.platform.config_changed()
            return ""
        return None

    def apply_in_context(self, context: str, words: list[str]) -> str:
        """A line inside the current block, checked against its forms."""
        p = self.platform
        word = words[1] if words[0] == "no" else words[0]
        if words[0] != "no":
            error = check_syntax(words, SYNTAX[context][word])
            if error:
                return error + "\n"
        text = " ".join(words)
        if context in ("config-if", "config-lag-if") and word == "vlan":
            self.port_vlan(words)
        else:
            p.apply(self.path, hide_plaintext(text))
        return ""

    def port_vlan(self, words: list[str]) -> None:
        """``vlan access N`` / ``vlan trunk native N`` / ``vlan trunk allowed LIST`` (additive), and their ``no``."""
        p = self.platform
        nodes = p.running.section(self.path)
        assert nodes is not None
        negate = words[0] == "no"
        setting = words[1:] if negate else words
        allowed = next((n for n in nodes if n.text.startswith("vlan trunk allowed ")), None)
        if setting[:3] == ["vlan", "trunk", "allowed"] and len(setting) == 4:
            have = set() if allowed is None else vlan_set(allowed.text.split()[3].replace("all", "1-4094"))
            change = vlan_set(setting[3].replace("all", "1-4094"))
            ids = have - change if negate else have | change
            nodes[:] = [n for n in nodes if n is not allowed and not (not negate and n.text.startswith("vlan access"))]
            if ids:
                nodes.append(ConfigNode("vlan trunk allowed " + ("all" if len(ids) == 4094 else vlan_list(ids))))
            p.config_changed()
            return
        if not negate:  # access and trunk exclude each other
            other = "vlan trunk" if setting[1] == "access" else "vlan access"
            nodes[:] = [n for n in nodes if not n.text.startswith(other)]
        p.apply(self.path, " ".join(words))

    def acl_line(self, words: list[str]) -> str:
        """An ACL entry ``[SEQ] permit|deny PROTO SRC DST ...`` (numbered 10 past the last when unnumbered), or
        ``no SEQ``."""
        p = self.platform
        nodes = p.running.section(self.path)
        assert nodes is not None
        if words[0] == "no":
            if len(words) != 2 or not words[1].isdigit():
                return self.invalid(words, 1)
            nodes[:] = [n for n in nodes if n.text.split()[0] != words[1]]
            return ""
        m = ACL_LINE.match(" ".join(words))
        if not m:
            bad = 1 if words[0].isdigit() else 0
            return self.invalid(words, bad if bad < len(words) else len(words))
        seq = int(m.group(1)) if m.group(1) else max((int(n.text.split()[0]) for n in nodes), default=0) + 10
        p.apply(self.path, f"{seq} {m.group(2)}")
        nodes.sort(key=lambda n: int(n.text.split()[0]))
        return ""

    # -- banner -------------------------------------------------------------------------------------------------

    def start_banner(self, words: list[str]) -> str:
        """``banner motd|exec D``: the text follows on ``(banner-motd)#`` lines up to the delimiter ``D``."""
        if len(words) < 3:
            return self.invalid(words, 1 if len(words) > 1 and words[1] not in ("motd", "exec") else len(words))
        if words[1] not in ("motd", "exec") or len(words[2]) != 1 or words[2] == "?":
            return self.invalid(words, 1 if words[1] not in ("motd", "exec") else 2)
        self.banner = (words[1], words[2], [])
        rest = " ".join(words[3:])
        if words[2] in rest:
            return self.banner_line(rest).removesuffix(self.prompt())
        if rest:
            self.banner[2].append(rest)
        return BANNER_HELP + "\n"

    def banner_line(self, line: str) -> str:
        """A line of banner text; the delimiter ends the banner (text before it on that line is kept)."""
        assert self.banner is not None
        kind, delimiter, lines = self.banner
        if delimiter not in line:
            lines.append(line)
            return self.prompt()
        last = line.split(delimiter, 1)[0]
        if last:
            lines.append(last)
        self.banner = None
        self.platform.apply([], "\n".join([f"banner {kind} {delimiter}", *lines, delimiter]))
        return self.prompt()


PLATFORM = ArubaAoscx
