"""Configuration backups (encrypted, deduplicated, normalised), history, diffs, audit and the push drivers table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from devices.config.drivers import DRIVERS, driver_for
from devices.errors import InputError
from devices.masking import redact
from monitor.configuration import configs
from monitor.storage.inventory import DeviceSpec, add_device
from monitor.storage.secrets import SecretStore

RADIUS_KEY = "Rad1usS3cret!"
RUNNING = f"""Building configuration...

Current configuration : 1234 bytes
!
! Last configuration change at 10:00:00 UTC Mon Jan 1 2024 by admin
! NVRAM config last updated at 10:00:00 UTC Mon Jan 1 2024 by admin
hostname sw1
radius server R1
 key 0 {RADIUS_KEY}
ntp clock-period 36028797
end
"""

Store = tuple[sqlite3.Connection, SecretStore, Path]


def _device(store: Store, name: str = "sw1") -> int:
    conn, secrets, _ = store
    spec = DeviceSpec(name=name, host="127.0.0.1", platform="cisco_ios", secrets={"community": "public"})
    return add_device(conn, secrets, spec)


def test_backup_is_encrypted_and_round_trips(store: Store) -> None:
    conn, secrets, db = store
    dev = _device(store)
    ref = configs.save_backup(conn, secrets, dev, RUNNING, "manual")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db.read_bytes() + (
        db.with_name(db.name + "-wal").read_bytes() if db.with_name(db.name + "-wal").exists() else b""
    )
    assert RADIUS_KEY.encode() not in raw
    assert b"hostname sw1" not in raw
    assert configs.load_backup(conn, secrets, ref.id) == RUNNING
    assert ref.size == len(RUNNING.encode())
    assert secrets.get(configs.STORE_SECRETS_NAME, configs.BACKUP_KEY_KIND)


def test_identical_backup_after_normalising_is_not_stored_again(store: Store) -> None:
    conn, secrets, _ = store
    dev = _device(store)
    first = configs.save_backup(conn, secrets, dev, RUNNING, "push-before")
    later = RUNNING.replace("10:00:00", "11:11:11").replace("1234 bytes", "1299 bytes").replace("36028797", "1")
    again = configs.save_backup(conn, secrets, dev, later.replace("\n", "\r\n"), "schedule")
    assert again == first
    assert len(configs.history(conn, dev)) == 1


def test_history_and_diff_mask_secrets(store: Store) -> None:
    conn, secrets, _ = store
    dev = _device(store)
    a = configs.save_backup(conn, secrets, dev, RUNNING, "push-before")
    b = configs.save_backup(conn, secrets, dev, RUNNING.replace("hostname sw1", "hostname sw2"), "push-after")
    assert [r.id for r in configs.history(conn, dev)] == [b.id, a.id]
    text = configs.diff(conn, secrets, dev, mask=[RADIUS_KEY])
    assert "-hostname sw1" in text and "+hostname sw2" in text
    assert f"backup {a.id}" in text and RADIUS_KEY not in text
    c = configs.save_backup(conn, secrets, dev, RUNNING.replace(f"key 0 {RADIUS_KEY}", "key 0 other"), "manual")
    masked = configs.diff(conn, secrets, dev, a.id, c.id, mask=[RADIUS_KEY])
    # The changed key shows as changed, but neither value is shown: any value after "key" is a secret.
    assert RADIUS_KEY not in masked and "other" not in masked
    assert "- key 0 ********" in masked and "+ key 0 ********" in masked
    with pytest.raises(InputError):
        configs.diff(conn, secrets, dev, 9999)


def test_diff_needs_two_backups_and_backups_are_per_device(store: Store) -> None:
    conn, secrets, _ = store
    dev, other = _device(store), _device(store, "sw2")
    ref = configs.save_backup(conn, secrets, dev, RUNNING, "manual")
    with pytest.raises(InputError, match="needs two"):
        configs.diff(conn, secrets, dev)
    configs.save_backup(conn, secrets, other, "hostname sw2\n", "manual")
    with pytest.raises(InputError, match="not a backup of device"):
        configs.diff(conn, secrets, other, ref.id)


def test_audit_records_newest_first_and_per_device(store: Store) -> None:
    conn, _, _ = store
    dev = _device(store)
    configs.record_audit(conn, device_id=dev, device_name="sw1", result="unchanged", diff_masked="+x")
    configs.record_audit(conn, device_id=dev, device_name="sw1", result="rolled-back", rollback="configure revert")
    configs.record_audit(conn, device_id=None, device_name="gone", result="not-tried", detail="no SSH answer")
    mine = configs.audit_log(conn, dev)
    assert [r.result for r in mine] == ["rolled-back", "unchanged"]
    assert mine[0].user and mine[0].rollback == "configure revert"
    assert len(configs.audit_log(conn)) == 3
    with pytest.raises(ValueError):
        configs.record_audit(conn, device_id=dev, device_name="sw1", result="maybe")


def test_archive_adapter(store: Store) -> None:
    conn, secrets, _ = store
    dev = _device(store)
    archive = configs.ConfigArchive(conn, secrets)
    assert archive.last_backup(dev) is None
    first = archive.save_backup(dev, RUNNING, "push-before")
    assert archive.save_backup(dev, RUNNING, "push-after") == first
    assert archive.last_backup(dev) == RUNNING
    archive.record_audit(device_id=dev, device_name="sw1", result="applied")
    assert configs.audit_log(conn, dev)[0].result == "applied"


def test_normalize_and_mask() -> None:
    assert configs.normalize(RUNNING, DRIVERS["cisco_ios"].volatile).startswith("!\nhostname sw1\n")
    assert redact("set abc abcdef", ["abc", "abcdef", ""]) == "set ******** ********"


def test_driver_table() -> None:
    assert driver_for("cisco_ios_ssh").revert == "ios_timer"
    assert driver_for("cisco_wlc").config_mode is False
    assert driver_for("fortinet").save is None
    wlc_save = driver_for("cisco_wlc").save
    assert wlc_save is not None and wlc_save.confirm_response == "y"
    with pytest.raises(InputError, match=r"no configuration driver for zyxel_os \(supported: .*cisco_ios"):
        driver_for("zyxel_os")


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("snmp-server community public RO", "snmp-server community ******** RO"),
        ("radius-server key 7 0822455D0A16", "radius-server key 7 ********"),
        (
            "config radius auth add 1 192.0.2.10 1812 ascii S3cr3t!",
            "config radius auth add 1 192.0.2.10 1812 ascii ********",
        ),
        ('   key "two words"', "   key ********"),
        ("username admin privilege 15 password 0 hunter2", "username admin privilege 15 password 0 ********"),
        ("no ip http server", "no ip http server"),
    ],
)
def test_secret_values_are_redacted_in_shown_configs(line: str, shown: str) -> None:
    assert redact(line) == shown


SNMPV3_A = """hostname sw1
snmp-server user nms NMS-GRP v3 auth sha Auth-Key-AAA priv aes 128 Priv-Key-AAA
snmpv3 user nms auth sha auth-pass ciphertext AQBapAAAA== priv aes priv-pass ciphertext AQBapBBBB==
snmp-agent usm-user v3 nms authentication-mode sha cipher %^%#AuthCipherAAA%^%#
snmp-server username nms sec-level priv auth sha authpassword cipher HashAAA priv aes privpassword cipher HashBBB
snmp-server community public RO
"""


def test_config_diff_masks_snmpv3_keys_and_the_device_secrets_like_the_push_output(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from monitor.cli.main import main

    conn, secrets, db = store
    dev = _device(store)
    later = SNMPV3_A.replace("AAA", "ZZZ").replace("Hash", "Sum").replace("AQBap", "AQBaq") + "ssh-pw public\n"
    configs.save_backup(conn, secrets, dev, SNMPV3_A, "manual")
    configs.save_backup(conn, secrets, dev, later, "manual")
    assert main(["--db", str(db), "config", "diff", "sw1"]) == 0
    out = capsys.readouterr().out
    assert "-snmp-server user nms NMS-GRP v3 auth sha ******** priv aes 128 ********" in out
    assert "+snmpv3 user nms auth sha auth-pass ciphertext ******** priv aes priv-pass ciphertext ********" in out
    assert "+ssh-pw ********" in out  # the device's community, wherever it appears
    for value in ("Auth-Key", "Priv-Key", "AQBa", "Cipher", "HashAAA", "SumZZZ", "public"):
        assert value not in out, value
