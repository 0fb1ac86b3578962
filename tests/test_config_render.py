"""Templates and rendering: key lines per platform (from VENDORS.md section 3), masking, the structural injection
guard, overrides, per-port lines from port roles, syntax by OS version and model, and compliance / remediation /
rollback against running configs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from devices.config import render as render_mod
from devices.config.compliance import check_compliance, remediation, rollback_lines
from devices.config.facts import DeviceFacts
from devices.config.params import apply_overrides
from devices.config.profile import Profile, load_profile
from devices.config.render import CONTROLLERS, MASK, Rendered, available, render
from devices.config.roles import PortRole
from devices.errors import InputError
from devices.masking import redact

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
SECRETS = {"county-radius": "Rad1us-S3cret!", "snmpv3-auth": "AuthKey-123456", "snmpv3-priv": "PrivKey-654321"}
PAIRS = [(template, platform) for platform, templates in available().items() for template in templates]


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(EXAMPLE)


# Port roles as assign_roles would give them for a 48-port access switch: edge ports 1-40, AP ports 41-44, uplink
# 48 (D-Link: 1-20, 21-22, 24), in each platform's interface names. Written out here, so the render tests do not
# depend on the role rules (tests/test_roles.py has those).
_NAMES = {
    "cisco_ios": "GigabitEthernet1/0/{}",
    "cisco_xe": "GigabitEthernet1/0/{}",
    "hp_procurve": "{}",
    "aruba_aoscx": "1/1/{}",
    "hp_comware": "GigabitEthernet1/0/{}",
    "huawei": "GigabitEthernet0/0/{}",
    "dlink_ds": "{}",
}


def _roles(platform: str) -> list[PortRole] | None:
    platform = render_mod.platform_folder(platform)
    if platform not in _NAMES:
        return None
    name = _NAMES[platform].format
    edge, ap, uplink = (
        (range(1, 21), range(21, 23), [24]) if platform == "dlink_ds" else (range(1, 41), range(41, 45), [48])
    )
    return [
        *(PortRole(name(n), "edge", "access port with no switch or router behind it") for n in edge),
        *(PortRole(name(n), "ap", "access point ap-1 (LLDP)") for n in ap),
        *(PortRole(name(n), "uplink", "marked uplink") for n in uplink),
        PortRole(name(47), "excluded", "trunk in the running configuration (switchport mode trunk)"),
    ]


def _render(template: str, platform: str, profile: Profile, **kwargs: object) -> Rendered:
    kwargs.setdefault("roles", _roles(platform))
    return render(template, platform, profile, secrets=SECRETS.__getitem__, **kwargs)  # type: ignore[arg-type]


def _with_ssid(profile: Profile, **changes: object) -> Profile:
    return dataclasses.replace(profile, ssids=(dataclasses.replace(profile.ssids[0], **changes),))  # type: ignore[arg-type]


def _block(lines: list[str], header: str) -> list[str]:
    """The stripped lines nested under the first top-level line equal to ``header``."""
    start = lines.index(header)
    out = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        out.append(line.strip())
    return out


# Expected lines, written from the VENDORS.md section 3 snippets (RAD1 = 192.0.2.11, VLAN 200, NTP 192.0.2.1,
# syslog 192.0.2.2, management 192.0.2.0/24, access ports 1-40 / 1-20), not from the templates' output.
EXPECTED: dict[tuple[str, str], list[str]] = {
    ("baseline", "cisco_ios"): [
        "ip ssh version 2",
        "ip ssh time-out 60",
        "ip ssh authentication-retries 3",
        "no ip http server",
        "no ip http secure-server",
        "no service pad",
        "no ip bootp server",
        "ip access-list standard MGMT-ACL",
        "line vty 0 15",
        "no snmp-server community public",
        "no snmp-server community private",
        "snmp-server view NMS-VIEW iso included",
        "ntp server 192.0.2.1",
        "logging trap informational",
        "logging host 192.0.2.2",
        "banner login ^",
        "ip dhcp snooping",
        "ip dhcp snooping vlan 10,20,200",
        "errdisable recovery cause bpduguard",
    ],
    ("roaming", "cisco_wlc"): [
        f"config radius auth add 1 192.0.2.11 1812 ascii {SECRETS['county-radius']}",
        f"config radius acct add 1 192.0.2.11 1813 ascii {SECRETS['county-radius']}",
        f"config radius auth add 2 192.0.2.12 1812 ascii {SECRETS['county-radius']}",
        "config wlan create 17 eduroam eduroam",
        # no "config wlan disable 17": a new WLAN is created disabled, and an enabled one is disabled around its
        # security lines only with the user's consent (devices.config.aireos.wrap_wlan_restarts)
        "config wlan security wpa enable 17",
        "config wlan security wpa wpa2 enable 17",
        "config wlan security wpa wpa2 ciphers aes enable 17",
        "config wlan security wpa akm 802.1x enable 17",
        "config wlan radius_server auth add 17 1",
        "config wlan radius_server acct add 17 2",
        "config wlan security ft adaptive enable 17",
        "config wlan assisted-roaming neighbor-list enable 17",
        "config wlan bss-transition enable 17",
        "config wlan enable 17",
    ],
    ("roaming", "cisco_xe"): [
        "aaa authentication dot1x CN-AUTHC group CN-GRP",
        "vlan 200",
        "wlan eduroam 17 eduroam",
    ],
    ("roaming", "aruba_os"): [
        "aaa authentication-server radius CN-RAD1",
        "   host 192.0.2.11",
        f"   key {SECRETS['county-radius']}",
        "   authport 1812",
        "   acctport 1813",
        "aaa server-group CN-SG",
        "wlan dot11r-profile CN-11R-17",
        "   dot11r",
        "   dot11k-enable",
        "wlan ssid-profile CN-SSID-17",
        "   essid eduroam",
        "   opmode wpa2-aes",
        "   vlan 200",
    ],
    ("roaming", "aruba_instant"): [
        " ip 192.0.2.11",
        " port 1812",
        " acctport 1813",
        "wlan ssid-profile eduroam",
        " enable",
        " type employee",
        " essid eduroam",
        " opmode wpa2-aes",
        " vlan 200",
        " radius-accounting",
        " dot11r",
        " dot11k",
        " dot11v",
    ],
    ("roaming", "fortinet"): [
        "config user radius",
        "config wireless-controller vap",
        '        set ssid "eduroam"',
        "        set security wpa2-only-enterprise",
        "        set auth radius",
        "        set fast-bss-transition enable",
        "        set 80211k enable",
        "        set 80211v enable",
        "        set local-bridging enable",
        "        set vlanid 200",
        "end",
    ],
    ("baseline", "hp_procurve"): [
        "no telnet-server",
        "ip ssh",
        "ip ssh filetransfer",
        "no tftp client",
        "no tftp server",
        "no web-management plaintext",
        "snmpv3 only",
        'no snmp-server community "public"',
        "timesync sntp",
        "sntp unicast",
        "sntp server priority 1 192.0.2.1",
        "time timezone 480",
        "logging 192.0.2.2",
        "logging severity info",
        "console inactivity-timer 10",
        "ip authorized-managers 192.0.2.0 255.255.255.0 access manager",
        "dhcp-snooping",
        "dhcp-snooping vlan 10 20 200",
        "dhcp-snooping trust 48",
        "spanning-tree 1-40 bpdu-protection",
        "spanning-tree bpdu-protection-timeout 300",
        "loop-protect 1-40",
    ],
    ("baseline", "dlink_ds"): [
        "enable ssh",
        "config ssh server maxsession 8 contimeout 120 authfail 3",
        "disable telnet",
        "disable web",
        "delete snmp community public",
        "delete snmp community private",
        "create snmp view NMSview 1.3.6.1 view_type included",
        "create snmp group NMSgrp v3 auth_priv read_view NMSview notify_view NMSview",
        "enable sntp",
        "config sntp primary 192.0.2.1 poll-interval 720",
        "config time_zone operator + hour 8 min 0",
        "create syslog host 1 ipaddress 192.0.2.2 severity informational state enable",
        "enable syslog",
        "enable loopdetect",
        "config loopdetect ports 1-20 state enabled",
        "enable bpdu_protection",
        "config bpdu_protection ports 1-20 state enable mode drop",
        "config traffic control 1-20 broadcast enable action drop threshold 64",
    ],
    # No VENDORS.md snippet for these three: check the baseline's points in each platform's common syntax.
    ("baseline", "aruba_aoscx"): ["ntp server 192.0.2.1", "no snmp-server community public", "interface 1/1/1"],
    ("baseline", "hp_comware"): [
        "undo telnet server enable",
        "ntp-service unicast-server 192.0.2.1",
        "info-center loghost 192.0.2.2",
        "undo snmp-agent community public",
    ],
    ("baseline", "huawei"): [
        "undo telnet server enable",
        "stelnet server enable",
        "ntp-service unicast-server 192.0.2.1",
        "info-center loghost 192.0.2.2",
        "undo snmp-agent community public",
    ],
}


def test_every_required_platform_has_its_templates() -> None:
    have = available()
    for platform in ("cisco_wlc", "cisco_xe", "aruba_os", "aruba_instant", "fortinet"):
        assert "roaming" in have[platform], platform
    for platform in ("cisco_ios", "hp_procurve", "aruba_aoscx", "hp_comware", "huawei", "dlink_ds"):
        assert {"roaming", "baseline"} <= set(have[platform]), platform


@pytest.mark.parametrize(("template", "platform"), PAIRS)
def test_every_template_renders_the_example(template: str, platform: str, profile: Profile) -> None:
    rendered = _render(template, platform, profile)
    assert rendered.lines and len(rendered.lines) == len(rendered.masked_lines)
    assert all(line.strip() for line in rendered.lines), "no blank lines"
    assert rendered.template_path.is_file()
    for secret in SECRETS.values():
        assert secret not in "\n".join(rendered.masked_lines)


@pytest.mark.parametrize(("template", "platform"), PAIRS)
def test_word_masking_hides_every_secret_the_push_output_hides(template: str, platform: str, profile: Profile) -> None:
    # Backups and their diffs are masked without knowing the values (a key typed on the device by hand): the
    # secret-bearing words of every template (SNMPv3 user keys included) must hide what the push output hides.
    rendered = _render(template, platform, profile)
    for line in rendered.lines:
        shown = redact(line)
        for secret in SECRETS.values():
            assert secret not in shown, f"{platform} {template}: {shown!r}"


@pytest.mark.parametrize(("template", "platform"), list(EXPECTED))
def test_key_lines_from_the_vendor_snippets(template: str, platform: str, profile: Profile) -> None:
    lines = _render(template, platform, profile).lines
    for line in EXPECTED[(template, platform)]:
        assert line in lines, f"{platform} {template}: missing {line!r}"


def test_ios_access_ports_get_bpduguard_and_storm_control(profile: Profile) -> None:
    lines = _render("baseline", "cisco_ios", profile).lines
    for port in ("GigabitEthernet1/0/1", "GigabitEthernet1/0/40"):
        block = _block(lines, f"interface {port}")
        for want in (
            "switchport mode access",
            "spanning-tree portfast",
            "spanning-tree bpduguard enable",
            "storm-control broadcast level 5.00",
            "storm-control action trap",
        ):
            assert want in block, (port, want)
    assert "interface GigabitEthernet1/0/41" not in lines  # AP ports are not access ports
    assert _block(lines, "interface GigabitEthernet1/0/48") == ["ip dhcp snooping trust"]
    vty = _block(lines, "line vty 0 15")
    assert {"transport input ssh", "access-class MGMT-ACL in", "exec-timeout 10 0"} <= set(vty)
    assert "permit 192.0.2.0 0.0.0.255" in _block(lines, "ip access-list standard MGMT-ACL")


def test_ios_roaming_trunks_ap_ports(profile: Profile) -> None:
    lines = _render("roaming", "cisco_ios", profile).lines
    assert _block(lines, "vlan 200") == ["name ROAM-200"]
    block = _block(lines, "interface GigabitEthernet1/0/41")
    # The example's eduroam (200) and TANetRoaming portal (201) VLANs both go on the AP trunks.
    trunk = {"switchport mode trunk", "switchport trunk native vlan 99", "switchport trunk allowed vlan 99,200,201"}
    assert trunk <= set(block)


def test_banner_lines_each_become_a_line(profile: Profile) -> None:
    lines = _render("baseline", "cisco_ios", profile).lines
    start = lines.index("banner login ^")
    assert lines[start + 1 : start + 4] == ["Authorized access only.", "未經授權禁止存取。", "^"]


@pytest.mark.parametrize(
    ("ft", "present", "absent"),
    [
        (
            "on",
            ["config wlan security ft enable 17", "config wlan security wpa akm ft 802.1x enable 17"],
            ["config wlan security ft adaptive enable 17"],
        ),
        ("adaptive", ["config wlan security ft adaptive enable 17"], ["config wlan security ft enable 17"]),
        ("off", [], ["config wlan security ft enable 17", "config wlan security ft adaptive enable 17"]),
    ],
)
def test_aireos_ft_modes(ft: str, present: list[str], absent: list[str], profile: Profile) -> None:
    lines = _render("roaming", "cisco_wlc", _with_ssid(profile, ft=ft)).lines
    for line in present:
        assert line in lines
    for line in absent:
        assert line not in lines


def test_9800_ft_on_and_policy(profile: Profile) -> None:
    lines = _render("roaming", "cisco_xe", _with_ssid(profile, ft="on")).lines
    wlan = _block(lines, "wlan eduroam 17 eduroam")
    assert {"security wpa akm dot1x", "security ft", "security wpa akm ft dot1x", "bss-transition"} <= set(wlan)
    assert "assisted-roaming neighbor-list" in wlan
    radius = _block(lines, "radius server CN-RAD1")
    assert "address ipv4 192.0.2.11 auth-port 1812 acct-port 1813" in radius
    assert f"key 0 {SECRETS['county-radius']}" in radius
    policy = [line for line in lines if line.startswith("wireless profile policy ")]
    assert policy and "vlan 200" in _block(lines, policy[0])


def test_aruba_ft_off_has_no_dot11r(profile: Profile) -> None:
    lines = _render("roaming", "aruba_os", _with_ssid(profile, ft="off", dot11k=False)).lines
    assert not any("dot11r" in line or "dot11k" in line for line in lines)


def test_secrets_are_masked_and_listed(profile: Profile) -> None:
    rendered = _render("roaming", "cisco_wlc", profile)
    assert rendered.secret_values == {SECRETS["county-radius"]}
    assert "config radius auth add 1 192.0.2.11 1812 ascii ********" in rendered.masked_lines
    base = _render("baseline", "cisco_ios", profile)
    assert {SECRETS["snmpv3-auth"], SECRETS["snmpv3-priv"]} <= base.secret_values
    assert any(MASK in line and line.startswith("snmp-server user") for line in base.masked_lines)
    assert render_mod.mask(f"echo {SECRETS['snmpv3-auth']}", base.secret_values) == f"echo {MASK}"


@pytest.mark.parametrize("secret", ["bad secret", "bad?", "x\ny", "x" * 65])
def test_bad_secret_from_the_store_is_refused(secret: str, profile: Profile) -> None:
    with pytest.raises(InputError, match=r"radius\[0\]\.secret"):
        render("roaming", "cisco_wlc", profile, secrets=lambda name: secret)


def test_unknown_template_or_platform_lists_what_exists(profile: Profile) -> None:
    with pytest.raises(InputError, match="it has roaming"):
        _render("baseline", "cisco_wlc", profile)
    with pytest.raises(InputError, match="cisco_ios"):
        _render("roaming", "juniper_junos", profile)
    with pytest.raises(InputError, match="baseline, roaming"):
        _render("qos", "cisco_ios", profile)


def test_platform_aliases(profile: Profile) -> None:
    assert _render("baseline", "aruba_osswitch", profile).lines == _render("baseline", "hp_procurve", profile).lines
    assert _render("baseline", "huawei_vrp", profile).platform == "huawei"


def test_portal_ssid_on_a_controller_needs_radius(profile: Profile) -> None:
    portal = _with_ssid(profile, auth="portal", portal_url="https://portal.example.edu.tw/login", ft="off")
    assert "   opmode opensystem" in _render("roaming", "aruba_os", portal).lines  # rendered now (tests/test_portal.py)
    no_radius = dataclasses.replace(portal, radius=())
    with pytest.raises(InputError, match=r"ssid\[0\] 'eduroam'.*RADIUS"):
        _render("roaming", "aruba_os", no_radius)
    assert "vlan 200" in _render("roaming", "cisco_ios", no_radius).lines  # switches still carry its VLAN


# --- the structural injection guard ------------------------------------------------------------------------------


@pytest.fixture
def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn off the first line of defence so only the structural check stands."""
    monkeypatch.setattr(render_mod, "_validate", lambda *args: None)


