"""The safe push to Aruba AOS-CX under ``checkpoint auto``, against the AOS-CX emulator on 127.0.0.1.

The emulator first (prompts, errors, checkpoints, the auto checkpoint timer, with real netmiko), then the push:
the example profile's baseline and roaming templates applied, verified and saved; a refused line rolled back with
``checkpoint rollback``; a session lost before the confirm restored by the switch's timer; a dry run. Every check
is on the emulator's own state (its configuration tree, startup configuration, checkpoints, log, received lines).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from netmiko.base_connection import BaseConnection
from netmiko.exceptions import ConfigInvalidException

from devices.config.profile import load_profile
from devices.config.render import Rendered, render
from devices.config.roles import PortInfo, RoleRequest, assign_roles
from devices.emulators import EmulatedDevice
from devices.emulators.aruba_aoscx import PORTS
from devices.emulators.server import ConfigNode
from devices.push import PushResult, PushTarget, push
from monitor.configuration import configs
from monitor.storage.inventory import DeviceSpec, add_device
from monitor.storage.secrets import SecretStore

pytestmark = pytest.mark.timeout(120)

PASSWORD = "Ssh-Pa55word!"
EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
SECRETS = {"county-radius": "Rad1us-S3cret!", "snmpv3-auth": "AuthKey-123456", "snmpv3-priv": "PrivKey-654321"}
# What netmiko and the push send besides configuration lines and checkpoint commands.
SESSION_COMMANDS = re.compile(r"^(no page|show running-config|exit|end)$")

Store = tuple[sqlite3.Connection, SecretStore, Path]


def _errors(dev: EmulatedDevice) -> str:
    """The emulator's error pattern widened to the whole answer line, as the push uses it."""
    return rf"^.*(?:{dev.error_pattern}).*$"


# The emulator's factory ports (every one "no routing", "vlan access 1"), with edge ports 1-40, AP ports 41-44 and
# uplink 48 asked for, as a school's profile lists them for this switch.
FACTORY_PORTS = "".join(
    f"interface 1/1/{n}\n    no shutdown\n    no routing\n    vlan access 1\n" for n in range(1, PORTS + 1)
)
REQUEST = RoleRequest(edge_candidates=("1/1/1-1/1/40",), ap=("1/1/41-1/1/44",), uplink=("1/1/48",))


def _render(template: str) -> Rendered:
    ports = [PortInfo(f"1/1/{n}", f"1/1/{n}", if_type=6) for n in range(1, PORTS + 1)]
    roles = assign_roles("aruba_aoscx", running=FACTORY_PORTS, ports=ports, neighbours=[], requested=REQUEST)
    return render(template, "aruba_aoscx", load_profile(EXAMPLE), secrets=SECRETS.__getitem__, roles=roles)


def _device(**kwargs: Any) -> EmulatedDevice:
    return EmulatedDevice("aruba_aoscx", password=PASSWORD, **kwargs)


def _target(store: Store, dev: EmulatedDevice, name: str = "cx1") -> PushTarget:
    conn, secrets, _ = store
    spec = DeviceSpec(
        name=name,
        host="127.0.0.1",
        platform="aruba_aoscx",
        ssh_host="127.0.0.1",
        ssh_port=dev.port,
        ssh_user=dev.username,
        secrets={"community": "public", "ssh_password": PASSWORD},
    )
    device_id = add_device(conn, secrets, spec)
    return PushTarget(device_id, name, "127.0.0.1", dev.port, dev.username, PASSWORD, "aruba_aoscx")


def _push(store: Store, target: PushTarget, rendered: Rendered, tmp_path: Path, **kw: Any) -> PushResult:
    conn, secrets, _ = store
    options: dict[str, Any] = {"dry_run": False, "seconds_per_minute": 0.5, "timeout": 5, "read_timeout": 5, **kw}
    return push(
        target,
        rendered.lines,
        rendered.masked_lines,
        sorted(rendered.secret_values),
        known_hosts=tmp_path / "known_hosts",
        backup_store=configs.ConfigArchive(conn, secrets),
        log_dir=tmp_path / "logs",
        template=rendered.template,
        **options,
    )


