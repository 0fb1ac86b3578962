"""The fault harness: a push to an IOS switch that starts factory-like (no archive) with the connection failing, the
device stalling or answering oddly at every step. Each case must end with the device at its backup or at the
intended configuration saved, never in between; the outcome and its words say which; the journal holds the record.

The emulator's revert timer runs at ``SPM`` seconds per minute and the push sizes its timer in the same scale, so a
"minute" of the switch is a fraction of a second here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.emulators import EmulatedDevice
from devices.push import PushJob, PushResult, PushTarget, push, push_many, summarize
from monitor.configuration import configs, journal
from monitor.configuration.journal import PushJournal
from monitor.storage.inventory import DeviceSpec, add_device
from monitor.storage.secrets import SecretStore

pytestmark = pytest.mark.timeout(180)

SPM = 0.5
PASSWORD = "Ssh-Pa55word!"
RADIUS_KEY = "Rad1us-K3y-xyz"
# A change of some length, with a secret and sub-mode blocks, as a baseline would send.
LINES = [
    "ip ssh time-out 60",
    "service tcp-keepalives-in",
    "logging buffered 64000",
    *[line for n in range(1, 9) for line in (f"interface GigabitEthernet1/0/{n}", f" description Classroom-{n}")],
    "radius server TANET-RAD1",
    " address ipv4 192.0.2.11 auth-port 1812 acct-port 1813",
    f" key 0 {RADIUS_KEY}",
    "snmp-server location Library",
]
MASKED = [line.replace(RADIUS_KEY, "********") for line in LINES]

Store = tuple[sqlite3.Connection, SecretStore, Path]


@pytest.fixture
def ios() -> Iterator[EmulatedDevice]:
    """A Catalyst 2960-X as it comes from the installer: IOS 15.2(7)E, no configuration archive."""
    with EmulatedDevice(
        "cisco_ios", password=PASSWORD, privileged=True, revert_seconds_per_minute=SPM, archive=False
    ) as dev:
        yield dev


def _target(store: Store, dev: EmulatedDevice, name: str = "sw1", password: str = PASSWORD) -> PushTarget:
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


def _push(store: Store, target: PushTarget, tmp_path: Path, **kw: Any) -> PushResult:
    conn, secrets, db = store
    options: dict[str, Any] = {"seconds_per_minute": SPM, "timeout": 5, "read_timeout": 5, "line_timeout": 20, **kw}
    return push(
        target,
        LINES,
        MASKED,
        [RADIUS_KEY],
        dry_run=False,
        known_hosts=tmp_path / "known_hosts",
        backup_store=configs.ConfigArchive(conn, secrets),
        journal=PushJournal(conn, secrets, db),
        log_dir=tmp_path / "logs",
        **options,
    )


def _lines(dev: EmulatedDevice) -> str:
    return dev.normalized(dev.running_config)


def _holds_change(dev: EmulatedDevice) -> bool:
    """Every line of the change is on the switch (the RADIUS key as IOS prints it: in clear until
    'service password-encryption', type 7 after)."""
    plain = [line for line in LINES if "key 0" not in line]
    return all(dev.has_line(line) for line in plain) and (
        dev.has_line(f"key {RADIUS_KEY}") or any(line.startswith(" key 7 ") for line in dev.running_config.splitlines())
    )


def _at_backup(dev: EmulatedDevice, before: str) -> bool:
    return _lines(dev) == before and not dev.has_line("path flash:campusnet")


def _saved(dev: EmulatedDevice) -> bool:
    return dev.normalized(dev.startup_config) == dev.normalized(dev.running_config)


def _steps(store: Store) -> list[str]:
    conn = store[0]
    entry = conn.execute("SELECT id FROM push_journal ORDER BY id DESC LIMIT 1").fetchone()
    return [step for _ts, step, _detail in journal.steps(conn, int(entry["id"]))]


def _pending_timer(dev: EmulatedDevice) -> bool:
    return dev.platform.rollback_point is not None  # type: ignore[attr-defined]


# -- the good path on a factory switch ---------------------------------------------------------------------------


def test_factory_switch_gets_the_archive_bootstrap_then_the_change_and_a_second_push_sends_nothing(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    assert not ios.has_line("archive")
    target = _target(store, ios)
    result = _push(store, target, tmp_path)
    assert result.status == "applied", result.message
    assert result.holds_change and result.saved
    assert _holds_change(ios) and _saved(ios) and ios.has_line("path flash:campusnet")
    sent = ios.commands
    bootstrap, armed = sent.index("archive"), next(i for i, c in enumerate(sent) if "revert timer" in c)
    assert bootstrap < armed  # the bootstrap is its own step, before the timer
    assert _steps(store)[:3] == ["begin", "connect", "backup"]
    assert {"plan", "bootstrap", "arm", "send", "verify", "confirm", "confirmed", "save", "finished"} <= set(
        _steps(store)
    )
    before_second = len(ios.commands)
    again = _push(store, target, tmp_path)
    assert again.status == "unchanged", again.message
    assert not any(c.startswith("conf") for c in ios.commands[before_second:])
    assert journal.open_entries(store[0]) == []


# -- connecting ---------------------------------------------------------------------------------------------------


def test_wrong_password_timeout_refused_and_changed_key_are_told_apart(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    target = _target(store, ios)
    wrong = _push(store, _target(store, ios, "sw2", password="not-it"), tmp_path)
    assert wrong.status == "not-tried" and "SSH login refused" in wrong.message
    ios.login_delay = 8.0  # longer than the 5 s timeout
    slow = _push(store, target, tmp_path)
    ios.login_delay = 0.0
    assert slow.status == "not-tried" and "did not answer the SSH login" in slow.message, slow.message
    assert "Things you might try" not in slow.message and "password" not in slow.message
    ios.refuse_connections()
    refused = _push(store, target, tmp_path)
    ios.accept_connections()
    assert refused.status == "not-tried" and "refused" in refused.message
    ios.restart(new_host_key=True, reload=False)
    changed = _push(store, target, tmp_path)
    assert changed.status == "not-tried" and "host key" in changed.message
    assert not any(c.startswith("conf") for c in ios.commands)
    results = [a.result for a in configs.audit_log(store[0])]
    assert results == ["not-tried"] * 4


# -- faults while applying ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "pattern"),
    [
        ("right after the timer is armed", r"^configure terminal revert timer"),
        ("half-way through the lines", r"^\s*description Classroom-4"),
    ],
)
def test_session_dropped_while_applying_is_rolled_back_to_the_backup(
    store: Store, ios: EmulatedDevice, tmp_path: Path, where: str, pattern: str
) -> None:
    before = _lines(ios)
    ios.drop_next_session_after(pattern)
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "rolled-back", f"{where}: {result.message}"
    assert "configure revert now" in result.message and "matches the backup" in result.message
    assert _at_backup(ios, before) and not _pending_timer(ios)
    assert "rollback" in _steps(store) and journal.open_entries(store[0]) == []


def test_refused_line_and_unexpected_question_are_rolled_back(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    before = _lines(ios)
    ios.answer_with(r"^logging buffered", "Proceed with the buffer change? [confirm]", question=True)
    asked = _push(store, _target(store, ios), tmp_path)
    assert asked.status == "rolled-back", asked.message
    assert "the device asked 'Proceed with the buffer change? [confirm]'" in asked.message
    assert _at_backup(ios, before)


def test_lines_slower_than_the_timer_get_the_timer_extended(store: Store, ios: EmulatedDevice, tmp_path: Path) -> None:
    # 0.6 s a line on a timer sized from the first fast answers: without extension it fires half-way.
    ios.slow_lines(r"^\s*description Classroom", 0.6)
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "applied", result.message
    assert any(re.fullmatch(r"configure revert timer \d+", c) for c in ios.commands)  # extended meanwhile
    assert not any("TIMER_EXPIRED" in line for line in ios.log)
    assert _holds_change(ios) and _saved(ios)


def test_one_line_that_takes_long_is_waited_for_with_the_timer_kept_ahead(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    ios.slow_lines(r"^snmp-server location", 6.0, times=1)  # 12 of the switch's minutes
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "applied", result.message
    assert not any("TIMER_EXPIRED" in line for line in ios.log)
    assert _holds_change(ios) and _saved(ios)


def test_a_line_that_never_answers_and_lands_late_is_undone_and_reported(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    before = _lines(ios)
    ios.slow_lines(r"^snmp-server location", 4.0, times=1)
    result = _push(store, _target(store, ios), tmp_path, line_timeout=1.5, settle_s=8)
    assert result.status == "rolled-back", result.message
    assert "no answer" in result.message and "the late line landed" in result.message
    assert "matches the backup" in result.message
    assert _at_backup(ios, before)


# -- verification and confirm -------------------------------------------------------------------------------------


def test_error_answer_to_show_running_config_is_not_a_configuration(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    before = _lines(ios)
    ios.answer_with(r"^show running-config$", "% Invalid input detected at '^' marker.", times=1)
    first = _push(store, _target(store, ios), tmp_path)
    assert first.status == "not-tried" and "did not give a configuration" in first.message
    assert _lines(ios) == before
    # During verification: the second 'show running-config' of the push (the first is the backup).
    seen = {"n": 0}

    def during_verify() -> None:
        seen["n"] += 1
        if seen["n"] == 2:
            ios.answer_with(r"^show running-config$", "% Invalid input detected at '^' marker.", times=1)

    ios.on_line(r"^show running-config$", during_verify, after=False, times=2)
    second = _push(store, _target(store, ios, "sw2"), tmp_path)
    assert second.status == "rolled-back", second.message
    assert _at_backup(ios, before)


def test_session_dropped_during_verification_is_rolled_back(store: Store, ios: EmulatedDevice, tmp_path: Path) -> None:
    before = _lines(ios)
    count = {"n": 0}

    def second_show() -> None:
        count["n"] += 1
        if count["n"] == 2:
            ios.drop_next_session_after(r"^show running-config$")

    ios.on_line(r"^show running-config$", second_show, after=False, times=2)
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "rolled-back", result.message
    assert _at_backup(ios, before)


@pytest.mark.parametrize("moment", ["before the pending check", "between the check and configure confirm"])
def test_timer_firing_between_verification_and_confirm_is_reported_as_rolled_back(
    store: Store, ios: EmulatedDevice, tmp_path: Path, moment: str
) -> None:
    before = _lines(ios)
    fire = ios.platform.expire  # type: ignore[attr-defined]
    if moment == "before the pending check":
        count = {"n": 0}

        def second_check() -> None:  # the first check is the push's "is a change pending?" at the start
            count["n"] += 1
            if count["n"] == 2:
                fire()

        ios.on_line(r"^show archive config rollback timer$", second_check, after=False, times=2)
    else:
        ios.on_line(r"^configure confirm$", fire, after=False)
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "rolled-back", result.message
    assert "revert timer ran out" in result.message and "matches the backup" in result.message
    assert "verified and saved" not in result.message
    assert _at_backup(ios, before)


def test_session_dropped_right_after_confirm_keeps_the_change_and_saves_it(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    ios.drop_next_session_after(r"^configure confirm$")
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "applied", result.message
    assert _holds_change(ios) and _saved(ios)
    assert "configure revert now" not in ios.commands


def test_error_after_write_memory_leaves_the_change_applied_not_saved_and_recover_finishes_it(
    store: Store, ios: EmulatedDevice, tmp_path: Path
) -> None:
    from monitor.configuration import recovery

    ios.answer_with(r"^write memory$", "% Invalid input detected at '^' marker.", times=-1)
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "attention", result.message
    assert result.holds_change and not result.saved
    assert "NOT saved" in result.message and "config recover sw1 --finish" in result.message
    assert _holds_change(ios) and not _saved(ios)
    assert "configure revert now" not in ios.commands and not _pending_timer(ios)
    conn, secrets, db = store
    (entry,) = recovery.unfinished(conn, db)
    seen = recovery.look(conn, secrets, db, entry)
    assert "NOT saved" in seen.found.words and "finish" in seen.found.actions
    ios.clear_faults()  # the device answers 'write memory' normally again
    done = recovery.act(conn, secrets, db, entry, "finish")
    assert done.outcome == "applied", done.message
    assert _saved(ios) and recovery.unfinished(conn, db) == []


def test_session_dropped_after_write_memory_is_found_saved(store: Store, ios: EmulatedDevice, tmp_path: Path) -> None:
    ios.drop_next_session_after(r"^write memory$")
    result = _push(store, _target(store, ios), tmp_path)
    assert result.status == "applied", result.message
    assert _holds_change(ios) and _saved(ios)


def test_stop_request_rolls_back_what_was_sent(store: Store, ios: EmulatedDevice, tmp_path: Path) -> None:
    before = _lines(ios)
    stop = {"now": False}
    ios.on_line(r"^\s*description Classroom-3", lambda: stop.update(now=True))
    result = _push(store, _target(store, ios), tmp_path, cancelled=lambda: stop["now"])
    assert result.status == "rolled-back", result.message
    assert "stopped on request" in result.message
    assert _at_backup(ios, before)


# -- several devices ------------------------------------------------------------------------------------------------


def test_five_devices_where_the_third_refuses_a_line(store: Store, tmp_path: Path) -> None:
    conn, secrets, db = store
    devices = [
        EmulatedDevice(
            "cisco_ios",
            password=PASSWORD,
            privileged=True,
            revert_seconds_per_minute=SPM,
            reject=[r"^snmp-server location"] if n == 3 else [],
            archive=False,
        ).start()
        for n in range(1, 6)
    ]
    try:
        jobs = [PushJob(_target(store, d, f"sw{n}"), LINES, MASKED, [RADIUS_KEY]) for n, d in enumerate(devices, 1)]
        common: dict[str, Any] = {
            "dry_run": False,
            "known_hosts": tmp_path / "known_hosts",
            "backup_store": configs.ConfigArchive(conn, secrets),
            "journal": PushJournal(conn, secrets, db),
            "seconds_per_minute": SPM,
            "timeout": 5,
            "read_timeout": 5,
        }
        results = push_many(jobs, **common)
        assert [r.status for r in results] == ["applied", "applied", "rolled-back", "not-tried", "not-tried"]
        assert "stopped after sw3 (rolled back)" in results[3].message
        assert summarize(results) == [
            "hold the new configuration, saved: sw1, sw2",
            "rolled back to their backup: sw3",
            "not tried: sw4, sw5",
        ]
        assert all(_holds_change(d) for d in devices[:2]) and not any(
            d.has_line("snmp-server location Library") for d in devices[2:]
        )
        assert devices[3].commands == [] and devices[4].commands == []
        kept = push_many(jobs[3:], stop_on_first_failure=False, **common)
        assert [r.status for r in kept] == ["applied", "applied"]
    finally:
        for d in devices:
            d.stop()


def test_no_backup_is_taken_while_a_revert_timer_is_pending(store: Store, ios: EmulatedDevice, tmp_path: Path) -> None:
    from devices.errors import CampusNetError
    from devices.push import read_running_config

    target = _target(store, ios)
    with ios.lock:
        ios.platform.running.section(["archive"])
        ios.platform.apply(["archive"], "path flash:archive")  # type: ignore[call-arg]
        ios.platform.start_revert(10, "someone")  # type: ignore[attr-defined]
    with pytest.raises(CampusNetError, match=r"revert timer .* is already running .* not backed up"):
        read_running_config(target, known_hosts=tmp_path / "known_hosts", timeout=5)
    result = _push(store, target, tmp_path)
    assert result.status == "not-tried" and "another change is in progress" in result.message
    assert not any(c.startswith("conf") for c in ios.commands)


def test_no_backup_is_taken_while_a_push_is_unfinished(store: Store, ios: EmulatedDevice, tmp_path: Path) -> None:
    from monitor.configuration import backups

    conn, secrets, db = store
    target = _target(store, ios)
    entries = PushJournal(conn, secrets, db)
    entry = entries.begin(target.device_id, target.name, "baseline", "", "ios_timer")
    entries.step(entry, "send", sent=3)
    assert "has not finished (last step: send)" in (backups.unfinished_push(conn, target.device_id) or "")
    entries.finish(entry, "rolled-back", "test")
    assert backups.unfinished_push(conn, target.device_id) is None