@pytest.mark.usefixtures("no_validation")
@pytest.mark.parametrize("bad", ["eduroam\nusername evil privilege 15 secret x", "edu\rroam", "edu\u2028roam"])
def test_line_break_in_ssid_is_refused_without_validation(bad: str, profile: Profile) -> None:
    for platform in ("cisco_wlc", "cisco_xe", "aruba_os"):
        with pytest.raises(InputError, match=r"ssid\[0\]\.name"):
            _render("roaming", platform, _with_ssid(profile, name=bad))


@pytest.mark.usefixtures("no_validation")
def test_line_break_in_secret_or_banner_is_refused_without_validation(profile: Profile) -> None:
    with pytest.raises(InputError, match=r"radius\[0\]\.secret"):
        render("roaming", "cisco_wlc", profile, secrets=lambda name: "x\nconfig mgmtuser add evil")
    evil = dataclasses.replace(profile, baseline=dataclasses.replace(profile.baseline, banner=("ok\nline vty 0 15",)))
    with pytest.raises(InputError, match=r"baseline\.banner\[0\]"):
        _render("baseline", "cisco_ios", evil)


def test_a_filter_that_expands_a_value_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: Profile
) -> None:
    folder = tmp_path / "cisco_ios"
    folder.mkdir()
    (folder / "roaming.j2").write_text('ssid {{ ssid[0].name | replace("u", "\\n") }}\n', encoding="utf-8")
    monkeypatch.setattr(render_mod, "TEMPLATES_DIR", tmp_path)
    monkeypatch.setattr(render_mod, "_ENV", None)
    with pytest.raises(InputError, match=r"ssid\[0\]\.name"):
        _render("roaming", "cisco_ios", profile)


