"""The SSH side of the device emulators: an asyncssh server on 127.0.0.1 driving a per-platform CLI state machine.

:class:`EmulatedDevice` runs the server on its own event loop in a daemon thread (named ``emulator-...``), so plain
(synchronous) pytest tests and netmiko can use it. Each SSH session gets a :class:`Shell` from the device's
:class:`Platform` (one module per vendor); the platform object holds what survives a session: the running and
startup configuration (a :class:`ConfigTree`), timers such as the IOS rollback timer, and the log.

The terminal is handled here the way network gear does it: PTY shell only (no exec channel), every typed character
echoed, ``\\r``, ``\\n`` or ``\\r\\n`` end a line, output lines end in ``\\r\\n``, Ctrl-Z (``\\x1a``) and Ctrl-C are
keys, not lines, and password input is not echoed.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import ClassVar

import asyncssh

HOST = "127.0.0.1"
START_TIMEOUT = 10.0

#: netmiko device_type -> module under devices.emulators that implements it.
PLATFORMS: dict[str, str] = {
    "cisco_ios": "cisco_ios",
    "cisco_xe": "cisco_ios",
    "cisco_wlc": "cisco_wlc",
    "aruba_os": "aruba_os",
    "hp_procurve": "hp_procurve",
    "aruba_osswitch": "hp_procurve",
    "aruba_procurve": "hp_procurve",
    "aruba_aoscx": "aruba_aoscx",
    "zyxel_switch": "zyxel",
}


# ---------------------------------------------------------------------------------------------------------------
# Configuration tree


@dataclass
class ConfigNode:
    """One configuration line and the lines of its sub-mode (``interface Gi1/0/1`` and its `` description ...``)."""

    text: str
    children: list[ConfigNode] = field(default_factory=list)

    def copy(self) -> ConfigNode:
        """A deep copy."""
        return ConfigNode(self.text, [c.copy() for c in self.children])


class ConfigTree:
    """A hierarchical configuration: top-level lines, each with the lines of its sub-mode, in the order applied.

    :meth:`apply` follows the usual CLI rules: a line already present is not added twice, ``no X`` removes the
    lines (and blocks) that ``X`` names, and lines whose :attr:`Platform.exclusive_key` matches replace each other
    (``hostname A`` then ``hostname B`` leaves only ``hostname B``).
    """

    def __init__(self, nodes: Iterable[ConfigNode] = ()) -> None:
        self.nodes: list[ConfigNode] = list(nodes)

    def copy(self) -> ConfigTree:
        """A deep copy (a rollback point)."""
        return ConfigTree(n.copy() for n in self.nodes)

    @classmethod
    def parse(cls, text: str, *, skip: Callable[[str], bool] = lambda line: False) -> ConfigTree:
        """A tree from indented text (deeper indentation = sub-mode line); lines for which ``skip`` is true, and
        blank lines, are left out."""
        tree = cls()
        stack: list[tuple[int, list[ConfigNode]]] = [(-1, tree.nodes)]
        for raw in text.replace("\r\n", "\n").split("\n"):
            if not raw.strip() or skip(raw):
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            while len(stack) > 1 and indent <= stack[-1][0]:
                stack.pop()
            node = ConfigNode(raw.strip())
            stack[-1][1].append(node)
            stack.append((indent, node.children))
        return tree

    def section(self, path: Sequence[str], *, create: bool = True) -> list[ConfigNode] | None:
        """The children list of the block at ``path`` (e.g. ``["interface Vlan1"]``); created if missing."""
        nodes = self.nodes
        for text in path:
            found = next((n for n in nodes if n.text == text), None)
            if found is None:
                if not create:
                    return None
                found = ConfigNode(text)
                nodes.append(found)
            nodes = found.children
        return nodes

    def find(self, path: Sequence[str]) -> ConfigNode | None:
        """The node at ``path``, or None."""
        parent = self.section(path[:-1], create=False)
        if parent is None:
            return None
        return next((n for n in parent if n.text == path[-1]), None)

    def apply(
        self,
        path: Sequence[str],
        line: str,
        *,
        exclusive_key: Callable[[str], str | None] = lambda line: None,
        keep_negation: Callable[[str], bool] = lambda target: False,
    ) -> None:
        """Apply one configuration line inside the block at ``path``.

        ``exclusive_key(line)`` names the setting a line sets (lines with the same key replace each other);
        ``keep_negation(target)`` says whether ``no target`` itself shows in the config when nothing is removed
        (IOS shows ``no ip http server``, but not ``no snmp-server community x``).
        """
        nodes = self.section(path)
        assert nodes is not None
        if line.startswith("no "):
            target = line[3:].strip()
            key = exclusive_key(target)
            nodes[:] = [
                n
                for n in nodes
                if not (n.text == target or n.text.startswith(target + " ") or (key and exclusive_key(n.text) == key))
            ]
            if keep_negation(target) and not any(n.text == line for n in nodes):
                nodes.append(ConfigNode(line))
            return
        key = exclusive_key(line)
        for i, n in enumerate(nodes):  # a new value for a setting takes the old value's place
            if key and n.text != line and exclusive_key(n.text) == key:
                nodes[i] = ConfigNode(line, n.children)
                break
        seen = False
        kept = []
        for n in nodes:
            same = n.text == line or (key is not None and exclusive_key(n.text) == key)
            if n.text == f"no {line}" or (same and seen):
                continue
            seen = seen or same
            kept.append(n)
        nodes[:] = kept
        if not seen:
            nodes.append(ConfigNode(line))

    def remove(self, path: Sequence[str]) -> None:
        """Remove the block at ``path`` (e.g. ``no interface Vlan10``)."""
        parent = self.section(path[:-1], create=False)
        if parent is not None:
            parent[:] = [n for n in parent if n.text != path[-1]]

    def walk(self) -> Iterator[tuple[int, ConfigNode]]:
        """(depth, node) for every line, depth first."""

        def visit(nodes: list[ConfigNode], depth: int) -> Iterator[tuple[int, ConfigNode]]:
            for node in nodes:
                yield depth, node
                yield from visit(node.children, depth + 1)

        return visit(self.nodes, 0)

    def lines(self, indent: str = " ") -> list[str]:
        """Every line, indented by depth."""
        return [indent * depth + node.text for depth, node in self.walk()]

    def __contains__(self, text: str) -> bool:
        return any(node.text == text for _, node in self.walk())


# ---------------------------------------------------------------------------------------------------------------
# Platforms and shells


class Shell:
    """One interactive CLI session. Subclasses answer lines; the server does the terminal part.

    Attributes:
        echo: whether typed characters are echoed (False while a password is asked).
        closed: set when the session should end after the output of the current line.
        wants_key: set while the shell waits for any single key ("Press any key to continue").
    """

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.device = platform.device
        self.echo = True
        self.closed = False
        self.wants_key = False

    def greeting(self) -> str:
        """What the shell prints when it opens (banners, then the first prompt)."""
        return self.prompt()

    def prompt(self) -> str:
        """The current prompt."""
        raise NotImplementedError

    def feed(self, line: str) -> str:
        """The answer to one input line, followed by the next prompt."""
        raise NotImplementedError

    def key(self) -> str:
        """The answer to the single key awaited while :attr:`wants_key` is set."""
        self.wants_key = False
        return self.prompt()

    def ctrl_z(self) -> str:
        """The answer to Ctrl-Z (the server has already echoed ``^Z``)."""
        return self.prompt()

    def ctrl_c(self) -> str:
        """The answer to Ctrl-C (the server has already echoed ``^C``)."""
        return self.prompt()

    def rejected(self, line: str) -> bool:
        """Whether ``line`` matches one of the device's ``reject`` patterns."""
        return any(p.search(line) for p in self.device.reject)


