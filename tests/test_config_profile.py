"""County profile: the example loads, every bad value is refused naming its field, secrets stay out of the file."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from devices.config import params
from devices.config.profile import Profile, load_profile, parse_profile, port_request, profile_hash, profile_to_dict
from devices.config.roles import RoleRequest
from devices.errors import InputError

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"

GOOD = """
[county]
name = "Test"

[[ssid]]
name = "eduroam"
auth = "dot1x"
vlan = 200

[[radius]]
host = "192.0.2.11"
secret_ref = "county-radius"

[baseline]
ntp = ["192.0.2.1"]
banner = ["Authorized access only."]
"""


def _with(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def _refused(text: str, field: str) -> str:
    with pytest.raises(InputError) as info:
        parse_profile(text)
    assert field in str(info.value), str(info.value)
    return str(info.value)


def test_example_profile_loads_and_validates() -> None:
    profile = load_profile(EXAMPLE)
    assert isinstance(profile, Profile)
    assert profile.ssids[0].name == "eduroam" and profile.ssids[0].vlan == 200
    assert [r.host for r in profile.radius] == ["192.0.2.11", "192.0.2.12"]
    assert profile.baseline.snmpv3 is not None and profile.baseline.exec_timeout_minutes == 10
    params.validate_profile(profile)


def test_example_uses_documentation_addresses_and_comments_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for addr in re.findall(r"\b\d+\.\d+\.\d+\.\d+\b", text):
        assert addr.startswith("192.0.2."), addr
    for addr in re.findall(r'"([0-9a-f:]*::[0-9a-f:/]*)"', text):
        assert addr.startswith("2001:db8"), addr
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_0-9]+ = ", line):
            block = []
            j = i - 1
            while j >= 0 and lines[j].startswith("#"):
                block.append(lines[j])
                j -= 1
            comment = " ".join(block)
            bilingual = "/" in comment and re.search(r"[\u4e00-\u9fff]", comment) and re.search(r"[a-z]{3}", comment)
            assert bilingual, f"key without a Chinese/English comment: {line}"


def test_good_profile_parses() -> None:
    profile = parse_profile(GOOD)
    assert profile.ssids[0].ft == "adaptive" and profile.radius[0].auth_port == 1812


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "eduroam"', 'name = ""', "ssid[0].name"),
        ('name = "eduroam"', f'name = "{"a" * 33}"', "ssid[0].name"),
        ('name = "eduroam"', f'name = "{"漫" * 11}"', "ssid[0].name"),
        ('name = "eduroam"', 'name = "edu roam"', "ssid[0].name"),
        ("vlan = 200", "vlan = 0", "ssid[0].vlan"),
        ("vlan = 200", "vlan = 4095", "ssid[0].vlan"),
        ("vlan = 200", 'vlan = "200"', "ssid[0].vlan"),
        ('auth = "dot1x"', 'auth = "psk"', "ssid[0].auth"),
        ('auth = "dot1x"', 'auth = "portal"', "ssid[0].portal_url"),
        ('host = "192.0.2.11"', 'host = "192.0.2.300"', "radius[0].host"),
        ('host = "192.0.2.11"', 'host = "radius.example"', "radius[0].host"),
        ('host = "192.0.2.11"', 'host = "2001:db8::g"', "radius[0].host"),
        ('host = "192.0.2.11"', 'host = "192.0.2.11"\nauth_port = 0', "radius[0].auth_port"),
        ('host = "192.0.2.11"', 'host = "192.0.2.11"\nacct_port = 65536', "radius[0].acct_port"),
        ('secret_ref = "county-radius"', 'secret_ref = "bad name"', "radius[0].secret_ref"),
        ('ntp = ["192.0.2.1"]', 'ntp = ["192.0.2.1", "ntp.example"]', "baseline.ntp[1]"),
        ('ntp = ["192.0.2.1"]', 'syslog = ["999.0.0.1"]', "baseline.syslog[0]"),
        ('ntp = ["192.0.2.1"]', 'management_acl = ["192.0.2.1/24"]', "baseline.management_acl[0]"),
        ('ntp = ["192.0.2.1"]', "exec_timeout_minutes = 0", "baseline.exec_timeout_minutes"),
        ('ntp = ["192.0.2.1"]', "exec_timeout_minutes = 61", "baseline.exec_timeout_minutes"),
        ('ntp = ["192.0.2.1"]', "dhcp_snooping_vlans = [10, 4095]", "baseline.dhcp_snooping_vlans[1]"),
        ('ntp = ["192.0.2.1"]', "ap_vlan = 0", "baseline.ap_vlan"),
        ('ntp = ["192.0.2.1"]', 'access_ports = "Gi1/0/1-44; reload"', "baseline.access_ports"),
        ('banner = ["Authorized access only."]', 'banner = ["a ^C b"]', "baseline.banner[0]"),
        ('[county]\nname = "Test"', '[county]\nname = "Test"\ncolour = "red"', "county.colour"),
    ],
)
def test_bad_values_are_refused_naming_the_field(old: str, new: str, field: str) -> None:
    _refused(_with(old, new), field)


def test_ssid_limit_is_bytes_not_characters() -> None:
    ok = "漫" * 10 + "ab"  # 32 bytes
    assert len(ok.encode()) == 32
    assert parse_profile(_with('name = "eduroam"', f'name = "{ok}"')).ssids[0].name == ok
    assert "33 bytes" in _refused(_with('name = "eduroam"', f'name = "{"漫" * 11}"'), "ssid[0].name")


@pytest.mark.parametrize(
    ("char", "label"), [("\\n", "newline"), ("\\r", "carriage return"), ("\\u0000", "NUL"), ("\\u001b", "ESC")]
)
def test_control_characters_are_refused_in_ssid_and_banner(char: str, label: str) -> None:
    message = _refused(_with('name = "eduroam"', f'name = "edu{char}roam"'), "ssid[0].name")
    assert f"control character ({label})" in message
    message = _refused(_with('banner = ["Authorized access only."]', f'banner = ["ok", "x{char}y"]'), "banner[1]")
    assert label in message


def test_multiline_banner_string_becomes_validated_lines() -> None:
    profile = parse_profile(_with('banner = ["Authorized access only."]', 'banner = """\nline one\nline two\n"""'))
    assert profile.baseline.banner == ("line one", "line two")


@pytest.mark.parametrize("key", ["secret", "key", "auth_key"])
def test_secret_in_the_file_is_refused(key: str) -> None:
    text = _with('secret_ref = "county-radius"', f'secret_ref = "county-radius"\n{key} = "hunter22"')
    message = _refused(text, f"radius[0].{key}")
    assert "campusnet secret set" in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("has space", "a space"),
        ("new\nline", "newline"),
        ("cr\rhere", "carriage return"),
        ("nul\0", "NUL"),
        ("esc\x1b[0m", "ESC"),
        ("what?", "'?'"),
        ('quo"te', "'\"'"),
        ("", "1-128"),
    ],
)
def test_secret_values_are_checked(value: str, fragment: str) -> None:
    with pytest.raises(InputError, match=r"radius\[0\]\.secret") as info:
        params.check_secret(value, "radius[0].secret")
    assert fragment in str(info.value)


def test_secret_platform_rules() -> None:
    assert params.check_secret("x" * 100, "s") == "x" * 100
    with pytest.raises(InputError, match="cisco_wlc"):
        params.check_secret("x" * 65, "s", "cisco_wlc")
    with pytest.raises(InputError, match="8-128"):
        params.check_secret("short", "baseline.snmpv3.auth_key", min_len=8)


def test_profile_hash_is_stable_and_follows_content(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text(GOOD, encoding="utf-8")
    commented = tmp_path / "b.toml"
    commented.write_text("# a comment\n" + GOOD, encoding="utf-8")
    assert profile_hash(first) == profile_hash(first) == profile_hash(commented)
    assert profile_hash(first) == profile_hash(parse_profile(GOOD))
    changed = tmp_path / "c.toml"
    changed.write_text(_with("vlan = 200", "vlan = 201"), encoding="utf-8")
    assert profile_hash(changed) != profile_hash(first)
    assert re.fullmatch(r"[0-9a-f]{64}", profile_hash(first))


def test_profile_round_trips_through_tomli_w() -> None:
    import tomli_w

    profile = load_profile(EXAMPLE)
    again = parse_profile(tomli_w.dumps(profile_to_dict(profile)))
    assert again == profile


def test_overrides_for_one_ssid() -> None:
    profile = parse_profile(GOOD)
    result = params.apply_overrides(
        profile,
        {
            "ssid": "TANetRoaming",
            "vlan": "300",
            "radius1": "192.0.2.21",
            "radius2": "192.0.2.22",
            "radius_secret_env": "COUNTY_SECRET",
            "banner": "Staff only",
            "ntp": "192.0.2.5, 192.0.2.6",
            "syslog": "192.0.2.7",
        },
    )
    new = result.profile
    assert result.secret_env == "COUNTY_SECRET"
    assert (new.ssids[0].name, new.ssids[0].vlan) == ("TANetRoaming", 300)
    assert [r.host for r in new.radius] == ["192.0.2.21", "192.0.2.22"]
    assert {r.secret_ref for r in new.radius} == {"env:COUNTY_SECRET"}
    assert new.baseline.banner == ("Staff only",)
    assert new.baseline.ntp == ("192.0.2.5", "192.0.2.6") and new.baseline.syslog == ("192.0.2.7",)
    assert profile.ssids[0].name == "eduroam"  # the original is untouched


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vlan": "4095"}, "ssid[0].vlan"),
        ({"vlan": "ten"}, "--set vlan"),
        ({"ssid": "edu\nroam"}, "--set ssid"),
        ({"banner": "evil\r\nline"}, "--set banner"),
        ({"radius1": "not-an-ip"}, "--set radius1"),
        ({"radius_secret_env": "A B"}, "radius_secret_env"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_overrides_are_refused(overrides: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as info:
        params.apply_overrides(parse_profile(GOOD), overrides)
    assert field in str(info.value)


def test_override_ssid_refuses_several_ssids() -> None:
    profile = parse_profile(GOOD)
    two = dataclasses.replace(
        profile, ssids=(*profile.ssids, dataclasses.replace(profile.ssids[0], name="b", wlan_id=18))
    )
    with pytest.raises(InputError, match="several SSIDs"):
        params.apply_overrides(two, {"ssid": "x"})


# --- ports by role -----------------------------------------------------------------------------------------------

PORTS = """
[baseline.ports]
edge = "auto"

