"""Comparing intended lines with a Cisco running config by meaning, grounded in real device output.

Every running config and show output here is either a real one from tests/data/real (each names its public
source) or written in the form those real outputs show (the comment next to each printed form names the file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.config.compliance import check_compliance, remediation, rollback_lines
from devices.config.normalize import DeviceFacts, parse_version, type7_decode, version_at_least
from devices.config.profile import Profile, load_profile
from devices.config.render import Rendered, mask, render
from tests.helpers_real import REAL, real_output

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
SECRETS = {"county-radius": "Rad1us-S3cret!", "snmpv3-auth": "AuthKey-123456", "snmpv3-priv": "PrivKey-654321"}


def intended(*lines: str, secrets: tuple[str, ...] = ()) -> Rendered:
    """A Rendered for cisco_ios holding ``lines`` (as a template would render them)."""
    return Rendered(
        template="test",
        platform="cisco_ios",
        template_path=Path(),
        lines=list(lines),
        masked_lines=[mask(line, frozenset(secrets)) for line in lines],
        secret_values=frozenset(secrets),
    )


@pytest.fixture(scope="module")
def baseline() -> Rendered:
    from tests.helpers import ios_roles

    profile: Profile = load_profile(EXAMPLE)
    roles = ios_roles(printed_baseline())  # ports 1-40 edge, 41-44 AP, 48 a trunk uplink
    return render("baseline", "cisco_ios", profile, secrets=SECRETS.__getitem__, roles=roles)


def test_every_real_file_names_its_source() -> None:
    files = sorted(p.name for p in REAL.glob("*.txt"))
    assert len(files) >= 12
    for name in files:
        assert real_output(name).strip(), name  # raises when the '# source:' header is missing


# ---------------------------------------------------------------------------------------------------------------
# Rules, each against the real output that shows it


def test_vty_0_15_is_compared_per_line_against_split_groups() -> None:
    running = real_output("ios150_c3560_cheesy_arena.txt")  # 'line vty 0 4' + 'line vty 5 15', both ' login'
    result = check_compliance("cisco_ios", running, intended("line vty 0 15", " login"))
    assert result.ok and result.missing == []
    wanted = intended("line vty 0 15", " login", " transport input ssh", "line con 0", " exec-timeout 10 0")
    result = check_compliance("cisco_ios", running, wanted)
    # the console shows a non-default 'exec-timeout 0 0', so the default must be sent again
    assert result.missing == ["line vty 0 15 > transport input ssh", "line con 0 > exec-timeout 10 0"]
    assert remediation("cisco_ios", running, wanted) == [
        "line vty 0 15",
        " transport input ssh",
        "line con 0",
        " exec-timeout 10 0",
    ]
    back = rollback_lines("cisco_ios", running, wanted) or []
    assert "line vty 0 15" not in back  # undone under the headers the switch prints
    assert back.count(" no transport input ssh") == 2 and "line vty 0 4" in back and "line vty 5 15" in back
    assert "line con 0" in back and " exec-timeout 0 0" in back


def test_one_vty_group_differing_is_missing() -> None:
    running = real_output("ios150_c3560_cheesy_arena.txt").replace("line vty 5 15\n login\n", "line vty 5 15\n")
    assert check_compliance("cisco_ios", running, intended("line vty 0 15", " login")).missing == [
        "line vty 0 15 > login"
    ]


def test_hidden_defaults_and_printed_non_defaults() -> None:
    running = real_output("ios120_c2950_ciscoconfparse_sample_02.txt")  # shows 'logging trap debugging'
    lines = ("logging trap informational", "ip ssh authentication-retries 3", "errdisable recovery interval 300")
    result = check_compliance("cisco_ios", running, intended(*lines))
    assert result.missing == ["logging trap informational"]  # another level is set: not the default
    running124 = real_output("ios124_router_ciscoconfparse_sample_01.txt")  # shows 'ip ssh time-out 30'
    assert check_compliance("cisco_ios", running124, intended("ip ssh time-out 30")).ok
    assert check_compliance("cisco_ios", running124, intended("ip ssh time-out 120")).missing == ["ip ssh time-out 120"]
    assert check_compliance("cisco_ios", running124, intended("line vty 0 4", " exec-timeout 15 0")).ok


def test_older_printed_forms() -> None:
    sample_02 = real_output("ios120_c2950_ciscoconfparse_sample_02.txt")
    # 12.x prints syslog hosts as 'logging <address>'; 'interface VLAN24' is Vlan24
    wanted = intended("logging host 172.24.24.142", "interface Vlan24", " ip address 172.24.24.101 255.255.254.0")
    assert check_compliance("cisco_ios", sample_02, wanted).ok
    sample_01 = real_output("ios124_router_ciscoconfparse_sample_01.txt")
    wanted = intended(
        "ip domain-name foo.com",  # printed 'ip domain name foo.com'
        "ip access-list standard INTERNAL_NETWORKS",
        " permit host 172.16.0.1",  # printed as the bare address
        " permit 172.16.1.0 0.0.0.255",
        "ip access-list extended EXT_IN",
        " deny tcp any any log",  # printed 'deny   tcp any any log'
        "login block-for 30 attempts 5 within 15",
        "service timestamps log datetime msec localtime show-timezone",
    )
    assert check_compliance("cisco_ios", sample_01, wanted).ok
    assert remediation("cisco_ios", sample_01, wanted) == []


def test_banner_text_is_compared_whatever_the_delimiter() -> None:
    sample_01 = real_output("ios124_router_ciscoconfparse_sample_01.txt")
    text = sample_01.split("banner login ^C\n", 1)[1].split("^C", 1)[0].rstrip("\n").split("\n")
    typed = intended("banner login ^", *text, "^")
    assert check_compliance("cisco_ios", sample_01, typed).ok
    # A banner typed with a literal "^C" keeps the "C" (sample_02 prints 'banner login ^CC'): not the same text
    sample_02 = real_output("ios120_c2950_ciscoconfparse_sample_02.txt")
    wanted = intended("banner login ^", "This is a private computer system, owned by Foo Companies, Inc.", "^")
    assert check_compliance("cisco_ios", sample_02, wanted).missing == ["banner login ^"]
    assert remediation("cisco_ios", sample_02, wanted) == list(wanted.lines)


def test_ipv6_case() -> None:
    running = real_output("ios_router_nist_ciscoconfparse_sample_09.txt")  # 'ipv6 address FD00:F:F:1::3/64'
    wanted = intended("interface GigabitEthernet0/1", " ipv6 address fd00:f:f:1::3/64")
    assert check_compliance("cisco_ios", running, wanted).ok
    other = intended("interface GigabitEthernet0/1", " ipv6 address fd00:f:f:1::4/64")
    assert check_compliance("cisco_ios", running, other).missing == [
        "interface GigabitEthernet0/1 > ipv6 address fd00:f:f:1::4/64"
    ]


def test_ios_xe_portfast_storm_control_and_abbreviated_names() -> None:
    running = real_output("xe_c9k_interfaces_genie.txt")  # IOS-XE prints portfast without 'edge'
    wanted = intended(
        "interface Gi3/0/3",
        " spanning-tree portfast edge",
        " spanning-tree bpduguard enable",
        " storm-control action trap",
        " ip dhcp snooping limit rate 15",
        "interface range Gi1/0/5",
        " spanning-tree portfast edge trunk",
        "interface Te1/0/3",
        " storm-control broadcast level 5 1",  # printed 'storm-control broadcast level 5.00 1.00'
    )
    facts = DeviceFacts("cisco_xe", "17.9.4", "C9300-48P")
    assert check_compliance("cisco_xe", running, wanted, facts).ok
    assert remediation("cisco_xe", running, wanted, facts) == []


def test_radius_key_compared_by_value_where_the_device_shows_it() -> None:
    running = real_output("xe_radius_server_genie.txt")  # 'key Cisco123': encryption off
    same = intended(
        "radius server RADIUS_1",
        " address ipv4 11.15.24.213 auth-port 1812 acct-port 1813",
        " key 0 Cisco123",
        secrets=("Cisco123",),
    )
    assert check_compliance("cisco_xe", running, same).ok
    other = intended("radius server RADIUS_1", " key 0 Other-Secret", secrets=("Other-Secret",))
    result = check_compliance("cisco_xe", running, other)
    assert result.missing == ["radius server RADIUS_1 > key 0 ********"]
    assert remediation("cisco_xe", running, other) == ["radius server RADIUS_1", " key 0 Other-Secret"]
    # With password encryption on, IOS prints type 7; '0822455D0A16' is the published type-7 form of "cisco"
    encrypted = running.replace(" key Cisco123\n!\nradius server r1", " key 7 0822455D0A16\n!\nradius server r1")
    assert check_compliance(
        "cisco_xe", encrypted, intended("radius server RADIUS_1", " key 0 cisco", secrets=("cisco",))
    ).ok
    assert not check_compliance("cisco_xe", encrypted, other).ok
    # A hash the device keeps to itself: the other parts compare, the secret is named as unverifiable
    hashed = running.replace(" key Cisco123\n!\nradius server r1", " key 6 VbZ]ZUYQBfb^GgMAdgWJPB\n!\nradius server r1")
    result = check_compliance("cisco_xe", hashed, other)
    assert result.ok and result.unverifiable == ["key 0 ********"]


def test_published_type7_examples_decode() -> None:
    assert type7_decode("0822455D0A16") == "cisco"
    assert type7_decode("02050D480809") == "cisco"
    assert type7_decode("not-type-7") is None


def test_snmp_user_is_checked_with_show_snmp_user() -> None:
    running = real_output("ios150_c3560_cheesy_arena.txt")
    line = "snmp-server user user_snmp1 managerpriv v3 auth sha Auth-1234 priv aes 128 Priv-1234"
    wanted = intended(line, secrets=("Auth-1234", "Priv-1234"))
    result = check_compliance("cisco_ios", running, wanted)
    assert result.ok and result.missing == []  # never in a running config: not compared as text
    assert result.unverifiable == ["snmp-server user user_snmp1 managerpriv v3 auth sha ******** priv aes 128 ********"]
    (check,) = result.extra_checks
    assert check.command == "show snmp user" and check.lines == (line,)
    assert check.check(real_output("ios_show_snmp_user_ntc.txt")) == []
    wrong = line.replace("auth sha", "auth md5")
    (check,) = check_compliance("cisco_ios", running, intended(wrong)).extra_checks
    assert check.check(real_output("ios_show_snmp_user_ntc.txt")) == [wrong]
    bob = "snmp-server user bob group1 v3 auth sha A-123456 priv aes 256 P-123456"
    (check,) = check_compliance("cisco_xe", running, intended(bob)).extra_checks
    assert check.check(real_output("xe_show_snmp_user_genie.txt")) == []  # 'Privacy Protocol: AES256'
    # Without the command's answer the user is not sent; with an answer that lacks it, it is
    assert remediation("cisco_ios", running, wanted) == []
    shown = {"show snmp user": real_output("xe_show_snmp_user_genie.txt")}
    assert remediation("cisco_ios", running, wanted, shown=shown) == [line]
    assert check_compliance("cisco_ios", running, wanted, shown=shown).missing == [mask(line, wanted.secret_values)]


def test_vlans_in_vtp_server_mode_are_checked_with_show_vlan_brief() -> None:
    running = real_output("ios150_c3560_cheesy_arena.txt")  # VTP server: no 'vlan N' block printed
    wanted = intended("vlan 710", " name Vlan710", "vlan 999", " name ROAM-999")
    result = check_compliance("cisco_ios", running, wanted)
    assert result.ok
    (check,) = result.extra_checks
    assert check.command == "show vlan brief"
    assert check.lines == ("vlan 710", "vlan 710 > name Vlan710", "vlan 999", "vlan 999 > name ROAM-999")
    assert check.check(real_output("ios_show_vlan_brief_napalm.txt")) == ["vlan 999", "vlan 999 > name ROAM-999"]
    shown = {"show vlan brief": real_output("ios_show_vlan_brief_napalm.txt")}
    assert remediation("cisco_ios", running, wanted, shown=shown) == ["vlan 999", " name ROAM-999"]
    # 'show vlan' of a stack: the wrapped port line is not a VLAN; a suspended VLAN exists
    (check,) = check_compliance("cisco_ios", running, intended("vlan 100", " name V100", "vlan 19")).extra_checks
    assert check.check(real_output("ios_show_vlan_genie.txt")) == ["vlan 19"]
    # VTP transparent: VLANs are in the running config, so they are compared as text
    transparent = running.replace("spanning-tree mode pvst", "vtp mode transparent\nspanning-tree mode pvst")
    result = check_compliance("cisco_ios", transparent, wanted)
    assert result.missing == ["vlan 710", "vlan 710 > name Vlan710", "vlan 999", "vlan 999 > name ROAM-999"]
    assert result.extra_checks == []


def test_versions() -> None:
    assert parse_version("Cisco IOS Software, C2960X Software, Version 15.2(2)E7, RELEASE") == (15, 2, 2, 5, 7)
    assert parse_version("15.2(2)E") < parse_version("15.2(2)E7") < parse_version("15.2(7)E9")  # type: ignore[operator]
    assert parse_version("15.0(2)SE11") < parse_version("15.2(2)E")  # type: ignore[operator]
    assert parse_version("17.9.4") == (17, 9, 4) and parse_version("16.12") == (16, 12, 0)
    assert version_at_least(DeviceFacts("cisco_ios", "15.2(7)E9"), "15.2(2)E") is True
    assert version_at_least(DeviceFacts("cisco_ios", "12.2(55)SE"), "15.2(2)E") is False
    assert version_at_least(DeviceFacts("cisco_ios"), "15.2(2)E") is None


# ---------------------------------------------------------------------------------------------------------------
# The IOS baseline template against a switch that prints it the IOS 15.2 way


def printed_baseline(*, access: range = range(1, 41)) -> str:
    """``show running-config`` of a 2960-X on 15.2(7)E holding the example baseline, in the forms IOS prints."""
    ports = "".join(
        f"interface GigabitEthernet1/0/{n}\n"
        " switchport mode access\n"
        " spanning-tree portfast edge\n"  # 15.2(2)E+: stored with 'edge'
        " spanning-tree bpduguard enable\n"
        " storm-control broadcast level 5.00\n"
        " storm-control multicast level 10.00\n"
        " storm-control action trap\n"
        " ip dhcp snooping limit rate 15\n"
        "!\n"
        for n in access
    )
    vty = (
        " access-class MGMT-ACL in\n"
        " ipv6 access-class MGMT-ACL6 in\n"
        " transport input ssh\n"  # no exec-timeout: 10 0 is the default (hidden)
    )
    return f"""Building configuration...