def test_overrides_render(profile: Profile) -> None:
    one = dataclasses.replace(profile, ssids=profile.ssids[:1])
    result = apply_overrides(
        one, {"ssid": "TANetRoaming", "vlan": "300", "radius1": "192.0.2.31", "radius_secret_env": "RAD_SECRET"}
    )
    asked: list[str] = []

    def secrets(name: str) -> str:
        asked.append(name)
        return "FromEnv-1" if name == "env:RAD_SECRET" else SECRETS[name]

    lines = render("roaming", "cisco_wlc", result.profile, secrets=secrets).lines
    assert "config wlan create 17 TANetRoaming TANetRoaming" in lines
    assert "config wlan interface 17 roam-v300" in lines
    assert "config radius auth add 1 192.0.2.31 1812 ascii FromEnv-1" in lines
    assert set(asked) == {"env:RAD_SECRET"}


# --- compliance ----------------------------------------------------------------------------------------------------


def test_ios_compliance_remediation_and_rollback(profile: Profile) -> None:
    rendered = _render("baseline", "cisco_ios", profile)
    running = (
        "hostname SW1\n"
        + "\n".join(ios_shown(rendered.lines))
        + "\ninterface Vlan1\n ip address 192.0.2.5 255.255.255.0\n"
    )
    assert check_compliance("cisco_ios", running, rendered).ok
    assert remediation("cisco_ios", running, rendered) == []

    lines = running.splitlines()
    first = lines.index("interface GigabitEthernet1/0/1")
    assert lines[first + 3] == " spanning-tree bpduguard enable"
    del lines[first + 3]
    lines.remove("ntp server 192.0.2.1")
    partial = "\n".join(lines)
    result = check_compliance("cisco_ios", partial, rendered)
    assert not result.ok
    assert result.missing == ["ntp server 192.0.2.1", "interface GigabitEthernet1/0/1 > spanning-tree bpduguard enable"]
    fix = remediation("cisco_ios", partial, rendered)
    assert "ntp server 192.0.2.1" in fix
    at = fix.index("interface GigabitEthernet1/0/1")
    assert fix[at + 1].strip() == "spanning-tree bpduguard enable"
    assert len(fix) == 3
    back = rollback_lines("cisco_ios", partial, rendered)
    assert back is not None and "no ntp server 192.0.2.1" in back
    assert not any(line.startswith(("no hostname", "no interface Vlan1")) for line in back)