class Platform:
    """One emulated device's vendor behaviour and the state that survives sessions (configs, timers, log).

    Subclasses (one per module) set :attr:`device_type`, :attr:`default_hostname` and :attr:`error_pattern`, and
    implement the config rendering and :meth:`new_shell`.
    """

    device_type: ClassVar[str] = ""
    default_hostname: ClassVar[str] = "SW1"
    #: The netmiko ``error_pattern`` that catches this platform's error answers (from VENDORS.md).
    error_pattern: ClassVar[str] = ""

    def __init__(self, device: EmulatedDevice) -> None:
        self.device = device
        self.hostname = device.hostname
        self.running = self.initial_config()
        self.startup = self.running.copy()

    # -- configuration ------------------------------------------------------------------------------------------

    def initial_config(self) -> ConfigTree:
        """The configuration the device starts with (also the startup configuration)."""
        return ConfigTree()

    def parse_config(self, text: str) -> ConfigTree:
        """A tree from configuration text as ``show running-config`` prints it (headers and comments skipped)."""
        return ConfigTree.parse(text, skip=lambda line: line.lstrip().startswith("!"))

    def set_running(self, tree: ConfigTree) -> None:
        """Replace the running configuration (and follow what it says, e.g. the hostname)."""
        self.running = tree

    def exclusive_key(self, line: str) -> str | None:
        """The setting a configuration line sets, when lines for it replace each other (see ConfigTree.apply)."""
        return None

    def keep_negation(self, target: str) -> bool:
        """Whether ``no <target>`` shows in the configuration (see ConfigTree.apply)."""
        return False

    def apply(self, path: Sequence[str], line: str) -> None:
        """Apply one configuration line to the running configuration."""
        self.running.apply(path, line, exclusive_key=self.exclusive_key, keep_negation=self.keep_negation)
        self.config_changed()

    def config_changed(self) -> None:
        """Called after every change of the running configuration (timestamps, prompt...)."""

    def render_running(self) -> str:
        """The running configuration as ``show running-config`` prints it."""
        raise NotImplementedError

    def render_startup(self) -> str:
        """The startup configuration as ``show startup-config`` (or the platform's equivalent) prints it."""
        raise NotImplementedError

    def save(self) -> None:
        """Copy the running configuration to the startup configuration."""
        self.startup = self.running.copy()

    def normalized(self, text: str) -> str:
        """``text`` (a config as shown) without headers, volatile lines and trailing blanks, for comparing."""
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()) + "\n"

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """A reboot: pending timers are dropped and the running configuration is the startup one again."""
        self.cancel_timers()
        self.set_running(self.startup.copy())

    def cancel_timers(self) -> None:
        """Cancel pending timers (the device is stopped or reloaded)."""

    def new_shell(self) -> Shell:
        """A shell for a new SSH session."""
        raise NotImplementedError

    def log(self, message: str) -> None:
        """Record a syslog-style message (see :attr:`EmulatedDevice.log`)."""
        self.device.log.append(message)


