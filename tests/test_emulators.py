"""The SSH device emulators answer real netmiko the way the devices do (prompts, modes, errors, state, timers)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from netmiko import ConnectHandler
from netmiko.base_connection import BaseConnection
from netmiko.exceptions import ConfigInvalidException, NetmikoAuthenticationException

from devices.emulators import EmulatedDevice

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
                "exec-timeout 10 0",
            ],
            error_pattern=ios.error_pattern,
        )
        assert not conn.check_config_mode()
    finally:
        conn.disconnect()
    running = ios.running_config
    assert (
        "interface GigabitEthernet1/0/48\n description uplink to county center\n ip dhcp snooping trust\n!" in running
    )
    assert "interface GigabitEthernet1/0/2\n switchport mode access\n spanning-tree portfast\n!" in running
    assert "\nno ip http server\n" in running and "\nip http server\n" not in running
    assert "line vty 0 4\n login local\n transport input ssh\n exec-timeout 10 0\n" in running
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
    assert "vlan 200\n name TANET-CLIENTS\n!" in ios.running_config


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