Current configuration : 12345 bytes
!
! Last configuration change at 10:21:33 UTC Mon Mar 4 2024 by admin
!
version 15.2
no service pad
service tcp-keepalives-in
service tcp-keepalives-out
service timestamps debug datetime msec localtime show-timezone
service timestamps log datetime msec localtime show-timezone
service password-encryption
!
hostname SW1
!
boot-start-marker
boot-end-marker
!
logging buffered 64000
!
no ip bootp server
ip dhcp snooping vlan 10,20,200
no ip dhcp snooping information option
ip dhcp snooping
login block-for 120 attempts 5 within 60
!
errdisable recovery cause bpduguard
!
{ports}interface GigabitEthernet1/0/47
 description Downlink-Classroom-Bldg
 switchport mode trunk
!
interface GigabitEthernet1/0/48
 description Uplink-Core
 switchport mode trunk
 ip dhcp snooping trust
!
no ip http server
no ip http secure-server
ip ssh time-out 60
ip ssh version 2
!
ip access-list standard MGMT-ACL
 permit 192.0.2.0 0.0.0.255
 deny   any log
logging host 192.0.2.2
!
snmp-server view NMS-VIEW iso included
snmp-server group NMS-GRP v3 priv read NMS-VIEW access MGMT-ACL
!
ipv6 access-list MGMT-ACL6
 permit ipv6 2001:DB8:100::/48 any
 deny ipv6 any any log
