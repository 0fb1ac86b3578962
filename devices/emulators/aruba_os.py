"""ArubaOS 8 mobility controller for netmiko ``aruba_os``.

Prompts ``(host) #`` (``(host) >`` before ``enable`` when an enable secret is set), ``(host) (config) #`` and
profile sub-modes such as ``(host) (SSID Profile "eduroam-ssid") #``; ``!`` or ``exit`` leaves a profile, ``end``
or Ctrl-Z configuration mode. ``no paging``; ``show running-config`` (``Building Configuration...``, profiles
with 3-space indentation and ``!``); ``write memory`` answers ``Saving Configuration...`` / ``Configuration
Saved.``; errors ``% Invalid input detected at '^' marker.`` under a caret. Changes apply at once (the pending
state that AOS 8 keeps until ``write memory`` is not emulated); ``copy running-config startup-config`` (netmiko's
default save command) is refused, as VENDORS.md advises ``save_config(cmd="write memory")``.

Captive portal: ``aaa authentication captive-portal``, ``user-role`` and ``netdestination`` open their sub-modes;
their keywords (and the SSID profile's ``opmode``) are checked the way the CLI parses them (a known keyword, the
right number of values, an IPv4 address for ``host``, a host name for ``name``), else the caret error under the
first bad word and nothing changes. A netdestination holds several hosts, a role several ACLs, a captive-portal
profile several white-lists.

Deleting: ``no <profile> NAME`` at the top level removes the profile with its settings (the name quoted or not);
inside a profile ``no SETTING ...`` removes that setting. A profile still named by another one (a virtual AP's
``ssid-profile``, an AP group's ``virtual-ap``, an AAA profile's ``initial-role`` ...) cannot be deleted: the answer
is an ``Error:`` line naming the user and nothing changes (the wording is assumed; AOS refuses to delete a profile
in use).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence

from devices.emulators.server import ConfigNode, ConfigTree, Platform, Shell, caret_error, quoted, word_column

INVALID = "% Invalid input detected at '^' marker."
#: Configuration lines that open a profile, and how the prompt names it.
PROFILES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), name)
    for p, name in [
        (r"^wlan ssid-profile (\S+)$", "SSID Profile"),
        (r"^wlan virtual-ap (\S+)$", "Virtual AP profile"),
        (r"^wlan dot11r-profile (\S+)$", "802.11r Profile"),
        (r"^wlan dot11k-profile (\S+)$", "802.11K Profile"),
        (r"^aaa profile (\S+)$", "AAA Profile"),
        (r"^aaa authentication-server radius (\S+)$", "RADIUS Server"),
        (r"^aaa server-group (\S+)$", "Server Group"),
        (r"^aaa authentication dot1x (\S+)$", "802.1X Authentication Profile"),
        (r"^aaa authentication captive-portal (\S+)$", "Captive Portal Authentication Profile"),
        (r"^user-role (\S+)$", "config-submode"),
        (r"^netdestination (\S+)$", "config-dest"),
        (r"^ap-group (\S+)$", "AP group"),
        (r"^rf arm-profile (\S+)$", "Adaptive Radio Management (ARM) profile"),
        (r"^interface vlan (\d+)$", "config-subif"),
        (r"^vlan (\d+)$", "config-vlan"),
    ]
]
TOP_WORDS = frozenset(
    """aaa ap-group clock cp-bandwidth-contract crypto firewall hostname interface ip ip-flow-export-profile
    lc-cluster logging loginsession mgmt-user netdestination ntp rf snmp-server ssh user-role vlan web-server
    wlan""".split()  # noqa: SIM905
)
#: Profile settings that can appear several times (everything else replaces its earlier value).
MULTI = frozenset(["auth-server", "virtual-ap", "netservice", "access-list", "white-list", "allow-list"])
MULTI_TOP = re.compile(
    r"^(ntp server|logging \d|aaa |wlan |ap-group |interface |vlan \d|mgmt-user |snmp-server host|user-role "
    r"|netdestination )"
)
#: Captive-portal profile keywords (ArubaOS 8 CLI-Bank 'aaa authentication captive-portal') and how many values each
#: takes.
CAPTIVE_PORTAL = {
    **dict.fromkeys(
        """allow-list auth-protocol black-list clone default-guest-role default-role deny-list ip-addr-in-redirection
        login-page max-authentication-failures redirect-pause redirect-url server-group url-hash-key
        user-idle-timeout welcome-page white-list""".split(),  # noqa: SIM905
        1,
    ),
    **dict.fromkeys(
        """ap-mac-in-redirection-url apple-cna-bypass enable-welcome-page guest-logon logout-popup-window
        protocol-http show-acceptable-use-policy show-fqdn single-session switchip-in-redirection-url user-logon
        user-vlan-in-redirection-url""".split(),  # noqa: SIM905
        0,
    ),
}
#: User-role keywords and their number of values (``access-list TYPE NAME``).
USER_ROLE = {"access-list": 2, "captive-portal": 1, "vlan": 1, "max-sessions": 1, "reauthentication-interval": 1}
ACL_TYPES = frozenset(["session", "eth", "mac", "stateless", "route"])
OPMODES = frozenset(
    """opensystem static-wep dynamic-wep wpa-tkip wpa-aes wpa-psk-tkip wpa-psk-aes wpa2-tkip wpa2-aes wpa2-psk-tkip
    wpa2-psk-aes xSec enhanced-open wpa3-sae-aes wpa3-aes-ccm-128 wpa3-aes-gcm-256 wpa3-cnsa
    wpa2-aes-gcm-256""".split()  # noqa: SIM905
)
HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
#: Profile kind (its opener without the name) -> the settings of other profiles that name a profile of that kind.
#: Written apart from the push driver's table on purpose: the emulator checks the push's order, it does not copy it.
REFERENCED_BY = {
    "wlan ssid-profile": ("ssid-profile",),
    "wlan virtual-ap": ("virtual-ap",),
    "wlan dot11r-profile": ("dot11r-profile",),
    "wlan dot11k-profile": ("dot11k-profile",),
    "aaa profile": ("aaa-profile",),
    "aaa authentication-server radius": ("auth-server",),
    "aaa server-group": ("server-group", "dot1x-server-group", "radius-accounting"),
    "aaa authentication dot1x": ("authentication-dot1x",),
    "aaa authentication captive-portal": ("captive-portal",),
    "user-role": ("initial-role", "default-role"),
    "netdestination": ("white-list",),
}


class ArubaOs(Platform):
    """The controller's configuration: top-level lines and profile blocks."""

    device_type = "aruba_os"
    default_hostname = "host"
    error_pattern = r"% Invalid input|Invalid input detected|Error:"

    def initial_config(self) -> ConfigTree:
        """A controller with its management VLAN and a default AP group."""
        return self.parse_config(
            f"""hostname "{self.device.hostname}"
clock timezone Taipei 8 0
ntp server 10.0.99.1
vlan 99
interface vlan 99
   ip address 10.0.99.4 255.255.255.0
!
ap-group "default"
!
"""
        )

    def parse_config(self, text: str) -> ConfigTree:
        """Configuration text as shown (``!`` separators and the header skipped); profile names quoted as AOS
        shows them, also where the text was written without quotes."""
        tree = ConfigTree.parse(
            text,
            skip=lambda line: line.strip() in ("!", "end", "Building Configuration...") or line.startswith("version"),
        )
        for node in tree.nodes:
            node.text = profile_opener(node.text) or node.text
        return tree

    def config_changed(self) -> None:
        """The prompt follows ``hostname``."""
        host = next((n.text.split(None, 1)[1] for n in self.running.nodes if n.text.startswith("hostname ")), "host")
        self.hostname = host.strip('"')

    def exclusive_key(self, line: str) -> str | None:
        """Single-valued settings: a profile keyword, or a top-level command that is not a list."""
        words = line.split()
        if not words or words[0] in MULTI or MULTI_TOP.match(line):
            return None
        return words[0] if len(words) > 1 else None

    def apply(self, path: Sequence[str], line: str) -> None:
        """Apply one line; in a netdestination every entry stays (it is a list of hosts and networks)."""
        listing = bool(path) and path[0].startswith("netdestination ")
        key: Callable[[str], str | None] = (lambda _line: None) if listing else self.exclusive_key
        self.running.apply(path, line, exclusive_key=key, keep_negation=self.keep_negation)
        self.config_changed()

    def render(self, tree: ConfigTree) -> str:
        """Configuration text as AOS prints it."""
        out = ["version 8.10", ""]
        for node in tree.nodes:
            out.append(node.text)
            out.extend("   " * depth + text for depth, text in _walk(node.children, 1))
            if node.children or any(p.match(node.text) for p, _ in PROFILES):
                out.append("!")
        out.append("")
        return "\n".join(out) + "\n"

    def render_running(self) -> str:
        """``show running-config``."""
        return "Building Configuration...\n" + self.render(self.running)

    def render_startup(self) -> str:
        """``show startup-config``."""
        return "Building Configuration...\n" + self.render(self.startup)

    def user_of(self, opener: str) -> str | None:
        """The top-level line of a profile whose settings name the profile ``opener`` (None: not in use)."""
        kind, _, name = opener.rpartition(" ")
        keywords = REFERENCED_BY.get(kind, ())
        for top in self.running.nodes:
            for _depth, text in _walk(top.children, 1):
                words = text.split()
                if words[0] in keywords and words[-1].strip('"') == name.strip('"'):
                    return top.text
        return None

    def normalized(self, text: str) -> str:
        """Without the ``Building Configuration...`` header and blank lines."""
        return super().normalized("\n".join(ln for ln in text.splitlines() if "Building Configuration" not in ln))

    def new_shell(self) -> ArubaShell:
        """An SSH session."""
        return ArubaShell(self)


