"""The safe push workflow: change computation (no device), and against SSH device emulators on 127.0.0.1:
dry run, good push, refused line, lost session with the IOS revert timer, wrong password, changed host key,
secrets kept out of logs, audit and diffs, push_many stopping at the first failure."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.config.drivers import driver_for
from devices.push import (
    PushJob,
    PushResult,
    PushTarget,
    compute_change,
    configs_equal,
    push,
    push_many,
    restore_lines,
    with_block_exits,
)
from monitor.configuration import configs
from monitor.storage.inventory import DeviceSpec, add_device
from monitor.storage.secrets import SecretStore

IOS = driver_for("cisco_ios")
WLC = driver_for("cisco_wlc")
RUNNING = """Building configuration...

Current configuration : 200 bytes
!
hostname sw1
!
interface GigabitEthernet1/0/1
 description old
 switchport mode access
!
snmp-server community public RO
end
"""


# -- no device -------------------------------------------------------------------------------------------------


def test_ios_change_is_the_missing_lines_under_their_parents() -> None:
    lines = ["interface GigabitEthernet1/0/1", " description new", "no snmp-server community public RO", "hostname sw1"]
    change = compute_change(IOS, RUNNING, lines)
    assert [line.strip() for line in change.lines] == [
        "no snmp-server community public RO",
        "interface GigabitEthernet1/0/1",
        "description new",
    ]
    assert "snmp-server community public RO" in change.rollback
    assert compute_change(IOS, RUNNING, ["hostname sw1", "interface GigabitEthernet1/0/1"]).lines == []


def test_restore_lines_lead_back_to_the_backup() -> None:
    changed = RUNNING.replace(" description old", " description new").replace("hostname sw1", "hostname sw9")
    restore = restore_lines(IOS, changed, RUNNING)
    assert "hostname sw1" in restore and "description old" in [line.strip() for line in restore]
    assert configs_equal(IOS, RUNNING, RUNNING.replace("200 bytes", "999 bytes") + "\n\n")
    assert not configs_equal(IOS, RUNNING, changed)


def test_block_exits_follow_indentation_levels() -> None:
    lines = ["a", "  b", "    c", "d", " e"]
    assert with_block_exits(lines, "exit") == ["a", "  b", "    c", "exit", "exit", "d", " e"]
    assert with_block_exits(lines, None) == lines


def test_presence_change_for_flat_command_platforms() -> None:
    running = "config wlan create 17 eduroam eduroam\nconfig wlan bss-transition enable 17\n"
    lines = ["config wlan create 17 eduroam eduroam", "config wlan bss-transition enable 17", "config wlan enable 17"]
    change = compute_change(WLC, running, lines)
    assert change.lines == ["config wlan enable 17"]
    assert change.rollback == ["config wlan disable 17"]
    assert restore_lines(WLC, running + "config wlan enable 17\n", running) == ["config wlan disable 17"]


def test_push_many_stops_after_the_first_failure(tmp_path: Path) -> None:
    target = PushTarget(1, "sw1", "127.0.0.1", 9, "admin", "pw", "cisco_ios")
    jobs = [PushJob(target, ["hostname a"], ["hostname a"]), PushJob(target, ["hostname b"], ["hostname b"])]
    archive = _MemoryArchive()
    # Port 9 on 127.0.0.1 (discard) is closed: the first push fails to connect, the second is not tried.
    results = push_many(jobs, dry_run=False, known_hosts=tmp_path / "kh", backup_store=archive, timeout=2)
    assert [r.status for r in results] == ["not-tried", "not-tried"]
    assert "SSH connection to 127.0.0.1:9 refused" in results[0].message
    assert "stopped after sw1 (not tried)" in results[1].message
    assert [a["result"] for a in archive.audit] == ["not-tried"]


class _MemoryArchive:
    """A BackupStore in memory for tests that need no database."""

    def __init__(self) -> None:
        self.backups: list[tuple[int, str, str]] = []
        self.audit: list[dict[str, Any]] = []

    def save_backup(self, device_id: int, text: str, source: str) -> int:
        self.backups.append((device_id, text, source))
        return len(self.backups)

    def last_backup(self, device_id: int) -> str | None:
        texts = [t for d, t, _ in self.backups if d == device_id]
        return texts[-1] if texts else None

    def record_audit(self, **fields: Any) -> None:
        self.audit.append(fields)


# -- against the SSH device emulators --------------------------------------------------------------------------

PASSWORD = "Ssh-Pa55word!"
RADIUS_KEY = "Rad1us-K3y-xyz"
IOS_LINES = [
    "interface GigabitEthernet1/0/1",
    " description AP uplink",
    "radius server TANET-RAD1",
    " address ipv4 10.0.0.1 auth-port 1812 acct-port 1813",
    f" key 0 {RADIUS_KEY}",
    "snmp-server location Library",
]
IOS_MASKED = [line.replace(RADIUS_KEY, "********") for line in IOS_LINES]
# Exec commands netmiko and the push send on their own; anything else reaching the device is a config line.
SESSION_COMMANDS = re.compile(r"^(terminal \S+ \d+|terminal \S+|show .*|enable|exit)$")

Store = tuple[sqlite3.Connection, SecretStore, Path]


def _emulator() -> Any:
    from devices.emulators import EmulatedDevice

    return EmulatedDevice


@pytest.fixture
def ios() -> Iterator[Any]:
    """A cisco_ios emulator whose revert timer runs at 0.5 s per minute."""
    with _emulator()("cisco_ios", password=PASSWORD, privileged=True, revert_seconds_per_minute=0.5) as dev:
        yield dev


def _target(store: Store, dev: Any, name: str = "sw1", password: str = PASSWORD) -> PushTarget:
    conn, secrets, _ = store
    spec = DeviceSpec(
        name=name,
        host="127.0.0.1",
        platform="cisco_ios",
        ssh_host="127.0.0.1",
        ssh_port=dev.port,
        ssh_user=dev.username,
        secrets={"community": "public", "ssh_password": PASSWORD},
    )
    device_id = add_device(conn, secrets, spec)
    return PushTarget(device_id, name, "127.0.0.1", dev.port, dev.username, password, "cisco_ios")


def _push(store: Store, target: PushTarget, tmp_path: Path, *, dry_run: bool = False, **kw: Any) -> PushResult:
    conn, secrets, _ = store
    options: dict[str, Any] = {"seconds_per_minute": 0.5, "timeout": 5, "read_timeout": 5, **kw}
    return push(
        target,
        options.pop("lines", IOS_LINES),
        options.pop("masked", IOS_MASKED),
        [RADIUS_KEY],
        dry_run=dry_run,
        known_hosts=tmp_path / "known_hosts",
        backup_store=configs.ConfigArchive(conn, secrets),
        log_dir=tmp_path / "logs",
        **options,
    )


def _config_lines(dev: Any) -> list[str]:
    return [c for c in dev.commands if not SESSION_COMMANDS.match(c.strip())]


def test_dry_run_shows_the_masked_change_and_sends_no_config_line(store: Store, ios: Any, tmp_path: Path) -> None:
    before = ios.normalized(ios.running_config)
    result = _push(store, _target(store, ios), tmp_path, dry_run=True)
    assert result.status == "preview", result.message
    assert "key 0 ********" in result.diff and "+ snmp-server location Library" in result.diff
    assert RADIUS_KEY not in result.diff
    assert _config_lines(ios) == []
    assert ios.normalized(ios.running_config) == before
    assert configs.audit_log(store[0]) == []  # a preview is not a push


def test_good_push_changes_and_saves_the_running_config(store: Store, ios: Any, tmp_path: Path) -> None:
    target = _target(store, ios)
    result = _push(store, target, tmp_path)
    assert result.status == "applied", result.message
    # IOS prints a 'key 0 x' as 'key x' while password encryption is off (tests/data/real/xe_radius_server_genie.txt)
    assert ios.has_line("snmp-server location Library") and ios.has_line(f"key {RADIUS_KEY}")
    assert ios.has_line("description AP uplink")
    assert ios.normalized(ios.startup_config) == ios.normalized(ios.running_config)
    assert any(c.startswith("configure terminal revert timer ") for c in ios.commands)
    assert "configure confirm" in ios.commands
    sources = [ref.source for ref in configs.history(store[0], target.device_id)]
    assert sources == ["push-after", "push-before"]
    assert "+snmp-server location Library" in configs.diff(store[0], store[1], target.device_id, mask=[RADIUS_KEY])
    again = _push(store, target, tmp_path)
    assert again.status == "unchanged", again.message


def test_refused_line_is_rolled_back_to_the_backup(store: Store, tmp_path: Path) -> None:
    with _emulator()("cisco_ios", password=PASSWORD, privileged=True, reject=[r"^snmp-server location"]) as dev:
        before = dev.normalized(dev.running_config)
        result = _push(store, _target(store, dev), tmp_path)
        assert result.status == "rolled-back", result.message
        assert "line 6 'snmp-server location Library' rejected: % Invalid input detected" in result.message
        assert "configure revert now" in result.message and "matches the backup" in result.message
        assert dev.normalized(dev.running_config) == before
        assert "configure confirm" not in dev.commands
    assert configs.audit_log(store[0])[0].result == "rolled-back"


def test_lost_session_after_apply_is_reverted_by_the_ios_timer(store: Store, ios: Any, tmp_path: Path) -> None:
    before = ios.normalized(ios.running_config)
    ios.drop_next_session_after(r"^snmp-server location")

    def progress(text: str) -> None:
        if "rolling back" in text:  # management access is gone: the next session dies too
            ios.drop_next_session_after(".")

    result = _push(store, _target(store, ios), tmp_path, progress=progress)
    assert result.status == "rolled-back", result.message
    assert "revert timer" in result.message and "matches the backup" in result.message
    assert ios.normalized(ios.running_config) == before
    assert any("ROLLBK_CNFRM_TIMER_EXPIRED" in line for line in ios.log)


def test_wrong_password_is_a_clear_error_and_sends_nothing(store: Store, ios: Any, tmp_path: Path) -> None:
    result = _push(store, _target(store, ios, password="wrong-pass"), tmp_path)
    assert result.status == "not-tried"
    assert f"SSH login refused for user {ios.username} on 127.0.0.1:{ios.port}" in result.message
    assert ios.commands == []


def test_changed_host_key_is_refused_before_login(store: Store, ios: Any, tmp_path: Path) -> None:
    target = _target(store, ios)
    assert _push(store, target, tmp_path, dry_run=True).status == "preview"
    old = ios.host_key_fingerprint
    ios.restart(new_host_key=True)
    sent = len(ios.commands)
    result = _push(store, target, tmp_path)
    assert result.status == "not-tried"
    assert f"SSH host key of 127.0.0.1:{ios.port} changed (was {old}, now {ios.host_key_fingerprint})" in result.message
    assert "ssh-keygen -R" in result.message
    assert len(ios.commands) == sent and ios.sessions == 1


def test_secrets_stay_out_of_logs_audit_and_results(store: Store, ios: Any, tmp_path: Path) -> None:
    conn, secrets, db = store
    target = _target(store, ios)
    results = [_push(store, target, tmp_path, dry_run=True), _push(store, target, tmp_path)]
    assert results[-1].status == "applied", results[-1].message
    logs = list((tmp_path / "logs").glob("*.log"))
    assert logs and "snmp-server location Library" in "".join(p.read_text() for p in logs)
    texts = [p.read_text() for p in logs]
    texts += [repr(a) for a in configs.audit_log(conn)]
    texts += [f"{r.message} {r.diff} {r.rollback_plan}" for r in results]
    texts.append(configs.diff(conn, secrets, target.device_id, mask=[RADIUS_KEY]))
    for text in texts:
        assert PASSWORD not in text and RADIUS_KEY not in text
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert RADIUS_KEY.encode() not in db.read_bytes()


def test_push_many_stops_at_the_first_failing_device(store: Store, tmp_path: Path) -> None:
    emulator = _emulator()
    with (
        emulator("cisco_ios", password=PASSWORD, privileged=True, reject=[r"^snmp-server location"]) as bad,
        emulator("cisco_ios", password=PASSWORD, privileged=True) as good,
    ):
        jobs = [
            PushJob(_target(store, bad, "bad"), IOS_LINES, IOS_MASKED, [RADIUS_KEY]),
            PushJob(_target(store, good, "good"), IOS_LINES, IOS_MASKED, [RADIUS_KEY]),
        ]
        seen: list[str] = []
        results = push_many(
            jobs,
            dry_run=False,
            known_hosts=tmp_path / "known_hosts",
            backup_store=configs.ConfigArchive(store[0], store[1]),
            progress=seen.append,
            seconds_per_minute=0.5,
        )
        assert [r.status for r in results] == ["rolled-back", "not-tried"]
        assert good.commands == [] and "device 1 of 2: bad" in seen


OTHER_PLATFORMS = {
    "cisco_wlc": (
        ["config wlan create 17 eduroam eduroam", "config wlan bss-transition enable 17", "config wlan enable 17"],
        r"^config wlan enable",
    ),
    "hp_procurve": (["vlan 200", '   name "ROAM"', "   exit", 'snmp-server location "Library"'], r"^snmp-server"),
    # Unquoted as the templates write it; the device shows the profile name quoted.
    "aruba_os": (["wlan ssid-profile eduroam-ssid", "   essid eduroam", "   !", "vlan 200"], r"^vlan 200"),
}


@pytest.mark.parametrize("platform", sorted(OTHER_PLATFORMS))
def test_push_and_compensating_rollback_on_platforms_without_revert(
    platform: str, store: Store, tmp_path: Path
) -> None:
    lines, reject = OTHER_PLATFORMS[platform]
    emulator = _emulator()
    with emulator(platform, password=PASSWORD, privileged=True) as dev:
        target = _target(store, dev, f"{platform}-ok")
        target = PushTarget(target.device_id, target.name, "127.0.0.1", dev.port, dev.username, PASSWORD, platform)
        result = _push(store, target, tmp_path, lines=lines, masked=lines)
        assert result.status == "applied", result.message
        assert dev.normalized(dev.startup_config) == dev.normalized(dev.running_config)
    with emulator(platform, password=PASSWORD, privileged=True, reject=[reject]) as dev:
        before = dev.normalized(dev.running_config)
        target = _target(store, dev, f"{platform}-bad")
        target = PushTarget(target.device_id, target.name, "127.0.0.1", dev.port, dev.username, PASSWORD, platform)
        result = _push(store, target, tmp_path, lines=lines, masked=lines)
        assert result.status == "rolled-back", result.message
        assert "compensating" in result.message and "matches the backup" in result.message
        assert dev.normalized(dev.running_config) == before


def test_banners_are_sent_apart_from_the_other_lines() -> None:
    from devices.push import banner_segments

    lines = [
        "ntp server 192.0.2.1",
        "banner login ^C",
        "Authorized access only.",
        "未經授權禁止存取。",
        "^C",
        "ip dhcp snooping",
    ]
    assert banner_segments(lines) == [
        ["ntp server 192.0.2.1"],
        ["banner login ^C", "Authorized access only.", "未經授權禁止存取。", "^C"],
        ["ip dhcp snooping"],
    ]
    assert banner_segments(["banner motd #one line#", "x"]) == [["banner motd #one line#"], ["x"]]
    assert banner_segments(["a", "b"]) == [["a", "b"]]