def quoted(name: str) -> str:
    """A name as ArubaOS and ArubaOS-Switch show it in their configuration: in double quotes."""
    return name if name.startswith('"') else f'"{name}"'


def caret_error(column: int, message: str = "% Invalid input detected at '^' marker.") -> str:
    """The Cisco-style error: a line with ``^`` under ``column`` (counted from the start of the prompt line)."""
    return " " * column + "^\n" + message + "\n"


def word_column(line: str, index: int) -> int:
    """Column where word number ``index`` of ``line`` starts (the last word when ``index`` is too big)."""
    spans = [m.start() for m in re.finditer(r"\S+", line)]
    if not spans:
        return 0
    return spans[min(index, len(spans) - 1)]


# ---------------------------------------------------------------------------------------------------------------
# SSH server


class _Session(asyncssh.SSHServerSession):
    """The terminal side of one SSH session: echo, line ending, control keys; lines go to the platform's shell."""

    def __init__(self, device: EmulatedDevice) -> None:
        self._device = device
        self._shell: Shell | None = None
        self._chan: asyncssh.SSHServerChannel | None = None
        self._buf = ""
        self._skip_lf = False
        self._out: list[str] = []
        self._pending = ""  # typed ahead while a slow line is being handled (the vty buffers it)
        self._busy = False
        self._question = False  # an unexpected question is open: the next line only answers it

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: object, term_modes: object) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False  # network gear offers the interactive shell only (netmiko uses invoke_shell)

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        with self._device.lock:
            self._device.sessions += 1
            self._shell = self._device.platform.new_shell()
            self._write(self._shell.greeting())
        self._flush()

    def data_received(self, data: str, datatype: object) -> None:
        self._pending += data
        self._pump()

    def _pump(self) -> None:
        """Handle the typed characters, up to a line the device takes its time over (see ``slow_lines``)."""
        shell = self._shell
        if shell is None or self._chan is None:
            return
        while self._pending and not self._busy:
            ch, self._pending = self._pending[0], self._pending[1:]
            if shell.closed or self._chan is None:
                break
            if self._skip_lf and ch == "\n":
                self._skip_lf = False
                continue
            self._skip_lf = ch == "\r"
            if shell.wants_key:
                with self._device.lock:
                    self._write(shell.key())
            elif ch in "\r\n":
                self._write("\n")
                self._flush()
                line, self._buf = self._buf, ""
                if not self._line(shell, line):
                    return
            elif ch == "\x1a":  # Ctrl-Z
                self._buf = ""
                with self._device.lock:
                    self._write("^Z\n" + shell.ctrl_z())
            elif ch == "\x03":  # Ctrl-C
                self._buf = ""
                self._question = False
                with self._device.lock:
                    self._write("^C\n" + shell.ctrl_c())
            elif ch in "\x7f\x08":
                if self._buf:
                    self._buf = self._buf[:-1]
                    if shell.echo:
                        self._write("\b \b")
            elif ch >= " ":
                self._buf += ch
                if shell.echo:
                    self._write(ch)
        self._flush()
        if shell.closed and self._chan is not None:
            self._chan.close()

    def _line(self, shell: Shell, line: str) -> bool:
        """Handle one line; False when the connection was dropped."""
        device = self._device
        if self._question:  # any answer to a question CampusNet did not expect: the device drops the command
            self._question = False
            with device.lock:
                self._write(shell.prompt())
            return True
        with device.lock:
            if shell.echo and line.strip():
                device.commands.append(line)
            device._run_hooks(line, after=False)
            delay = device._slow_for(line)
            if delay:
                self._busy = True
                loop = asyncio.get_running_loop()
                loop.call_later(delay, self._finish_slow, shell, line)
                return True
            return self._answer(shell, line)

    def _finish_slow(self, shell: Shell, line: str) -> None:
        """The end of a slow line: its effect lands even when the session is gone, as on a device's vty."""
        with self._device.lock:
            ok = self._answer(shell, line)
        self._busy = False
        if ok:
            self._pump()
        self._flush()

    def _answer(self, shell: Shell, line: str) -> bool:
        """Apply one line and write its answer (called with the device lock held); False when dropped."""
        device = self._device
        canned = device._canned_for(line)
        if canned is not None:
            text, question = canned
            self._question = question
            output = text if question else text.rstrip("\n") + "\n" + shell.prompt()
        else:
            output = shell.feed(line)
        device._run_hooks(line, after=True)
        drop = device._drop_after
        if drop is not None and drop.search(line):
            device._drop_after = None
        else:
            drop = None
        if drop is not None:
            self._out.clear()
            chan, self._chan = self._chan, None
            if chan is not None:
                chan.get_connection().abort()  # abrupt: no close message, as when the link goes away
            return False
        if self._chan is not None:
            self._write(output)
        return True

    def _write(self, text: str) -> None:
        self._out.append(text)

    def _flush(self) -> None:
        if not self._out or self._chan is None:
            self._out.clear()
            return
        text = "".join(self._out).replace("\r\n", "\n").replace("\n", "\r\n")
        self._out.clear()
        self._chan.write(text)

    def eof_received(self) -> bool:
        return False

    def break_received(self, msec: int) -> bool:
        return True


