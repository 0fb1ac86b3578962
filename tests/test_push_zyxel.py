"""Zyxel managed switches (ZyNOS CLI): which devices get a configuration driver and why not, how VLAN membership is
compared, the GS2210 emulator against real netmiko, and the safe push of the example profile's templates to it
(applied, verified and saved; unchanged the second time; a refused line and a dropped session rolled back with
compensating lines). Every check is on the emulator's own state (configuration tree, startup configuration, log,
received lines) or on what the push reports.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from netmiko.base_connection import BaseConnection
from netmiko.exceptions import ConfigInvalidException

from devices.config import zynos
from devices.config.drivers import DRIVERS, driver_for
from devices.config.profile import Profile, load_profile
from devices.config.render import Rendered, render
from devices.emulators import EmulatedDevice
from devices.emulators.zyxel import MORE
from devices.errors import InputError
from devices.push import PushResult, PushTarget, compute_change, configs_equal, push, restore_lines
from monitor.configuration import configs
from monitor.storage.inventory import DeviceSpec, add_device, get_device
from monitor.storage.secrets import SecretStore

pytestmark = pytest.mark.timeout(180)

ZYXEL = driver_for("zyxel_switch")
PASSWORD = "Ssh-Pa55word!"
EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
SECRETS = {"county-radius": "Rad1us-S3cret!", "snmpv3-auth": "AuthKey-123456", "snmpv3-priv": "PrivKey-654321"}
# The emulator's 28 ports: users on 1-20, APs on 21-24, uplinks (tagged in every VLAN) on 25-28.
PORTS = {"access_ports": "1-20", "ap_ports": "21-24", "uplink_ports": "25-28"}
EDGE, AP, UPLINKS = range(1, 21), range(21, 25), range(25, 29)
# What netmiko and the push send besides configuration lines.
SESSION_COMMANDS = re.compile(r"^(terminal width 511|terminal length 0|show running-config|configure|exit)$")

Store = tuple[sqlite3.Connection, SecretStore, Path]


# -- which devices get a driver ----------------------------------------------------------------------------------


def _device(store: Store, name: str, *, platform: str = "auto", **columns: str | None) -> sqlite3.Row:
    """A device row as polling leaves it: ``columns`` (detected_platform, netmiko_type, model) set directly."""
    conn, secrets, _ = store
    spec = DeviceSpec(name=name, host="192.0.2.50", platform=platform, secrets={"community": "public"})
    add_device(conn, secrets, spec)
    with conn:
        for column, value in columns.items():
            conn.execute(f"UPDATE devices SET {column} = ? WHERE name = ?", (value, name))
    return get_device(conn, name)


def test_an_identified_zyxel_switch_gets_the_zyxel_driver(store: Store) -> None:
    row = _device(store, "zy1", detected_platform="zyxel_switch", netmiko_type=None, model="GS2210-28HP")
    assert configs.device_platform(row) == "zyxel_switch"
    assert (ZYXEL.netmiko_type, ZYXEL.folder, ZYXEL.revert) == ("cisco_ios", "zyxel_switch", None)
    assert (ZYXEL.config_command, ZYXEL.exit_config, ZYXEL.save) == ("configure", "exit", ZYXEL.save)
    assert ZYXEL.save is not None and ZYXEL.save.command == "write memory"
    chosen = _device(store, "zy2", platform="zyxel_switch")  # never polled, platform set by the user
    assert configs.device_platform(chosen) == "zyxel_switch"


def test_an_identified_platform_without_a_driver_is_named_with_the_supported_ones(store: Store) -> None:
    row = _device(store, "planet1", detected_platform="planet", netmiko_type=None, model="GS-4210-24T2S")
    with pytest.raises(InputError) as err:
        configs.device_platform(row)
    message = str(err.value)
    assert message.startswith("planet1: no configuration driver for planet (supported: ")
    assert "zyxel_switch" in message and "cisco_ios" in message and "not known yet" not in message
    chosen = _device(store, "mx1", platform="mikrotik_routeros")
    with pytest.raises(InputError, match=r"^mx1: no configuration driver for mikrotik_routeros \(supported: "):
        configs.device_platform(chosen)


def test_a_web_managed_zyxel_gets_its_own_reason(store: Store) -> None:
    row = _device(store, "gs1900", detected_platform="zyxel_switch", model="GS1900-24HP")
    with pytest.raises(InputError) as err:
        configs.device_platform(row)
    assert str(err.value) == (
        "gs1900: the Zyxel GS1900-24HP is managed through its web page only (its command line cannot change the "
        "configuration): CampusNet cannot push configuration to it"
    )


def test_only_a_device_never_identified_is_not_known_yet(store: Store) -> None:
    for name, detected in (("new1", None), ("odd1", "unknown")):
        row = _device(store, name, detected_platform=detected, netmiko_type=None)
        with pytest.raises(InputError, match=rf"^the platform of {name} is not known yet: poll it once"):
            configs.device_platform(row)


# -- comparing VLAN membership port by port ----------------------------------------------------------------------

# The start of a GS1920's 'show running-config' (ytti/oxidized#2156; every line ends in a blank), with VLAN lists as
# a public XMG1920 plan writes them ('fixed 6,8-10', 'forbidden 1-5,7', 'untagged 1-2,5-6,9-10').
GS1920_RUNNING = "".join(
    f"{line} \n"  # the switch ends every line with a blank
    for line in [
        "  Building configuration...",
        "",
        "  Current configuration:",
        "",
        "vlan 1",
        "  name 1",
        '  normal ""',
        "  fixed 1-10",
        '  forbidden ""',
        "  untagged 1-2,5-6,9-10",
        "exit",
        "vlan 10",
        "  name 10",
        '  normal ""',
        "  fixed 6,8-10",
        "  forbidden 1-5,7",
        '  untagged ""',
        "exit",
        "dhcp snooping vlan 1,10",
    ]
)


def test_lists_are_compared_one_port_per_line() -> None:
    flat = zynos.per_port(GS1920_RUNNING)
    assert "  fixed 8" in flat and "  no fixed 7" in flat and "  forbidden 7" in flat
    assert "  untagged 5" in flat and "  no untagged 3" in flat and "normal" not in flat
    assert "dhcp snooping vlan 10" in flat.splitlines() and "dhcp snooping vlan 1,10" not in flat
    assert "interface port-channel 7" in flat.splitlines()  # every port exists, shown or not
    assert zynos.per_port(flat) == flat
    assert zynos.compress(zynos.expand("6,8-10,1-5,7") or []) == "1-10"
    assert zynos.expand('""') == [] and zynos.expand("1-x") is None and zynos.compress([]) == '""'


def test_change_and_rollback_are_computed_per_port() -> None:
    lines = ["vlan 10", " fixed 9", " fixed 3", " no untagged 9", "dhcp snooping vlan 10", "dhcp snooping vlan 20"]
    change = compute_change(ZYXEL, GS1920_RUNNING, lines)
    assert change.lines == ["vlan 10", " fixed 3", "dhcp snooping vlan 20"]
    after = GS1920_RUNNING.replace("fixed 6,8-10", "fixed 3,6,8-10").replace("forbidden 1-5,7", "forbidden 1-2,4-5,7")
    after = after.replace("dhcp snooping vlan 1,10", "dhcp snooping vlan 1,10,20")
    undo = restore_lines(ZYXEL, after, GS1920_RUNNING)
    assert undo[:3] == ["vlan 10", " no fixed 3", " forbidden 3"] and "no dhcp snooping vlan 20" in undo
    assert {line.strip() for line in undo} == {"vlan 10", "no fixed 3", "forbidden 3", "no dhcp snooping vlan 20"}
    assert configs_equal(ZYXEL, GS1920_RUNNING, GS1920_RUNNING.replace("fixed 1-10", "fixed 1-5,6-10"))
    assert not configs_equal(ZYXEL, GS1920_RUNNING, after)


# -- the emulator ------------------------------------------------------------------------------------------------


def _connect(dev: EmulatedDevice) -> BaseConnection:
    """A real netmiko session as the push opens it (cisco_ios)."""
    return ConnectHandler(
        device_type=ZYXEL.netmiko_type,
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


def _errors() -> str:
    """The driver's error pattern widened to the answer line, as the push uses it."""
    return rf"^.*(?:{ZYXEL.error_pattern}).*$"


