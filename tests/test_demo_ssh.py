"""The demo as a configuration target: LLDP neighbours over SNMP, SSH command lines on 127.0.0.1, and a newcomer's
preview, push, second push and roll back to the backup, through the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.config.drivers import driver_for
from devices.neighbors import read_neighbours
from devices.push import configs_equal
from devices.snmp import SnmpCredentials, SnmpSession, SnmpTarget
from monitor.cli.main import main as cli
from monitor.demo.network import DemoNetwork
from monitor.demo.school import CORE_NAME
from monitor.polling.scheduler import Poller

pytestmark = pytest.mark.timeout(240)
SECRETS = {"RAD": "Rad1us-S3cret", "SA": "snmp-auth-key1", "SP": "snmp-priv-key1"}


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DemoNetwork, Path]]:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    net = DemoNetwork(speed=60, wireless=True)
    net.start()
    try:
        net.start_ssh()
        db = tmp_path / "demo.db"
        net.ensure_store(db)

        async def poll() -> None:
            poller = Poller(db, interval=60)
            try:
                await poller.run_cycle()
            finally:
                poller.close()

        asyncio.run(poll())
        for name, env in (("county-radius", "RAD"), ("snmpv3-auth", "SA"), ("snmpv3-priv", "SP")):
            assert cli(["--db", str(db), "secret", "set", name, "--value-env", env]) == 0
        yield net, db
    finally:
        net.stop()


def _neighbours(net: DemoNetwork, name: str) -> list[Any]:
    community = net.switch(name).community
    target = SnmpTarget("127.0.0.1", net.port, SnmpCredentials(version="2c", community=community), timeout=2)

    async def read() -> list[Any]:
        async with SnmpSession(target) as session:
            return await read_neighbours(session)

    return asyncio.run(read())


def test_the_demo_switches_hear_their_cabling_over_lldp(demo: tuple[DemoNetwork, Path]) -> None:
    net, _db = demo
    core = {n.local_port: n for n in _neighbours(net, CORE_NAME)}
    buildings = [s for s in net.switches[1:]]
    assert sorted(core) == [f"Gi1/0/{k}" for k in range(1, len(buildings) + 1)]
    for k, building in enumerate(buildings, start=1):
        heard = core[f"Gi1/0/{k}"]
        assert heard.remote_name == building.device.sys_name and "bridge" in heard.capabilities
    admin = _neighbours(net, "行政大樓-SW")
    aps = [n for n in admin if "wlan-ap" in n.capabilities]
    assert {n.local_port for n in aps} == {"9", "10"}  # the ports named "AP 行政大樓 1F/2F"
    assert any(n.remote_name == net.switch(CORE_NAME).device.sys_name for n in admin)


def test_newcomer_previews_pushes_and_rolls_back_the_core(
    demo: tuple[DemoNetwork, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    net, db = demo
    core = net.ssh.devices[CORE_NAME]
    capsys.readouterr()
    assert cli(["--db", str(db), "config", "push", "baseline", CORE_NAME, "--dry-run"]) == 0
    preview = capsys.readouterr().out
    assert "preview" in preview and "port roles:" in preview
    assert "GigabitEthernet1/0/1     excluded  alias 'Downlink 行政大樓'" in preview
    before = core.running_config
    downlinks = [_block(core, f"interface GigabitEthernet1/0/{k}") for k in range(1, 8)]

    assert cli(["--db", str(db), "config", "push", "baseline", CORE_NAME, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "applied and saved" in out and f"hold the new configuration, saved: {CORE_NAME}" in out
    assert core.has_line("path flash:campusnet")  # the archive bootstrap went first
    assert [_block(core, f"interface GigabitEthernet1/0/{k}") for k in range(1, 8)] == downlinks  # trunks untouched
    assert "spanning-tree bpduguard enable" in _block(core, "interface GigabitEthernet1/0/20")

    sent = len(core.commands)
    assert cli(["--db", str(db), "config", "push", "baseline", CORE_NAME, "--yes"]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert not any(c.startswith("conf") for c in core.commands[sent:])

    assert cli(["--db", str(db), "config", "restore", CORE_NAME, "--yes"]) == 0
    restored = capsys.readouterr().out
    assert "applied and saved" in restored, restored
    # The same configuration (IOS prints blocks in its own order; the emulator in the order they were entered).
    assert configs_equal(driver_for("cisco_ios"), core.running_config, before)
    assert not core.has_line("path flash:campusnet") and not core.has_line("spanning-tree bpduguard enable")


def _block(dev: Any, header: str) -> str:
    lines = dev.running_config.splitlines()
    start = lines.index(header)
    body = [header]
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append(line)
    return "\n".join(body)
