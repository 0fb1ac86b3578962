"""The safe push workflow: change computation (no device), and against SSH device emulators on 127.0.0.1:
dry run, good push, refused line, lost session with the IOS revert timer, wrong password, changed host key,
secrets kept out of logs, audit and diffs, push_many stopping at the first failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.config.drivers import driver_for
from devices.push import PushJob, PushTarget, compute_change, configs_equal, push_many, restore_lines

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
    assert change.lines == [
        "no snmp-server community public RO",
        "interface GigabitEthernet1/0/1",
        " description new",
    ]
    assert "snmp-server community public RO" in change.rollback
    assert compute_change(IOS, RUNNING, ["hostname sw1", "interface GigabitEthernet1/0/1"]).lines == []


def test_restore_lines_lead_back_to_the_backup() -> None:
    changed = RUNNING.replace(" description old", " description new").replace("hostname sw1", "hostname sw9")
    restore = restore_lines(IOS, changed, RUNNING)
    assert "hostname sw1" in restore and " description old" in restore
    assert configs_equal(IOS, RUNNING, RUNNING.replace("200 bytes", "999 bytes") + "\n\n")
    assert not configs_equal(IOS, RUNNING, changed)


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
    assert [r.status for r in results] == ["failed", "cancelled"]
    assert "no SSH answer from 127.0.0.1:9" in results[0].message
    assert "stopped after the failure on sw1" in results[1].message
    assert [a["result"] for a in archive.audit] == ["failed"]


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