def _answer(conn: BaseConnection, line: str) -> str:
    """What the switch prints for one line, up to and including its next prompt."""
    conn.write_channel(line + "\r")
    return str(conn.read_until_pattern(r"# $"))


def _block(dev: EmulatedDevice, header: str) -> list[str]:
    """The lines of the emulator's running-config block ``header`` ([] when it has none)."""
    node = dev.platform.running.find([header])
    return [child.text for child in node.children] if node is not None else []


@pytest.fixture
def zy() -> Iterator[EmulatedDevice]:
    with EmulatedDevice("zyxel_switch", password=PASSWORD) as dev:
        yield dev


def test_emulator_login_prompts_and_running_config(zy: EmulatedDevice) -> None:
    conn = _connect(zy)
    try:
        assert conn.find_prompt() == "GS2210#"
        running = conn.send_command("show running-config")
        assert running.startswith("  Building configuration...\n\n  Current configuration: \n\nvlan 1 \n  name 1 \n")
        assert 'vlan 10 \n  name STAFF \n  normal "" \n  fixed 1-12,25-28 \n  forbidden 13-24 \n' in running
        assert running.rstrip().endswith("interface port-channel 25 \n  name Uplink-Core \nexit")
        assert zy.normalized(running) == zy.normalized(zy.running_config)
        assert conn.send_command("show run").strip() == 'Invalid command "run"'
        assert "Product Model           : GS2210-28HP" in conn.send_command("show system-information")
    finally:
        conn.disconnect()
    assert zy.commands[:2] == ["terminal width 511", "terminal length 0"]  # netmiko's cisco_ios preparation


