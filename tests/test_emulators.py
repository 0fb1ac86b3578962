"""The SSH device emulators answer real netmiko the way the devices do (prompts, modes, errors, state, timers)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler
from netmiko.base_connection import BaseConnection
from netmiko.exceptions import ConfigInvalidException, NetmikoAuthenticationException

from devices.config.normalize import type7_decode
from devices.config.profile import load_profile
from devices.config.render import render
from devices.emulators import EmulatedDevice
from devices.push import PushResult, PushTarget, push
from tests.helpers_real import real_output

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"

pytestmark = pytest.mark.timeout(60)

SECRET = "en-secret"


def connect(dev: EmulatedDevice, **kwargs: object) -> BaseConnection:
    """A real netmiko session to ``dev`` (fast_cli, short timeouts, 127.0.0.1 only)."""
    params: dict[str, object] = {
        "device_type": dev.device_type,
        "host": dev.host,
        "port": dev.port,
        "username": dev.username,
        "password": dev.password,
        "secret": SECRET,
        "fast_cli": True,
        "conn_timeout": 5,
        "auth_timeout": 5,
        "banner_timeout": 5,
        "use_keys": False,
        "allow_agent": False,
    }
    params.update(kwargs)
    return ConnectHandler(**params)


def wait_for(predicate: object, timeout: float = 5.0) -> bool:
    """Poll ``predicate()`` until true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return bool(predicate())  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------------------------
# Cisco IOS


@pytest.fixture
def ios() -> Iterator[EmulatedDevice]:
    with EmulatedDevice("cisco_ios", enable_secret=SECRET, revert_seconds_per_minute=0.5) as dev:
        yield dev


