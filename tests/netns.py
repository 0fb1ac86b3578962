"""A real network for tests and the benchmark: net-snmp ``snmpd`` in a network namespace, real traffic.

Layout made by :class:`AgentNetwork` (needs root, ``ip`` from iproute2 and ``snmpd`` from Debian's snmpd)::

    root ns (test process, poller)          agent ns: cn-agent-<pid>-<n>          peer ns: cn-peer-<pid>-<n>
    cn<pid>m<n> 198.18.x.y/30  <--mgmt-->   veth-m 198.18.x.y+1/30
                                            snmpd on udp:198.18.x.y+1:161
                                            veth-a 198.18.0.1/30  <--measured-->  veth-p 198.18.0.2/30
                                            cn-dum0 .. cn-dumN (dummy)

The poller in the root namespace talks to snmpd over the management link only, so its own SNMP traffic never
crosses the measured link. Traffic is sent across the measured link by small Python processes run with
``ip netns exec`` into a discarding UDP sink on the other side. IPv6 is switched off and neighbours are static on
the measured link, so its counters move only by what the test sends. net-snmp's interface counter cache is
switched off through NET-SNMP-AGENT-MIB::nsCacheTimeout (see :meth:`AgentNetwork.disable_counter_cache`).

Only addresses inside the namespaces created here (198.18.0.0/15, the benchmarking range) are ever contacted.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from tests.conftest import require_root, require_tool

Direction = Literal["to_agent", "from_agent"]

MEASURED_AGENT_IP = "198.18.0.1"
MEASURED_PEER_IP = "198.18.0.2"
AGENT_IF = "veth-a"
PEER_IF = "veth-p"
MGMT_IF = "veth-m"
DUMMY_PREFIX = "cn-dum"
SINK_PORT = 9000
PAYLOAD = 1400  # UDP payload per datagram: fits a 1500-byte MTU with IPv4 and UDP headers

# Management /30 blocks are taken from here; the first block whose addresses are free in the root namespace wins.
_MGMT_POOL = ipaddress.ip_network("198.18.1.0/24")
_NS_RE = re.compile(r"^cn-(?:agent|peer)-(\d+)-\d+$")
_ROOT_IF_RE = re.compile(r"^cn(\d+)m\d+$")
_IFNAME_RE = re.compile(r"^[\w.-]{1,15}$")
_WORKDIR_RE = re.compile(r"^cn-netns-(\d+)-")

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
NS_CACHE_TIMEOUT = "1.3.6.1.4.1.8072.1.5.3.1.2"  # nsCacheTimeout; index = IMPLIED OID of the cached table
IF_MIB_CACHES = ("1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31")  # ifTable (ifXTable shares its cache)

_counter = 0


@dataclass(frozen=True)
class V3User:
    """An SNMPv3 authPriv user created in the agent (net-snmp names: SHA, SHA-256, ...; AES, AES-256)."""

    name: str
    auth: str
    auth_key: str
    priv: str
    priv_key: str


DEFAULT_V3_USERS = (
    V3User("cn-sha-aes", "SHA", "campusnet-auth-1", "AES", "campusnet-priv-1"),
    V3User("cn-sha256-aes", "SHA-256", "campusnet-auth-2", "AES", "campusnet-priv-2"),
)


class AgentNetwork:
    """Two namespaces, a measured veth link, a management link from the root namespace, and snmpd.

    Use as a context manager; every attribute below is valid inside the ``with`` block:
    ``host``/``agent_address`` and ``port`` (where snmpd answers, from the root namespace), ``community``,
    ``rw_community``, ``v3_users``, ``agent_ns``, ``peer_ns``, ``root_ip``, ``dummy_interfaces``, ``workdir``.
    ``workdir`` holds snmpd's config, log and persistent state: a temporary folder removed on exit, or the
    caller's folder (created if missing, left in place) when one is given.
    """

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        community: str = "public",
        v3_users: Sequence[V3User] = DEFAULT_V3_USERS,
        extra_interfaces: int = 0,
        disable_cache: bool = True,
        port: int = 161,
    ) -> None:
        global _counter
        _counter += 1
        pid = os.getpid()
        self.community = community
        self.rw_community = "cn-cache-" + secrets.token_hex(8)
        self.v3_users = tuple(v3_users)
        self.extra_interfaces = extra_interfaces
        self.disable_cache = disable_cache
        self.port = port
        self.agent_ns = f"cn-agent-{pid}-{_counter}"
        self.peer_ns = f"cn-peer-{pid}-{_counter}"
        self.root_if = f"cn{pid}m{_counter}"
        self.dummy_interfaces = [f"{DUMMY_PREFIX}{i}" for i in range(extra_interfaces)]
        self.extra_interface_kind = ""
        self.root_ip = ""
        self.host = ""
        self.workdir = Path(workdir) if workdir is not None else Path()
        self._own_workdir = workdir is None
        self._ip = "ip"
        self._snmpd = "snmpd"
        self._agent: subprocess.Popen[bytes] | None = None
        self._sinks: list[subprocess.Popen[bytes]] = []
        self._created = False

    # ----------------------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> AgentNetwork:
        require_root()
        self._ip = require_tool("ip")
        self._snmpd = require_tool("snmpd")
        cleanup_stale(self._ip)
        if self._own_workdir:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"cn-netns-{os.getpid()}-"))
        else:
            self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            with _allocation_lock():
                self._allocate_mgmt_subnet()
                self._created = True
                self._build_topology()
            self._write_config()
            self._start_sinks()
            self.start_agent()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop snmpd and the sinks, delete the namespaces and the work folder. Safe to call twice."""
        self.stop_agent()
        for sink in self._sinks:
            _stop_process(sink, close_stdin=True)
        self._sinks.clear()
        if self._created:
            self._run_ip(["link", "del", self.root_if], check=False)
            for ns in (self.agent_ns, self.peer_ns):
                _delete_namespace(self._ip, ns)
            self._created = False
        if self._own_workdir and self.workdir != Path() and self.workdir.exists():
            shutil.rmtree(self.workdir, ignore_errors=True)

    # ---------------------------------------------------------------------------------------- the agent

    def start_agent(self) -> None:
        """Start snmpd in the agent namespace, wait until it answers, and switch its counter cache off."""
        if self._agent is not None:
            return
        cmd = [
            self._ip, "netns", "exec", self.agent_ns, self._snmpd,
            "-f", "-Lf", str(self.workdir / "snmpd.log"),
            "-c", str(self.workdir / "snmpd.conf"),
            "-p", str(self.workdir / "snmpd.pid"),
            f"udp:{self.host}:{self.port}",
        ]  # fmt: skip
        persist = str(self.workdir / "persist")
        # SNMPCONFPATH limited to the persistent dir: /etc/snmp is never read, createUser lines and engineBoots
        # are (snmpd's -C would skip the persistent dir too, and with it the v3 users and engineBoots).
        env = {**os.environ, "SNMPCONFPATH": persist, "SNMP_PERSISTENT_DIR": persist, "MIBS": ""}
        stderr = (self.workdir / "snmpd.stderr").open("ab")
        with stderr:
            self._agent = subprocess.Popen(
                cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
            )
        self._wait_until_answering()
        if self.disable_cache:
            self.disable_counter_cache()

    def stop_agent(self) -> None:
        """Stop snmpd (SIGTERM, so it saves engineBoots and the v3 users); no-op when not running."""
        if self._agent is not None:
            _stop_process(self._agent)
            self._agent = None

    def restart_agent(self) -> None:
        """Stop and start snmpd: a reboot as SNMP sees it (sysUpTime restarts, engineBoots grows).

        Interface counters come from the kernel and keep counting; that is fine.
        """
        self.stop_agent()
        self.start_agent()

    @property
    def agent_address(self) -> str:
        """The address snmpd answers on, reachable from the root namespace (same as ``host``)."""
        return self.host

    @property
    def agent_running(self) -> bool:
        """Whether the snmpd process is alive."""
        return self._agent is not None and self._agent.poll() is None

    def disable_counter_cache(self) -> list[str]:
        """Set nsCacheTimeout to 0 for the IF-MIB caches, so counters are read from the kernel on every request.

        net-snmp caches ifTable (and ifXTable, which shares it) for 3 seconds by default. The rows of
        NET-SNMP-AGENT-MIB::nsCacheTable are indexed by the cached table's OID (IMPLIED), e.g.
        ``1.3.6.1.4.1.8072.1.5.3.1.2.1.3.6.1.2.1.2.2`` for ifTable. The write community is limited to the
        root-side address and to nsCacheTable. Returns the table OIDs whose cache was switched off.
        """
        tables = [oid[len(NS_CACHE_TIMEOUT) + 1 :] for oid, _ in self._walk(NS_CACHE_TIMEOUT)]
        wanted = [t for t in tables if any(t == p or t.startswith(p + ".") for p in IF_MIB_CACHES)]
        if not wanted:
            raise RuntimeError(f"snmpd has no IF-MIB row in nsCacheTable: {tables}")
        for table in wanted:
            oid = f"{NS_CACHE_TIMEOUT}.{table}"
            _snmp_request(self.host, self.port, self.rw_community, _SET, [(oid, _ber_int(0))])
            if self.snmp_get(oid) != 0:
                raise RuntimeError(f"nsCacheTimeout for {table} did not change to 0")
        return wanted

    def snmp_get(self, oid: str) -> int | bytes | str | None:
        """One SNMPv2c GET with the read community (a minimal built-in client, for the harness's own checks)."""
        answer = _snmp_request(self.host, self.port, self.community, _GET, [(oid, b"\x05\x00")])
        return answer[0][1]

    # ------------------------------------------------------------------------------------------ traffic

    def send_traffic(self, nbytes: int, *, direction: Direction = "to_agent", max_seconds: float = 10.0) -> int:
        """Send up to ``nbytes`` of UDP payload across the measured link as fast as it goes.

        Bounded by bytes and by ``max_seconds``; returns the payload bytes actually sent. ``to_agent`` makes
        veth-a's receive counters (ifInOctets) grow, ``from_agent`` its transmit counters (ifOutOctets). The
        interface counters also count 42 bytes of Ethernet, IPv4 and UDP headers per 1400-byte datagram.
        """
        return self._send(nbytes, direction=direction, max_seconds=max_seconds, rate_bps=0)

    def send_traffic_at_rate(self, bps: float, seconds: float, *, direction: Direction = "to_agent") -> int:
        """Send UDP payload at ``bps`` bits per second for ``seconds``, spread evenly; returns bytes sent."""
        if bps <= 0 or seconds <= 0:
            raise ValueError("bps and seconds must be positive")
        nbytes = int(bps / 8 * seconds)
        return self._send(nbytes, direction=direction, max_seconds=seconds, rate_bps=bps)

    def _send(self, nbytes: int, *, direction: Direction, max_seconds: float, rate_bps: float) -> int:
        if direction not in ("to_agent", "from_agent"):
            raise ValueError(f"direction must be 'to_agent' or 'from_agent', not {direction!r}")
        if nbytes < 0 or max_seconds <= 0:
            raise ValueError("nbytes must be >= 0 and max_seconds > 0")
        if nbytes == 0:
            return 0
        ns, dst = (self.peer_ns, MEASURED_AGENT_IP) if direction == "to_agent" else (self.agent_ns, MEASURED_PEER_IP)
        args = [dst, str(SINK_PORT), str(nbytes), repr(max_seconds), repr(rate_bps), str(PAYLOAD)]
        cmd = [self._ip, "netns", "exec", ns, sys.executable, "-I", "-S", "-c", _SENDER, *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=max_seconds + 15, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"traffic sender failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        return int(done.stdout.strip())

    # ----------------------------------------------------------------------------------- kernel's view

    def kernel_counters(self, ifname: str = AGENT_IF) -> dict[str, int]:
        """``/sys/class/net/<if>/statistics/*`` in the agent namespace (what IF-MIB reports on Linux)."""
        path = f"/sys/class/net/{_check_ifname(ifname)}/statistics"
        out = self._agent_exec(["sh", "-c", 'cd "$1" && grep -H . *', "sh", path])
        counters: dict[str, int] = {}
        for line in out.splitlines():
            name, _, value = line.partition(":")
            with contextlib.suppress(ValueError):
                counters[name] = int(value)
        return counters

    def ifindex(self, ifname: str = AGENT_IF) -> int:
        """The kernel ifIndex of an interface in the agent namespace (net-snmp's ifIndex on Linux)."""
        return int(self._agent_exec(["cat", f"/sys/class/net/{_check_ifname(ifname)}/ifindex"]).strip())

    # ------------------------------------------------------------------------------------------ internals

    def _agent_exec(self, args: list[str]) -> str:
        cmd = [self._ip, "netns", "exec", self.agent_ns, *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=10).stdout

    def _run_ip(self, args: list[str], *, check: bool = True, stdin: str | None = None) -> str:
        done = subprocess.run([self._ip, *args], input=stdin, capture_output=True, text=True, timeout=30, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"ip {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def _allocate_mgmt_subnet(self) -> None:
        """First /30 in the pool whose addresses nobody in the root namespace uses (called under the lock)."""
        used: set[str] = set()
        for entry in json.loads(self._run_ip(["-j", "-4", "addr", "show"]) or "[]"):
            used.update(info.get("local", "") for info in entry.get("addr_info", []))
        for block in _MGMT_POOL.subnets(new_prefix=30):
            root, agent = (str(h) for h in block.hosts())
            if root not in used and agent not in used:
                self.root_ip, self.host = root, agent
                return
        raise RuntimeError(f"no free /30 left in {_MGMT_POOL} for the management link")

    def _build_topology(self) -> None:
        a, p = self.agent_ns, self.peer_ns
        for ns in (a, p):
            self._run_ip(["netns", "add", ns])
            self._ns_no_ipv6(ns)
        self._run_ip(["link", "add", AGENT_IF, "netns", a, "type", "veth", "peer", "name", PEER_IF, "netns", p])
        self._run_ip(["link", "add", self.root_if, "type", "veth", "peer", "name", MGMT_IF, "netns", a])
        with contextlib.suppress(OSError):
            Path(f"/proc/sys/net/ipv6/conf/{self.root_if}/disable_ipv6").write_text("1\n")
        self._run_ip(["addr", "add", f"{self.root_ip}/30", "dev", self.root_if])
        self._run_ip(["link", "set", self.root_if, "up"])
        agent_cmds = [
            f"addr add {MEASURED_AGENT_IP}/30 dev {AGENT_IF}",
            f"addr add {self.host}/30 dev {MGMT_IF}",
        ]
        self._run_ip(["-n", a, "-batch", "-"], stdin="\n".join(agent_cmds) + "\n")
        self._add_extra_interfaces()
        self._run_ip(["-n", p, "addr", "add", f"{MEASURED_PEER_IP}/30", "dev", PEER_IF])
        self._ns_no_ipv6(a)  # again: the interfaces now exist
        self._ns_no_ipv6(p)
        up = ["lo", AGENT_IF, MGMT_IF, *self.dummy_interfaces]
        self._run_ip(["-n", a, "-batch", "-"], stdin="".join(f"link set {n} up\n" for n in up))
        self._run_ip(["-n", p, "-batch", "-"], stdin=f"link set lo up\nlink set {PEER_IF} up\n")
        self._static_neighbours()

    def _add_extra_interfaces(self) -> None:
        """N quiet interfaces in the agent namespace: ``dummy``, else ``ifb``, else veth pairs (both ends).

        Some kernels (e.g. minimal VM kernels) are built without CONFIG_DUMMY; ifb is equally quiet.
        """
        if not self.dummy_interfaces:
            return
        first = self.dummy_interfaces[0]
        for kind in ("dummy", "ifb", "veth"):
            extra = f" peer name {first}p" if kind == "veth" else ""
            self._run_ip(["-n", self.agent_ns, "link", "add", first, "type", kind, *extra.split()], check=False)
            if self._link_exists(self.agent_ns, first):
                self.extra_interface_kind = kind
                break
        else:
            raise RuntimeError("cannot create dummy, ifb or veth interfaces in the agent namespace")
        cmds = []
        for name in self.dummy_interfaces[1:]:
            extra = f" peer name {name}p" if self.extra_interface_kind == "veth" else ""
            cmds.append(f"link add {name} type {self.extra_interface_kind}{extra}")
        if self.extra_interface_kind == "veth":
            self.dummy_interfaces += [f"{name}p" for name in self.dummy_interfaces]
        if cmds:
            self._run_ip(["-n", self.agent_ns, "-batch", "-"], stdin="\n".join(cmds) + "\n")

    def _link_exists(self, ns: str, ifname: str) -> bool:
        done = subprocess.run([self._ip, "-n", ns, "link", "show", ifname], capture_output=True, check=False)
        return done.returncode == 0

    def _ns_no_ipv6(self, ns: str) -> None:
        """Switch IPv6 off in a namespace (no router solicitations, MLD or ND on the measured link)."""
        script = 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -w "$f" ] && echo 1 > "$f"; done; true'
        subprocess.run([self._ip, "netns", "exec", ns, "sh", "-c", script], check=False, timeout=10)

    def _static_neighbours(self) -> None:
        """Permanent ARP entries on the measured link, so no ARP ever crosses it."""
        mac_a = self._mac(self.agent_ns, AGENT_IF)
        mac_p = self._mac(self.peer_ns, PEER_IF)
        for ns, addr, mac, dev in (
            (self.agent_ns, MEASURED_PEER_IP, mac_p, AGENT_IF),
            (self.peer_ns, MEASURED_AGENT_IP, mac_a, PEER_IF),
        ):
            self._run_ip(["-n", ns, "neigh", "replace", addr, "lladdr", mac, "dev", dev, "nud", "permanent"])

    def _mac(self, ns: str, ifname: str) -> str:
        info = json.loads(self._run_ip(["-n", ns, "-j", "link", "show", ifname]))
        return str(info[0]["address"])

    def _write_config(self) -> None:
        persist = self.workdir / "persist"
        persist.mkdir(exist_ok=True)
        lines = [
            f"rocommunity {self.community} {self.root_ip}",
            f"rwcommunity {self.rw_community} {self.root_ip} .1.3.6.1.4.1.8072.1.5.3",
            *(f"rouser {user.name} priv" for user in self.v3_users),
            "sysLocation CampusNet test agent",
            "sysContact campusnet-tests",
            "dontLogTCPWrappersConnects yes",
        ]
        (self.workdir / "snmpd.conf").write_text("\n".join(lines) + "\n")
        users = [f'createUser {u.name} {u.auth} "{u.auth_key}" {u.priv} "{u.priv_key}"' for u in self.v3_users]
        (persist / "snmpd.conf").write_text("\n".join(users) + "\n")

    def _start_sinks(self) -> None:
        for ns, addr in ((self.agent_ns, MEASURED_AGENT_IP), (self.peer_ns, MEASURED_PEER_IP)):
            cmd = [self._ip, "netns", "exec", ns, sys.executable, "-I", "-S", "-c", _SINK, addr, str(SINK_PORT)]
            sink = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self._sinks.append(sink)
            assert sink.stdout is not None
            if sink.stdout.readline().strip() != b"ready":
                raise RuntimeError(f"traffic sink in {ns} did not start")

    def _wait_until_answering(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._agent is None or self._agent.poll() is not None:
                raise RuntimeError(f"snmpd exited at start: {self._log_tail()}")
            with contextlib.suppress(TimeoutError, OSError):
                _snmp_request(self.host, self.port, self.community, _GET, [(SYS_UPTIME, b"\x05\x00")], 0.3, 0)
                return
        raise RuntimeError(f"snmpd did not answer within {timeout} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        text = ""
        for name in ("snmpd.log", "snmpd.stderr"):
            with contextlib.suppress(OSError):
                text += (self.workdir / name).read_text(errors="replace")
        return " | ".join(text.strip().splitlines()[-5:])

    def _walk(self, root: str, limit: int = 500) -> Iterator[tuple[str, int | bytes | str | None]]:
        """GETNEXT walk of one subtree with the read community (bounded by ``limit`` rows)."""
        oid = root
        for _ in range(limit):
            answer = _snmp_request(self.host, self.port, self.community, _GETNEXT, [(oid, b"\x05\x00")])
            oid, value = answer[0]
            if not oid.startswith(root + ".") or value is None:
                return
            yield oid, value


# -------------------------------------------------------------------------------------- stale cleanup


def cleanup_stale(ip: str = "ip") -> list[str]:
    """Delete namespaces, root-side veths and work folders of harness runs whose process is gone.

    Returns what was removed. Runs of live processes (other test sessions) are left alone.
    """
    removed: list[str] = []
    names = subprocess.run([ip, "netns", "list"], capture_output=True, text=True, check=False).stdout
    for line in names.splitlines():
        ns = line.split()[0] if line.split() else ""
        match = _NS_RE.match(ns)
        if match and not _pid_alive(int(match.group(1))):
            _delete_namespace(ip, ns)
            removed.append(ns)
    links = subprocess.run([ip, "-j", "link", "show"], capture_output=True, text=True, check=False).stdout
    for link in json.loads(links or "[]"):
        name = str(link.get("ifname", ""))
        match = _ROOT_IF_RE.match(name)
        if match and not _pid_alive(int(match.group(1))):
            subprocess.run([ip, "link", "del", name], capture_output=True, check=False)
            removed.append(name)
    for folder in Path(tempfile.gettempdir()).glob("cn-netns-*"):
        match = _WORKDIR_RE.match(folder.name)
        if match and folder.is_dir() and not _pid_alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _delete_namespace(ip: str, ns: str) -> None:
    """Kill whatever still runs in a namespace, then delete it (its veths go with it)."""
    pids = subprocess.run([ip, "netns", "pids", ns], capture_output=True, text=True, check=False).stdout
    for pid in pids.split():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), signal.SIGKILL)
    subprocess.run([ip, "netns", "del", ns], capture_output=True, check=False)


def _stop_process(proc: subprocess.Popen[bytes], *, close_stdin: bool = False) -> None:
    if close_stdin and proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    else:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    if proc.stdout is not None:
        proc.stdout.close()


@contextlib.contextmanager
def _allocation_lock() -> Iterator[None]:
    """Serialise address allocation and interface creation between concurrent test processes."""
    path = Path(tempfile.gettempdir()) / "campusnet-netns.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_ifname(name: str) -> str:
    if not _IFNAME_RE.match(name):
        raise ValueError(f"not an interface name: {name!r}")
    return name


# ------------------------------------------------------------------------ helper processes (stdlib only)

# Discards UDP datagrams until its stdin closes (so it dies with the test process).
_SINK = """
import os, select, socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((addr, port))
s.setblocking(False)
print("ready", flush=True)
while True:
    ready, _, _ = select.select([s, sys.stdin], [], [], 1.0)
    if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1024):
        break
    for _ in range(10000):
        try:
            s.recv(65535)
        except BlockingIOError:
            break
"""

# Sends at most NBYTES of UDP payload within MAX_SECONDS, optionally paced at RATE_BPS; prints bytes sent.
_SENDER = """
import errno, socket, sys, time
dst, port, nbytes, max_s, rate, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), \
    float(sys.argv[5]), int(sys.argv[6])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((dst, port))
payload = bytes(size)
start = time.monotonic()
deadline = start + max_s
sent = 0
while sent < nbytes:
    now = time.monotonic()
    if now >= deadline:
        break
    if rate > 0 and sent >= rate / 8 * (now - start):
        time.sleep(min(0.002, deadline - now))
        continue
    try:
        sent += s.send(payload[: min(size, nbytes - sent)])
    except ConnectionRefusedError:
        print(sent)
        sys.exit(3)
    except OSError as exc:
        if exc.errno not in (errno.ENOBUFS, errno.EAGAIN):
            raise
        time.sleep(0.001)
print(sent)
"""


# ------------------------------------------------------- a minimal SNMPv2c client (harness checks only)

_GET, _GETNEXT, _SET, _RESPONSE = 0xA0, 0xA1, 0xA3, 0xA2
_UNSIGNED_TAGS = {0x41, 0x42, 0x43, 0x46, 0x47}  # Counter32, Gauge32, TimeTicks, Counter64, Unsigned32


def _ber_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _ber_len(len(content)) + content


def _ber_int(value: int, tag: int = 0x02) -> bytes:
    return _tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def _ber_oid(oid: str) -> bytes:
    arcs = [int(a) for a in oid.strip(".").split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return _tlv(0x06, bytes(out))


def _parse_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    tag, first = data[pos], data[pos + 1]
    pos += 2
    length = first
    if first & 0x80:
        count = first & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    return tag, data[pos : pos + length], pos + length


def _parse_items(data: bytes) -> list[tuple[int, bytes]]:
    items, pos = [], 0
    while pos < len(data):
        tag, content, pos = _parse_tlv(data, pos)
        items.append((tag, content))
    return items


def _decode_oid(raw: bytes) -> str:
    arcs, value = [], 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def _decode_value(tag: int, raw: bytes) -> int | bytes | str | None:
    if tag == 0x02:
        return int.from_bytes(raw, "big", signed=True)
    if tag in _UNSIGNED_TAGS:
        return int.from_bytes(raw, "big")
    if tag == 0x06:
        return _decode_oid(raw)
    if tag == 0x40:
        return ".".join(str(b) for b in raw)
    if tag == 0x04:
        return raw
    return None  # NULL, noSuchObject, noSuchInstance, endOfMibView


def _snmp_request(
    host: str,
    port: int,
    community: str,
    pdu_tag: int,
    varbinds: list[tuple[str, bytes]],
    timeout: float = 1.0,
    retries: int = 2,
) -> list[tuple[str, int | bytes | str | None]]:
    """Send one v2c request and return the response varbinds; raises on timeout or an error-status."""
    request_id = secrets.randbelow(2**31 - 1)
    vbl = _tlv(0x30, b"".join(_tlv(0x30, _ber_oid(oid) + value) for oid, value in varbinds))
    pdu = _tlv(pdu_tag, _ber_int(request_id) + _ber_int(0) + _ber_int(0) + vbl)
    message = _tlv(0x30, _ber_int(1) + _tlv(0x04, community.encode()) + pdu)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        for _ in range(retries + 1):
            sock.sendto(message, (host, port))
            try:
                while True:
                    reply = _parse_response(sock.recv(65535), request_id)
                    if reply is not None:
                        return reply
            except TimeoutError:
                continue
    raise TimeoutError(f"no SNMP answer from {host}:{port}")


def _parse_response(data: bytes, request_id: int) -> list[tuple[str, int | bytes | str | None]] | None:
    _, body, _ = _parse_tlv(data, 0)
    items = _parse_items(body)
    pdu_tag, pdu = items[2]
    fields = _parse_items(pdu)
    if pdu_tag != _RESPONSE or int.from_bytes(fields[0][1], "big", signed=True) != request_id:
        return None
    status = int.from_bytes(fields[1][1], "big")
    if status:
        raise RuntimeError(f"SNMP error-status {status} at index {int.from_bytes(fields[2][1], 'big')}")
    result = []
    for _, vb in _parse_items(fields[3][1]):
        (_, oid_raw), (tag, raw) = _parse_items(vb)
        result.append((_decode_oid(oid_raw), _decode_value(tag, raw)))
    return result