def profile_opener(text: str) -> str | None:
    """A profile's opener as the configuration shows it (name quoted where AOS quotes it); None for other lines."""
    for pattern, mode in PROFILES:
        m = pattern.match(text)
        if m:
            return text if mode.startswith("config-") else text[: m.start(1)] + quoted(m.group(1))
    return None


def bad_word(mode: str, words: list[str]) -> int | None:
    """The index of the first word AOS would refuse in a profile line of ``mode`` (None: the line is fine).

    Only the captive-portal profiles and the SSID profile's ``opmode`` are checked; other profiles take any line.
    ``no KEYWORD`` needs a known keyword only.
    """
    if words[0] == "no":
        if len(words) < 2:
            return 0
        known = bad_word(mode, [words[1], *words[2:]]) != 0 if mode in CHECKED else True
        return None if known else 1
    if mode == "SSID Profile" and words[0] == "opmode":
        wrong = [i for i, w in enumerate(words[1:], 1) if w not in OPMODES]
        return wrong[0] if wrong else (1 if len(words) == 1 else None)
    check = CHECKED.get(mode)
    return check(words) if check else None


def _arity(words: list[str], wanted: int) -> int | None:
    """A missing value: the caret goes past the keyword; a value too many: under it."""
    if len(words) - 1 < wanted:
        return len(words)
    return wanted + 1 if len(words) - 1 > wanted else None


