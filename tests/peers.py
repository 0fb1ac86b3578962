"""Real SNMP agents for tests, on 127.0.0.1 and a free UDP port.

Two peers, both started as child processes and stopped by the test that started them:

:class:`SnmpSim`
    snmpsim serving recordings (the real device walks in ``../shared/snmprec/``, or text a test builds)::

        with SnmpSim(tmp_path, {"sw1": SNMPREC_DIR / "ios_2960x.snmprec"}) as sim:
            target = sim.target("sw1")            # SnmpTarget for 127.0.0.1:sim.port, v2c, community "sw1"
            ...
            sim.restart()                          # a reboot: sysUpTime and counters start over

    The community is the key of ``recordings``. Recordings given as a Path are symlinked into a temporary data
    dir (never copied, and never into the project); text is written there. To make values move, use snmpsim's
    ``numeric`` variation in a recording line (``OID|TAG:numeric|PARAMS``, TAG 2, 65, 66, 67 or 70), e.g.
    ``1.3.6.1.2.1.31.1.1.1.6.1|70:numeric|rate=12500000`` (grows by 12,500,000 per second since the simulator
    started, i.e. 100 Mbit/s of octets). Parameters, comma-separated: ``rate`` (per second, default 1),
    ``initial`` (value at start, default ``min``), ``min``/``max`` (default 0 and 2^32-1, or 2^64-1 for tag 70),
    ``wrap=1`` (wrap past ``max`` instead of sticking there), ``deviation`` (random +-), ``scale``, ``offset``,
    ``function`` (a ``math`` function, e.g. ``function=sin``), ``cumulative``, ``atime`` (absolute time). Values
    are computed as floats, so a Counter64 ``initial`` near 2^64 is only exact to about 2^11. For a live uptime,
    ``1.3.6.1.2.1.1.3.0|67:numeric|rate=100``. :func:`snmprec_with` rewrites lines of a recording that way.

:class:`SnmpdLoopback`
    net-snmp's ``snmpd`` in the foreground with its own config and persistent dir, a v2c read-only community and
    the SNMPv3 users of :data:`V3_USERS` (authPriv SHA/AES, SHA-256/AES-256, MD5/DES, authNoPriv SHA)::

        with SnmpdLoopback(tmp_path) as agent:
            v2c = agent.target()                   # community agent.community
            v3 = agent.target(V3_USERS["sha-aes"])

    It serves the real interfaces of the machine (lo ...), so its counters are real.

Both skip the test (or fail it under CI=true) through :func:`tests.conftest.missing_peer` when the program is not
installed, wait until the agent answers a GET before returning from ``start()``, and send their chatter to a log
file in the temporary dir (``.log``), whose tail is shown when startup fails.

:func:`parse_snmprec` reads a recording into ``{oid: (tag, value)}`` with the values as the client returns them,
independently of the client, for tests that compare answers with the recording.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from devices.snmp import SnmpCredentials, SnmpTarget
from tests.conftest import missing_peer, require_tool

HOST = "127.0.0.1"
UPTIME_OID = "1.3.6.1.2.1.1.3.0"
STARTUP_TIMEOUT = 30.0  # seconds; snmpsim indexes big recordings on first start


# ---------------------------------------------------------------------------------------------------------------
# Recordings


def parse_snmprec(source: Path | str) -> dict[str, tuple[str, int | bytes | str]]:
    """``{oid: (tag, value)}`` of a .snmprec file (Path) or text (str), values decoded as the client returns them.

    Tags as in the file without the ``x`` hex marker or variation (``"4"``, ``"70"`` ...). OCTET STRING values are
    bytes (hex-decoded for ``4x``), OIDs and IpAddresses dotted text, numbers int. Lines with a variation module
    (``70:numeric``) keep their raw parameter text as the value, since what the agent answers depends on time.
    """
    text = source.read_text(encoding="latin-1") if isinstance(source, Path) else source
    records: dict[str, tuple[str, int | bytes | str]] = {}
    # Lines end at "\n" only, as snmpsim reads them: latin-1 text of UTF-8 values holds "\x85", which splitlines()
    # would take for a line break.
    for line in text.split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        oid, tag, value = line.strip().split("|", 2)  # as snmpsim reads it (latin-1, stripped)
        records[oid] = _parse_record(tag, value)
    return records


def _parse_record(tag: str, value: str) -> tuple[str, int | bytes | str]:
    if ":" in tag:
        return tag.split(":", 1)[0], value
    hexed = tag.endswith("x")
    tag = tag.rstrip("x")
    if hexed:
        raw = bytes.fromhex(value)
        if tag == "64":
            return tag, ".".join(map(str, raw))
        return tag, raw if tag in ("4", "68") else raw.decode()
    if tag in ("4", "68"):
        return tag, value.encode("latin-1")
    if tag in ("6", "64"):
        return tag, value
    return tag, int(value)


def snmprec_with(source: Path | str, replacements: Mapping[str, str]) -> str:
    """Text of a recording with some lines replaced: ``{oid: "TAG|VALUE"}``, e.g. ``{UPTIME_OID:
    "67:numeric|rate=100"}``. OIDs not in the recording are added. The result goes to :class:`SnmpSim` as text."""
    text = source.read_text(encoding="latin-1") if isinstance(source, Path) else source
    todo = dict(replacements)
    lines = []
    for line in text.splitlines():
        oid = line.split("|", 1)[0]
        lines.append(f"{oid}|{todo.pop(oid)}" if oid in todo else line)
    if todo:  # snmpsim needs the records in OID order
        lines = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
        lines.extend(f"{oid}|{rest}" for oid, rest in todo.items())
        lines.sort(key=lambda ln: tuple(int(x) for x in ln.split("|", 1)[0].split(".")))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that was free a moment ago (the peers retry on another one if it got taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _probe_packet(community: str) -> bytes:
    """A v2c GET of sysUpTime.0, built with pysnmp so the probe does not depend on the client under test."""
    from pyasn1.codec.ber import encoder
    from pysnmp.proto.api import v2c

    pdu = v2c.GetRequestPDU()
    v2c.apiPDU.set_defaults(pdu)
    v2c.apiPDU.set_varbinds(pdu, [(v2c.ObjectIdentifier(UPTIME_OID), v2c.Null())])
    msg = v2c.Message()
    v2c.apiMessage.set_defaults(msg)
    v2c.apiMessage.set_community(msg, community)
    v2c.apiMessage.set_pdu(msg, pdu)
    return bytes(encoder.encode(msg))


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class _AgentProcess:
    """Start/stop/restart of one agent child process, and the wait until it answers a v2c GET."""

    name = "agent"

    def __init__(self, workdir: Path, probe_community: str) -> None:
        self.workdir = workdir
        self.log = workdir / f"{self.name}.log"
        self.port = 0
        self._probe = _probe_packet(probe_community)
        self._proc: subprocess.Popen[bytes] | None = None

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self) -> _AgentProcess:
        """Start the agent (on a new free port the first time) and return once it answers."""
        fixed_port = bool(self.port)
        for _ in range(3):
            self.port = self.port if fixed_port else free_udp_port()
            if self._launch():
                return self
        raise RuntimeError(f"{self.name} did not start on port {self.port}:\n{_log_tail(self.log)}")

    def _launch(self) -> bool:
        with self.log.open("ab") as out:
            self._proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self._env(),
                cwd=self.workdir,
                start_new_session=True,
            )
        if self._wait_until_answering():
            return True
        self.stop()
        return False

    def _wait_until_answering(self) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.1)
            while time.monotonic() < deadline:
                if self._proc is None or self._proc.poll() is not None:
                    return False
                s.sendto(self._probe, (HOST, self.port))
                try:
                    _, addr = s.recvfrom(65535)
                except (TimeoutError, ConnectionRefusedError):
                    continue
                if addr == (HOST, self.port):
                    return True
        return False

    def stop(self) -> None:
        """Stop the agent (SIGTERM, then SIGKILL after 5 s); the port stays reserved for :meth:`restart`."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def restart(self) -> None:
        """Stop and start again on the same port, like a device reboot."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the agent for good."""
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> _AgentProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------------------------
# snmpsim