def test_ios_prompts_show_and_enable(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        assert conn.find_prompt() == "SW1>"
        conn.enable()
        assert conn.find_prompt() == "SW1#"
        running = conn.send_command("show running-config")
        assert running.startswith("Building configuration...")
        assert "Current configuration : " in running
        assert "! Last configuration change at " in running
        assert "\nhostname SW1\n" in running and running.rstrip().endswith("end")
        assert ios.normalized(running) == ios.normalized(ios.running_config)
        assert "WS-C2960X" in conn.send_command("show version")
        assert conn.send_command("show running-config | include ^hostname").strip() == "hostname SW1"
    finally:
        conn.disconnect()
    assert ios.sessions == 1
    assert ios.commands[:2] == ["terminal width 511", "terminal length 0"]


def test_ios_user_exec_refuses_show_running(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        out = conn.send_command("show running-config")
        assert out.splitlines()[-1] == "% Invalid input detected at '^' marker."
        caret = out.splitlines()[-2]
        assert caret.strip() == "^" and caret.index("^") == len("SW1>show ")
    finally:
        conn.disconnect()


def test_ios_config_push_changes_running_config(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        conn.enable()
        conn.send_config_set(
            [
                "interface GigabitEthernet1/0/48",
                "description uplink to county center",
                "ip dhcp snooping trust",
                "interface range GigabitEthernet1/0/1 - 2",
                "switchport mode access",
                "spanning-tree portfast",
                "no ip http server",
                "ip ssh version 2",
                "line vty 0 4",
                "exec-timeout 5 0",
            ],
            error_pattern=ios.error_pattern,
        )
        assert not conn.check_config_mode()
    finally:
        conn.disconnect()
    running = ios.running_config
    assert (
        "interface GigabitEthernet1/0/48\n description uplink to county center\n switchport mode trunk\n"
        " ip dhcp snooping trust\n!" in running
    )
    # 15.2(7)E stores 'spanning-tree portfast' as 'spanning-tree portfast edge' (see the emulator's notes)
    assert "interface GigabitEthernet1/0/2\n switchport mode access\n spanning-tree portfast edge\n!" in running
    assert "\nno ip http server\n" in running and "\nip http server\n" not in running
    assert "line vty 0 4\n login local\n transport input ssh\n exec-timeout 5 0\nline vty 5 15\n" in running
    assert "\nip ssh version 2\n" in running


def test_ios_rejected_line_stops_push_and_keeps_earlier_lines() -> None:
    with EmulatedDevice("cisco_ios", enable_secret=SECRET, reject=[r"^snmp-server community"]) as ios:
        conn = connect(ios)
        try:
            conn.enable()
            with pytest.raises(ConfigInvalidException, match="snmp-server community public RO"):
                conn.send_config_set(
                    ["ntp server 10.0.0.1", "snmp-server community public RO", "logging host 10.0.0.2"],
                    error_pattern=ios.error_pattern,
                )
            assert conn.check_config_mode()  # as on real gear: still in config mode
            conn.exit_config_mode()
            with pytest.raises(ConfigInvalidException):
                conn.send_config_set(["this is not ios"], error_pattern=ios.error_pattern)
            conn.exit_config_mode()
        finally:
            conn.disconnect()
        assert ios.has_line("ntp server 10.0.0.1")
        assert not ios.has_line("snmp-server community public RO")
        assert "logging host 10.0.0.2" not in ios.commands


def test_ios_hostname_changes_prompt_and_save(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        conn.enable()
        conn.send_config_set(["hostname SW-SCHOOL-01"], exit_config_mode=False)
        assert conn.find_prompt() == "SW-SCHOOL-01(config)#"
        conn.exit_config_mode()
        conn.set_base_prompt()
        assert ios.normalized(ios.startup_config) != ios.normalized(ios.running_config)
        assert "[OK]" in conn.save_config()
    finally:
        conn.disconnect()
    assert ios.normalized(ios.startup_config) == ios.normalized(ios.running_config)
    assert ios.startup_config.startswith("Using ")
    assert "\nhostname SW-SCHOOL-01\n" in ios.startup_config and "hostname SW1" not in ios.startup_config


def test_ios_revert_timer_rolls_back_after_dropped_session() -> None:
    with EmulatedDevice("cisco_ios", enable_secret=SECRET, revert_seconds_per_minute=3.0) as ios:
        before = ios.normalized(ios.running_config)
        ios.drop_next_session_after(r"^no ip http server$")
        conn = connect(ios)
        conn.enable()
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - the session is cut; netmiko raises whatever the read hit
            conn.send_config_set(
                ["ip domain-name new.example", "no ip http server", "logging host 10.0.0.9"],
                config_mode_command="configure terminal revert timer 1",
                read_timeout=1,
            )
        conn.disconnect()
        assert time.monotonic() - started < 2.5
        assert ios.has_line("no ip http server")  # applied, then the link went away
        assert "logging host 10.0.0.9" not in ios.commands
        assert wait_for(lambda: ios.normalized(ios.running_config) == before, timeout=5)
        assert any("ROLLBK_CNFRM_TIMER_EXPIRED" in m for m in ios.log)


def test_ios_revert_timer_confirmed_keeps_change(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        conn.enable()
        out = conn.send_config_set(
            ["vlan 200", "name TANET-CLIENTS"], config_mode_command="configure terminal revert timer 1"
        )
        assert "Rollback Confirmed Change: Backing up current running config to flash:archive-" in out
        assert "Timer value: 1 min" in conn.send_command("show archive config rollback timer")
        conn.send_command("configure confirm")
        assert "%No Rollback Confirmed Change pending" in conn.send_command("show archive config rollback timer")
    finally:
        conn.disconnect()
    time.sleep(0.8)
    assert "vlan 200" not in ios.running_config  # VTP server mode: the VLAN is in the VLAN database
    assert ios.platform.vlans[200] == "TANET-CLIENTS"


def test_ios_revert_now_and_archive_required(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        conn.enable()
        conn.send_config_set(
            ["ip domain-name changed.example"], config_mode_command="configure terminal revert timer 5"
        )
        assert ios.has_line("ip domain-name changed.example")
        assert "Rolling to:" in conn.send_command("configure revert now")
        assert ios.has_line("ip domain-name school.example.edu.tw")
        conn.send_config_set(["no archive"])
        out = conn.send_command("configure terminal revert timer 5")
        assert "%Turn config archive on before using Rollback Confirmed Change" in out
        assert conn.find_prompt() == "SW1#"
    finally:
        conn.disconnect()


def test_ios_banner_multiline(ios: EmulatedDevice) -> None:
    conn = connect(ios)
    try:
        conn.enable()
        conn.send_config_set(["banner login ^C", "Authorized access only", "^C", "ip ssh time-out 60"])
    finally:
        conn.disconnect()
    assert "banner login ^CC\nAuthorized access only\n^C\n" in ios.running_config
    assert ios.has_line("ip ssh time-out 60")


def test_ios_wrong_password_and_privileged_account() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        with pytest.raises(NetmikoAuthenticationException):
            connect(dev, password="wrong")
        conn = connect(dev)
        try:
            assert conn.find_prompt() == "SW1#"
        finally:
            conn.disconnect()


def test_restart_new_host_key_and_reload(ios: EmulatedDevice) -> None:
    old = ios.host_key_fingerprint
    port = ios.port
    ios.set_running_config(ios.running_config.replace("hostname SW1", "hostname SW9"))
    ios.restart(new_host_key=True)
    assert ios.port == port
    assert ios.host_key_fingerprint != old and ios.host_key_fingerprint.startswith("SHA256:")
    assert "hostname SW1" in ios.running_config  # a reboot: unsaved changes are gone
    conn = connect(ios)
    try:
        assert conn.find_prompt() == "SW1>"
    finally:
        conn.disconnect()
    assert ios.sessions == 1


# ---------------------------------------------------------------------------------------------------------------
# Cisco IOS prints like the real outputs in tests/data/real


def _session(dev: EmulatedDevice) -> BaseConnection:
    conn = connect(dev)
    conn.enable()
    return conn


def _config(conn: BaseConnection, lines: list[str]) -> str:
    return str(conn.send_config_set(lines, error_pattern=r"% Invalid input|% Incomplete command"))


def test_ios_factory_config_has_split_vty_groups_trunks_and_archive() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        running = dev.running_config
    # As printed by real switches (ios150_c3560_cheesy_arena.txt, ios120_c2950_ciscoconfparse_sample_02.txt):
    # 'line vty 0 4' and 'line vty 5 15' apart, with the same settings.
    real = real_output("ios150_c3560_cheesy_arena.txt")
    assert "line vty 0 4\n login\nline vty 5 15\n login\n" in real
    assert (
        "line vty 0 4\n login local\n transport input ssh\nline vty 5 15\n login local\n transport input ssh\n"
        in running
    )
    assert (
        "interface GigabitEthernet1/0/47\n description Downlink-Classroom-Bldg\n switchport mode trunk\n!\n"
        "interface GigabitEthernet1/0/48\n description Uplink-Core\n switchport mode trunk\n!\n"
        "interface TenGigabitEthernet1/0/1\n!\ninterface TenGigabitEthernet1/0/2\n!\n"
    ) in running
    assert "interface Vlan1\n ip address 10.0.99.11 255.255.255.0\n" in running
    assert "archive\n path flash:archive\n maximum 10\n" in running
    assert "switch 1 provision ws-c2960x-48fpd-l\n" in running and "\nversion 15.2\n" in running


def test_ios_without_archive_refuses_the_revert_timer() -> None:
    with EmulatedDevice("cisco_ios", privileged=True, archive=False) as dev:
        assert "\narchive\n" not in dev.running_config
        conn = connect(dev)
        try:
            out = conn.send_command("configure terminal revert timer 5", expect_string=r"#")
            assert "%Turn config archive on before using Rollback Confirmed Change" in out
            assert conn.find_prompt() == "SW1#"
        finally:
            conn.disconnect()


def test_ios_vty_0_15_edits_both_groups_and_groups_split_when_they_differ() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            _config(conn, ["line vty 0 15", "access-class MGMT-ACL in"])
            assert (
                "line vty 0 4\n login local\n transport input ssh\n access-class MGMT-ACL in\n"
                "line vty 5 15\n login local\n transport input ssh\n access-class MGMT-ACL in\n"
            ) in dev.running_config
            _config(conn, ["line vty 0 1", "exec-timeout 5 0"])
            running = dev.running_config
            assert "line vty 0 1\n" in running and "line vty 2 4\n" in running and "line vty 5 15\n" in running
            out = _config(conn, ["line vty 0 16"])  # a 2960-X has vty 0-15
        except ConfigInvalidException as exc:
            out = str(exc)
        finally:
            conn.disconnect()
        assert "Invalid input" in out


def test_ios_hides_defaults_and_prints_other_values() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            _config(conn, ["logging trap debugging", "line con 0", "exec-timeout 0 0", "ip ssh time-out 30"])
            running = dev.running_config
            # printed when not the default, as in ios120_c2950_ciscoconfparse_sample_02.txt ('logging trap
            # debugging') and ios150_c3560_cheesy_arena.txt ('exec-timeout 0 0')
            assert "\nlogging trap debugging\n" in running and "line con 0\n exec-timeout 0 0\n" in running
            assert "\nip ssh time-out 30\n" in running
            _config(
                conn,
                [
                    "logging trap informational",
                    "line con 0",
                    "exec-timeout 10 0",
                    "ip ssh time-out 120",
                    "ip ssh authentication-retries 3",
                    "errdisable recovery interval 300",
                ],
            )
            running = dev.running_config
        finally:
            conn.disconnect()
        for hidden in (
            "logging trap",
            "exec-timeout",
            "ip ssh time-out",
            "authentication-retries",
            "errdisable recovery",
        ):
            assert hidden not in running, hidden


def test_ios_prints_ipv6_upper_case_portfast_edge_and_storm_levels() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            _config(
                conn,
                [
                    "ntp server 2001:db8::123",
                    "interface gi1/0/5",
                    "ipv6 address 2001:db8:5::1/64",
                    "interface range Gi1/0/1 - 2",
                    "spanning-tree portfast",
                    "storm-control broadcast level 5",
                    "interface Gi1/0/3",
                    "spanning-tree portfast trunk",
                ],
            )
        finally:
            conn.disconnect()
        running = dev.running_config
    real = real_output("ios_router_nist_ciscoconfparse_sample_09.txt")
    assert " ipv6 address FD00:F:F:1::3/64" in real  # the printed form the emulator follows
    assert "\nntp server 2001:DB8::123\n" in running
    assert "interface GigabitEthernet1/0/5\n ipv6 address 2001:DB8:5::1/64\n" in running
    assert (
        "interface GigabitEthernet1/0/1\n spanning-tree portfast edge\n storm-control broadcast level 5.00\n" in running
    )
    assert "interface GigabitEthernet1/0/3\n spanning-tree portfast edge trunk\n" in running


def test_ios_xe_and_older_ios_store_portfast_without_edge() -> None:
    real = real_output("xe_c9k_interfaces_genie.txt")
    assert " spanning-tree portfast\n" in real and " spanning-tree portfast trunk\n" in real
    for version, model in (("17.9.4", "C9300-48P"), ("15.0(2)SE11", "WS-C3560X-48P")):
        with EmulatedDevice("cisco_ios", privileged=True, version=version, model=model) as dev:
            conn = _session(dev)
            try:
                port = "Gi1/0/3" if model.startswith("C9300") else "Gi0/3"
                _config(conn, [f"interface {port}", "spanning-tree portfast"])
            finally:
                conn.disconnect()
            assert " spanning-tree portfast\n" in dev.running_config, version
            assert "portfast edge" not in dev.running_config


def test_ios_snmp_user_is_never_shown_but_listed_by_show_snmp_user() -> None:
    user = "snmp-server user campusnet NMS-GRP v3 auth sha Auth-123456 priv aes 128 Priv-123456 access MGMT-ACL"
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            _config(conn, [user])
            listed = conn.send_command("show snmp user")
            with pytest.raises(ConfigInvalidException):  # IOS 15 takes only 'auth md5|sha'
                _config(conn, [user.replace("auth sha", "auth sha-2 256")])
            conn.exit_config_mode()
        finally:
            conn.disconnect()
        assert "snmp-server user" not in dev.running_config
    real = real_output("ios_show_snmp_user_ntc.txt")
    real_block = real.split("User name: user_snmp2\n", 1)[1].split("\n\n", 1)[0].splitlines()
    own_block = listed.split("User name: campusnet\n", 1)[1].strip().splitlines()
    # the same lines in the same order, with this device's values
    assert [line.split(":", 1)[0] for line in own_block] == [line.split(":", 1)[0] for line in real_block]
    assert "Authentication Protocol: SHA" in own_block and "Privacy Protocol: AES128" in own_block
    assert "Group-name: NMS-GRP" in own_block and own_block[1].endswith("active access-list: MGMT-ACL")
    with EmulatedDevice("cisco_ios", privileged=True, version="17.9.4", model="C9300-48P") as xe:
        conn = _session(xe)
        try:
            _config(conn, [user.replace("auth sha", "auth sha-2 256")])  # IOS-XE takes SHA-256
            assert "Authentication Protocol: SHA-256" in conn.send_command("show snmp user")
        finally:
            conn.disconnect()


def test_ios_banner_and_keys_as_ios_prints_them() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            _config(conn, ["radius server R1", "key 0 Cisco123"])
            assert "radius server R1\n key Cisco123\n" in dev.running_config  # as in xe_radius_server_genie.txt
            _config(conn, ["service password-encryption"])
            running = dev.running_config
            _config(conn, ["banner login ^", "Authorized access only.", "^"])
            banner_running = dev.running_config
        finally:
            conn.disconnect()
    match = re.search(r"radius server R1\n key 7 ([0-9A-F]+)\n", running)
    assert match is not None and type7_decode(match.group(1)) == "Cisco123"
    assert "banner login ^C\nAuthorized access only.\n^C\n" in banner_running


def test_ios_vtp_server_keeps_vlans_out_of_the_running_config() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            _config(conn, ["vlan 200", "name ROAM-200", "interface Gi1/0/7", "switchport access vlan 200"])
            running = dev.running_config
            brief = conn.send_command("show vlan brief")
            vtp = conn.send_command("show vtp status")
            out = _config(conn, ["vtp mode transparent"])
            transparent = dev.running_config
        finally:
            conn.disconnect()
    # VTP server: no 'vlan N' block, no 'vtp mode' line (ios150_c3560_cheesy_arena.txt)
    assert "\nvlan 200\n" not in running and "vtp mode" not in running
    real_brief = real_output("ios_show_vlan_brief_napalm.txt")
    assert brief.splitlines()[1:3] == real_brief.splitlines()[:2]  # the same header
    row = next(line for line in brief.splitlines() if line.startswith("200 "))
    assert re.fullmatch(r"200  ROAM-200 +active    Gi1/0/7", row)
    assert re.match(r"^1002 \S+ +act/unsup$", brief.splitlines()[-4])
    assert "VTP Operating Mode                : Server" in vtp
    real_vtp = real_output("ios_show_vtp_status_ntc.txt")
    assert [line.split(":")[0] for line in vtp.splitlines()[:5]] == [
        line.split(":")[0] for line in real_vtp.splitlines()[:5]
    ]
    assert "Setting device to VTP Transparent mode for VLANS." in out
    assert "vtp mode transparent\n" in transparent and "vlan 200\n name ROAM-200\n" in transparent


def test_ios_trunk_rules_per_model() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:  # 2960-X: dot1q only, no encapsulation command
        conn = _session(dev)
        try:
            with pytest.raises(ConfigInvalidException, match="Invalid input"):
                _config(conn, ["interface Gi1/0/41", "switchport trunk encapsulation dot1q"])
            conn.exit_config_mode()
            _config(conn, ["interface Gi1/0/41", "switchport mode trunk"])
        finally:
            conn.disconnect()
        assert "interface GigabitEthernet1/0/41\n switchport mode trunk\n" in dev.running_config
    with EmulatedDevice("cisco_ios", privileged=True, version="15.0(2)SE11", model="WS-C3560X-48P") as isl:
        # the factory trunks are typed the way ios150_c3560_cheesy_arena.txt shows them
        assert (
            "interface GigabitEthernet0/48\n description Uplink-Core\n switchport trunk encapsulation dot1q\n"
            " switchport mode trunk\n" in isl.running_config
        )
        conn = _session(isl)
        try:
            out = conn.send_config_set(["interface Gi0/41", "switchport mode trunk"])
            refused = isl.running_config
            _config(conn, ["interface Gi0/41", "switchport trunk encapsulation dot1q", "switchport mode trunk"])
        finally:
            conn.disconnect()
        assert (
            'Command rejected: An interface whose trunk encapsulation is "Auto" can not be configured to "trunk" mode.'
            in out
        )
        assert "interface GigabitEthernet0/41\n!" in refused
        assert (
            "interface GigabitEthernet0/41\n switchport trunk encapsulation dot1q\n switchport mode trunk\n"
            in isl.running_config
        )


def test_ios_show_version_and_archive_differences() -> None:
    with EmulatedDevice("cisco_ios", privileged=True) as dev:
        conn = _session(dev)
        try:
            version = conn.send_command("show version")
            same = conn.send_command("show archive config differences")
            _config(conn, ["hostname SW2"])
            conn.set_base_prompt()
            differs = conn.send_command("show archive config differences")
        finally:
            conn.disconnect()
    real_version = real_output("ios152_c2960x_show_version_genie.txt").splitlines()[0]
    pattern = re.escape(real_version).replace(re.escape("15.2(2)E7"), r"(\S+)").replace(re.escape("(fc3)"), r"\(fc\d\)")
    match = re.match(pattern, version.splitlines()[0])
    assert match is not None and match.group(1) == "15.2(7)E9"
    assert "cisco WS-C2960X-48FPD-L " in version
    real_diff = real_output("ios_show_archive_config_differences_genie.txt").splitlines()
    assert "!Contextual Config Diffs:" in real_diff and "+hostname Router" in real_diff
    assert same.splitlines() == ["!Contextual Config Diffs:", "!No changes were found"]
    assert differs.splitlines()[0] == "!Contextual Config Diffs:"
    assert "+hostname SW2" in differs.splitlines() and "-hostname SW1" in differs.splitlines()


class _Backups:
    """A BackupStore in memory."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.audit: list[dict[str, object]] = []

    def save_backup(self, device_id: int, text: str, source: str) -> int:
        self.texts.append(text)
        return len(self.texts)

    def last_backup(self, device_id: int) -> str | None:
        return self.texts[-1] if self.texts else None

    def record_audit(self, **fields: object) -> None:
        self.audit.append(fields)


def test_ios_baseline_push_is_verified_and_a_second_push_sends_nothing(tmp_path: Path) -> None:
    secrets = {"county-radius": "Rad1us-S3cret!", "snmpv3-auth": "AuthKey-123456", "snmpv3-priv": "PrivKey-654321"}
    from tests.helpers import ios_roles

    backups = _Backups()
    with EmulatedDevice("cisco_ios", privileged=True, revert_seconds_per_minute=30, archive=True) as dev:
        roles = ios_roles(dev.running_config)
        rendered = render("baseline", "cisco_ios", load_profile(EXAMPLE), secrets=secrets.__getitem__, roles=roles)
        target = PushTarget(1, "sw1", dev.host, dev.port, dev.username, dev.password, "cisco_ios")

        def push_once() -> PushResult:
            return push(
                target,
                rendered.lines,
                rendered.masked_lines,
                sorted(rendered.secret_values),
                dry_run=False,
                known_hosts=tmp_path / "known_hosts",
                backup_store=backups,
                seconds_per_minute=30,
                timeout=10,
                read_timeout=30,
            )

        first = push_once()
        assert first.status == "applied", first.message
        running = dev.running_config
        assert "line vty 0 15" not in running and "line vty 0 4\n" in running and "line vty 5 15\n" in running
        assert " spanning-tree portfast edge\n" in running and "\nntp server 2001:DB8::123\n" in running
        assert "exec-timeout" not in running and "snmp-server user" not in running
        assert "User name: campusnet" in dev.platform.snmp_user_table()  # type: ignore[attr-defined]
        # the uplink and downlink trunks are left as they were (the example profile's edge ports are 1-40)
        assert (
            "interface GigabitEthernet1/0/47\n description Downlink-Classroom-Bldg\n switchport mode trunk\n!"
            in running
        )
        sent = len(dev.commands)
        second = push_once()
        assert second.status == "unchanged", second.message
        assert second.change == []
        config_lines = [c for c in dev.commands[sent:] if not c.startswith(("terminal", "show", "enable", "exit"))]
        assert config_lines == []


# ---------------------------------------------------------------------------------------------------------------
# Cisco AireOS WLC, ArubaOS 8, ArubaOS-Switch


def test_wlc_login_push_and_save() -> None:
    with EmulatedDevice("cisco_wlc") as wlc:
        conn = connect(wlc)
        try:
            assert conn.find_prompt() == "(Cisco Controller) >"
            assert "config wlan create 1 staff staff" in conn.send_command("show run-config commands")
            conn.send_config_set(
                ["config wlan create 17 eduroam eduroam", "config wlan disable 17", "config wlan interface 17 v200"],
                error_pattern=wlc.error_pattern,
            )
            with pytest.raises(ConfigInvalidException, match="Incorrect usage"):
                conn.send_config_set(["config wlan enable 17", "config nonsense here"], error_pattern=wlc.error_pattern)
            assert "Configuration Saved!" in conn.save_config()
        finally:
            conn.disconnect()
        assert wlc.commands[0] == wlc.username  # the in-band "User:" answer; the password is not recorded
        assert wlc.password not in wlc.commands
        running = wlc.running_config
        assert "config wlan interface 17 v200\n" in running and "config wlan enable 17\n" in running
        assert "config wlan disable 17" not in running
        assert wlc.startup_config == running


def test_aruba_os_profiles_errors_and_write_memory() -> None:
    with EmulatedDevice("aruba_os", reject=[r"^opmode wpa3"]) as mc:
        conn = connect(mc, global_cmd_verify=True)  # the emulator echoes exactly (no auto-complete on space)
        try:
            assert conn.find_prompt() == "(host) #"
            conn.send_config_set(
                ["wlan ssid-profile eduroam-ssid", "essid eduroam", "opmode wpa2-aes", "!", "hostname mc1"],
                error_pattern=mc.error_pattern,
            )
            conn.set_base_prompt()
            assert conn.find_prompt() == "(mc1) #"
            conn.config_mode()
            conn.write_channel("wlan ssid-profile eduroam-ssid\r")
            assert conn.read_until_pattern(r"#").endswith('(mc1) (SSID Profile "eduroam-ssid") #')
            with pytest.raises(ConfigInvalidException):
                conn.send_config_set(
                    ["opmode wpa3-aes-ccm-128"], enter_config_mode=False, error_pattern=mc.error_pattern
                )
            assert not conn.check_config_mode()  # a profile prompt has no "(config) #" (VENDORS.md gotcha)
            assert "Configuration Saved." in conn.save_config(cmd="write memory")  # AOS saves from any level
        finally:
            conn.disconnect()
        assert 'wlan ssid-profile "eduroam-ssid"\n   essid eduroam\n   opmode wpa2-aes\n!' in mc.running_config
        assert mc.normalized(mc.startup_config) == mc.normalized(mc.running_config)


def test_procurve_banner_contexts_and_errors() -> None:
    with EmulatedDevice("hp_procurve") as sw:
        conn = connect(sw)
        try:
            assert conn.find_prompt() == "HP-2530-48G#"
            assert conn.send_command("show running-config").startswith("Running configuration:")
            conn.send_config_set(
                ["vlan 200", "name TANET", "tagged 49-52", "exit", "no snmp-server community public"],
                error_pattern=sw.error_pattern,
            )
            with pytest.raises(ConfigInvalidException, match="Invalid input"):
                conn.send_config_set(["sntp unicast", "frobnicate 1"], error_pattern=sw.error_pattern)
            conn.exit_config_mode()
            conn.save_config()
        finally:
            conn.disconnect()
        running = sw.running_config
        assert 'vlan 200\n   name "TANET"\n   tagged 49-52\n   exit\n' in running
        assert "snmp-server community" not in running and "sntp unicast" in running
        assert sw.normalized(sw.startup_config) == sw.normalized(running)