[[baseline.ports.device]]
name = "core-sw"
edge = "none"
uplink = "GigabitEthernet1/0/48"

[[baseline.ports.device]]
name = "sw-1"
edge = ["Gi1/0/1-40", "Gi1/0/45"]
ap = ["Gi1/0/41-44"]
"""


def test_ports_by_role_and_per_device() -> None:
    profile = parse_profile(GOOD + PORTS)
    assert port_request(profile, "cisco_ios", "core-sw") == RoleRequest(
        edge="none", uplink=("GigabitEthernet1/0/48",), where="baseline.ports.device 'core-sw'"
    )
    sw1 = port_request(profile, "cisco_ios", "sw-1")
    assert (sw1.edge, sw1.edge_candidates, sw1.ap) == ("auto", ("Gi1/0/1-40", "Gi1/0/45"), ("Gi1/0/41-44",))
    other = port_request(profile, "cisco_ios", "sw-9")
    assert other == RoleRequest(edge="auto", where="baseline.ports")
    assert port_request(parse_profile(GOOD), "hp_procurve") == RoleRequest(where="baseline.ports")
    import tomli_w

    assert parse_profile(tomli_w.dumps(profile_to_dict(profile))) == profile


def test_older_per_platform_port_lists_become_candidates() -> None:
    old = GOOD + (
        '\n[baseline.access_ports]\ncisco_ios = "GigabitEthernet1/0/1-40"\nhp_procurve = "1-40"\n'
        '[baseline.uplink_ports]\ncisco_ios = "GigabitEthernet1/0/48"\n'
    )
    profile = parse_profile(old)
    request = port_request(profile, "cisco_ios", "any-switch")
    assert request.edge_candidates == ("GigabitEthernet1/0/1-40",) and request.uplink == ("GigabitEthernet1/0/48",)
    assert request.where == "the profile's cisco_ios port lists"
    assert port_request(profile, "aruba_osswitch").edge_candidates == ("1-40",)  # aliases find their platform
    assert port_request(profile, "huawei").edge_candidates is None


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('edge = "auto"', 'edge = "some"', "baseline.ports.edge"),
        ('name = "sw-1"', 'name = "core-sw"', "baseline.ports.device[1].name"),
        ('uplink = "GigabitEthernet1/0/48"', 'uplink = "Gi1/0/48; reload"', "baseline.ports.device[0].uplink[0]"),
        ('ap = ["Gi1/0/41-44"]', 'ap = ["Gi1/0/44-41"]', "baseline.ports.device[1].ap[0]"),
        ('ap = ["Gi1/0/41-44"]', "ap = [41]", "baseline.ports.device[1].ap[0]"),
        ('ap = ["Gi1/0/41-44"]', 'trunk = ["Gi1/0/41"]', "baseline.ports.device[1].trunk"),
        ('name = "sw-1"', 'name = "sw\\n1"', "baseline.ports.device[1].name"),
    ],
)
def test_bad_port_choices_are_refused_naming_the_field(old: str, new: str, field: str) -> None:
    text = GOOD + PORTS
    assert old in text
    _refused(text.replace(old, new, 1), field)