def _snmpsim_program() -> str:
    path = Path(sys.executable).parent / "snmpsim-command-responder"
    if not path.exists():
        missing_peer(f"snmpsim is not installed ({path} missing)")
    return str(path)


class SnmpSim(_AgentProcess):
    """snmpsim-command-responder serving ``recordings`` ({community: Path or .snmprec text}) on 127.0.0.1.

    Attributes:
        port: the UDP port it listens on (kept across :meth:`restart`).
        data_dir: the temporary data dir it serves.
        log: its log file.
    """

    name = "snmpsim"

    def __init__(self, tmp_path: Path, recordings: Mapping[str, Path | str], *, max_var_binds: int = 64) -> None:
        if not recordings:
            raise ValueError("SnmpSim needs at least one recording")
        self._program = _snmpsim_program()
        workdir = Path(tempfile.mkdtemp(prefix="snmpsim-", dir=tmp_path))
        super().__init__(workdir, next(iter(recordings)))
        self.data_dir = workdir / "data"
        self._max_var_binds = max_var_binds
        self._lay_out(recordings)

    def _lay_out(self, recordings: Mapping[str, Path | str]) -> None:
        # snmpsim names a symlinked recording after the link target's path below the data dir's depth, so the
        # link goes to a same-depth "links" dir whose entry, named after the community, points at the file.
        links = self.workdir / "links"
        for folder in (self.data_dir, links, self.workdir / "cache"):
            folder.mkdir()
        for community, source in recordings.items():
            if not community or "/" in community or community.startswith("."):
                raise ValueError(f"unusable community name {community!r}")
            entry = self.data_dir / f"{community}.snmprec"
            if isinstance(source, Path):
                if not source.exists():
                    missing_peer(f"recording {source} not found")
                (links / entry.name).symlink_to(source.resolve())
                entry.symlink_to(links / entry.name)
            else:
                entry.write_text(source, encoding="latin-1")

    def _command(self) -> list[str]:
        return [
            self._program,
            f"--data-dir={self.data_dir}",
            f"--cache-dir={self.workdir / 'cache'}",
            f"--agent-udpv4-endpoint={HOST}:{self.port}",
            f"--max-var-binds={self._max_var_binds}",
            f"--logging-method=file:{self.log}",
            "--log-level=error",
        ]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}

    def start(self) -> SnmpSim:
        """Start snmpsim and return once it answers (about 1-2 s)."""
        super().start()
        return self

    def __enter__(self) -> SnmpSim:
        return self.start()

    def target(self, community: str, **kwargs: object) -> SnmpTarget:
        """An SnmpTarget for this simulator (version "2c" unless ``version=...``; other SnmpTarget fields too)."""
        version = str(kwargs.pop("version", "2c"))
        credentials = SnmpCredentials(version=version, community=community)  # type: ignore[arg-type]
        return SnmpTarget(HOST, self.port, credentials, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------
# net-snmp snmpd


@dataclass(frozen=True)
class V3User:
    """One SNMPv3 user that :class:`SnmpdLoopback` creates; ``credentials()`` is what a client needs."""

    name: str
    auth: str  # "sha" | "sha256" | "md5"
    auth_key: str
    priv: str | None = None  # "aes" | "aes256" | "des"
    priv_key: str | None = None

    def credentials(self, **changes: str | None) -> SnmpCredentials:
        """Client credentials for this user; ``changes`` override fields (e.g. ``v3_auth_key="wrong..."``)."""
        fields: dict[str, str | None] = {
            "version": "3",
            "v3_user": self.name,
            "v3_auth": self.auth,
            "v3_auth_key": self.auth_key,
            "v3_priv": self.priv,
            "v3_priv_key": self.priv_key,
        }
        fields.update(changes)
        return SnmpCredentials(**fields)  # type: ignore[arg-type]


# net-snmp's names for the protocols. "AES-256-C" is the key extension Cisco uses (Reeder), which is what pysnmp's
# usmAesCfb256Protocol implements; net-snmp's plain "AES-256" (Blumenthal) only agrees with it when the auth
# digest is long enough (SHA-256), not with SHA-1.
_AUTH_NAMES = {"sha": "SHA", "sha256": "SHA-256", "md5": "MD5"}
_PRIV_NAMES = {"aes": "AES", "aes256": "AES-256-C", "des": "DES"}

V3_USERS: dict[str, V3User] = {
    "sha-aes": V3User("campus_sha_aes", "sha", "auth-key-sha1", "aes", "priv-key-aes128"),
    "sha256-aes256": V3User("campus_sha256_aes256", "sha256", "auth-key-sha256", "aes256", "priv-key-aes256"),
    "md5-des": V3User("campus_md5_des", "md5", "auth-key-md5", "des", "priv-key-des"),
    "sha-nopriv": V3User("campus_sha_nopriv", "sha", "auth-key-nopriv"),
}


class SnmpdLoopback(_AgentProcess):
    """net-snmp ``snmpd`` on 127.0.0.1 with a v2c read-only community and the SNMPv3 users of ``users``.

    Runs in the foreground (``-f``), reads only its own config (``-C -c``), keeps its persistent state (engine
    boots, engine ID) in the temporary dir, and logs to :attr:`log`.

    Attributes:
        port: the UDP port it listens on (kept across :meth:`restart`).
        community: the v2c read-only community.
        users: the SNMPv3 users, by key.
    """

    name = "snmpd"

    def __init__(
        self,
        tmp_path: Path,
        *,
        community: str = "campusnet-ro",
        users: Mapping[str, V3User] = V3_USERS,
        extra_config: Iterable[str] = (),
    ) -> None:
        self._program = require_tool("snmpd")
        workdir = Path(tempfile.mkdtemp(prefix="snmpd-", dir=tmp_path))
        super().__init__(workdir, community)
        self.community = community
        self.users = dict(users)
        self._extra = list(extra_config)
        self.persistent_dir = workdir / "persist"
        self.persistent_dir.mkdir()
        self.config = workdir / "snmpd.conf"

    def _config_text(self) -> str:
        lines = [
            f"agentAddress udp:{HOST}:{self.port}",
            f"rocommunity {self.community} {HOST}",
        ]
        for user in self.users.values():
            auth = f'{_AUTH_NAMES[user.auth]} "{user.auth_key}"'
            priv = f' {_PRIV_NAMES[user.priv]} "{user.priv_key}"' if user.priv else ""
            lines.append(f"createUser {user.name} {auth}{priv}")
            lines.append(f"rouser {user.name} {'priv' if user.priv else 'auth'}")
        return "\n".join([*lines, *self._extra]) + "\n"

    def _command(self) -> list[str]:
        self.config.write_text(self._config_text())
        return [self._program, "-f", "-Lf", str(self.log), "-C", "-c", str(self.config), "-m", ""]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "SNMP_PERSISTENT_DIR": str(self.persistent_dir), "MIBS": ""}

    def start(self) -> SnmpdLoopback:
        """Start snmpd and return once it answers (well under a second)."""
        super().start()
        return self

    def __enter__(self) -> SnmpdLoopback:
        return self.start()

    def target(self, user: V3User | None = None, **kwargs: object) -> SnmpTarget:
        """An SnmpTarget for this agent: v2c with :attr:`community`, or SNMPv3 as ``user``."""
        credentials = user.credentials() if user else SnmpCredentials(version="2c", community=self.community)
        return SnmpTarget(HOST, self.port, credentials, **kwargs)  # type: ignore[arg-type]
