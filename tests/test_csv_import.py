"""Importing devices from CSV files, and editing a device (inventory.update_device): real stores, file secrets."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from devices.errors import InputError
from monitor.storage import inventory
from monitor.storage.csv_import import MAX_ROWS, import_devices

HEADER = "name,host,snmp_version,community,snmp_port,role,location,platform"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "devices.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def names(conn: sqlite3.Connection) -> list[str]:
    return [r["name"] for r in conn.execute("SELECT name FROM devices ORDER BY name")]


def test_good_rows_are_added_and_bad_rows_reported(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    inventory.add_device(conn, secrets, inventory.DeviceSpec("old-sw", "192.0.2.99", secrets={"community": "c"}))
    csv_text = (
        f"{HEADER}\n"
        "core-sw,192.0.2.1,2c,s3cret-core,161,switch,機房,cisco_ios\n"  # line 2
        "bad-host,300.1.1.1,2c,pub,,,,\n"  # line 3
        "\n"  # blank line: skipped
        "core-sw,192.0.2.3,2c,pub,,,,\n"  # line 5: duplicate within the file
        "old-sw,192.0.2.4,2c,pub,,,,\n"  # line 6: duplicate of an existing device
        "no-community,192.0.2.5,2c,,,,,\n"  # line 7
        'ap-1,192.0.2.6,1,"ap,comm",1161,AP,"Library, 2F",auto\n'  # line 8: quoted commas
        "bad-port,192.0.2.7,2c,pub,abc,,,\n"  # line 9
        'tab,192.0.2.8,2c,pub,,,"a\tb",\n'  # line 10: control character
        "bad-role,192.0.2.9,2c,pub,,printer,,\n"  # line 11
    )
    report = import_devices(conn, secrets, write(tmp_path, csv_text))
    assert report.added == ["core-sw", "ap-1"]
    assert report.rows == 9
    reasons = {r.line: (r.name, r.reason) for r in report.rejected}
    assert sorted(reasons) == [3, 5, 6, 7, 9, 10, 11]
    assert reasons[3] == ("bad-host", "host '300.1.1.1' is not an IP address or a host name")
    assert reasons[5][1] == "device 'core-sw' appears twice in the file (first on line 2)"
    assert reasons[6][1] == "a device named 'old-sw' already exists"
    assert "needs a community" in reasons[7][1]
    assert reasons[9][1] == "snmp_port 'abc' is not a whole number"
    assert reasons[10][1] == "location contains a newline or control character"
    assert "role 'printer'" in reasons[11][1]

    assert names(conn) == ["ap-1", "core-sw", "old-sw"]
    core = inventory.get_device(conn, "core-sw")
    assert (core["host"], core["snmp_port"], core["location"], core["platform"]) == (
        "192.0.2.1",
        161,
        "機房",
        "cisco_ios",
    )
    ap = inventory.get_device(conn, "ap-1")
    assert (ap["snmp_version"], ap["snmp_port"], ap["role"], ap["location"]) == ("1", 1161, "ap", "Library, 2F")
    assert secrets.get("core-sw", "community") == "s3cret-core"
    assert secrets.get("ap-1", "community") == "ap,comm"
    secrets_file = json.loads((tmp_path / "inventory.db.secrets.json").read_text(encoding="utf-8"))
    assert "s3cret-core" in secrets_file.values()
    assert b"s3cret-core" not in db.read_bytes() + Path(f"{db}-wal").read_bytes()
    # Rejected rows left no secrets behind.
    assert not [key for key in secrets_file if "/bad-host/" in key or "/bad-role/" in key]


def test_embedded_newline_is_rejected_with_the_right_line(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = 'name,host,community,location\nsw1,192.0.2.1,pub,"two\nlines"\nsw2,192.0.2.2,pub,ok\n'
    report = import_devices(conn, secrets, write(tmp_path, text))
    assert report.added == ["sw2"]
    assert [(r.line, r.name, r.reason) for r in report.rejected] == [
        (2, "sw1", "location contains a newline or control character")
    ]


def test_too_many_fields_is_a_row_error(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "name,host,community\nsw1,192.0.2.1,pub,extra\nsw2,192.0.2.2,pub,\nsw3,192.0.2.3\n"
    report = import_devices(conn, secrets, write(tmp_path, text))
    assert report.added == ["sw2"]
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "4 fields, but the header names 3 columns"),
        (4, "SNMP v1/v2c needs a community"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,host,colour\nsw,192.0.2.1,red\n", "unknown column(s) 'colour'"),
        ("name,community\nsw,pub\n", "the header has no host column"),
        ("name,host,NAME\nsw,192.0.2.1,x\n", "column(s) name appear more than once"),
        ("\n\n", "the file is empty"),
    ],
)
def test_whole_file_errors_add_nothing(tmp_path: Path, store, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_devices(conn, secrets, write(tmp_path, text))
    assert names(conn) == []


def test_bom_file_with_chinese_and_mixed_case_headers(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "名稱,主機,Community,位置,角色,SNMP_Version\n教學大樓A-sw,192.0.2.10,pub,教學大樓A,switch,V2C\n"
    path = write(tmp_path, text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_devices(conn, secrets, path)
    assert (report.added, report.rejected, report.encoding) == (["教學大樓A-sw"], [], "utf-8-sig")
    row = inventory.get_device(conn, "教學大樓A-sw")
    assert (row["location"], row["snmp_version"]) == ("教學大樓A", "2c")


def test_big5_file_from_excel(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "name,host,community,location\r\nlib-sw,192.0.2.20,pub,圖書館\r\ngym-ap,192.0.2.21,pub,體育館\r\n"
    path = write(tmp_path, text, encoding="cp950")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    report = import_devices(conn, secrets, path)
    assert (report.added, report.encoding) == (["lib-sw", "gym-ap"], "cp950")
    assert {r["name"]: r["location"] for r in inventory.list_devices(conn)} == {"lib-sw": "圖書館", "gym-ap": "體育館"}


def test_unreadable_encoding_names_the_accepted_ones(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    path = tmp_path / "x.csv"
    path.write_bytes(b"name,host\nsw,192.0.2.1\n\xff\xff\xff\n")
    with pytest.raises(InputError, match=r"byte 0xff on line 3 is not UTF-8, nor is it Big5 or GBK") as err:
        import_devices(conn, secrets, path)
    assert "CSV UTF-8" in str(err.value) and "\n" not in str(err.value)


# School-like names and places, several rows (detection needs some text). Every byte of the GBK file also decodes
# as Big5 (into nonsense) and the other way round, so decoding alone cannot tell them apart.
SIMPLIFIED = [
    ("教学楼-sw", "教学楼一楼机房"), ("实验楼-ap", "实验楼二楼走廊"), ("图书馆-sw", "图书馆四楼"),
    ("体育馆-ap", "体育馆大厅"), ("办公楼-sw", "办公楼会议室"), ("行政楼-sw", "行政楼校长室"),
    ("科技楼-ap", "科技楼计算机教室"), ("艺术楼-sw", "艺术楼音乐室"), ("网络中心-core", "网络中心机房"),
]  # fmt: skip
TRADITIONAL = [
    ("教學樓-sw", "教學樓機房"), ("實驗樓-ap", "實驗樓走廊"), ("體育館-sw", "體育館"), ("餐廳-ap", "餐廳"),
    ("禮堂-sw", "禮堂"), ("網路中心-core", "網路中心機房"), ("學務處-ap", "學務處"), ("教務處-sw", "教務處"),
    ("幼兒園-sw", "幼兒園"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "encoding", "other"), [(SIMPLIFIED, "gbk", "cp950"), (TRADITIONAL, "cp950", "gbk")], ids=["GBK", "Big5"]
)
def test_gbk_and_big5_files_are_told_apart(tmp_path: Path, store, rows, encoding: str, other: str) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "name,host,community,location\r\n"
    text += "".join(f"{name},192.0.2.{n},pub,{place}\r\n" for n, (name, place) in enumerate(rows, start=1))
    path = write(tmp_path, text, encoding=encoding)
    assert path.read_bytes().decode(other)  # the wrong encoding decodes too, into garbled names
    report = import_devices(conn, secrets, path)
    assert (report.encoding, report.rejected) == (encoding, [])
    assert {r["name"]: r["location"] for r in inventory.list_devices(conn)} == dict(rows)


def test_a_file_big5_and_gbk_fit_alike_is_refused(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    path = tmp_path / "x.csv"
    path.write_bytes(b"name,host\n\xb0\xa1,192.0.2.1\n")  # one name: Big5 and GBK both read a plausible character
    with pytest.raises(InputError, match="Big5 and GBK fit it equally well") as err:
        import_devices(conn, secrets, path)
    assert "Big5 (Traditional Chinese) or GBK (Simplified Chinese)" in str(err.value)
    assert names(conn) == []


def test_v3_and_ssh_columns(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = (
        "name,host,snmp_version,v3_user,v3_auth,v3_auth_key,v3_priv,v3_priv_key,ssh_host,ssh_port,ssh_user\n"
        "v3-sw,192.0.2.30,3,monitor,SHA256,authkey123,AES,privkey123,192.0.2.31,2222,admin\n"
        "v3-short,192.0.2.32,3,monitor,sha,short,,,,,\n"
    )
    report = import_devices(conn, secrets, write(tmp_path, text))
    assert report.added == ["v3-sw"]
    assert "auth key must be at least 8" in report.rejected[0].reason
    row = inventory.get_device(conn, "v3-sw")
    assert (row["v3_user"], row["v3_auth"], row["v3_priv"]) == ("monitor", "sha256", "aes")
    assert (row["ssh_host"], row["ssh_port"], row["ssh_user"]) == ("192.0.2.31", 2222, "admin")
    assert (secrets.get("v3-sw", "v3_auth_key"), secrets.get("v3-sw", "v3_priv_key")) == ("authkey123", "privkey123")
    target = inventory.snmp_target(row, secrets)
    assert target.credentials.v3_auth_key == "authkey123"


def test_dry_run_checks_everything_and_adds_nothing(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "name,host,community\nsw1,192.0.2.1,pub\nsw1,192.0.2.2,pub\nsw3,bad host,pub\n"
    report = import_devices(conn, secrets, write(tmp_path, text), dry_run=True)
    assert report.added == ["sw1"]
    assert [r.line for r in report.rejected] == [3, 4]
    assert names(conn) == []
    assert secrets.get("sw1", "community") is None


def test_progress_and_cancel_between_rows(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "name,host,community\n" + "".join(f"sw{i},192.0.2.{i},pub\n" for i in range(1, 11))
    progress: list[tuple[int, int]] = []
    report = import_devices(
        conn,
        secrets,
        write(tmp_path, text),
        on_progress=lambda d, t: progress.append((d, t)),
        cancelled=lambda: len(progress) >= 3,
    )
    assert report.cancelled
    assert report.added == ["sw1", "sw2", "sw3"]
    assert progress == [(1, 10), (2, 10), (3, 10)]
    assert names(conn) == ["sw1", "sw2", "sw3"]


def test_row_limit(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    text = "name,host,community\n" + "".join(f"sw{i},192.0.2.1,pub\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(InputError, match=f"has {MAX_ROWS + 1} rows; at most {MAX_ROWS}"):
        import_devices(conn, secrets, write(tmp_path, text))
    assert names(conn) == []


def test_update_device_keeps_blank_secrets_and_renames(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    inventory.add_device(conn, secrets, inventory.DeviceSpec("sw", "192.0.2.1", secrets={"community": "keep-me"}))
    inventory.add_device(conn, secrets, inventory.DeviceSpec("other", "192.0.2.2", secrets={"community": "x"}))
    spec = inventory.DeviceSpec("sw-new", "192.0.2.5", snmp_port=1161, location="機房", secrets={"community": ""})
    inventory.update_device(conn, secrets, "sw", spec)
    row = inventory.get_device(conn, "sw-new")
    assert (row["host"], row["snmp_port"], row["location"]) == ("192.0.2.5", 1161, "機房")
    assert secrets.get("sw-new", "community") == "keep-me"
    assert secrets.get("sw", "community") is None
    with pytest.raises(InputError, match="already exists"):
        inventory.update_device(conn, secrets, "sw-new", inventory.DeviceSpec("other", "192.0.2.5"))
    with pytest.raises(InputError, match="not an IP address"):
        inventory.update_device(conn, secrets, "sw-new", inventory.DeviceSpec("sw-new", "300.1.1.1"))
    inventory.update_device(
        conn, secrets, "sw-new", inventory.DeviceSpec("sw-new", "192.0.2.5", secrets={"community": "new"})
    )
    assert secrets.get("sw-new", "community") == "new"
    assert inventory.get_device(conn, "sw-new")["host"] == "192.0.2.5"