def _sent(dev: EmulatedDevice) -> list[str]:
    """Every line the device received (stripped) except what netmiko and the backup send on their own."""
    return [c.strip() for c in dev.commands if not SESSION_COMMANDS.match(c.strip())]


def _connect(dev: EmulatedDevice) -> BaseConnection:
    return ConnectHandler(
        device_type="aruba_aoscx",
        host=dev.host,
        port=dev.port,
        username=dev.username,
        password=dev.password,
        fast_cli=True,
        conn_timeout=5,
        auth_timeout=5,
        banner_timeout=5,
        use_keys=False,
        allow_agent=False,
    )


def _block(dev: EmulatedDevice, header: str) -> list[str]:
    """The lines of the emulator's running-config block ``header`` (AssertionError when it has none)."""
    node = dev.platform.running.find([header])
    assert node is not None, f"no {header!r} in the running config"
    return [child.text for child in node.children]


def _vlans(spec: str) -> set[int]:
    ids: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        ids.update(range(int(first), int(last or first) + 1))
    return ids


def _missing(dev: EmulatedDevice, lines: Sequence[str]) -> list[str]:
    """Rendered lines the emulator's configuration tree does not hold under the same parent, read the way the
    switch stores them: trunk VLAN lists as sets, removals as absence, the banner and secret lines skipped (checked
    on their own)."""
    missing: list[str] = []
    parent: list[ConfigNode] = dev.platform.running.nodes
    block: list[ConfigNode] = parent
    in_banner = False
    for raw in lines:
        text = raw.strip()
        if in_banner or text.startswith("banner "):
            in_banner = text != "^"
            continue
        if "plaintext" in text:
            continue
        nodes = block if raw.startswith(" ") else parent
        if text.startswith("no "):
            if any(n.text == text[3:] or n.text.startswith(text[3:] + " ") for n in nodes):
                missing.append(raw)
            continue
        trunk = re.fullmatch(r"vlan trunk allowed (\S+)", text)
        if trunk:
            have = next((n.text.split()[-1] for n in nodes if n.text.startswith("vlan trunk allowed ")), "")
            if not have or not _vlans(trunk.group(1)) <= _vlans(have):
                missing.append(raw)
            continue
        match = next((n for n in nodes if n.text == text), None)
        if match is None:
            missing.append(raw)
        elif not raw.startswith(" "):
            block = match.children
    return missing


@pytest.fixture
def cx() -> Iterator[EmulatedDevice]:
    """An AOS-CX emulator whose checkpoint timer runs at 0.5 s a minute."""
    with _device(revert_seconds_per_minute=0.5) as dev:
        yield dev


# -- the emulator ------------------------------------------------------------------------------------------------


def test_emulator_prompts_errors_contexts_and_save(cx: EmulatedDevice) -> None:
    conn = _connect(cx)
    try:
        assert conn.find_prompt() == "switch#"
        running = conn.send_command("show running-config")
        assert running.startswith("Current configuration:\n!\n!Version ArubaOS-CX ")
        assert "interface 1/1/1\n    no shutdown\n    no routing\n    vlan access 1\n" in running
        assert conn.send_command("terminal width 511").strip() == "Invalid input: width"
        conn.config_mode()
        for line, prompt in [
            ("interface 1/1/7", "switch(config-if)#"),
            ("vlan 300", "switch(config-vlan-300)#"),
            ("access-list ip MGMT", "switch(config-acl-ip)#"),
            ("cli-session", "switch(config-cli-session)#"),
            ("exit", "switch(config)#"),
        ]:
            conn.write_channel(line + "\r")
            assert conn.read_until_pattern(r"# $").splitlines()[-1].strip() == prompt, line
        with pytest.raises(ConfigInvalidException, match="Invalid input: percent"):
            conn.send_config_set(["interface 1/1/7", "rate-limit broadcast 5 percent"], error_pattern=_errors(cx))
        with pytest.raises(ConfigInvalidException, match="Invalid input: frobnicate"):
            conn.send_config_set(["frobnicate 1"], enter_config_mode=False, error_pattern=_errors(cx))
        with pytest.raises(ConfigInvalidException, match="% Command incomplete"):
            conn.send_config_set(["hostname"], enter_config_mode=False, error_pattern=_errors(cx))
        conn.send_config_set(
            ["interface 1/1/7", "rate-limit broadcast 5000 pps", "vlan trunk allowed 10,12", "vlan trunk allowed 11"],
            enter_config_mode=False,
            error_pattern=_errors(cx),
        )
        conn.send_command("end", expect_string=r"#")
        assert cx.normalized(cx.startup_config) != cx.normalized(cx.running_config)
        assert conn.send_command("write memory").strip() == "Success"
    finally:
        conn.disconnect()
    assert _block(cx, "interface 1/1/7") == [
        "no shutdown",
        "no routing",
        "rate-limit broadcast 5000 pps",
        "vlan trunk allowed 10-12",  # additive; "vlan access 1" is gone
    ]
    assert "rate-limit broadcast 5 percent" not in cx.running_config
    assert cx.normalized(cx.startup_config) == cx.normalized(cx.running_config)