def test_emulator_modes_errors_and_save(zy: EmulatedDevice) -> None:
    conn = _connect(zy)
    try:
        assert _answer(conn, "configure terminal").splitlines()[-2:] == ['  Invalid command "terminal"', "GS2210# "]
        assert _answer(conn, "configure").splitlines()[-1] == "GS2210(config)# "
        for line, prompt in [
            ("vlan 300", "GS2210(config-vlan)# "),
            ("exit", "GS2210(config)# "),
            ("interface port-channel 2,4-5", "GS2210(config-interface)# "),
            ("end", "GS2210(config-interface)# "),
            ("exit", "GS2210(config)# "),
        ]:
            assert _answer(conn, line).splitlines()[-1] == prompt, line
        # No 'end': netmiko's own exit from configuration mode fails, the push's 'exit' works.
        with pytest.raises(ValueError, match="Failed to exit configuration mode"):
            conn.send_config_set(["interface port-channel 3"], enter_config_mode=False)
        assert _answer(conn, "exit").splitlines()[-1] == "GS2210(config)# "
        assert _answer(conn, "no interface port-channel 3").splitlines()[-2] == '  Invalid command "interface"'
        once = {"enter_config_mode": False, "exit_config_mode": False, "error_pattern": _errors()}
        with pytest.raises(ConfigInvalidException, match='Invalid command "frobnicate"'):
            conn.send_config_set(["frobnicate 1"], **once)
        with pytest.raises(ConfigInvalidException, match='Invalid command "29"'):
            conn.send_config_set(["vlan 300", "fixed 29"], **once)
        with pytest.raises(ConfigInvalidException, match='Invalid command "sha256"'):
            conn.send_config_set(
                [
                    "exit",
                    "snmp-server username nms sec-level priv auth sha256 authpassword Auth-Key1 priv aes "
                    "privpassword Priv-Key1 group admin",
                ],
                **once,
            )
        conn.send_config_set(
            [
                "vlan 300",
                "name LAB",
                "fixed 21",
                "fixed 23-24",
                "untagged 21",
                "no fixed 24",
                "exit",
                "interface port-channel 2,4-5",
                "loopguard",
                "pvid 300",
                "exit",
                "hostname LIB-SW1",
                "no service-control telnet",
            ],
            **once,
        )
        assert _answer(conn, "exit").splitlines()[-1] == "LIB-SW1# "  # the prompt follows the hostname
        assert zy.normalized(zy.startup_config) != zy.normalized(zy.running_config)
        assert _answer(conn, "write memory").splitlines() == ["write memory", "LIB-SW1# "]
    finally:
        conn.disconnect()
    assert _block(zy, "vlan 300") == ["name LAB", "normal 1-20,22,24-28", "fixed 21,23", 'forbidden ""', "untagged 21"]
    assert _block(zy, "interface port-channel 4") == ["pvid 300", "loopguard"]
    assert "no service-control telnet" in zy.running_config
    assert zy.normalized(zy.startup_config) == zy.normalized(zy.running_config)
    assert zy.log == ["Save system configuration 1 successfully"]