!
banner login ^C
Authorized access only.
未經授權禁止存取。
^C
!
line con 0
line vty 0 4
{vty}line vty 5 15
{vty}!
ntp server 192.0.2.1
ntp server 2001:DB8::123
end
"""


SNMP_USER_SHOWN = """
User name: campusnet
Engine ID: 80000009030070DB98001122
storage-type: nonvolatile        active access-list: MGMT-ACL
Authentication Protocol: SHA
Privacy Protocol: AES128
Group-name: NMS-GRP

"""  # the layout of tests/data/real/ios_show_snmp_user_ntc.txt


def test_baseline_printed_the_ios_way_is_complete(baseline: Rendered) -> None:
    running = printed_baseline()
    result = check_compliance("cisco_ios", running, baseline, DeviceFacts("cisco_ios", "15.2(7)E9"))
    assert result.missing == [] and result.ok
    assert [check.command for check in result.extra_checks] == ["show snmp user"]
    assert result.extra_checks[0].check(SNMP_USER_SHOWN) == []
    assert result.unverifiable == ["snmp-server user campusnet NMS-GRP v3 auth sha ******** priv aes 128 ********"]
    assert remediation("cisco_ios", running, baseline) == []
    assert remediation("cisco_ios", running, baseline, shown={"show snmp user": SNMP_USER_SHOWN}) == []
    assert rollback_lines("cisco_ios", running, baseline) == []


def test_baseline_missing_parts_are_named_and_sent_in_template_form(baseline: Rendered) -> None:
    running = (
        printed_baseline()
        .replace("ntp server 2001:DB8::123\n", "")
        .replace("logging host 192.0.2.2\n", "logging host 192.0.2.2\nlogging trap warnings\n")
        .replace("line vty 5 15\n access-class MGMT-ACL in\n", "line vty 5 15\n")
        .replace(
            "interface GigabitEthernet1/0/7\n switchport mode access\n spanning-tree portfast edge\n",
            "interface GigabitEthernet1/0/7\n switchport mode access\n",
        )
        .replace(
            "switchport mode trunk\n ip dhcp snooping trust\n",
            "switchport mode trunk\n",
        )
    )
    result = check_compliance("cisco_ios", running, baseline)
    assert result.missing == [
        "line vty 0 15 > access-class MGMT-ACL in",
        "ntp server 2001:db8::123",
        "logging trap informational",
        "interface GigabitEthernet1/0/7 > spanning-tree portfast",
        "interface GigabitEthernet1/0/48 > ip dhcp snooping trust",
    ]
    assert remediation("cisco_ios", running, baseline) == [
        "line vty 0 15",
        " access-class MGMT-ACL in",
        "ntp server 2001:db8::123",
        "logging trap informational",
        "interface GigabitEthernet1/0/7",
        " spanning-tree portfast",
        "interface GigabitEthernet1/0/48",
        " ip dhcp snooping trust",
    ]
    back = rollback_lines("cisco_ios", running, baseline) or []
    assert "logging trap warnings" in back  # the old level comes back, not 'no logging trap ...'
    assert "no ntp server 2001:db8::123" in back


def test_baseline_on_a_factory_switch_sends_the_whole_template(baseline: Rendered) -> None:
    factory = real_output("ios150_c3560_cheesy_arena.txt")
    fix = remediation("cisco_ios", factory, baseline)
    assert "line vty 0 15" in fix and "ntp server 2001:db8::123" in fix
    assert fix.count("interface GigabitEthernet1/0/1") == 1
    assert "snmp-server user campusnet NMS-GRP v3 auth sha AuthKey-123456 priv aes 128 PrivKey-654321" not in fix
    shown = {"show snmp user": real_output("ios_show_snmp_user_ntc.txt")}  # lists other users only
    assert "snmp-server user campusnet NMS-GRP v3 auth sha AuthKey-123456 priv aes 128 PrivKey-654321" in remediation(
        "cisco_ios", factory, baseline, shown=shown
    )