def test_emulator_checkpoint_auto_restores_unless_confirmed(cx: EmulatedDevice) -> None:
    before = cx.normalized(cx.running_config)
    conn = _connect(cx)
    try:
        assert conn.send_command("checkpoint auto 2").strip() == "Auto checkpoint mode expires in 2 minute(s)"
        conn.send_config_set(["vlan 300", "name LAB"], error_pattern=_errors(cx))
        assert cx.has_line("name LAB")
        time.sleep(1.4)  # 2 minutes at 0.5 s a minute
        assert cx.normalized(cx.running_config) == before
        assert cx.log == [
            "WARNING: Restoring configuration. Do NOT add any new configuration.",
            "Restoration successful",
        ]
        conn.send_command("end", expect_string=r"#")
        assert conn.send_command("checkpoint auto 2").startswith("Auto checkpoint mode expires")
        conn.send_config_set(["vlan 301"], error_pattern=_errors(cx))
        conn.send_command("end", expect_string=r"#")
        assert re.fullmatch(r"checkpoint AUTO\d{14} created", conn.send_command("checkpoint auto confirm").strip())
        time.sleep(1.4)
        assert cx.has_line("vlan 301") and len(cx.log) == 2  # confirmed: kept
    finally:
        conn.disconnect()


# -- the push ----------------------------------------------------------------------------------------------------


def test_good_push_applies_both_templates_confirms_and_saves(store: Store, tmp_path: Path) -> None:
    baseline, roaming = _render("baseline"), _render("roaming")
    # Real time on the switch's checkpoint timer: the baseline's banner alone takes netmiko seconds to type.
    with _device(revert_seconds_per_minute=60) as dev:
        assert _missing(dev, roaming.lines)  # not there yet
        assert "https-server vrf default" in dev.running_config.splitlines()
        target = _target(store, dev)
        for rendered in (baseline, roaming):
            result = _push(store, target, rendered, tmp_path)
            assert result.status == "applied", result.message
        assert _missing(dev, baseline.lines) == [] and _missing(dev, roaming.lines) == []
        assert "banner motd ^\nAuthorized access only.\n未經授權禁止存取。\n^\n" in dev.running_config
        assert "snmpv3 user campusnet auth sha auth-pass ciphertext " in dev.running_config
        assert not any(secret in dev.running_config for secret in SECRETS.values())
        assert "rate-limit broadcast 5000 pps" in _block(dev, "interface 1/1/40")
        assert "https-server vrf default" not in dev.running_config.splitlines()  # HTTPS off on the default VRF
        assert "vlan access 1" not in _block(dev, "interface 1/1/41")  # now a trunk
        assert dev.normalized(dev.startup_config) == dev.normalized(dev.running_config)  # saved
        sent = _sent(dev)
        # Each push: a named checkpoint, the auto checkpoint (1-60 minutes, sized from the measured time per line),
        # the lines, confirm, save.
        starts = [i for i, line in enumerate(sent) if re.fullmatch(r"checkpoint auto \d+", line)]
        assert len(starts) == 2 and all(1 <= int(sent[i].split()[-1]) <= 60 for i in starts)
        for start in starts:
            assert sent[start - 1].startswith("copy running-config checkpoint campusnet-")
            assert sent[start + 1] == "configure term"
            confirm = sent.index("checkpoint auto confirm", start)
            assert sent[confirm + 1] == "copy running-config startup-config"
            assert sent[confirm + 2] == "erase checkpoint " + sent[start - 1].split()[-1]
        assert dev.platform.auto_point is None
        assert [n for n in dev.platform.checkpoints if not n.startswith("AUTO")] == []  # its own checkpoints erased
        assert dev.log == []  # no restore ever ran
        again = _push(store, target, roaming, tmp_path)
        assert again.status == "unchanged", again.message