def ios_shown(lines: list[str]) -> list[str]:
    """The lines as IOS shows them in its running config: a banner typed with the delimiter ^ shows as ^C."""
    return ["banner login ^C" if line == "banner login ^" else "^C" if line == "^" else line for line in lines]


def test_ios_negations(profile: Profile) -> None:
    rendered = _render("baseline", "cisco_ios", profile)
    kept = [line for line in ios_shown(rendered.lines) if not line.startswith("no ")]
    # IOS prints 'no ip http server' but not absent communities: both must count as satisfied.
    running = "\n".join(
        [*kept, "no ip http server", "no ip http secure-server", "no service pad", "no ip bootp server"]
    )
    # A default-on feature without its 'no' line is still on: reported missing (never assumed off).
    assert check_compliance("cisco_ios", running, rendered).missing == ["no ip dhcp snooping information option"]
    running = running.replace("no ip http server", "ip http server")
    running += "\nno ip dhcp snooping information option\nsnmp-server community public RO"
    result = check_compliance("cisco_ios", running, rendered)
    assert set(result.missing) == {"no ip http server", "no snmp-server community public"}
    fix = remediation("cisco_ios", running, rendered)
    assert "no ip http server" in fix and any(line.startswith("no snmp-server community public") for line in fix)
    back = rollback_lines("cisco_ios", running, rendered) or []
    assert "snmp-server community private" not in back  # never re-create what did not exist
    assert "ip http server" in back