def test_emulator_pages_until_the_pager_is_turned_off(zy: EmulatedDevice) -> None:
    conn = _connect(zy)
    try:
        conn.send_command("terminal length 24")
        conn.write_channel("show running-config\r")
        first = conn.read_until_pattern(re.escape(MORE)).splitlines()
        assert first[0] == "show running-config" and first[-1] == MORE  # 23 lines, then the pager's prompt
        assert len(first) == 25 and "interface port-channel 20 " not in first
        rest = ""
        for _ in range(10):  # a key for every screenful, until the prompt is back
            conn.write_channel(" ")
            rest += conn.read_until_pattern(rf"{re.escape(MORE)}|GS2210# $")
            if rest.endswith("GS2210# "):
                break
        assert "interface port-channel 25 " in rest and rest.count(MORE) >= 1
        conn.send_command("terminal length 0")
        assert MORE not in conn.send_command("show running-config")
    finally:
        conn.disconnect()


def test_emulator_keeps_snmp_keys_ciphered(zy: EmulatedDevice) -> None:
    conn = _connect(zy)
    try:
        conn.send_config_set(
            [
                "snmp-server username nms sec-level priv auth sha authpassword Auth-Key1 priv aes privpassword "
                "Priv-Key1 group admin"
            ],
            config_mode_command="configure",
            exit_config_mode=False,
            error_pattern=_errors(),
        )
        assert "Auth-Key1" not in zy.running_config and "Priv-Key1" not in zy.running_config
        assert re.search(r"authpassword cipher \w+ priv aes privpassword cipher \w+ group admin", zy.running_config)
        conn.send_config_set(
            ["no snmp-server username nms"], enter_config_mode=False, exit_config_mode=False, error_pattern=_errors()
        )
        assert "snmp-server username" not in zy.running_config
    finally:
        conn.disconnect()


# -- the push ----------------------------------------------------------------------------------------------------


def _profile() -> Profile:
    """The example profile with port tables for the emulator's GS2210 (the example has no Zyxel entries)."""
    profile = load_profile(EXAMPLE)
    base = profile.baseline
    tables = {key: {**getattr(base, key), "zyxel_switch": ports} for key, ports in PORTS.items()}
    return dataclasses.replace(profile, baseline=dataclasses.replace(base, **tables))


def _render(template: str, running: str | None = None) -> Rendered:
    """The template for the emulator's GS2210 with its port roles (the factory configuration's trunks by default;
    ports 1-28 as its ifDescr names them)."""
    from devices.config.profile import port_request
    from devices.config.roles import PortInfo, assign_roles

    profile = _profile()
    config = running if running is not None else EmulatedDevice("zyxel_switch").running_config
    ports = [PortInfo(f"GigabitEthernet{n}", f"GigabitEthernet{n}", if_type=6) for n in range(1, 29)]
    request = port_request(profile, "zyxel_switch", "zy1")
    roles = assign_roles("zyxel_switch", running=config, ports=ports, neighbours=[], requested=request)
    return render(template, "zyxel_switch", profile, secrets=SECRETS.__getitem__, roles=roles, device="zy1")


