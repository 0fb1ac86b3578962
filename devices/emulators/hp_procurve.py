"""ArubaOS-Switch / ProCurve (2530-48G, YA.16.x) for netmiko ``hp_procurve`` (also ``aruba_osswitch``).

After login the switch shows its copyright banner and ``Press any key to continue``; then ``HP-2530-48G#``
(a manager account). ``configure terminal`` (or ``configure``) -> ``HP-2530-48G(config)#``; ``interface N`` ->
``HP-2530-48G(eth-N)#``, ``vlan N`` -> ``HP-2530-48G(vlan-N)#``; ``exit`` goes up one level, ``end`` to exec.
``no page`` and ``terminal width``/``length`` accepted. Errors ``Invalid input: <word>``. ``show running-config``
starts with ``Running configuration:``; blocks are indented 3 spaces and end with ``exit``. ``write memory`` is
silent. ``logout`` asks ``Do you want to save the current configuration (y/n)?`` when there are unsaved changes,
then ``Do you want to log out (y/n)?``.
"""

from __future__ import annotations

import re

from devices.emulators.server import ConfigTree, Platform, Shell, quoted

BANNER = """HP J9778A 2530-48G-PoEP Switch
Software revision YA.16.10.0012

(C) Copyright 2020 Hewlett Packard Enterprise Development LP

                   RESTRICTED RIGHTS LEGEND
Confidential computer software. Valid license from HPE required for possession,
use or copying. Consistent with FAR 12.211 and 12.212, Commercial Computer
Software, Computer Software Documentation, and Technical Data for Commercial
Items are licensed to the U.S. Government under vendor's standard commercial
license.

We'd like to keep you up to date about:
  * Software feature updates
  * New product announcements
  * Special events

Please register your products now at:  www.hpe.com/networking/register


Press any key to continue"""
HEADER = (
    "; J9778A Configuration Editor; Created on release #YA.16.10.0012\n"
    "; Ver #14:01.44.00.04.19.02.13.98.82.34.61.18.28.f3.84.9c.63.ff.37.27:05\n"
)
TOP_WORDS = frozenset(
    """aaa banner console crypto dhcp-snooping hostname interface ip ipv6 logging loop-protect module no
    password port-security radius-server sntp snmp-server snmpv3 spanning-tree tftp telnet-server time timesync
    trunk vlan web-management""".split()  # noqa: SIM905
)
EXCLUSIVE = re.compile(r"^(hostname|time timezone|console inactivity-timer|banner motd|name|untagged|ip address)\b")
QUOTED = re.compile(r"^((?:no )?(?:hostname|snmp-server community) )(\S+)(.*)$")
VOLATILE = re.compile(r"^(Running configuration:|Startup configuration:|; J9778A Configuration Editor.*|; Ver #.*)$")


class HpProcurve(Platform):
    """The switch configuration: top-level lines and ``interface``/``vlan`` blocks."""

    device_type = "hp_procurve"
    default_hostname = "HP-2530-48G"
    error_pattern = r"Invalid input|Unknown command|Incomplete input|Value .* is not"

    def initial_config(self) -> ConfigTree:
        """Factory-like: DEFAULT_VLAN with every port, SNMP public."""
        return self.parse_config(
            f"""hostname "{self.device.hostname}"
module 1 type j9778a
snmp-server community "public" unrestricted
vlan 1
   name "DEFAULT_VLAN"
   untagged 1-52
   ip address dhcp-bootp
   exit
"""
        )

    def parse_config(self, text: str) -> ConfigTree:
        """Configuration text as shown (header, comments and ``exit`` lines skipped)."""
        return ConfigTree.parse(
            text, skip=lambda ln: bool(VOLATILE.match(ln.strip())) or ln.strip() == "exit" or ln.startswith(";")
        )

    def config_changed(self) -> None:
        """The prompt follows ``hostname``."""
        host = next((n.text.split(None, 1)[1] for n in self.running.nodes if n.text.startswith("hostname ")), "")
        self.hostname = host.strip('"') or "HP-2530-48G"

    def exclusive_key(self, line: str) -> str | None:
        """Single-valued settings."""
        m = EXCLUSIVE.match(line)
        return m.group(0) if m and m.group(0) else None

    def render(self, tree: ConfigTree, title: str) -> str:
        """Configuration text as the switch prints it."""
        out = [f"{title}:", "", HEADER.rstrip("\n")]
        for node in tree.nodes:
            out.append(node.text)
            if node.children or re.match(r"^(vlan|interface) ", node.text):
                out.extend("   " + c.text for c in node.children)
                out.append("   exit")
        return "\n".join(out) + "\n"

    def render_running(self) -> str:
        """``show running-config``."""
        return self.render(self.running, "Running configuration")

    def render_startup(self) -> str:
        """``show config`` (the startup configuration)."""
        return self.render(self.startup, "Startup configuration")

    def normalized(self, text: str) -> str:
        """Without the title and the editor header."""
        return super().normalized("\n".join(ln for ln in text.splitlines() if not VOLATILE.match(ln.strip())))

    def new_shell(self) -> ProcurveShell:
        """An SSH session."""
        return ProcurveShell(self)