def test_procurve_compliance(profile: Profile) -> None:
    rendered = _render("baseline", "hp_procurve", profile)
    running = "\n".join(rendered.lines)
    assert check_compliance("hp_procurve", running, rendered).ok
    partial = running.replace("ip ssh filetransfer\n", "").replace("console inactivity-timer 10\n", "")
    result = check_compliance("aruba_osswitch", partial, rendered)
    assert result.missing == ["ip ssh filetransfer", "console inactivity-timer 10"]
    assert remediation("hp_procurve", partial, rendered) == ["ip ssh filetransfer", "console inactivity-timer 10"]
    assert rollback_lines("hp_procurve", partial, rendered) is not None


def test_fallback_compliance_for_aireos_and_aruba(profile: Profile) -> None:
    wlc = _render("roaming", "cisco_wlc", dataclasses.replace(profile, ssids=profile.ssids[:1]))  # eduroam only
    running = "\n".join(line for line in wlc.lines if line != "config wlan disable 17")
    assert check_compliance("cisco_wlc", running, wlc).ok  # procedural lines are not expected back
    partial = "\n".join(
        line for line in running.splitlines() if "bss-transition" not in line and "auth add 2" not in line
    )
    result = check_compliance("cisco_wlc", partial, wlc)
    # a RADIUS server is compared by index, address and port (AireOS never shows the secret): missing, not skipped
    assert result.missing == [
        "config radius auth add 2 192.0.2.12 1812 ascii ********",
        "config wlan bss-transition enable 17",
    ]
    assert result.unverifiable == []
    assert "config wlan bss-transition enable 17" in remediation("cisco_wlc", partial, wlc)
    assert rollback_lines("cisco_wlc", partial, wlc) is None

    aos = _render("roaming", "aruba_os", profile)
    running = "\n".join(aos.lines).replace("   essid eduroam\n", "")
    result = check_compliance("aruba_os", running, aos)
    assert result.missing == ["wlan ssid-profile CN-SSID-17 > essid eduroam"]
    assert remediation("aruba_os", running, aos) == ["wlan ssid-profile CN-SSID-17", " essid eduroam"]


