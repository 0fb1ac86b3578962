"""Cisco AireOS wireless LAN controller (8.x) for netmiko ``cisco_wlc``.

After SSH authentication AireOS asks again inside the shell (``(Cisco Controller)`` / ``User:`` / ``Password:``),
which netmiko's ``CiscoWlcSSH.special_login_handler`` answers. Prompt ``(Cisco Controller) >``; there is no
configuration mode: ``config ...`` lines are typed at the exec prompt (``config`` alone enters the
``(Cisco Controller) config>`` level, where the ``config`` word is implied). Wrong lines answer ``Incorrect usage.
Use the '?' or <TAB> key to list commands.``; ``save config`` asks ``Are you sure you want to save? (y/n)``.
``show run-config commands`` prints the configuration as ``config ...`` lines.

The external web authentication (portal) lines are checked for their form the way AireOS parses them: ``config wlan
security web-auth enable|disable|acl``, ``config wlan custom-web webauth-type|ext-webauth-url`` (an http(s) URL of at
most 252 characters), ``config wlan security wpa enable|disable`` and the ``config acl`` object lines (names of at
most 32 characters, IPv4 addresses and netmasks); a malformed one answers ``Incorrect usage`` and changes nothing.
``config acl delete NAME`` takes the ACL's rules and domains with it.

WLAN settings at their default are not printed (WPA2, AES and 802.1X on; 802.11r, adaptive 11r and FT 802.1X
off), as in a public configuration uploaded from an AireOS 8.x controller.

RADIUS servers (``config radius auth|acct add INDEX ADDRESS PORT ascii|hex SECRET``, index 1 to 17) are kept per
index (a new server at a used index replaces the old one) and printed the way AireOS prints them: never with the
secret, but as ``config radius auth add encrypt INDEX ADDRESS PORT password 1 <iv> <mac> <length> <ciphertext>``
followed by the server's state ``config radius auth enable INDEX``. The form and its fields follow a public
configuration file uploaded from an AireOS controller and a public script that decodes such files (32 hex digits of
IV, 40 of MAC, the length, 160 hex digits of zero-padded ciphertext); the emulator's digits are hashes, not a real
encryption, so nothing prints the secret back. That printed form is also taken as input (a configuration download
replays it). ``config radius auth|acct delete INDEX`` removes the server and its other lines.

Layer-2 security of an enabled WLAN (``config wlan security ...``, ``config wlan radius_server ...``) is refused,
as AireOS takes it only while the WLAN is disabled (the configuration guides' WLAN procedures disable the WLAN
first). The refusal's exact words were not found in public material: it starts with ``Request failed``, the
AireOS error prefix the push's error pattern knows.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

from devices.emulators.server import ConfigNode, ConfigTree, Platform, Shell

INCORRECT = "Incorrect usage. Use the '?' or <TAB> key to list commands."
WLAN_ENABLED = "Request failed. WLAN {wlan} is enabled: disable it before changing its security settings."
RADIUS_INDEXES = range(1, 18)
#: WLAN settings not printed at their default (on, resp. off): a public configuration uploaded from an AireOS 8.x
#: controller shows a WPA2/AES/802.1X WLAN as "config wlan security wpa enable 10" alone, prints the "disable" forms
#: of these where switched off, and no "ft" line for a WLAN without 802.11r.
DEFAULT_ON = frozenset({"security wpa wpa2", "security wpa wpa2 ciphers aes", "security wpa akm 802.1x"})
DEFAULT_OFF = frozenset({"security ft", "security ft adaptive", "security wpa akm ft 802.1x"})
WLAN_SETTING_STATE = re.compile(r"^config wlan (security .+) (enable|disable) (\d+)$")
#: ``config radius auth|acct add [encrypt] INDEX ADDRESS PORT REST`` (typed: ``ascii|hex SECRET``; printed:
#: ``password 1 IV MAC LENGTH CIPHERTEXT``).
RADIUS_ADD = re.compile(r"^config radius (auth|acct) add (encrypt )?(\d+) (\S+) (\d+) (.+)$")
KNOWN = frozenset(
    """802.11a 802.11b 802.11h aaa acl advanced ap cdp certificate country custom-web database dhcp flexconnect
    interface local-auth location logging loginsession mesh mgmtuser mobility netuser network ntp paging port qos
    radius rf-profile rogue serial sessions snmp switchconfig sysname tacacs time wlan""".split()  # noqa: SIM905
)
INITIAL = """config sysname WLC-SCHOOL
config network telnet disable
config network secureweb enable
config time ntp server 1 10.0.99.1
config interface address management 10.0.99.5 255.255.255.0 10.0.99.1
config wlan create 1 staff staff
config wlan interface 1 management
config wlan enable 1
"""


def line_key(line: str) -> str:
    """The setting a ``config ...`` line sets: enable/disable variants and re-typed values replace each other."""
    words = line.split()
    if words[:3] == ["config", "wlan", "custom-web"] and len(words) == 6:
        return " ".join(words[:4] + words[5:])  # a WLAN's login URL or web-auth type: the value is replaced
    if words[:2] == ["config", "acl"] and len(words) > 2 and words[2] in ("create", "apply", "url-domain"):
        return line  # one line per ACL (per domain): never replaced by another ACL's
    if words[:3] == ["config", "wlan", "radius_server"]:
        return line  # a WLAN has several RADIUS servers (index 1 and 2)
    server = RADIUS_ADD.match(line)
    if server:
        return f"config radius {server.group(1)} add {server.group(3)}"  # one server per index
    if "enable" in words or "disable" in words:
        return " ".join("{state}" if w in ("enable", "disable") else w for w in words)
    for i, word in enumerate(words):
        if word.isdigit():
            return " ".join(words[: i + 1])
    return " ".join(words[:-1]) if len(words) > 3 else line


#: ``config wlan custom-web`` keywords that take a WLAN id last.
CUSTOM_WEB_WLAN = frozenset(
    {
        "ext-webauth-url",
        "global-status",
        "login-page",
        "loginfailure-page",
        "logout-page",
        "sleep-client",
        "webauth-type",
    }
)
ACTIONS = ("permit", "deny")
#: Other ``config wlan security web-auth`` keywords (taken without a closer check).
WEB_AUTH_OTHER = frozenset(
    {"server-precedence", "on-macfilter-failure", "captive-bypass", "flexacl", "ipv6", "mac-auth-failure", "timeout"}
)
ACL_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,32}")
WLAN_ID = re.compile(r"[0-9]{1,3}")
DOMAIN = re.compile(r"(?=.{1,253}$)[A-Za-z0-9*](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def malformed(words: list[str]) -> bool:
    """Whether a portal-related ``config`` line has the wrong form (AireOS answers ``Incorrect usage``)."""
    if words[:3] == ["config", "wlan", "custom-web"]:
        return _bad_custom_web(words[3:])
    if words[:4] == ["config", "wlan", "security", "web-auth"]:
        rest = words[4:]
        if rest[:1] in (["enable"], ["disable"]):
            return len(rest) != 2 or not WLAN_ID.fullmatch(rest[1])
        if rest[:1] == ["acl"]:
            return len(rest) != 3 or not WLAN_ID.fullmatch(rest[1]) or not ACL_NAME.fullmatch(rest[2])
        return not rest or rest[0] not in WEB_AUTH_OTHER
    if words[:4] == ["config", "wlan", "security", "wpa"] and len(words) > 4 and words[4] in ("enable", "disable"):
        return len(words) != 6 or not WLAN_ID.fullmatch(words[5])
    if words[:2] == ["config", "acl"]:
        return _bad_acl(words[2:])
    return False


def _bad_custom_web(rest: list[str]) -> bool:
    if not rest or rest[0] not in CUSTOM_WEB_WLAN or len(rest) < 3 or not WLAN_ID.fullmatch(rest[-1]):
        return True
    if rest[0] == "webauth-type":
        return len(rest) != 3 or rest[1] not in ("internal", "customized", "external")
    if rest[0] == "ext-webauth-url":
        return len(rest) != 3 or len(rest[1]) > 252 or not re.fullmatch(r"https?://\S+", rest[1])
    return False


def _bad_acl(rest: list[str]) -> bool:
    if rest[:1] in (["create"], ["delete"], ["apply"]):
        return len(rest) != 2 or not ACL_NAME.fullmatch(rest[1])
    if rest[:1] == ["url-domain"]:
        return (
            len(rest) != 4
            or rest[1] not in ("add", "delete")
            or not DOMAIN.fullmatch(rest[2])
            or not ACL_NAME.fullmatch(rest[3])
        )
    if rest[:1] != ["rule"]:
        return False  # other ACL commands (counters, CPU ACL ...) are not checked here
    verb, args = (rest[1], rest[2:]) if len(rest) > 1 else ("", [])
    if verb in ("add", "delete"):  # rule add NAME INDEX
        return len(args) != 2 or not ACL_NAME.fullmatch(args[0]) or not _index(args[1])
    if verb == "action":  # rule action NAME INDEX permit|deny
        return len(args) != 3 or not ACL_NAME.fullmatch(args[0]) or not _index(args[1]) or args[2] not in ACTIONS
    if verb in ("source", "destination") and args[:1] == ["address"]:  # rule destination address NAME INDEX IP MASK
        return (
            len(args) != 5
            or not ACL_NAME.fullmatch(args[1])
            or not _index(args[2])
            or not _ipv4(args[3])
            or not _netmask(args[4])
        )
    return not verb


def printed_radius(line: str) -> str | None:
    """The line AireOS shows for a ``config radius auth|acct add`` line (None: the line is malformed)."""
    m = RADIUS_ADD.match(line)
    if not m:
        return None
    kind, encrypted, index, address, port, rest = m.groups()
    if int(index) not in RADIUS_INDEXES or not _ipv4_or_6(address) or not 1 <= int(port) <= 65535:
        return None
    if encrypted:
        return line if re.fullmatch(r"password 1 [0-9a-f]{32} [0-9a-f]{40} \d+ [0-9a-f]+", rest) else None
    form, _, secret = rest.partition(" ")
    if form not in ("ascii", "hex") or not secret or " " in secret:
        return None
    seed = f"{kind}|{index}|{secret}".encode()
    length = 16 * max(1, -(-len(secret) // 16))
    iv = hashlib.sha256(b"iv" + seed).hexdigest()[:32]
    mac = hashlib.sha1(b"mac" + seed).hexdigest()
    cipher = hashlib.shake_256(b"ct" + seed).hexdigest(length).ljust(160, "0")
    return f"config radius {kind} add encrypt {index} {address} {port} password 1 {iv} {mac} {length} {cipher}"


def radius_index(line: str, kind: str) -> str | None:
    """The server index a ``config radius KIND ...`` line is about (``add [encrypt] N``, ``enable N``,
    ``network N enable``, ``retransmit-timeout N 2`` ...); None for other lines and global settings."""
    words = line.split()
    if words[:3] != ["config", "radius", kind]:
        return None
    rest = words[3:]
    if rest[:1] == ["add"]:
        return rest[2] if rest[1:2] == ["encrypt"] and len(rest) > 2 else (rest[1] if len(rest) > 1 else None)
    return next((w for w in rest if w.isdigit()), None)


def _ipv4_or_6(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def security_wlan(words: list[str]) -> str | None:
    """The WLAN whose layer-2 security a ``config wlan security|radius_server ...`` line changes (else None)."""
    if words[:3] == ["config", "wlan", "radius_server"] and len(words) >= 6:
        return words[5]  # config wlan radius_server auth add WLAN INDEX
    if words[:3] == ["config", "wlan", "security"] and len(words) >= 5:
        if words[3:5] == ["web-auth", "acl"] and len(words) >= 6:
            return words[5]
        return words[-1]
    return None


def _index(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= 64


def _ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _netmask(text: str) -> bool:
    try:
        ipaddress.IPv4Network(f"0.0.0.0/{text}")
    except ValueError:
        return False
    return True


class CiscoWlc(Platform):
    """The controller: its configuration is a flat list of ``config ...`` lines."""

    device_type = "cisco_wlc"
    default_hostname = "Cisco Controller"
    error_pattern = r"Incorrect usage|Incorrect input|Request failed|Error"

    def initial_config(self) -> ConfigTree:
        """A small controller: management interface, NTP, one WLAN."""
        return self.parse_config(INITIAL)

    def parse_config(self, text: str) -> ConfigTree:
        """``config ...`` lines, one per line."""
        return ConfigTree(ConfigNode(ln.strip()) for ln in text.splitlines() if ln.strip().startswith("config "))

    def apply_line(self, line: str) -> None:
        """Apply one ``config ...`` line (``... delete N`` removes what ``create``/``add`` N made)."""
        nodes = self.running.nodes
        words = line.split()
        if len(words) == 5 and words[1] == "radius" and words[3] == "delete":  # config radius auth delete N
            nodes[:] = [n for n in nodes if radius_index(n.text, words[2]) != words[4]]
            return
        if words[:3] == ["config", "wlan", "radius_server"] and len(words) == 7 and words[4] == "delete":
            added = " ".join([*words[:4], "add", *words[5:]])  # config wlan radius_server auth delete WLAN N
            nodes[:] = [n for n in nodes if n.text != added]
            return
        if words[:3] == ["config", "acl", "delete"]:
            gone = re.compile(rf"^config acl .*(?<!\S){re.escape(words[3])}(?!\S)")
            nodes[:] = [n for n in nodes if not gone.search(n.text)]
            return
        if "delete" in words:
            i = words.index("delete")
            head, rest = " ".join(words[:i]), words[i + 1 :]
            ident = rest[0] if rest else ""
            if words[1] == "wlan" and i == 2:
                gone = re.compile(rf"^config wlan .*\b{re.escape(ident)}\b")
                nodes[:] = [n for n in nodes if not gone.search(n.text)]
            else:
                for verb in ("add", "create"):
                    prefix = f"{head} {verb} {ident}".strip()
                    nodes[:] = [n for n in nodes if not (n.text == prefix or n.text.startswith(prefix + " "))]
            return
        setting = WLAN_SETTING_STATE.match(line)
        if setting and setting.group(1) in DEFAULT_ON | DEFAULT_OFF:
            name, state, wlan = setting.groups()
            forms = {f"config wlan {name} {s} {wlan}" for s in ("enable", "disable")}
            nodes[:] = [n for n in nodes if n.text not in forms]
            if (state == "disable") == (name in DEFAULT_ON):  # printed only when not at the default
                nodes.append(ConfigNode(line))
            return
        server = RADIUS_ADD.match(line)
        shown = printed_radius(line) if server else None
        key = line_key(line)
        nodes[:] = [n for n in nodes if line_key(n.text) != key]
        nodes.append(ConfigNode(shown or line))
        if server and shown:  # a new server is enabled; its state shows on a line of its own
            state = f"config radius {server.group(1)} enable {server.group(3)}"
            nodes[:] = [n for n in nodes if line_key(n.text) != line_key(state)]
            nodes.append(ConfigNode(state))

    def wlan_enabled(self, wlan: str) -> bool:
        """Whether WLAN ``wlan`` exists and its state line says enabled."""
        texts = [n.text for n in self.running.nodes]
        return any(t.startswith(f"config wlan create {wlan} ") for t in texts) and f"config wlan enable {wlan}" in texts

    def render_running(self) -> str:
        """``show run-config commands``."""
        return "\n".join(n.text for n in self.running.nodes) + "\n"

    def render_startup(self) -> str:
        """``show run-config startup-commands``."""
        return "\n".join(n.text for n in self.startup.nodes) + "\n"

    def new_shell(self) -> WlcShell:
        """An SSH session (with the in-band login)."""
        return WlcShell(self)


class WlcShell(Shell):
    """One session: ``User:``/``Password:`` login, then the exec prompt."""

    platform: CiscoWlc

    def __init__(self, platform: CiscoWlc) -> None:
        super().__init__(platform)
        self.stage = "user"
        self.user = ""
        self.level = ""  # "" or "config" (the "(Cisco Controller) config>" level)
        self.confirm: str | None = None
        self.unsaved = False

    def greeting(self) -> str:
        """AireOS greets with its name, then asks for the user again."""
        return f"\n({self.device.hostname})\nUser: "

    def prompt(self) -> str:
        """``(Cisco Controller) >``."""
        level = f" {self.level}" if self.level else ""
        return f"({self.device.hostname}){level} >" if not level else f"({self.device.hostname}){level}>"

    def feed(self, line: str) -> str:
        """Answer one line."""
        if self.stage == "user":
            self.user, self.stage, self.echo = line.strip(), "password", False
            return "Password:"
        if self.stage == "password":
            self.echo = True
            if self.user == self.device.username and line == self.device.password:
                self.stage = "exec"
                return self.prompt()
            self.stage = "user"
            return "Login incorrect.\n\nUser: "
        if self.confirm is not None:
            return self.answer(line.strip())
        text = " ".join(line.split())
        if not text:
            return self.prompt()
        if self.level == "config" and text not in ("exit", "end"):
            text = "config " + text
        return self.command(text) + self.prompt()

    def answer(self, reply: str) -> str:
        """The answer to a (y/n) question."""
        question, self.confirm = self.confirm, None
        if question == "save":
            if reply.lower().startswith("y"):
                self.platform.save()
                self.unsaved = False
                return "\n\nConfiguration Saved!\n" + self.prompt()
            return "\nConfiguration not saved!\n" + self.prompt()
        if question and question.startswith("delete "):
            if reply.lower().startswith("y"):
                self.platform.apply_line(question[len("delete ") :])
            return self.prompt()
        if question == "logout-save":
            if reply.lower().startswith("y"):
                self.platform.save()
            self.closed = True
            return ""
        return self.prompt()

    def command(self, text: str) -> str:
        """Output of one command at the exec prompt."""
        words = text.split()
        if self.rejected(text):
            return INCORRECT + "\n"
        if text in ("exit", "end"):
            self.level = ""
            return ""
        if text == "config":
            self.level = "config"
            return ""
        if text in ("config paging disable", "config paging enable"):
            return ""
        if text == "save config":
            self.confirm = "save"
            return "\n\nAre you sure you want to save? (y/n) "
        if text in ("logout", "quit"):
            if self.platform.normalized(self.platform.render_running()) != self.platform.normalized(
                self.platform.render_startup()
            ):
                self.confirm = "logout-save"
                return "\nThe system has unsaved changes.\nWould you like to save them now? (y/N) "
            self.closed = True
            return ""
        if text == "show run-config commands":
            return self.platform.render_running()
        if text == "show run-config startup-commands":
            return self.platform.render_startup()
        if text == "show sysinfo":
            name = next((n.text.split(None, 2)[2] for n in self.platform.running.nodes if "sysname" in n.text), "")
            return (
                "Manufacturer's Name.............................. Cisco Systems Inc.\n"
                "Product Name..................................... Cisco Controller\n"
                "Product Version.................................. 8.10.185.0\n"
                f"System Name...................................... {name}\n"
            )
        if words[:3] == ["config", "wlan", "delete"] and len(words) == 4:
            # AireOS asks before deleting a WLAN (which takes its settings with it).
            self.confirm = f"delete {text}"
            return f"\n\nDeleting WLAN {words[3]} will also delete all its settings.\nAre you sure? (y/n) "
        if words[0] == "config" and len(words) >= 3 and words[1] in KNOWN:
            if malformed(words) or (RADIUS_ADD.match(text) and printed_radius(text) is None):
                return INCORRECT + "\n"
            wlan = security_wlan(words)
            if wlan is not None and self.platform.wlan_enabled(wlan):
                return WLAN_ENABLED.format(wlan=wlan) + "\n"
            self.platform.apply_line(text)
            return ""
        return INCORRECT + "\n"

    def ctrl_z(self) -> str:
        """Ctrl-Z leaves the ``config>`` level."""
        self.level = ""
        return self.prompt()


PLATFORM = CiscoWlc