def _captive_portal_word(words: list[str]) -> int | None:
    if words[0] not in CAPTIVE_PORTAL:
        return 0
    if words[0] == "auth-protocol" and len(words) == 2 and words[1] not in ("mschapv2", "pap", "chap"):
        return 1
    return _arity(words, CAPTIVE_PORTAL[words[0]])


def _user_role_word(words: list[str]) -> int | None:
    if words[0] not in USER_ROLE:
        return 0
    if words[0] == "access-list" and len(words) > 1 and words[1] not in ACL_TYPES:
        return 1
    return _arity(words, USER_ROLE[words[0]])


def _netdestination_word(words: list[str]) -> int | None:
    values = {"host": 1, "name": 1, "network": 2, "range": 2, "invert": 0}
    if words[0] not in values:
        return 0
    wrong = _arity(words, values[words[0]])
    if wrong is not None:
        return wrong
    if words[0] in ("host", "network", "range") and not _ipv4(words[1]):
        return 1
    if words[0] == "name" and not HOSTNAME.fullmatch(words[1]):
        return 1
    return None


def _ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


#: Profile modes whose lines are checked keyword by keyword.
CHECKED: dict[str, Callable[[list[str]], int | None]] = {
    "Captive Portal Authentication Profile": _captive_portal_word,
    "config-submode": _user_role_word,
    "config-dest": _netdestination_word,
}