# --- per-port lines from port roles ------------------------------------------------------------------------------


def _interfaces(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[1] for line in lines if line.startswith("interface ")]


@pytest.mark.parametrize(("template", "platform"), [p for p in PAIRS if p[1] not in CONTROLLERS or p[0] == "baseline"])
def test_without_roles_no_port_is_touched_and_a_note_says_why(template: str, platform: str, profile: Profile) -> None:
    rendered = _render(template, platform, profile, roles=None)
    assert rendered.roles == []
    assert any("port roles unknown" in note for note in rendered.notes), rendered.notes
    # Device-wide switches that act on edge ports only stay (IOS errdisable recovery, Comware/VRP BPDU protection).
    global_lines = {"errdisable recovery cause bpduguard", "stp bpdu-protection", "bpdu-guard"}  # ZyNOS: global switch
    text = "\n".join(line for line in rendered.lines if line not in global_lines)
    for word in ("bpdu", "portfast", "storm-control", "broadcast-limit", "rate-limit", "edged-port", "loopdetect"):
        assert word not in text, (platform, word)
    assert _interfaces(rendered.lines) == []
    assert "switchport mode trunk" not in rendered.lines and "   tagged" not in text


def test_only_edge_role_ports_get_edge_hardening(profile: Profile) -> None:
    roles = [
        PortRole("GigabitEthernet1/0/1", "edge", "access port with no switch or router behind it"),
        PortRole("GigabitEthernet1/0/2", "excluded", "trunk in the running configuration (switchport mode trunk)"),
        PortRole("GigabitEthernet1/0/3", "excluded", "alias 'Downlink 行政大樓' names an uplink, downlink or trunk"),
        PortRole("GigabitEthernet1/0/24", "uplink", "marked uplink"),
    ]
    rendered = _render("baseline", "cisco_ios", profile, roles=roles)
    assert _interfaces(rendered.lines) == ["GigabitEthernet1/0/1", "GigabitEthernet1/0/24"]
    assert "switchport mode access" in _block(rendered.lines, "interface GigabitEthernet1/0/1")
    assert _block(rendered.lines, "interface GigabitEthernet1/0/24") == ["ip dhcp snooping trust"]
    assert rendered.roles == roles  # the role table goes with the lines, for the dry run
    assert "ip dhcp snooping vlan 10,20,200" in rendered.lines


