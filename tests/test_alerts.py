"""Alert rules against scripted device behaviour: an snmpsim agent stopped, started and rewritten between poll cycles,
with the alert e-mails received by a real SMTP server on 127.0.0.1; utilization and error-rate rules on rates written
into the store; flapping, reminders, acknowledgement, idempotence and restarts; the ``alerts`` command line."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest

from devices.errors import InputError
from monitor.alerting import alerts, channels, texts
from monitor.alerting.alerts import Rule
from monitor.alerting.channels import Channel
from monitor.cli.main import main as cli
from monitor.polling.scheduler import CoreLoop, Poller
from monitor.storage.secrets import SecretStore
from monitor.storage.store import connect
from tests.helpers import add_device, rows, run_cycle, snmprec
from tests.peers import SnmpSim
from tests.test_notify import SmtpPeer, free_tcp_port

NOW = 1_780_000_000.0
MIN = 60.0
GBIT = 1_000_000_000

DOWN = "[CampusNet] 裝置離線：sw1"
UP = "[CampusNet] 裝置恢復連線：sw1"


# ------------------------------------------------------------------------------------------------ a scripted switch


def agent(oper: dict[int, int] | None = None, uptime: int = 10_000_000) -> str:
    """A switch with four ports: Gi0/1 an uplink (by its alias), Gi0/2 a classroom port, Gi0/3 a shut-down uplink,
    Gi0/4 a server port. ``oper`` overrides ports' ifOperStatus (1 up, 2 down); ``uptime`` is sysUpTime when the
    agent starts (a smaller one after a restart is a reboot)."""
    oper = {1: 1, 2: 1, 3: 2, 4: 1, **(oper or {})}
    recs = {
        "1.3.6.1.2.1.1.1.0": "4|CampusNet alert test switch",
        "1.3.6.1.2.1.1.2.0": "6|1.3.6.1.4.1.8072.3.2.10",
        "1.3.6.1.2.1.1.3.0": f"67:numeric|rate=100,initial={uptime}",
        "1.3.6.1.2.1.1.5.0": "4|sw1",
    }
    aliases = {1: "uplink to core", 2: "教室 201", 3: "WAN backup", 4: "server room"}
    for i, alias in aliases.items():
        recs.update(
            {
                f"1.3.6.1.2.1.2.2.1.1.{i}": f"2|{i}",
                f"1.3.6.1.2.1.2.2.1.2.{i}": f"4|GigabitEthernet0/{i}",
                f"1.3.6.1.2.1.2.2.1.3.{i}": "2|6",
                f"1.3.6.1.2.1.2.2.1.5.{i}": "66|1000000000",
                f"1.3.6.1.2.1.2.2.1.7.{i}": f"2|{2 if i == 3 else 1}",
                f"1.3.6.1.2.1.2.2.1.8.{i}": f"2|{oper[i]}",
                f"1.3.6.1.2.1.31.1.1.1.1.{i}": f"4|Gi0/{i}",
                f"1.3.6.1.2.1.31.1.1.1.6.{i}": "70:numeric|rate=1000",
                f"1.3.6.1.2.1.31.1.1.1.10.{i}": "70|0",
                f"1.3.6.1.2.1.31.1.1.1.15.{i}": "66|1000",
                f"1.3.6.1.2.1.31.1.1.1.18.{i}": f"4x|{alias.encode().hex()}",
            }
        )
    return snmprec(recs)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


def open_store(db: Path) -> tuple[sqlite3.Connection, SecretStore]:
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets

    conn = connect(db)
    return conn, open_secrets(db, inventory.store_id(conn))


def mail_channel(db: Path, port: int) -> None:
    conn, secrets = open_store(db)
    channel = Channel("email", "it", {"host": "127.0.0.1", "port": port, "security": "none"})
    channel.settings.update({"from": "campusnet@school.example", "to": ["it@school.example"]})
    channels.save_channel(conn, secrets, channel)
    conn.close()


def set_rule(db: Path, kind: str, *, enabled: bool = True, **params: object) -> None:
    conn = connect(db)
    (rule,) = [r for r in alerts.list_rules(conn) if r.kind == kind]
    alerts.save_rule(conn, Rule(rule.kind, rule.name, {**rule.params, **params}, enabled, rule.severity, rule.id))
    conn.close()


def alert_rows(db: Path) -> list[sqlite3.Row]:
    return rows(db, "SELECT * FROM alerts ORDER BY id")


def alert_events(db: Path) -> list[str]:
    return [r["kind"] for r in rows(db, "SELECT kind FROM events WHERE kind LIKE 'alert%' ORDER BY id")]


def slow_to_fail(db: Path, sim: SnmpSim) -> None:
    """The switch, with a one-try timeout of 1 s: each failed poll lands in its own second of device_polls."""
    add_device(db, "sw1", sim.port, "sw1", timeout_s=1.0, retries=0)


# ------------------------------------------------------------------------------------------------ down, flapping, up


def test_down_after_three_missed_polls_one_mail_then_one_recovery(tmp_path: Path, db: Path) -> None:
    with SmtpPeer() as smtp, SnmpSim(tmp_path, {"sw1": agent()}) as sim:
        slow_to_fail(db, sim)
        mail_channel(db, smtp.port)
        poller = Poller(db)
        hooked: list[list[texts.Notice]] = []
        poller.on_alert = hooked.append  # the tray's hook
        try:
            assert run_cycle(poller).devices[0].status == "up"
            sim.stop()
            for missed in (1, 2):
                assert run_cycle(poller).devices[0].status == "unreachable"
                assert len(rows(db, "SELECT * FROM device_polls WHERE status != 'up'")) == missed
                assert alert_rows(db) == [] and smtp.inbox == []  # not before the third missed poll
            run_cycle(poller)
            assert smtp.subjects() == [DOWN]
            run_cycle(poller)  # still down: nothing more (the reminder comes after an hour)
            assert smtp.subjects() == [DOWN]
            (sim.data_dir / "sw1.snmprec").write_text(agent(uptime=1000), encoding="latin-1")
            sim.start()  # it comes back, restarted
            run_cycle(poller)
        finally:
            poller.close()
    assert smtp.subjects() == [DOWN, UP]
    assert [[(n.event, n.device) for n in batch] for batch in hooked] == [
        [("alert", "sw1")],
        [("alert_resolved", "sw1")],
    ]
    down, up = (m.message.get_content() for m in smtp.inbox)
    assert down.startswith("連續 3 次輪詢失敗。最後的錯誤：no answer from 127.0.0.1")
    assert up.startswith("裝置已恢復回應。裝置曾重新開機（運作時間重新計算）。\n")  # the restart, in the same mail
    (alert,) = alert_rows(db)
    first_miss = rows(db, "SELECT MIN(ts) AS ts FROM device_polls WHERE status != 'up'")[0]["ts"]
    assert (alert["kind"], alert["state"], alert["started"]) == ("device_down", "resolved", first_miss)
    assert alert_events(db) == ["alert", "alert_resolved"]
    assert [r["status"] for r in rows(db, "SELECT status FROM deliveries")] == ["sent", "sent"]


def test_flapping_gives_one_notice_then_quiet_then_one_summary(tmp_path: Path, db: Path) -> None:
    with SmtpPeer() as smtp, SnmpSim(tmp_path, {"sw1": agent()}) as sim:
        slow_to_fail(db, sim)
        mail_channel(db, smtp.port)
        set_rule(db, "device_down", polls=1)  # every miss counts, the hardest case for a storm
        set_rule(db, "reboot", enabled=False)  # each snmpsim start is a reboot; not what this test is about
        poller = Poller(db)
        try:
            run_cycle(poller)
            expected = [DOWN, UP, DOWN, "[CampusNet] 狀態反覆變動：sw1"]
            for n in range(8):  # down, up, down, up, down, up, down, up
                sim.stop() if n % 2 == 0 else sim.start()
                run_cycle(poller)
                assert smtp.subjects() == expected[: min(n + 1, 4)], n
            assert [r["flapping"] for r in alert_rows(db)] == [0, 1]
            poller.clock = lambda: time.time() + 21 * MIN  # stable for the 20-minute window
            run_cycle(poller)
            run_cycle(poller)
        finally:
            poller.close()
    assert smtp.subjects() == [*expected, "[CampusNet] 已恢復穩定：sw1"]
    assert "20 分鐘內狀態改變了 4 次" in smtp.inbox[3].message.get_content()
    assert [(r["state"], r["flapping"]) for r in alert_rows(db)] == [("resolved", 0), ("resolved", 1)]
    assert len(rows(db, "SELECT * FROM events WHERE kind IN ('device_down', 'device_up')")) == 8


def test_uplink_and_important_ports_alert_shut_and_other_ports_do_not(tmp_path: Path, db: Path) -> None:
    with SmtpPeer() as smtp, SnmpSim(tmp_path, {"sw1": agent()}) as sim:
        slow_to_fail(db, sim)
        mail_channel(db, smtp.port)
        poller = Poller(db)
        try:
            run_cycle(poller)
            ports = {r["key"]: r for r in rows(db, "SELECT * FROM ports")}
            assert [k for k, p in ports.items() if p["is_uplink"]] == ["Gi0/1", "Gi0/3"]
            conn = connect(db)
            alerts.set_port_important(conn, ports["Gi0/4"]["id"], True)
            conn.close()
            assert smtp.inbox == []  # Gi0/3 is down but shut down by the administrator
            (sim.data_dir / "sw1.snmprec").write_text(agent({1: 2, 2: 2, 4: 2}, uptime=2000), encoding="latin-1")
            sim.restart()
            run_cycle(poller)
            assert sorted(smtp.subjects()) == [
                "[CampusNet] 裝置重新開機：sw1",
                "[CampusNet] 連接埠斷線：sw1 Gi0/1",
                "[CampusNet] 連接埠斷線：sw1 Gi0/4",
            ]
            run_cycle(poller)
            assert len(smtp.inbox) == 3
            (sim.data_dir / "sw1.snmprec").write_text(agent(uptime=1000), encoding="latin-1")
            sim.restart()
            run_cycle(poller)
        finally:
            poller.close()
    assert sorted(smtp.subjects()[3:]) == [
        "[CampusNet] 裝置重新開機：sw1",
        "[CampusNet] 連接埠恢復連線：sw1 Gi0/1",
        "[CampusNet] 連接埠恢復連線：sw1 Gi0/4",
    ]
    gi01 = next(m for m in smtp.inbox if m.message["Subject"].endswith("斷線：sw1 Gi0/1")).message.get_content()
    assert "連接埠：Gi0/1 (uplink to core)" in gi01
    assert {r["port_name"] for r in alert_rows(db) if r["kind"] == "port_down"} == {"Gi0/1", "Gi0/4"}


def test_restart_resends_pending_mail_and_does_not_fire_again(tmp_path: Path, db: Path) -> None:
    port = free_tcp_port()  # the mail server is down at first
    mail_channel(db, port)
    add_device(db, "sw1", free_tcp_port(), "sw1", timeout_s=1.0, retries=0)  # nothing answers there
    first = Poller(db)
    try:
        for _ in range(3):
            run_cycle(first)
    finally:
        first.close()
    (delivery,) = rows(db, "SELECT * FROM deliveries")
    assert (delivery["status"], delivery["attempts"]) == ("pending", 1)
    assert delivery["last_error"] == f"cannot send mail through 127.0.0.1:{port}: [Errno 111] Connection refused"
    with SmtpPeer(port=port) as smtp:
        second = Poller(db)  # the program starts again
        second.clock = lambda: time.time() + 2 * MIN  # past the first retry's wait
        try:
            run_cycle(second)
            run_cycle(second)
        finally:
            second.close()
    assert smtp.subjects() == [DOWN]
    assert len(alert_rows(db)) == 1 and alert_events(db) == ["alert"]
    assert [r["status"] for r in rows(db, "SELECT * FROM deliveries")] == ["sent"]


def test_the_service_sends_beside_its_cycles(tmp_path: Path, db: Path) -> None:
    """``poll`` (run_forever) sends through its own sender task: mail waiting from before goes out."""
    with SmtpPeer() as smtp:
        mail_channel(db, smtp.port)
        conn = connect(db)
        device_id = make_device(conn, "sw1", status="unreachable")
        fail_polls(conn, device_id, 3, NOW)
        with conn:
            assert alerts.evaluate(conn, time.time())
        conn.close()
        core = CoreLoop()
        poller = Poller(db, interval=3600)
        stop = asyncio.Event()
        try:
            run = core.submit(poller.run_forever(stop))
            deadline = time.monotonic() + 20
            while not smtp.inbox and time.monotonic() < deadline:
                time.sleep(0.05)
            core.loop.call_soon_threadsafe(stop.set)
            run.result(timeout=20)
        finally:
            core.stop()
            poller.close()
    assert smtp.subjects() == [DOWN]


# ------------------------------------------------------------------------------------------------ the store alone


@pytest.fixture
def conn(db: Path) -> sqlite3.Connection:
    conn, secrets = open_store(db)
    channels.save_channel(conn, secrets, Channel("webhook", "hook", {"url": "http://127.0.0.1:9/never-sent"}))
    return conn


def make_device(conn: sqlite3.Connection, name: str = "sw1", status: str = "up") -> int:
    cur = conn.execute(
        "INSERT INTO devices (name, host, snmp_port, location, status, created)"
        " VALUES (?, '127.0.0.1', 9, '圖書館', ?, 0)",
        (name, status),
    )
    conn.commit()
    return int(cur.lastrowid or 0)


def fail_polls(conn: sqlite3.Connection, device_id: int, n: int, start: float) -> None:
    for i in range(n):
        conn.execute(
            "INSERT INTO device_polls (device_id, ts, status, error) VALUES (?, ?, 'unreachable', 'no answer')",
            (device_id, int(start + i * MIN)),
        )
    conn.execute("UPDATE devices SET status = 'unreachable', status_reason = 'no answer' WHERE id = ?", (device_id,))
    conn.commit()


def make_port(conn: sqlite3.Connection, device_id: int, name: str, *, uplink: bool = True, speed: int = GBIT) -> int:
    cur = conn.execute(
        """INSERT INTO ports (device_id, key, name, alias, speed_bps, admin_status, oper_status, is_uplink)
           VALUES (?, ?, ?, 'to core', ?, 1, 1, ?)""",
        (device_id, name, name, speed, int(uplink)),
    )
    conn.commit()
    return int(cur.lastrowid or 0)


def write_samples(conn: sqlite3.Connection, port_id: int, start: float, end: float, **rates: float | None) -> None:
    """One sample a minute in (start, end], with the given rates (others zero)."""
    columns = ("in_bps", "out_bps", "in_err", "out_err", "in_disc", "out_disc")
    ts = start + MIN
    while ts <= end:
        values = [rates.get(c, 0.0) for c in columns]
        conn.execute(
            f"INSERT OR REPLACE INTO samples (port_id, ts, {', '.join(columns)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (port_id, int(ts), *values),
        )
        ts += MIN
    conn.commit()


def evaluate(conn: sqlite3.Connection, now: float) -> list[str]:
    """Evaluate at ``now``; the English titles of what it queued."""
    with conn:
        notices = alerts.evaluate(conn, now)
    return [texts.title(n, "en") for n in notices]


def queued(conn: sqlite3.Connection) -> list[str]:
    return [r["subject"] for r in conn.execute("SELECT subject FROM deliveries ORDER BY id")]


def test_utilization_fires_after_the_whole_window_and_clears(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    port = make_port(conn, dev, "Gi0/48")
    write_samples(conn, port, NOW - 40 * MIN, NOW - 14 * MIN, in_bps=300e6, out_bps=100e6)
    write_samples(conn, port, NOW - 14 * MIN, NOW, in_bps=950e6, out_bps=100e6)  # 95 % for 14 minutes
    assert evaluate(conn, NOW) == []  # 14 minutes over 90 % is not yet 15
    write_samples(conn, port, NOW, NOW + MIN, in_bps=950e6, out_bps=100e6)
    assert evaluate(conn, NOW + MIN) == ["High utilization: sw1 Gi0/48"]
    assert evaluate(conn, NOW + MIN) == []  # the same cycle again: nothing new
    (subject,) = queued(conn)
    assert subject == "[CampusNet] 頻寬使用率過高：sw1 Gi0/48"
    body = conn.execute("SELECT body FROM deliveries").fetchone()["body"]
    assert body.startswith("使用率超過 1.0 Gbit/s 的 90% 已持續 15 分鐘（平均輸入 950.0 Mbit/s，輸出 100.0 Mbit/s）。")
    write_samples(conn, port, NOW + MIN, NOW + 5 * MIN, in_bps=500e6, out_bps=100e6)
    assert evaluate(conn, NOW + 5 * MIN) == []  # 4 minutes below; clearing takes 5
    write_samples(conn, port, NOW + 5 * MIN, NOW + 6 * MIN, in_bps=500e6, out_bps=100e6)
    assert evaluate(conn, NOW + 6 * MIN) == ["Utilization back to normal: sw1 Gi0/48"]
    (alert,) = conn.execute("SELECT * FROM alerts").fetchall()
    assert (alert["state"], alert["started"], alert["resolved"]) == ("resolved", NOW + MIN - 15 * MIN, NOW + 6 * MIN)


def test_utilization_needs_samples_reaching_back_and_a_known_speed(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    young = make_port(conn, dev, "Gi0/1")
    write_samples(conn, young, NOW - 10 * MIN, NOW, out_bps=990e6)  # polled for 10 minutes only
    unknown = make_port(conn, dev, "Gi0/2", speed=0)
    write_samples(conn, unknown, NOW - 60 * MIN, NOW, out_bps=990e6)
    gap = make_port(conn, dev, "Gi0/3")
    write_samples(conn, gap, NOW - 60 * MIN, NOW, out_bps=990e6)
    conn.execute("UPDATE samples SET out_bps = NULL WHERE port_id = ? AND ts = ?", (gap, int(NOW - 5 * MIN)))
    assert evaluate(conn, NOW) == []


def test_utilization_direction_and_all_ports(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    access = make_port(conn, dev, "Gi0/7", uplink=False, speed=100_000_000)
    write_samples(conn, access, NOW - 30 * MIN, NOW, in_bps=1e6, out_bps=95e6)
    assert evaluate(conn, NOW) == []  # not an uplink
    (rule,) = [r for r in alerts.list_rules(conn) if r.kind == "utilization"]
    alerts.save_rule(conn, Rule("utilization", rule.name, {"ports": "all", "direction": "in"}, id=rule.id))
    assert evaluate(conn, NOW) == []  # only "in" counts now
    alerts.save_rule(conn, Rule("utilization", rule.name, {"ports": "all", "direction": "out"}, id=rule.id))
    assert evaluate(conn, NOW) == ["High utilization: sw1 Gi0/7"]


def test_error_and_discard_rates(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    errs = make_port(conn, dev, "Gi0/1")
    disc = make_port(conn, dev, "Gi0/2")
    quiet = make_port(conn, dev, "Gi0/3")
    write_samples(conn, errs, NOW - 30 * MIN, NOW, in_err=8.0, out_err=4.5)  # 12.5 errors/s
    write_samples(conn, disc, NOW - 30 * MIN, NOW, out_disc=40.0)
    write_samples(conn, quiet, NOW - 30 * MIN, NOW, in_err=9.0, in_disc=9.0)  # under both limits
    assert sorted(evaluate(conn, NOW)) == ["Port errors: sw1 Gi0/1", "Port errors: sw1 Gi0/2"]
    bodies = [r["body"] for r in conn.execute("SELECT body FROM deliveries ORDER BY id")]
    assert any(b.startswith("近 10 分鐘平均每秒錯誤 12.5 個、丟棄 0 個（上限每秒 10 個、10 個）。") for b in bodies)
    write_samples(conn, errs, NOW, NOW + 5 * MIN, in_err=1.0)
    assert evaluate(conn, NOW + 5 * MIN) == ["Port errors cleared: sw1 Gi0/1"]


def test_metric_alerts_wait_while_the_device_is_down(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    port = make_port(conn, dev, "Gi0/1")
    write_samples(conn, port, NOW - 30 * MIN, NOW, in_bps=999e6)
    assert evaluate(conn, NOW) == ["High utilization: sw1 Gi0/1"]
    conn.execute("UPDATE devices SET status = 'unreachable' WHERE id = ?", (dev,))
    assert evaluate(conn, NOW + 30 * MIN) == []
    assert [r["state"] for r in conn.execute("SELECT state FROM alerts")] == ["firing"]


def test_flapping_that_ends_down_keeps_the_alert(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    for i, kind in enumerate(("device_down", "device_up", "device_down", "device_up", "device_down")):
        conn.execute(
            "INSERT INTO events (ts, device_id, kind, detail) VALUES (?, ?, ?, '')",
            (NOW - 10 * MIN + i * MIN, dev, kind),
        )
    fail_polls(conn, dev, 5, NOW - 6 * MIN)
    assert evaluate(conn, NOW) == ["Flapping: sw1"]
    assert evaluate(conn, NOW + 10 * MIN) == []  # changes within the last 20 minutes: not stable yet
    assert evaluate(conn, NOW + 13.5 * MIN) == []  # one change (at NOW - 6 min) is still in the window
    assert evaluate(conn, NOW + 16 * MIN) == ["Stopped flapping, still down: sw1"]
    (alert,) = conn.execute("SELECT * FROM alerts").fetchall()
    assert (alert["state"], alert["flapping"], alert["started"]) == ("firing", 0, NOW - 10 * MIN)
    conn.execute("UPDATE devices SET status = 'up' WHERE id = ?", (dev,))
    assert evaluate(conn, NOW + 17 * MIN) == ["Device back up: sw1"]
    assert queued(conn) == [
        "[CampusNet] 狀態反覆變動：sw1",
        "[CampusNet] 已停止反覆變動，但仍未恢復：sw1",
        "[CampusNet] 裝置恢復連線：sw1",
    ]


def test_reminders_until_acknowledged(conn: sqlite3.Connection, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev = make_device(conn)
    fail_polls(conn, dev, 3, NOW - 3 * MIN)
    assert evaluate(conn, NOW) == ["Device down: sw1"]
    assert evaluate(conn, NOW + 59 * MIN) == []
    assert evaluate(conn, NOW + 60 * MIN) == ["Reminder: Device down: sw1"]
    assert evaluate(conn, NOW + 61 * MIN) == []
    (alert_id,) = [r["id"] for r in conn.execute("SELECT id FROM alerts")]
    assert cli(["--db", str(db), "alerts", "ack", str(alert_id), "--user", "王老師"]) == 0
    assert capsys.readouterr().out == f"alert {alert_id} (device_down sw1) acknowledged by 王老師\n"
    assert cli(["--db", str(db), "alerts", "ack", str(alert_id), "--user", "admin"]) == 0
    assert capsys.readouterr().out.startswith(f"alert {alert_id} was acknowledged already by 王老師 at ")
    assert evaluate(conn, NOW + 180 * MIN) == []
    assert queued(conn) == ["[CampusNet] 裝置離線：sw1", "[CampusNet] 提醒：裝置離線：sw1"]
    assert cli(["--db", str(db), "alerts", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["id"], listed["state"], listed["acknowledged_by"]) == (alert_id, "firing", "王老師")
    assert cli(["--db", str(db), "alerts", "ack", "999"]) == 2
    assert capsys.readouterr().err == "error: there is no alert 999 (see 'alerts --all')\n"


def test_reminders_are_bounded(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    fail_polls(conn, dev, 3, NOW - 3 * MIN)
    evaluate(conn, NOW)
    for hour in range(1, 100):
        evaluate(conn, NOW + hour * 60 * MIN)
    assert len(queued(conn)) == 1 + alerts.MAX_REMINDERS


def test_evaluating_twice_changes_nothing(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    fail_polls(conn, dev, 3, NOW - 3 * MIN)
    conn.execute("INSERT INTO events (ts, device_id, kind, detail) VALUES (?, ?, 'reboot', '')", (NOW - MIN, dev))
    port = make_port(conn, make_device(conn, "sw2"), "Gi0/1")
    write_samples(conn, port, NOW - 30 * MIN, NOW, in_bps=999e6)
    first = evaluate(conn, NOW)
    assert sorted(first) == ["Device down: sw1", "Device restarted: sw1", "High utilization: sw2 Gi0/1"]
    snapshot = [
        list(map(tuple, conn.execute(f"SELECT * FROM {table} ORDER BY 1")))
        for table in ("alerts", "events", "deliveries")
    ]
    assert evaluate(conn, NOW) == []
    assert evaluate(conn, NOW + 1) == []
    again = [
        list(map(tuple, conn.execute(f"SELECT * FROM {table} ORDER BY 1")))
        for table in ("alerts", "events", "deliveries")
    ]
    assert again == snapshot


def test_reboots_from_before_the_upgrade_never_alert(db: Path) -> None:
    """A store written before alerts existed (schema 4): its past reboots are history, not news."""
    from monitor.storage.store import MIGRATIONS

    old = sqlite3.connect(db)
    for version, script in enumerate(MIGRATIONS[:4], start=1):
        old.executescript(f"BEGIN; {script}; PRAGMA user_version = {version}; COMMIT;")
    old.execute("INSERT INTO devices (name, host, status, created) VALUES ('sw1', '127.0.0.1', 'up', 0)")
    old.execute("INSERT INTO events (ts, device_id, kind, detail) VALUES (?, 1, 'reboot', '')", (NOW,))
    old.commit()
    old.close()
    conn = connect(db)  # migrates to the current schema
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert evaluate(conn, NOW + 1) == []
    conn.execute("INSERT INTO events (ts, device_id, kind, detail) VALUES (?, 1, 'reboot', '')", (NOW + 5,))
    assert evaluate(conn, NOW + 6) == ["Device restarted: sw1"]
    conn.close()


def test_disabled_rule_and_removed_device_close_quietly(conn: sqlite3.Connection, db: Path) -> None:
    one, two = make_device(conn, "sw1"), make_device(conn, "sw2")
    fail_polls(conn, one, 3, NOW - 3 * MIN)
    fail_polls(conn, two, 3, NOW - 3 * MIN)
    assert sorted(evaluate(conn, NOW)) == ["Device down: sw1", "Device down: sw2"]
    conn.execute("DELETE FROM devices WHERE id = ?", (two,))
    conn.commit()
    set_rule(db, "device_down", enabled=False)
    assert evaluate(conn, NOW + MIN) == []
    assert [r["state"] for r in conn.execute("SELECT state FROM alerts")] == ["resolved", "resolved"]
    details = [r["detail"] for r in conn.execute("SELECT detail FROM events WHERE kind = 'alert_resolved'")]
    assert sorted(details) == [
        "device_down alert on sw1 closed: the rule was disabled",
        "device_down alert on sw2 closed: the rule was disabled",
    ]
    assert len(queued(conn)) == 2  # only the two down notices


def test_pending_tray(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    fail_polls(conn, dev, 3, NOW - 3 * MIN)
    seen = [i.event_id for i in alerts.pending_tray(conn, 0)]
    assert seen == []
    evaluate(conn, NOW)
    (item,) = alerts.pending_tray(conn, 0)
    assert (item.kind, item.device) == ("alert", "sw1")
    assert item.detail.startswith("Device down: sw1 — 3 polls in a row failed.")
    assert alerts.pending_tray(conn, item.event_id) == []
    conn.execute("UPDATE devices SET status = 'up' WHERE id = ?", (dev,))
    evaluate(conn, NOW + MIN)
    assert [(i.kind, i.detail) for i in alerts.pending_tray(conn, item.event_id)] == [
        ("alert_resolved", "Device back up: sw1 — It answers again.")
    ]


def test_tray_notices_rebuild_another_processes_alerts(conn: sqlite3.Connection) -> None:
    dev = make_device(conn)
    start = alerts.last_event_id(conn)
    fail_polls(conn, dev, 3, NOW - 3 * MIN)
    evaluate(conn, NOW)
    (down,), last = alerts.tray_notices(conn, start)
    assert (down.event, down.rule_kind, down.device, down.severity) == ("alert", "device_down", "sw1", "critical")
    assert texts.title(down, "zh_TW") == "裝置離線：sw1" and down.location == "圖書館"
    assert alerts.tray_notices(conn, last) == ([], last)  # nothing new
    conn.execute("UPDATE devices SET status = 'up' WHERE id = ?", (dev,))
    evaluate(conn, NOW + MIN)
    (up,), _ = alerts.tray_notices(conn, last)
    assert (up.event, up.device, up.resolved) == ("alert_resolved", "sw1", NOW + MIN)


# ------------------------------------------------------------------------------------------------ rules


def test_rules_are_validated_and_nothing_changes_on_bad_input(conn: sqlite3.Connection) -> None:
    before = alerts.list_rules(conn)
    assert [r.kind for r in before] == ["device_down", "reboot", "port_down", "utilization", "errors"]
    assert before[0].params == {"polls": 3, "flap_changes": 4, "flap_window_min": 20, "remind_every_min": 60}
    bad = [
        (Rule("device_down", "x", {"polls": 0}), "polls: missed polls in a row must be between 1 and 100"),
        (Rule("device_down", "x", {"polls": 2.5}), "must be a whole number"),
        (Rule("utilization", "x", {"percent": "90"}), "must be a number"),
        (Rule("utilization", "x", {"direction": "up"}), "must be one of any, in, out"),
        (Rule("utilization", "x", {"speed": 1}), "has no parameter 'speed'"),
        (Rule("reboot", "x", {"polls": 3}), "has no parameter 'polls'"),
        (Rule("cpu", "x"), "rule kind 'cpu'"),
        (Rule("reboot", "", {}), "rule name"),
        (Rule("reboot", "x", severity="urgent"), "severity 'urgent'"),
        (Rule("reboot", "Device down"), "exists already"),
    ]
    for rule, message in bad:
        with pytest.raises(InputError, match=message):
            alerts.save_rule(conn, rule)
    assert alerts.list_rules(conn) == before
    added = alerts.save_rule(conn, Rule("utilization", "Core at 75 %", {"percent": 75}, severity="info"))
    assert added.params["percent"] == 75.0 and added.params["minutes"] == 15
    assert alerts.list_rules(conn)[-1] == added
    alerts.delete_rule(conn, added.id or 0)
    assert alerts.list_rules(conn) == before
    with pytest.raises(InputError, match="does not exist"):
        alerts.delete_rule(conn, 999)


def test_cli_alerts_lists(conn: sqlite3.Connection, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev = make_device(conn)
    fail_polls(conn, dev, 3, NOW - 3 * MIN)
    evaluate(conn, NOW)
    conn.execute("UPDATE devices SET status = 'up' WHERE id = ?", (dev,))
    evaluate(conn, NOW + MIN)
    assert cli(["--db", str(db), "alerts"]) == 0
    assert capsys.readouterr().out == "no firing alerts\n"
    assert cli(["--db", str(db), "alerts", "--all", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["kind"], listed["device"], listed["state"], listed["rule"]) == (
        "device_down",
        "sw1",
        "resolved",
        "Device down",
    )
    assert cli(["--db", str(db), "alerts", "rules", "--json"]) == 0
    assert [r["kind"] for r in json.loads(capsys.readouterr().out)][:2] == ["device_down", "reboot"]
    assert cli(["--db", str(db), "alerts", "ack", str(listed["id"])]) == 2
    assert capsys.readouterr().err == f"error: alert {listed['id']} is already resolved\n"