def _target(store: Store, dev: EmulatedDevice, name: str = "zy1") -> PushTarget:
    conn, secrets, _ = store
    spec = DeviceSpec(
        name=name,
        host="127.0.0.1",
        platform="zyxel_switch",
        ssh_host="127.0.0.1",
        ssh_port=dev.port,
        ssh_user=dev.username,
        secrets={"community": "public", "ssh_password": PASSWORD},
    )
    add_device(conn, secrets, spec)
    fields = configs.push_target_fields(get_device(conn, name), secrets)
    assert fields["device_type"] == "zyxel_switch"
    return PushTarget(**fields)


def _push(store: Store, target: PushTarget, rendered: Rendered, tmp_path: Path, **kw: Any) -> PushResult:
    conn, secrets, _ = store
    options: dict[str, Any] = {"dry_run": False, "timeout": 5, "read_timeout": 5, **kw}
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
    """Every line the device received (stripped) except what netmiko and the push send on their own."""
    return [c.strip() for c in dev.commands if not SESSION_COMMANDS.match(c.strip())]


def _ports(dev: EmulatedDevice, vid: int, key: str) -> set[int]:
    """The ports in list ``key`` (fixed, untagged ...) of VLAN ``vid`` on the emulator."""
    line = next(text for text in _block(dev, f"vlan {vid}") if text.startswith(key + " "))
    return set(zynos.expand(line.split(" ", 1)[1]) or [])


def test_good_push_applies_both_templates_verifies_and_saves(store: Store, zy: EmulatedDevice, tmp_path: Path) -> None:
    baseline, roaming = _render("baseline"), _render("roaming")
    assert baseline.notes == [] and roaming.notes == []
    uplink_vlans = {vid: _ports(zy, vid, "fixed") & set(UPLINKS) for vid in (1, 10, 20)}
    target = _target(store, zy)
    for rendered in (baseline, roaming):
        result = _push(store, target, rendered, tmp_path)
        assert result.status == "applied", result.message
    # Baseline: services off, time, logging, loop and BPDU guard on the edge ports only, DHCP snooping trusted
    # on the uplinks only.
    for line in ("no service-control telnet", "time timezone 800", "timesync server 192.0.2.1", "bpdu-guard"):
        assert zy.has_line(line), line
    assert zy.has_line("syslog server 192.0.2.2 level 6") and zy.has_line("dhcp snooping vlan 10,20,200")
    assert all(_block(zy, f"interface port-channel {p}")[-2:] == ["loopguard", "bpdu-guard"] for p in EDGE)
    assert all(_block(zy, f"interface port-channel {p}") in ([], ["name AP", "pvid 99"]) for p in AP)
    assert _block(zy, "interface port-channel 25") == ["name Uplink-Core", "dhcp snooping trust"]
    assert all(_block(zy, f"interface port-channel {p}") == ["dhcp snooping trust"] for p in range(26, 29))
    assert not any(s in zy.running_config for s in SECRETS.values())
    # Roaming: the client VLANs tagged and the AP VLAN untagged on the AP ports, which left VLAN 1; the trunk
    # uplinks still carry exactly the VLANs they carried, and no VLAN reached them.
    for vid in (200, 201):
        assert _ports(zy, vid, "fixed") == set(AP) and _ports(zy, vid, "untagged") == set()
    assert _ports(zy, 99, "fixed") == set(AP) == _ports(zy, 99, "untagged")
    assert _ports(zy, 1, "fixed") == set(UPLINKS) and _ports(zy, 1, "untagged") == set()
    assert {vid: _ports(zy, vid, "fixed") & set(UPLINKS) for vid in (1, 10, 20)} == uplink_vlans
    assert not any(_ports(zy, vid, "fixed") & set(UPLINKS) for vid in (99, 200, 201))
    assert zy.normalized(zy.startup_config) == zy.normalized(zy.running_config)  # saved
    assert "end" not in _sent(zy) and "configure terminal" not in zy.commands  # ZyNOS takes neither
    assert zy.commands.count("configure") == 2 and _sent(zy).count("write memory") == 2
    sources = [ref.source for ref in configs.history(store[0], target.device_id)]
    assert sources == ["push-after", "push-after", "push-before"]  # roaming's backup was baseline's result
    # Again: roaming is in place, nothing sent; the baseline re-sends only the SNMPv3 user, whose keys the switch
    # shows ciphered (so the push cannot see they are already there, and says so).
    sent = _sent(zy)
    again = _push(store, target, roaming, tmp_path)
    assert again.status == "unchanged", again.message
    assert _sent(zy) == sent and zy.commands[-1] in ("show running-config", "exit")  # read, nothing sent
    again = _push(store, target, baseline, tmp_path)
    assert again.status == "applied", again.message
    assert [line.split(" sec-level")[0] for line in again.change] == ["snmp-server username campusnet"]