def test_no_uplink_means_no_dhcp_snooping(profile: Profile) -> None:
    roles = [PortRole("GigabitEthernet1/0/1", "edge", "access port with no switch or router behind it")]
    for platform, global_line in (("cisco_ios", "ip dhcp snooping"), ("hp_procurve", "dhcp-snooping")):
        rendered = _render("baseline", platform, profile, roles=roles if platform == "cisco_ios" else [])
        assert global_line not in rendered.lines, platform
        assert any("DHCP snooping not switched on" in note for note in rendered.notes)


def test_device_override_edge_none_keeps_hardening_off(profile: Profile) -> None:
    # The example's core-sw has edge = "none": a role table that calls ports edge does not get past the profile.
    rendered = _render("baseline", "cisco_ios", profile, device="core-sw")
    assert not any(line.startswith("interface GigabitEthernet1/0/1") for line in rendered.lines)
    demoted = {r.port: r for r in rendered.roles}["GigabitEthernet1/0/1"]
    assert (demoted.role, demoted.reason) == ("excluded", "edge = \"none\" in baseline.ports.device 'core-sw'")
    assert "interface GigabitEthernet1/0/48" in rendered.lines  # the uplink keeps its trust


def test_procurve_and_dlink_take_compact_port_lists(profile: Profile) -> None:
    roles = [PortRole(str(n), "edge", "x") for n in (1, 2, 3, 5)] + [PortRole("24", "uplink", "marked uplink")]
    lines = _render("baseline", "hp_procurve", profile, roles=roles).lines
    assert "spanning-tree 1-3,5 bpdu-protection" in lines and "dhcp-snooping trust 24" in lines
    lines = _render("baseline", "dlink_ds", profile, roles=roles).lines
    assert "config bpdu_protection ports 1-3,5 state enable mode drop" in lines


@pytest.mark.parametrize("bad", ["Gi1/0/1\nusername evil privilege 15", "Gi1/0/1 evil", "Gi1/0/1\u2028x", ""])
def test_port_names_from_the_device_are_checked(bad: str, profile: Profile) -> None:
    with pytest.raises(InputError, match=r"roles\[0\]\.port"):
        _render("baseline", "cisco_ios", profile, roles=[PortRole(bad, "edge", "x")])


def test_port_names_go_through_the_placeholder_check(monkeypatch: pytest.MonkeyPatch, profile: Profile) -> None:
    monkeypatch.setattr(render_mod.params, "check_interface", lambda value, field: value)
    with pytest.raises(InputError, match=r"baseline\.edge_ports\[0\]"):
        _render("baseline", "cisco_ios", profile, roles=[PortRole("Gi1/0/1\nusername evil", "edge", "x")])


def test_device_text_in_facts_goes_through_the_placeholder_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: Profile
) -> None:
    folder = tmp_path / "cisco_ios"
    folder.mkdir()
    (folder / "baseline.j2").write_text("! model {{ facts.model }}\n", encoding="utf-8")
    monkeypatch.setattr(render_mod, "TEMPLATES_DIR", tmp_path)
    monkeypatch.setattr(render_mod, "_ENV", None)
    facts = DeviceFacts("cisco_ios", "15.2(7)E9", "C2960X\nusername evil")
    with pytest.raises(InputError, match=r"facts\.model"):
        _render("baseline", "cisco_ios", profile, facts=facts)


# --- syntax by OS version and model ------------------------------------------------------------------------------


def _with_auth(profile: Profile, auth: str) -> Profile:
    assert profile.baseline.snmpv3 is not None
    snmp = dataclasses.replace(profile.baseline.snmpv3, auth_protocol=auth)
    return dataclasses.replace(profile, baseline=dataclasses.replace(profile.baseline, snmpv3=snmp))


@pytest.mark.parametrize(
    ("version", "portfast"),
    [
        ("15.2(7)E9", "spanning-tree portfast edge"),
        ("15.2(2)E", "spanning-tree portfast edge"),
        ("15.2(1)E3", "spanning-tree portfast"),
        ("15.0(2a)EX5", "spanning-tree portfast"),
        ("12.2(55)SE12", "spanning-tree portfast"),
        (None, "spanning-tree portfast"),
    ],
)
def test_ios_portfast_keyword_follows_the_release(version: str | None, portfast: str, profile: Profile) -> None:
    facts = DeviceFacts("cisco_ios", version, "C2960X")
    rendered = _render("baseline", "cisco_ios", profile, facts=facts)
    block = _block(rendered.lines, "interface GigabitEthernet1/0/1")
    assert portfast in block and not any(
        line.startswith("spanning-tree portfast") and line != portfast for line in block
    )
    assert any("version of this device unknown" in note for note in rendered.notes) == (version is None)


