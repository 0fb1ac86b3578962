"""The demo network: the simulated school (:mod:`monitor.demo.school`) served by one SNMP agent on 127.0.0.1.

:class:`DemoNetwork` puts the school's switches (and, with ``wireless=True``, the wireless controller, kept apart
from ``switches`` as ``net.controller``; ``net.devices`` lists both) on one :class:`devices.simagent.SimAgent`,
adds what they hear of each other over LLDP, starts and stops the agent and the SSH command lines
(:mod:`monitor.demo.ssh`), and registers the devices in a store, as an admin would with ``device add``.
:func:`build_large_school` is the same network with extra access switches, for benchmarks.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from devices.simagent import SimAgent, SimClock
from monitor.demo import wireless as demo_wireless
from monitor.demo.school import SCHOOL, DemoSwitch, build_controller, build_school
from monitor.demo.traffic import TrafficModel
from monitor.polling.scheduler import CoreLoop
from monitor.storage.inventory import DeviceSpec, add_device, store_id
from monitor.storage.secrets import SecretStore, open_secrets
from monitor.storage.store import connect

HOST = "127.0.0.1"
DEFAULT_SEED = 20240901


class DemoNetwork:
    """The simulated school: its switches, the traffic model, one :class:`SimAgent` on 127.0.0.1.

    Simulated time starts when the network is made: ``start`` (epoch seconds; default now) advancing ``speed``
    times faster than real time.
    """

    def __init__(
        self,
        speed: float = 1.0,
        start: float | None = None,
        seed: int = DEFAULT_SEED,
        extra_switches: int = 0,
        wireless: bool = False,
    ) -> None:
        self.clock = SimClock(start, speed)
        self.traffic = TrafficModel(self.clock)
        self.switches = build_school(self.clock, self.traffic, seed, extra_switches)
        self.controller: DemoSwitch | None = None
        self.wireless: demo_wireless.WirelessModel | None = None
        if wireless:
            self.controller, self.wireless = build_controller(self.clock, self.traffic, seed)
        if not extra_switches:  # the school as cabled: LLDP neighbours (the large benchmark school has none)
            from monitor.demo.ssh import lldp_objects, neighbours_of

            heard = neighbours_of(self.switches)
            for sw in self.switches:
                sw.device.add_objects(lldp_objects(sw, heard[sw.name]))
        self.agent = SimAgent([s.device for s in self.devices])
        self.ssh: Any = None  # monitor.demo.ssh.DemoSsh once start_ssh() ran
        self._core_loop: CoreLoop | None = None

    @property
    def devices(self) -> list[DemoSwitch]:
        """The switches, then the wireless controller if there is one."""
        return [*self.switches, *([self.controller] if self.controller else [])]

    @property
    def port(self) -> int:
        """The agent's UDP port on 127.0.0.1 (0 before the first start)."""
        return self.agent.port

    def switch(self, name: str) -> DemoSwitch:
        """The switch (or the controller) named ``name``."""
        return next(s for s in self.devices if s.name == name)

    async def start_async(self, port: int = 0) -> int:
        """Start the agent on the running loop (port 0: a free one); returns the port."""
        self.agent.port = port or 0
        return await self.agent.start()

    async def stop_async(self) -> None:
        """Stop the agent; the port is free once this returns."""
        await self.agent.stop()

    def start(self, port: int = 0) -> int:
        """Start the agent on its own core loop thread (for synchronous callers); returns the port."""
        if self._core_loop is None:
            self._core_loop = CoreLoop()
        return self._core_loop.submit(self.start_async(port)).result(timeout=10)

    def stop(self) -> None:
        """Stop the agent started by :meth:`start`, its loop thread and the SSH command lines. Safe to call twice."""
        self.stop_ssh()
        loop, self._core_loop = self._core_loop, None
        if loop is not None:
            loop.submit(self.stop_async()).result(timeout=10)
            loop.stop()

    def start_ssh(self) -> None:
        """Start the SSH command lines of the devices CampusNet can configure (see :mod:`monitor.demo.ssh`)."""
        from monitor.demo.ssh import DemoSsh

        if self.ssh is None:
            self.ssh = DemoSsh(self.devices)
        self.ssh.start()

    def stop_ssh(self) -> None:
        """Stop the SSH command lines. Safe to call twice."""
        if self.ssh is not None:
            self.ssh.stop()

    def ensure_store(self, db_path: Path | str, port: int | None = None) -> None:
        """Create or update one device per simulated switch (and the controller) in the (demo) store at ``db_path``.

        Host 127.0.0.1, SNMP v2c on the agent's current port (or ``port``: an agent serving the same network in
        another process, see ``python -m monitor.demo --serve``), the switch's community (through the store's secret
        store), role and location. Call after starting, and before a Poller writes to the same store.
        """
        agent_port = port or self.port
        if not agent_port:
            raise RuntimeError("start the demo network before ensure_store()")
        path = Path(db_path)
        conn = connect(path)
        try:
            secrets = open_secrets(path, store_id(conn))
            for sw in self.devices:
                self._ensure_device(conn, secrets, sw, agent_port)
            if self.ssh is not None:
                self.ssh.register(conn, secrets)
            with conn:
                conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('demo', '1')")
        finally:
            conn.close()

    def _ensure_device(self, conn: sqlite3.Connection, secrets: SecretStore, sw: DemoSwitch, port: int) -> None:
        row = conn.execute("SELECT id FROM devices WHERE name = ?", (sw.name,)).fetchone()
        if row is None:
            spec = DeviceSpec(
                name=sw.name,
                host=HOST,
                snmp_port=port,
                role=sw.role,
                location=sw.location,
                timeout_s=1.0,
                retries=1,
                secrets={"community": sw.community},
            )
            add_device(conn, secrets, spec)
            return
        secrets.set(sw.name, "community", sw.community)
        with conn:
            conn.execute(
                "UPDATE devices SET host = ?, snmp_port = ?, snmp_version = '2c', role = ?, location = ? WHERE id = ?",
                (HOST, port, sw.role, sw.location, row["id"]),
            )


def build_large_school(
    n_devices: int = 200, speed: float = 1.0, start: float | None = None, seed: int = DEFAULT_SEED
) -> DemoNetwork:
    """The school plus stand-alone 24/48-port access switches up to ``n_devices`` switches in all (for benchmarks:
    every switch has its own community on the one agent port)."""
    return DemoNetwork(speed, start, seed, extra_switches=max(0, n_devices - 1 - len(SCHOOL)))