def test_refused_line_is_rolled_back_to_the_backup(store: Store, tmp_path: Path) -> None:
    roaming = _render("roaming")
    with _device(revert_seconds_per_minute=0.5, reject=[r"^spanning-tree port-type"]) as dev:
        before = dev.normalized(dev.running_config)
        startup = dev.normalized(dev.startup_config)
        result = _push(store, _target(store, dev), roaming, tmp_path, revert_minutes=90)
        assert result.status == "rolled-back", result.message
        assert "'spanning-tree port-type admin-edge' rejected: Invalid input: admin-edge" in result.message
        sent = _sent(dev)
        assert "checkpoint auto 60" in sent  # 90 minutes asked, AOS-CX takes at most 60
        assert "vlan 200" in sent and "name ROAM-200" in sent  # lines before the refused one were applied...
        assert dev.normalized(dev.running_config) == before  # ...and are gone again
        assert dev.normalized(dev.startup_config) == startup and "copy running-config startup-config" not in sent
        rollback = next(c for c in sent if c.startswith("checkpoint rollback campusnet-"))
        assert sent[sent.index(rollback) + 1] == "checkpoint auto confirm"  # ends the mode with the backup
        assert dev.platform.auto_point is None
        assert [n for n in dev.platform.checkpoints if not n.startswith("AUTO")] == []
        assert dev.log == []  # rolled back by the push itself, not by the switch's timer
    assert configs.audit_log(store[0])[0].result == "rolled-back"


def test_session_lost_before_confirm_is_restored_by_the_checkpoint_timer(
    store: Store, cx: EmulatedDevice, tmp_path: Path
) -> None:
    roaming = _render("roaming")
    before = cx.normalized(cx.running_config)
    cx.drop_next_session_after(r"^\s*description AP")

    def progress(text: str) -> None:
        if "rolling back" in text:  # management access is gone: the next session dies too
            cx.drop_next_session_after(".")

    started = time.monotonic()
    result = _push(store, _target(store, cx), roaming, tmp_path, progress=progress, read_timeout=2)
    assert result.status == "rolled-back", result.message
    assert re.search(r"auto checkpoint timer \(\d+ min; the device was unreachable\)", result.message)
    assert cx.has_line("name ROAM-200") is False
    assert cx.normalized(cx.running_config) == before
    assert "Restoration successful" in cx.log  # the switch restored it, on its own
    sent = _sent(cx)
    assert "description AP" in sent and "checkpoint auto confirm" not in sent
    assert not any(c.startswith("checkpoint rollback") for c in sent)  # that session never got a line through
    assert [n for n in cx.platform.checkpoints if not n.startswith("AUTO")] == []  # erased after the wait
    assert time.monotonic() - started < 30


def test_dry_run_changes_nothing(store: Store, cx: EmulatedDevice, tmp_path: Path) -> None:
    before = cx.normalized(cx.running_config)
    result = _push(store, _target(store, cx), _render("baseline"), tmp_path, dry_run=True)
    assert result.status == "preview", result.message
    assert "+ ntp server 192.0.2.1" in result.diff and SECRETS["snmpv3-auth"] not in result.diff
    assert _sent(cx) == []  # not even a checkpoint
    assert cx.normalized(cx.running_config) == before and cx.platform.checkpoints == {}
    assert cx.platform.auto_point is None


def test_checkpoint_refused_means_nothing_sent(store: Store, tmp_path: Path) -> None:
    with _device(reject=[r"^checkpoint auto \d"]) as dev:
        before = dev.normalized(dev.running_config)
        result = _push(store, _target(store, dev), _render("roaming"), tmp_path)
        assert result.status == "not-tried", result.message
        assert re.search(r"'checkpoint auto (\d+)' refused: Invalid input: \1; nothing sent", result.message)
        assert not any(c.startswith("conf") for c in dev.commands)
        assert dev.normalized(dev.running_config) == before and dev.platform.checkpoints == {}