def test_sha256_is_refused_on_classic_ios_naming_the_version(profile: Profile) -> None:
    sha256 = _with_auth(profile, "sha256")
    with pytest.raises(InputError) as info:
        _render("baseline", "cisco_ios", sha256, facts=DeviceFacts("cisco_ios", "15.2(7)E9", "C2960X"))
    assert str(info.value) == (
        "baseline.snmpv3.auth_protocol 'sha256' is not available on Cisco IOS 15.2(7)E9 (it has md5 and sha): use 'sha'"
    )
    with pytest.raises(InputError, match="unknown version"):
        _render("baseline", "cisco_ios", sha256)


@pytest.mark.parametrize(
    ("version", "allowed"),
    [("16.12.4", False), ("17.9.4a", False), ("17.10.1", True), ("17.12.3", True), (None, False)],
)
def test_sha256_on_ios_xe_only_from_17_10(version: str | None, allowed: bool, profile: Profile) -> None:
    facts = DeviceFacts("cisco_xe", version, "C9300-48P")
    sha256 = _with_auth(profile, "sha256")
    if not allowed:
        with pytest.raises(InputError, match=r"SHA-2 came with 17\.10"):
            _render("baseline", "cisco_xe", sha256, facts=facts)
        return
    lines = _render("baseline", "cisco_xe", sha256, facts=facts).lines
    user = next(line for line in lines if line.startswith("snmp-server user "))
    assert user.startswith("snmp-server user campusnet NMS-GRP v3 auth sha-2 256 AuthKey-123456 priv aes 128 ")


@pytest.mark.parametrize(
    ("model", "encapsulation"), [("C3560", True), ("WS-C3750X-48P-S", True), ("C2960X", False), ("C9300-48P", False)]
)
def test_trunk_encapsulation_only_on_isl_capable_models(model: str, encapsulation: bool, profile: Profile) -> None:
    lines = _render("roaming", "cisco_ios", profile, facts=DeviceFacts("cisco_ios", "15.2(7)E9", model)).lines
    block = _block(lines, "interface GigabitEthernet1/0/41")
    assert ("switchport trunk encapsulation dot1q" in block) == encapsulation
    if encapsulation:
        assert block.index("switchport trunk encapsulation dot1q") < block.index("switchport mode trunk")
    assert "spanning-tree portfast edge trunk" in block


def test_unknown_model_sends_no_encapsulation_and_says_so(profile: Profile) -> None:
    rendered = _render("roaming", "cisco_ios", profile, facts=DeviceFacts("cisco_ios", "12.2(55)SE12", None))
    block = _block(rendered.lines, "interface GigabitEthernet1/0/41")
    assert "switchport trunk encapsulation dot1q" not in block and "spanning-tree portfast trunk" in block
    assert any("switch model unknown" in note for note in rendered.notes)


@pytest.mark.parametrize(
    ("platform", "text", "key"),
    [
        ("cisco_ios", "15.2(7)E9", (15, 2, 7, 9)),
        ("cisco_ios", "15.0(2a)EX5", (15, 0, 2, 5)),
        ("cisco_ios", "12.2(55)SE12", (12, 2, 55, 12)),
        ("cisco_ios", "15.2(2)E", (15, 2, 2, 0)),
        ("cisco_xe", "16.12.4", (16, 12, 4)),
        ("cisco_xe", "17.9.4a", (17, 9, 4)),
        ("cisco_xe", "03.06.05E", (3, 6, 5)),
        ("hp_procurve", "WC.16.10.0010", (16, 10, 10)),
        ("aruba_aoscx", "ML.10.07.0005", (10, 7, 5)),
        ("cisco_ios", "unknown", None),
        ("cisco_xe", "", None),
    ],
)
def test_versions_are_read_per_platform(platform: str, text: str, key: tuple[int, ...] | None) -> None:
    from devices.config.versions import parse_version

    parsed = parse_version(platform, text)
    assert (parsed.key if parsed else None) == key


def test_versions_compare_by_release_not_text() -> None:
    from devices.config.versions import compare_versions

    assert compare_versions("cisco_ios", "15.2(7)E9", "15.2(2)E") == 1
    assert compare_versions("cisco_ios", "15.2(10)E1", "15.2(7)E9") == 1  # not text order
    assert compare_versions("cisco_xe", "17.9.4", "17.10.1") == -1
    assert compare_versions("cisco_xe", "16.12.4", "16.12.04") == 0
    with pytest.raises(InputError, match="cannot compare"):
        compare_versions("cisco_ios", "15.2(7)E9", "next")