class _Server(asyncssh.SSHServer):
    """Password authentication against the device's account; sessions go to :class:`_Session`."""

    def __init__(self, device: EmulatedDevice) -> None:
        self._device = device
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._device._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._device._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def validate_password(self, username: str, password: str) -> bool | Awaitable[bool]:
        ok = username == self._device.username and password == self._device.password
        delay = self._device.login_delay
        if not delay:
            return ok

        async def late() -> bool:  # a device too busy to answer the login in time
            await asyncio.sleep(delay)
            return ok

        return late()

    def session_requested(self) -> _Session:
        return _Session(self._device)


class EmulatedDevice:
    """An emulated network device (``platform`` = netmiko device_type) serving SSH on 127.0.0.1 and a free port.

    A context manager; ``start()``/``stop()`` do the same by hand. Safe to use from plain pytest: the server runs on
    its own event loop in a daemon thread.

    Attributes:
        host, port: where it listens (the port stays the same across :meth:`restart`).
        username, password, enable_secret: the account (``enable_secret=None``: ``enable`` asks no password).
        hostname: the name it starts with (None: the platform's usual default).
        commands: every non-empty line received (password answers are not recorded), in order, all sessions.
        sessions: how many SSH shell sessions were opened.
        log: syslog-style messages the device produced (e.g. the IOS rollback when the revert timer expires).
        revert_seconds_per_minute: the emulator's time scale for revert/checkpoint timers given in minutes.
        privileged: the account lands at the privileged prompt (``#``, a privilege-15 user) instead of ``>``.
        version, model: the OS version and hardware model the platform emulates (None: its usual default).
        archive: the configuration archive is set up at start (IOS: the revert timer needs it).
    """

    def __init__(
        self,
        platform: str,
        *,
        username: str = "admin",
        password: str = "campusnet-test",
        enable_secret: str | None = None,
        hostname: str | None = None,
        host_key: asyncssh.SSHKey | None = None,
        revert_seconds_per_minute: float = 1.0,
        reject: Iterable[str] = (),
        privileged: bool = False,
        version: str | None = None,
        model: str | None = None,
        archive: bool = True,
    ) -> None:
        if platform not in PLATFORMS:
            raise ValueError(f"no emulator for {platform!r}; known: {', '.join(sorted(PLATFORMS))}")
        module = importlib.import_module(f"devices.emulators.{PLATFORMS[platform]}")
        platform_class: type[Platform] = module.PLATFORM
        self.device_type = platform
        self.host = HOST
        self.port = 0
        self.username = username
        self.password = password
        self.enable_secret = enable_secret
        self.hostname = hostname or platform_class.default_hostname
        self.revert_seconds_per_minute = revert_seconds_per_minute
        self.reject = [re.compile(p) for p in reject]
        self.privileged = privileged
        self.version = version
        self.model = model
        self.archive = archive
        self.commands: list[str] = []
        self.sessions = 0
        self.log: list[str] = []
        self.lock = threading.RLock()
        self._host_key = host_key or asyncssh.generate_private_key("ssh-ed25519")
        self._drop_after: re.Pattern[str] | None = None
        self._slow: list[tuple[re.Pattern[str], float, int]] = []  # (line pattern, seconds, times left; -1 always)
        self._canned: list[tuple[re.Pattern[str], str, bool, int]] = []  # (pattern, answer, is a question, times)
        self._hooks: list[tuple[re.Pattern[str], Callable[[], None], bool, int]] = []  # (pattern, call, after, times)
        self.login_delay = 0.0
        self._connections: set[asyncssh.SSHServerConnection | None] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.platform: Platform = platform_class(self)

    # -- state --------------------------------------------------------------------------------------------------

    @property
    def error_pattern(self) -> str:
        """The netmiko ``error_pattern`` for this platform's error answers."""
        return self.platform.error_pattern

    @property
    def host_key_fingerprint(self) -> str:
        """The SHA256 fingerprint of the current host key (``SHA256:...``, as OpenSSH prints it)."""
        return str(self._host_key.get_fingerprint("sha256"))

    @property
    def host_key(self) -> asyncssh.SSHKey:
        """The current private host key (``.export_public_key()`` gives the public key)."""
        return self._host_key

    @property
    def running_config(self) -> str:
        """The current running configuration as ``show running-config`` prints it (with its headers)."""
        with self.lock:
            return self.platform.render_running()

    @property
    def startup_config(self) -> str:
        """The saved configuration as ``show startup-config`` (or the platform's equivalent) prints it."""
        with self.lock:
            return self.platform.render_startup()

    def set_running_config(self, text: str) -> None:
        """Replace the running configuration with ``text`` (config lines as shown; headers/comments ignored)."""
        with self.lock:
            self.platform.set_running(self.platform.parse_config(text))
            self.platform.config_changed()

    def normalized(self, text: str) -> str:
        """A config text (e.g. :attr:`running_config` or what netmiko read) without headers and volatile lines,
        so two configs can be compared (``dev.normalized(dev.startup_config) == dev.normalized(...)``)."""
        return self.platform.normalized(text)

    def has_line(self, text: str) -> bool:
        """Whether the running configuration has a line ``text`` (stripped) at any level."""
        with self.lock:
            return text.strip() in self.platform.running

    def drop_next_session_after(self, pattern: str) -> None:
        """Close the connection abruptly (no SSH close, no output) right after the next line matching ``pattern``
        is received and handled, as when an applied change cuts management access."""
        with self.lock:
            self._drop_after = re.compile(pattern)

    # -- faults (the fault harness of the push tests) ------------------------------------------------------------

    def slow_lines(self, pattern: str, seconds: float, *, times: int = -1) -> None:
        """Lines matching ``pattern`` take ``seconds`` before the device answers (their effect lands then, even if
        the session is gone); ``times`` limits how many (-1: every one). Typed-ahead input waits, as on a vty."""
        with self.lock:
            self._slow.append((re.compile(pattern), seconds, times))

    def answer_with(self, pattern: str, text: str, *, question: bool = False, times: int = 1) -> None:
        """Answer the next ``times`` lines matching ``pattern`` with ``text`` instead of running them (e.g. an
        error in a ``show`` command). ``question=True``: ``text`` is a question without a prompt (``[confirm]``);
        whatever is typed next only closes it, and the line is not run."""
        with self.lock:
            self._canned.append((re.compile(pattern), text, question, times))

    def on_line(self, pattern: str, action: Callable[[], None], *, after: bool = True, times: int = 1) -> None:
        """Call ``action`` (under :attr:`lock`) when a line matching ``pattern`` arrives, before it is handled or
        (``after=True``) once it has been: to fire a timer, kill a client, change the device in between."""
        with self.lock:
            self._hooks.append((re.compile(pattern), action, after, times))

    def clear_faults(self) -> None:
        """Forget every slow line, canned answer and hook: the device behaves normally again."""
        with self.lock:
            self._slow.clear()
            self._canned.clear()
            self._hooks.clear()

    def refuse_connections(self) -> None:
        """Stop listening (TCP connections are refused) without losing any state; :meth:`accept_connections` again."""
        self._call(self._close())

    def accept_connections(self) -> None:
        """Listen again on the same port after :meth:`refuse_connections`."""
        self._call(self._listen())

    def _slow_for(self, line: str) -> float:
        for i, (pattern, seconds, times) in enumerate(self._slow):
            if times != 0 and pattern.search(line):
                self._slow[i] = (pattern, seconds, times - 1 if times > 0 else times)
                return seconds
        return 0.0

    def _canned_for(self, line: str) -> tuple[str, bool] | None:
        for i, (pattern, text, question, times) in enumerate(self._canned):
            if times != 0 and pattern.search(line):
                self._canned[i] = (pattern, text, question, times - 1 if times > 0 else times)
                return text, question
        return None

    def _run_hooks(self, line: str, *, after: bool) -> None:
        for i, (pattern, action, when_after, times) in enumerate(list(self._hooks)):
            if when_after == after and times != 0 and pattern.search(line):
                self._hooks[i] = (pattern, action, when_after, times - 1 if times > 0 else times)
                action()

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> EmulatedDevice:
        """Start the server thread and listen; returns once connections are accepted."""
        if self._thread is not None:
            return self
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.call_soon(ready.set)
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, name=f"emulator-{self.device_type}", daemon=True)
        self._thread.start()
        ready.wait(START_TIMEOUT)
        self._call(self._listen())
        assert self._thread is not None
        self._thread.name = f"emulator-{self.device_type}-{self.port}"
        return self

    def stop(self) -> None:
        """Close every connection, stop listening, cancel timers and end the thread."""
        if self._thread is None or self._loop is None:
            return
        with self.lock:
            self.platform.cancel_timers()
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT)
        self._thread = None
        self._loop = None

    def restart(self, new_host_key: bool = False, *, reload: bool = True) -> None:
        """Restart on the same port, like a reboot: open sessions are cut, and (``reload=True``) pending timers are
        dropped and the running configuration is the startup one again. ``new_host_key=True`` generates a new
        host key (a replaced device, or a man in the middle): clients that pinned the old key must refuse."""
        self._call(self._close())
        with self.lock:
            if new_host_key:
                self._host_key = asyncssh.generate_private_key("ssh-ed25519")
            if reload:
                self.platform.reload()
        self._call(self._listen())

    def call_later(self, delay: float, callback: Callable[[], None]) -> asyncio.TimerHandle | None:
        """Run ``callback`` (under :attr:`lock`) after ``delay`` seconds on the server loop (platform timers)."""
        if self._loop is None:
            return None

        def locked() -> None:
            with self.lock:
                callback()

        return self._loop.call_later(delay, locked)

    def _call(self, coro: object) -> None:
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(START_TIMEOUT)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self._acceptor = await asyncssh.create_server(
            lambda: _Server(self),
            HOST,
            self.port,
            server_host_keys=[self._host_key],
            line_editor=False,
            reuse_address=True,
            keepalive_interval=0,
        )
        self.port = self._acceptor.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None
        for conn in list(self._connections):
            if conn is not None:
                conn.abort()
        self._connections.clear()
        await asyncio.sleep(0)

    def __enter__(self) -> EmulatedDevice:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"EmulatedDevice({self.device_type!r}, port={self.port})"