def _walk(nodes: list[ConfigNode], depth: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in nodes:
        out.append((depth, node.text))
        out.extend(_walk(node.children, depth + 1))
    return out


class ArubaShell(Shell):
    """One session: exec, ``(config)`` and profile modes."""

    platform: ArubaOs

    def __init__(self, platform: ArubaOs) -> None:
        super().__init__(platform)
        self.enabled = self.device.privileged or self.device.enable_secret is None
        self.level = "exec"
        self.path: list[str] = []
        self.mode = ""
        self.asking_secret = False

    def prompt(self) -> str:
        """``(host) #``, ``(host) (config) #``, ``(host) (SSID Profile "x") #``."""
        host = f"({self.platform.hostname})"
        if self.level == "exec":
            return f"{host} {'#' if self.enabled else '>'}"
        if not self.path:
            return f"{host} (config) #"
        if self.mode.startswith("config-"):
            return f"{host} ({self.mode})#"
        return f"{host} ({self.mode} {quoted(self.path[0].split()[-1])}) #"

    def invalid(self, line: str, word: int) -> str:
        """The caret error."""
        return caret_error(len(self.prompt()) + word_column(line, word), INVALID)

    def feed(self, line: str) -> str:
        """Answer one line."""
        if self.asking_secret:
            self.asking_secret, self.echo = False, True
            if line == self.device.enable_secret:
                self.enabled = True
                return self.prompt()
            return "Invalid password\n" + self.prompt()
        text = " ".join(line.split())
        if not text:
            return self.prompt()
        if self.rejected(text):
            return self.invalid(line, len(text.split()) - 1) + self.prompt()
        out = self.exec_command(line, text) if self.level == "exec" else self.config_command(line, text)
        return out if self.closed else out + self.prompt()

    def ctrl_z(self) -> str:
        """Ctrl-Z leaves configuration mode."""
        self.level, self.path = "exec", []
        return self.prompt()

    def exec_command(self, line: str, text: str) -> str:
        """A line at ``(host) #``."""
        p = self.platform
        if text == "enable":
            if self.enabled:
                return ""
            self.asking_secret, self.echo = True, False
            return "Password:"
        if text in ("exit", "logout", "quit"):
            self.closed = True
            return ""
        if text in ("no paging", "paging"):
            return ""
        if text.startswith("show "):
            if text == "show running-config" and self.enabled:
                return p.render_running()
            if text == "show startup-config" and self.enabled:
                return p.render_startup()
            if text == "show version":
                return (
                    "Aruba Operating System Software.\nArubaOS (MODEL: Aruba7010), Version 8.10.0.6\n"
                    "Website: http://www.arubanetworks.com\n"
                )
            return self.invalid(line, 1)
        if not self.enabled:
            return self.invalid(line, 0)
        if text in ("configure terminal", "configure term", "conf t"):
            self.level, self.path = "config", []
            return "Enter Configuration commands, one per line. End with CNTL/Z\n\n"
        if text == "write memory":
            p.save()
            return "\nSaving Configuration...\n\nConfiguration Saved.\n"
        return self.invalid(line, 1 if text.startswith(("copy ", "write ")) else 0)

    def config_command(self, line: str, text: str) -> str:
        """A line in ``(config)`` or a profile."""
        p = self.platform
        if text == "end":
            self.level, self.path = "exec", []
            return ""
        if text == "write memory" or text.startswith("show "):  # AOS runs these from configuration mode too
            return self.exec_command(line, text)
        if text in ("!", "exit"):
            if self.path:
                self.path = []
            elif text == "exit":
                self.level = "exec"
            return ""
        for pattern, mode in PROFILES:
            m = pattern.match(text)
            if m and mode == "config-vlan" and self.path:
                break  # inside a profile 'vlan N' is the profile's own VLAN (virtual AP, user role), as on AOS
            if m:
                name = m.group(1)
                opener = text if mode.startswith("config-") else text[: m.start(1)] + quoted(name)
                self.path, self.mode = [opener], mode
                p.running.section(self.path)
                return ""
        if self.path:
            if not re.match(r"^[a-z0-9]", text):
                return self.invalid(line, 0)
            wrong = bad_word(self.mode, text.split())
            if wrong is not None:
                return self.invalid(line, wrong)
            p.apply(self.path, text)
            return ""
        head = text[3:].split()[0] if text.startswith("no ") and len(text.split()) > 1 else text.split()[0]
        if head not in TOP_WORDS:
            return self.invalid(line, 0)
        if text.startswith("no "):
            removed = profile_opener(text[3:])
            user = p.user_of(removed) if removed else None
            if user is not None:
                return f"Error: {removed} is in use by {user}\n"
            text = f"no {removed or text[3:]}"
        if text.startswith("hostname "):
            text = f"hostname {quoted(text.split(None, 1)[1])}"
        p.apply([], text)
        return ""


PLATFORM = ArubaOs