def test_refused_line_is_rolled_back_with_compensating_lines(store: Store, tmp_path: Path) -> None:
    roaming = _render("roaming")
    with EmulatedDevice("zyxel_switch", password=PASSWORD, reject=[r"^pvid "]) as dev:
        before, startup = dev.normalized(dev.running_config), dev.normalized(dev.startup_config)
        result = _push(store, _target(store, dev), roaming, tmp_path)
        assert result.status == "rolled-back", result.message
        assert "line 42 'pvid 99' rejected: Invalid command \"pvid\"" in result.message
        assert "compensating line(s)" in result.message and "running config matches the backup" in result.message
        sent = _sent(dev)
        assert "vlan 200" in sent and "name AP" in sent  # lines before the refused one were applied...
        assert "no vlan 200" in sent and "no vlan 99" in sent and "no name AP" in sent  # ...and undone
        assert dev.normalized(dev.running_config) == before  # VLAN 1 has the AP ports again
        assert dev.normalized(dev.startup_config) == startup and "write memory" not in sent
    assert configs.audit_log(store[0])[0].result == "rolled-back"


def test_a_dropped_session_is_reported_and_rolled_back(store: Store, zy: EmulatedDevice, tmp_path: Path) -> None:
    roaming = _render("roaming")
    before = zy.normalized(zy.running_config)
    zy.drop_next_session_after(r"^\s*fixed 23$")
    result = _push(store, _target(store, zy), roaming, tmp_path, read_timeout=2)
    assert result.status == "rolled-back", result.message
    assert result.message.startswith("SSH session to zy1 closed while waiting for")
    assert "compensating line(s)" in result.message and "matches the backup" in result.message
    assert zy.normalized(zy.running_config) == before
    assert "write memory" not in _sent(zy) and zy.sessions == 2  # the push's session, then the rollback's
    audit = configs.audit_log(store[0])[0]
    assert audit.result == "rolled-back" and "closed while waiting for 'fixed 23'" in audit.detail


def test_dry_run_changes_nothing(store: Store, zy: EmulatedDevice, tmp_path: Path) -> None:
    before = zy.normalized(zy.running_config)
    result = _push(store, _target(store, zy), _render("baseline"), tmp_path, dry_run=True)
    assert result.status == "preview", result.message
    assert "+ timesync server 192.0.2.1" in result.diff and "authpassword ******** priv" in result.diff
    assert SECRETS["snmpv3-auth"] not in result.diff
    assert _sent(zy) == [] and zy.normalized(zy.running_config) == before


def test_without_port_roles_no_port_is_touched() -> None:
    for template in ("baseline", "roaming"):
        rendered = render(template, "zyxel_switch", load_profile(EXAMPLE), secrets=SECRETS.__getitem__)
        assert not any(line.startswith(("interface ", " fixed", " untagged", " no ")) for line in rendered.lines)
        assert any(note.startswith("port roles unknown") for note in rendered.notes)
    assert "zyxel_switch" in DRIVERS and ZYXEL.normalize is zynos.per_port