class ProcurveShell(Shell):
    """One session: banner, exec, ``(config)`` and ``(eth-N)``/``(vlan-N)`` contexts."""

    platform: HpProcurve

    def __init__(self, platform: HpProcurve) -> None:
        super().__init__(platform)
        self.level = "exec"
        self.path: list[str] = []
        self.context = ""
        self.question: str | None = None

    def greeting(self) -> str:
        """The copyright banner and "Press any key to continue"."""
        self.wants_key = True
        return BANNER

    def key(self) -> str:
        """Any key after the banner shows the prompt."""
        self.wants_key = False
        return "\n" + self.prompt()

    def prompt(self) -> str:
        """``HP-2530-48G#``, ``HP-2530-48G(config)#``, ``HP-2530-48G(eth-1)#``."""
        host = self.platform.hostname
        if self.level == "exec":
            return f"{host}#"
        return f"{host}({self.context or 'config'})#"

    def feed(self, line: str) -> str:
        """Answer one line."""
        if self.question is not None:
            return self.answer(line.strip().lower())
        text = " ".join(line.split())
        if not text:
            return self.prompt()
        if self.rejected(text):
            return f"Invalid input: {text.split()[-1]}\n" + self.prompt()
        out = self.exec_command(text) if self.level == "exec" else self.config_command(text)
        return out if (self.closed or self.question) else out + self.prompt()

    def answer(self, reply: str) -> str:
        """Answers to the logout questions."""
        question, self.question = self.question, None
        if question == "save":
            if reply.startswith("y"):
                self.platform.save()
            self.question = "logout"
            return "Do you want to log out (y/n)? "
        if reply.startswith("y"):
            self.closed = True
            return ""
        return self.prompt()

    def ctrl_z(self) -> str:
        """Ctrl-Z goes back to exec."""
        self.level, self.path, self.context = "exec", [], ""
        return self.prompt()

    def exec_command(self, text: str) -> str:
        """A line at ``HP-2530-48G#``."""
        p = self.platform
        words = text.split()
        if text in ("enable", "no page", "page") or words[0] == "terminal":
            return ""
        if text in ("configure", "configure terminal", "config", "conf t"):
            self.level = "config"
            return ""
        if text == "write memory":
            p.save()
            return ""
        if text in ("show running-config", "show run"):
            return p.render_running()
        if text in ("show config", "show startup-config"):
            return p.render_startup()
        if text == "show version":
            return "Image stamp:    /ws/swbuildm/rel_ukiah_qaoff/code/build/lakes(swbuildm_rel_ukiah_qaoff)\n" + (
                "                Mar 10 2020 10:05:50\n                YA.16.10.0012\n                1223\n"
                "Boot Image:     Primary\n"
            )
        if text in ("logout", "exit"):
            if p.normalized(p.render_running()) != p.normalized(p.render_startup()):
                self.question = "save"
                return "Do you want to save the current configuration (y/n)? "
            self.question = "logout"
            return "Do you want to log out (y/n)? "
        return f"Invalid input: {words[0] if words[0] != 'show' or len(words) < 2 else words[1]}\n"

    def config_command(self, text: str) -> str:
        """A line in ``(config)`` or an ``interface``/``vlan`` context."""
        p = self.platform
        words = text.split()
        if text == "end":
            self.level, self.path, self.context = "exec", [], ""
            return ""
        if text == "exit":
            if self.path:
                self.path, self.context = [], ""
            else:
                self.level = "exec"
            return ""
        if text in ("write memory", "show running-config") or text.startswith("show "):
            return self.exec_command(text)
        m = re.match(r"^(interface|vlan) (\d+)$", text)
        if m:
            self.path = [text]
            self.context = ("eth-" if m.group(1) == "interface" else "vlan-") + m.group(2)
            p.running.section(self.path)
            return ""
        if self.path:
            if words[0] == "name" and len(words) > 1:
                text = f"name {quoted(text.split(None, 1)[1])}"
            p.apply(self.path, text)
            return ""
        head = words[1] if words[0] == "no" and len(words) > 1 else words[0]
        if head not in TOP_WORDS:
            return f"Invalid input: {head}\n"
        m = QUOTED.match(text)
        if m:  # names are stored (and matched by "no ...") quoted, as the switch shows them
            text = f"{m.group(1)}{quoted(m.group(2))}{m.group(3)}"
        p.apply([], text)
        return ""


PLATFORM = HpProcurve
