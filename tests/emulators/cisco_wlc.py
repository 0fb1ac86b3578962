"""Cisco AireOS wireless LAN controller (8.x) for netmiko ``cisco_wlc``.

After SSH authentication AireOS asks again inside the shell (``(Cisco Controller)`` / ``User:`` / ``Password:``),
which netmiko's ``CiscoWlcSSH.special_login_handler`` answers. Prompt ``(Cisco Controller) >``; there is no
configuration mode: ``config ...`` lines are typed at the exec prompt (``config`` alone enters the
``(Cisco Controller) config>`` level, where the ``config`` word is implied). Wrong lines answer ``Incorrect usage.
Use the '?' or <TAB> key to list commands.``; ``save config`` asks ``Are you sure you want to save? (y/n)``.
``show run-config commands`` prints the configuration as ``config ...`` lines.
"""

from __future__ import annotations

import re

from tests.emulators.server import ConfigNode, ConfigTree, Platform, Shell

INCORRECT = "Incorrect usage. Use the '?' or <TAB> key to list commands."
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
    if "enable" in words or "disable" in words:
        return " ".join("{state}" if w in ("enable", "disable") else w for w in words)
    for i, word in enumerate(words):
        if word.isdigit():
            return " ".join(words[: i + 1])
    return " ".join(words[:-1]) if len(words) > 3 else line


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
        key = line_key(line)
        nodes[:] = [n for n in nodes if line_key(n.text) != key]
        nodes.append(ConfigNode(line))

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
            self.platform.apply_line(text)
            return ""
        return INCORRECT + "\n"

    def ctrl_z(self) -> str:
        """Ctrl-Z leaves the ``config>`` level."""
        self.level = ""
        return self.prompt()


PLATFORM = CiscoWlc
