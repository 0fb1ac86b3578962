"""Helpers for the polling tests: build .snmprec text, parse real recordings independently of the code under test,
add devices and run cycles."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from monitor.polling.scheduler import CycleResult, Poller
from monitor.storage import inventory
from monitor.storage.secrets import open_secrets
from monitor.storage.store import connect
from tests.conftest import REPO
from tests.peers import parse_snmprec

IF_TABLE = "1.3.6.1.2.1.2.2.1."
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1."


def oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(x) for x in oid.split("."))


def snmprec(records: dict[str, str]) -> str:
    """An .snmprec text from {oid: "TAG|VALUE"}, sorted in OID order as snmpsim requires."""
    return "".join(f"{oid}|{records[oid]}\n" for oid in sorted(records, key=oid_key))


def recorded_interfaces(path: Path) -> dict[int, dict[str, Any]]:
    """ifIndex -> {name, descr, type, speed_bps} as the recording holds them (IF-MIB rows only)."""
    rows: dict[int, dict[str, Any]] = {}
    for oid, (_tag, raw) in parse_snmprec(path).items():
        value = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        for table in (IF_TABLE, IFX_TABLE):
            if oid.startswith(table):
                column, _, index = oid[len(table) :].partition(".")
                if index.isdigit():
                    rows.setdefault(int(index), {})[(table, int(column))] = value
    result: dict[int, dict[str, Any]] = {}
    for index, cols in rows.items():
        high = int(cols.get((IFX_TABLE, 15), 0) or 0)
        speed = int(cols.get((IF_TABLE, 5), 0) or 0)
        result[index] = {
            "name": cols.get((IFX_TABLE, 1), "").strip().strip("\x00"),
            "descr": cols.get((IF_TABLE, 2), "").strip().strip("\x00"),
            "type": int(cols[(IF_TABLE, 3)]) if (IF_TABLE, 3) in cols else None,
            "speed_bps": high * 1_000_000 if high else (speed if speed and speed != 4294967295 else None),
        }
    return result


def add_device(db: Path, name: str, port: int, community: str, **extra: Any) -> None:
    """Add a v2c device served on 127.0.0.1 (or extra['host'])."""
    conn = connect(db)
    try:
        store = open_secrets(db, inventory.store_id(conn))
        secrets = {"community": community, **extra.pop("secrets", {})}
        spec = inventory.DeviceSpec(
            name=name, host=extra.pop("host", "127.0.0.1"), snmp_port=port, secrets=secrets, **extra
        )
        inventory.add_device(conn, store, spec)
    finally:
        conn.close()


def run_cycle(poller: Poller) -> CycleResult:
    """One cycle on a private event loop (the tests own the thread)."""
    return asyncio.run(poller.run_cycle())


def rows(db: Path, sql: str, *params: Any) -> list[sqlite3.Row]:
    conn = connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def start_main(db: Path, *args: str) -> subprocess.Popen[str]:
    """Run ``main.py --db DB ARGS...`` as its own process (secrets in the file backend), output piped."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "--db", str(db), *args],
        cwd=REPO,
        env={**os.environ, "CAMPUSNET_SECRETS": "file"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ios_roles(running: str, ports: int = 48, *, platform: str = "cisco_ios", device: str = "sw-classroom-1") -> Any:
    """Port roles of a 48-port Catalyst from its running configuration and the example profile's port lists (no
    neighbours, no marks), as the example profile's table for the device sw-classroom-1 asks: what a render for that
    switch gets from monitor.configuration.planning."""
    from devices.config.profile import load_profile, port_request
    from devices.config.roles import PortInfo, assign_roles

    profile = load_profile(Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml")
    infos = [PortInfo(f"Gi1/0/{n}", f"GigabitEthernet1/0/{n}", if_type=6) for n in range(1, ports + 1)]
    request = port_request(profile, platform, device)
    return assign_roles(platform, running=running, ports=infos, neighbours=[], requested=request)
