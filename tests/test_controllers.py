"""Wireless controllers: AireOS RADIUS server indexes chosen from the running configuration, secret-bearing lines
verified by their other parts, WLAN restarts only with consent, ``ft = "off"`` switching adaptive 11r off too, the
Catalyst 9800 policy tag, and real pushes to the AireOS and 9800 (IOS-XE) emulators where a second push sends
nothing.

Running configurations below are in the form the real controllers print (sources named next to each); expected
lines are written from the vendors' syntax, not copied from the templates' output.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler

from devices.config import aireos, c9800
from devices.config.compliance import check_compliance, remediation
from devices.config.drivers import driver_for
from devices.config.profile import Profile, load_profile
from devices.config.render import Rendered, render
from devices.emulators import EmulatedDevice
from devices.errors import InputError
from devices.push import PushResult, PushTarget
from devices.push.diff import restore_lines
from monitor.configuration import configs
from monitor.configuration.planning import DeviceView, replanner

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
RADIUS_KEY = "Rad1us-K3y-xyz"
PASSWORD = "Ssh-Pa55word!"

# The encrypted fields of a RADIUS server as AireOS prints them: "password 1", 32 hex digits of IV, 40 of MAC, the
# length, 160 hex digits of zero-padded ciphertext. Made-up digits of that shape (never a real controller's).
ENC = "password 1 " + "5a" * 16 + " " + "c3" * 20 + " 16 " + "9e" * 16 + "0" * 128

# `show run-config commands` of an AireOS 8.x controller, in the form of a public configuration uploaded from one
# (a GitHub-hosted shell script that writes out such an upload: "config radius acct add encrypt 1 ... password 1
# ...", "config radius auth network 1 enable", "config radius auth retransmit-timeout 1 2", "config radius auth
# enable 1", the WLAN's "config wlan interface" before its "config wlan create", "config wlan radius_server auth add
# 8 6", a WPA2/AES/802.1X WLAN shown as "config wlan security wpa enable 10" alone, "config wlan enable 1" last).
# Addresses replaced by documentation addresses, encrypted fields by ENC.
AIREOS_RUNNING = f"""config radius callstationidtype ipaddr
config radius acct add encrypt 1 198.51.100.25 1813 {ENC}
config radius acct network 1 enable
config radius acct retransmit-timeout 1 2
config radius acct add encrypt 2 192.0.2.11 1813 {ENC}
config radius acct network 2 enable
config radius acct enable 1
config radius acct enable 2
config radius auth add encrypt 1 198.51.100.25 1812 {ENC}
config radius auth network 1 enable
config radius auth add encrypt 3 192.0.2.11 1812 {ENC}
config radius auth rfc3576 enable 3
config radius auth network 3 enable
config radius auth retransmit-timeout 1 2
config radius auth retransmit-timeout 3 2
config radius auth enable 1
config radius auth enable 3
config wlan interface 1 management
config wlan interface 17 management
config wlan create 1 staff staff
config wlan create 17 eduroam eduroam
config wlan radius_server acct add 17 2
config wlan radius_server auth add 17 3
config wlan security wpa enable 17
config wlan enable 1
config wlan enable 17
"""


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(EXAMPLE)


@pytest.fixture(scope="module")
def eduroam(profile: Profile) -> Profile:
    """The example with its 802.1X SSID only (servers 192.0.2.11 and 192.0.2.12)."""
    return dataclasses.replace(profile, ssids=profile.ssids[:1])


def _render(platform: str, profile: Profile, running: str | None = None) -> Rendered:
    return render("roaming", platform, profile, secrets=lambda name: RADIUS_KEY, running=running)


def _with_ft(profile: Profile, ft: str) -> Profile:
    return dataclasses.replace(profile, ssids=(dataclasses.replace(profile.ssids[0], ft=ft),))


# --- RADIUS server indexes -----------------------------------------------------------------------------------------


def test_radius_servers_are_read_in_the_printed_and_the_typed_form() -> None:
    entries = aireos.radius_entries(AIREOS_RUNNING + "config radius auth add 5 2001:DB8::5 1812 ascii x\n")
    assert [(e.kind, e.index, e.host, e.port) for e in entries] == [
        ("acct", 1, "198.51.100.25", 1813),
        ("acct", 2, "192.0.2.11", 1813),
        ("auth", 1, "198.51.100.25", 1812),
        ("auth", 3, "192.0.2.11", 1812),
        ("auth", 5, "2001:db8::5", 1812),
    ]


def test_an_index_holding_the_same_address_and_port_is_reused_and_others_take_the_lowest_free(
    eduroam: Profile,
) -> None:
    chosen = aireos.choose_radius_indexes(eduroam.radius, AIREOS_RUNNING)
    # auth: 1 holds 198.51.100.25, 3 holds 192.0.2.11 -> 192.0.2.11 keeps 3, 192.0.2.12 gets 2
    assert chosen.auth == [3, 2]
    # acct: 1 holds 198.51.100.25, 2 holds 192.0.2.11 -> 192.0.2.11 keeps 2, 192.0.2.12 gets 3
    assert chosen.acct == [2, 3]
    assert any("authentication 3 (192.0.2.11:1812)" in n and "secret" in n for n in chosen.notes)


def test_the_same_address_on_another_port_is_another_server(eduroam: Profile) -> None:
    running = f"config radius auth add encrypt 1 192.0.2.11 1645 {ENC}\n"
    chosen = aireos.choose_radius_indexes(eduroam.radius, running)
    assert chosen.auth == [2, 3]
    assert chosen.acct == [1, 2]


def test_no_running_configuration_means_indexes_from_one_and_a_note(eduroam: Profile) -> None:
    chosen = aireos.choose_radius_indexes(eduroam.radius, None)
    assert (chosen.auth, chosen.acct) == ([1, 2], [1, 2])
    assert any("was not read" in n for n in chosen.notes)


def test_a_full_controller_is_refused_before_anything_is_sent(eduroam: Profile) -> None:
    full = "".join(f"config radius auth add encrypt {n} 198.51.100.{n} 1812 {ENC}\n" for n in range(1, 18))
    with pytest.raises(InputError, match=r"no free RADIUS authentication server index .*192\.0\.2\.11:1812"):
        aireos.choose_radius_indexes(eduroam.radius, full)


def test_the_template_uses_the_chosen_indexes_for_the_servers_and_the_wlan(eduroam: Profile) -> None:
    lines = _render("cisco_wlc", eduroam, AIREOS_RUNNING).lines
    assert f"config radius auth add 3 192.0.2.11 1812 ascii {RADIUS_KEY}" in lines
    assert f"config radius auth add 2 192.0.2.12 1812 ascii {RADIUS_KEY}" in lines
    assert f"config radius acct add 2 192.0.2.11 1813 ascii {RADIUS_KEY}" in lines
    assert f"config radius acct add 3 192.0.2.12 1813 ascii {RADIUS_KEY}" in lines
    servers = [line for line in lines if line.startswith("config wlan radius_server")]
    assert servers == [
        "config wlan radius_server auth add 17 3",
        "config wlan radius_server acct add 17 2",
        "config wlan radius_server auth add 17 2",
        "config wlan radius_server acct add 17 3",
    ]
    assert not any(line.startswith(("config radius auth add 1 ", "config radius acct add 1 ")) for line in lines)


def test_the_push_replans_with_the_running_configuration(eduroam: Profile) -> None:
    view = DeviceView("wlc1", "cisco_wlc", None, neighbours_error="not read")
    plan = replanner("roaming", view, eduroam, lambda name: RADIUS_KEY)(AIREOS_RUNNING)
    assert f"config radius auth add 2 192.0.2.12 1812 ascii {RADIUS_KEY}" in plan.lines
    assert any("kept at their index" in note for note in plan.notes)


# --- verification by the other parts ------------------------------------------------------------------------------


def _printed(lines: list[str]) -> str:
    """Rendered lines as AireOS shows them after they were typed: servers encrypted, never with the secret."""
    out = []
    for line in lines:
        m = re.match(r"^config radius (auth|acct) add (\d+) (\S+) (\d+) ascii \S+$", line)
        out.append(
            f"config radius {m.group(1)} add encrypt {m.group(2)} {m.group(3)} {m.group(4)} {ENC}" if m else line
        )
    return "\n".join(out) + "\n"


def test_printed_servers_satisfy_the_typed_lines(eduroam: Profile) -> None:
    rendered = _render("cisco_wlc", eduroam)
    running = _printed(rendered.lines)
    assert RADIUS_KEY not in running
    result = check_compliance("cisco_wlc", running, rendered)
    assert result.ok, result.missing
    assert result.unverifiable == []
    assert remediation("cisco_wlc", running, rendered) == []


@pytest.mark.parametrize(
    ("wrong", "why"),
    [
        ("config radius auth add encrypt 1 192.0.2.99 1812", "address"),
        ("config radius auth add encrypt 1 192.0.2.11 1645", "port"),
        ("config radius auth add encrypt 4 192.0.2.11 1812", "index"),
    ],
)
def test_a_wrong_address_port_or_index_is_found(eduroam: Profile, wrong: str, why: str) -> None:
    rendered = _render("cisco_wlc", eduroam)
    running = _printed(rendered.lines).replace("config radius auth add encrypt 1 192.0.2.11 1812", wrong)
    result = check_compliance("cisco_wlc", running, rendered)
    assert result.missing == ["config radius auth add 1 192.0.2.11 1812 ascii ********"], why
    assert remediation("cisco_wlc", running, rendered) == [
        f"config radius auth add 1 192.0.2.11 1812 ascii {RADIUS_KEY}"
    ]


def test_settings_at_their_hidden_default_are_found(eduroam: Profile) -> None:
    rendered = _render("cisco_wlc", _with_ft(eduroam, "off"), AIREOS_RUNNING)
    assert "config wlan security wpa wpa2 enable 17" in rendered.lines
    assert "config wlan security ft adaptive disable 17" in rendered.lines
    gone = check_compliance("cisco_wlc", AIREOS_RUNNING, rendered).missing
    assert gone and not [line for line in gone if re.search(r"wpa2|802\.1x|security ft", line)]
    switched_off = (
        AIREOS_RUNNING + "config wlan security wpa akm 802.1x disable 17\nconfig wlan security ft enable 17\n"
    )
    gone = check_compliance("cisco_wlc", switched_off, rendered).missing
    assert "config wlan security wpa akm 802.1x enable 17" in gone
    assert "config wlan security ft disable 17" in gone


# --- WLAN restarts only with consent ------------------------------------------------------------------------------

CHANGE = [
    "config radius auth add 2 192.0.2.12 1812 ascii x",
    "config wlan security wpa akm ft 802.1x disable 17",
    "config wlan security ft disable 17",
    "config wlan radius_server auth add 17 2",
    "config wlan bss-transition enable 17",
]


def test_an_enabled_wlan_is_disabled_around_its_security_lines_with_consent() -> None:
    assert aireos.wrap_wlan_restarts(CHANGE, AIREOS_RUNNING, allow=True) == [
        "config radius auth add 2 192.0.2.12 1812 ascii x",
        "config wlan disable 17",
        "config wlan security wpa akm ft 802.1x disable 17",
        "config wlan security ft disable 17",
        "config wlan radius_server auth add 17 2",
        "config wlan bss-transition enable 17",
        "config wlan enable 17",
    ]


def test_without_consent_the_restart_is_refused_naming_the_wlan() -> None:
    with pytest.raises(InputError) as refused:
        aireos.wrap_wlan_restarts(CHANGE, AIREOS_RUNNING, allow=False)
    assert str(refused.value) == (
        "would disable WLAN 17 (eduroam) for a moment, dropping its clients: allow WLAN restarts to go on"
    )
    words = aireos.restart_words(CHANGE, AIREOS_RUNNING)
    assert len(words) == 1 and "WLAN 17 (eduroam)" in words[0] and "drops its clients" in words[0]


def test_two_wlans_are_named_together() -> None:
    change = [*CHANGE, "config wlan security wpa enable 1"]
    message = aireos.restart_message(change, AIREOS_RUNNING)
    assert message == (
        "would disable WLAN 17 (eduroam) and WLAN 1 (staff) for a moment, dropping their clients: "
        "allow WLAN restarts to go on"
    )


@pytest.mark.parametrize(
    ("running", "change"),
    [
        (AIREOS_RUNNING.replace("config wlan enable 17\n", "config wlan disable 17\n"), CHANGE),  # disabled WLAN
        (AIREOS_RUNNING.replace("config wlan create 17 eduroam eduroam\n", ""), CHANGE),  # WLAN made by the push
        (
            AIREOS_RUNNING,
            ["config wlan bss-transition enable 17", "config wlan assisted-roaming neighbor-list enable 17"],
        ),
    ],
    ids=["disabled", "new", "no-security-line"],
)
def test_no_restart_is_needed(running: str, change: list[str]) -> None:
    assert aireos.wrap_wlan_restarts(change, running, allow=False) == change
    assert aireos.restart_words(change, running) == []


def test_a_rollback_enables_the_wlan_after_its_settings_are_back() -> None:
    # The push disabled WLAN 17, turned ft off and failed later: back to the backup (adaptive 11r, enabled).
    backup = AIREOS_RUNNING.replace(
        "config wlan enable 17\n", "config wlan security ft adaptive enable 17\nconfig wlan enable 17\n"
    )
    # (adaptive 11r off is its default: AireOS prints no line for it)
    current = AIREOS_RUNNING.replace("config wlan enable 17\n", "config wlan disable 17\n")
    lines = restore_lines(driver_for("cisco_wlc"), current, backup)
    assert lines == ["config wlan security ft adaptive enable 17", "config wlan enable 17"]
    # Still enabled (the push re-enabled it before failing): disabled again around the security line.
    lines = restore_lines(driver_for("cisco_wlc"), AIREOS_RUNNING, backup)
    assert lines == ["config wlan disable 17", "config wlan security ft adaptive enable 17", "config wlan enable 17"]


def test_undoing_a_new_server_and_its_use_by_a_wlan() -> None:
    current = AIREOS_RUNNING + (
        f"config radius auth add encrypt 2 192.0.2.12 1812 {ENC}\nconfig radius auth enable 2\n"
        "config wlan radius_server auth add 1 2\n"
    )
    lines = restore_lines(driver_for("cisco_wlc"), current, AIREOS_RUNNING)
    # the WLAN lets go of the server first (disabled around it: WLAN 1 is enabled), then the server goes
    assert lines == [
        "config wlan disable 1",
        "config wlan radius_server auth delete 1 2",
        "config wlan enable 1",
        "config radius auth delete 2",
    ]


# --- ft = "off" -----------------------------------------------------------------------------------------------------


def test_ft_off_switches_adaptive_11r_off_too(eduroam: Profile) -> None:
    wlc = _render("cisco_wlc", _with_ft(eduroam, "off")).lines
    assert "config wlan security ft adaptive disable 17" in wlc
    assert "config wlan security ft disable 17" in wlc
    assert "config wlan security wpa akm ft 802.1x disable 17" in wlc
    assert not any(re.search(r"ft .*enable 17$", line) for line in wlc)
    xe = _render("cisco_xe", _with_ft(eduroam, "off")).lines
    wlan = xe[xe.index("wlan eduroam 17 eduroam") + 1 : xe.index(" no shutdown")]
    assert " no security ft adaptive" in wlan and " no security ft" in wlan
    assert not any(line.strip() in ("security ft", "security ft adaptive") for line in wlan)


# --- Catalyst 9800 policy tag --------------------------------------------------------------------------------------

# 9800 AP tag assignment as the Catalyst 9800 configuration guide writes it ("ap <ethernet-mac>" / " policy-tag
# NAME" / " site-tag NAME"), and a location rule (" tag policy NAME").
XE_OWN_TAGS = """wireless tag policy PT-BLDG-A
 wlan staff policy PP-STAFF
ap 00a2.eeb4.cb38
 policy-tag PT-BLDG-A
 site-tag ST-BLDG-A
ap location name LIBRARY
 tag policy PT-LIBRARY
"""


def _tag_block(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith("wireless tag policy "))
    return lines[start : start + 3]


def test_the_9800_wlans_go_into_the_default_policy_tag(profile: Profile) -> None:
    rendered = _render("cisco_xe", profile, "ap 00a2.eeb4.cb38\n policy-tag default-policy-tag\n")
    assert _tag_block(rendered.lines) == [
        "wireless tag policy default-policy-tag",
        " wlan eduroam policy PP-ROAM-17",
        " wlan TANetRoaming policy PP-ROAM-18",
    ]
    assert any("default-policy-tag, which untagged APs use" in n for n in rendered.notes)
    unknown = _render("cisco_xe", profile)
    assert _tag_block(unknown.lines)[0] == "wireless tag policy default-policy-tag"
    assert any("was not read" in n for n in unknown.notes)


def test_a_site_with_its_own_tags_gets_a_note_on_what_is_left(profile: Profile) -> None:
    assert c9800.site_tags(XE_OWN_TAGS) == ["PT-BLDG-A", "PT-LIBRARY"]
    rendered = _render("cisco_xe", profile, XE_OWN_TAGS)
    assert _tag_block(rendered.lines)[0] == "wireless tag policy PT-CAMPUSNET"
    assert "wireless tag policy default-policy-tag" not in rendered.lines
    note = next(n for n in rendered.notes if "PT-BLDG-A, PT-LIBRARY" in n)
    assert "Left to you" in note and "policy-tag PT-CAMPUSNET" in note


# --- real pushes ----------------------------------------------------------------------------------------------------


def _target(store: Any, dev: EmulatedDevice, platform: str) -> PushTarget:
    from monitor.storage.inventory import DeviceSpec, add_device

    conn, secrets, _ = store
    spec = DeviceSpec(
        name=f"{platform}-{dev.port}",
        host="127.0.0.1",
        platform=platform,
        ssh_host="127.0.0.1",
        ssh_port=dev.port,
        ssh_user=dev.username,
        secrets={"community": "public", "ssh_password": PASSWORD},
    )
    return PushTarget(
        add_device(conn, secrets, spec), spec.name, "127.0.0.1", dev.port, dev.username, PASSWORD, platform
    )


def _push(
    store: Any, target: PushTarget, profile: Profile, tmp_path: Path, *, allow: bool = False, dry_run: bool = False
) -> PushResult:
    """A real push of the roaming template, rendered again from the running configuration it reads."""
    from devices.push import PushJob, run_job

    conn, secrets, _ = store
    view = DeviceView(target.name, target.device_type, None, neighbours_error="not read")
    first = _render(target.device_type, profile)
    job = PushJob(
        target,
        first.lines,
        first.masked_lines,
        sorted(first.secret_values),
        replan=replanner("roaming", view, profile, lambda name: RADIUS_KEY),
        allow_restarts=allow,
    )
    return run_job(
        job,
        dry_run=dry_run,
        known_hosts=tmp_path / "known_hosts",
        backup_store=configs.ConfigArchive(conn, secrets),
        log_dir=tmp_path / "logs",
        timeout=5,
        read_timeout=5,
    )


def _config_lines_sent(dev: EmulatedDevice, since: int) -> list[str]:
    return [
        c
        for c in dev.commands[since:]
        if (c.startswith("config ") and not c.startswith("config paging")) or c.startswith(("wlan ", "radius ", " "))
    ]


def test_aireos_push_keeps_the_servers_it_finds_and_a_second_push_sends_nothing(
    store: Any, tmp_path: Path, eduroam: Profile
) -> None:
    with EmulatedDevice("cisco_wlc", password=PASSWORD) as dev:
        dev.platform.apply_line("config radius auth add 1 198.51.100.7 1812 ascii Other-Secret-1")  # type: ignore[attr-defined]
        dev.platform.save()
        target = _target(store, dev, "cisco_wlc")
        result = _push(store, target, eduroam, tmp_path)
        assert result.status == "applied", result.message
        running = dev.running_config
        assert RADIUS_KEY not in running and "Other-Secret-1" not in running
        assert re.search(r"^config radius auth add encrypt 1 198\.51\.100\.7 1812 password 1 ", running, re.M)
        assert re.search(r"^config radius auth add encrypt 2 192\.0\.2\.11 1812 password 1 ", running, re.M)
        assert re.search(r"^config radius auth add encrypt 3 192\.0\.2\.12 1812 password 1 ", running, re.M)
        assert re.search(r"^config radius acct add encrypt 1 192\.0\.2\.11 1813 password 1 ", running, re.M)
        assert "config wlan radius_server auth add 17 2" in running.splitlines()
        assert "config wlan radius_server auth add 17 3" in running.splitlines()
        assert "config wlan radius_server auth add 17 1" not in running.splitlines()
        assert "config wlan enable 17" in running.splitlines()
        assert "config wlan security wpa enable 17" in running.splitlines()
        assert "config wlan security wpa wpa2 enable 17" not in running.splitlines()  # a default: not printed
        assert dev.normalized(dev.startup_config) == dev.normalized(running)
        before = len(dev.commands)
        again = _push(store, target, eduroam, tmp_path)
        assert again.status == "unchanged", again.message
        assert _config_lines_sent(dev, before) == []
        assert dev.running_config == running


def test_a_security_change_to_an_enabled_wlan_needs_consent_to_restart_it(
    store: Any, tmp_path: Path, eduroam: Profile
) -> None:
    with EmulatedDevice("cisco_wlc", password=PASSWORD) as dev:
        target = _target(store, dev, "cisco_wlc")
        assert _push(store, target, eduroam, tmp_path).status == "applied"  # eduroam with adaptive 11r, enabled
        before = dev.normalized(dev.running_config)
        off = _with_ft(eduroam, "off")
        preview = _push(store, target, off, tmp_path, dry_run=True)
        assert preview.status == "preview"
        assert any("WLAN 17 (eduroam) is enabled" in note and "drops its clients" in note for note in preview.notes)
        assert any("--allow-wlan-restart" in note for note in preview.notes)
        sent = len(dev.commands)
        refused = _push(store, target, off, tmp_path)  # no consent to disable WLAN 17: nothing is sent
        assert refused.status == "not-tried", refused.message
        assert "would disable WLAN 17 (eduroam)" in refused.message and "nothing sent" in refused.message
        assert _config_lines_sent(dev, sent) == [] and dev.normalized(dev.running_config) == before
        allowed = _push(store, target, off, tmp_path, allow=True)
        assert allowed.status == "applied", allowed.message
        lines = _config_lines_sent(dev, sent)
        disable, enable = lines.index("config wlan disable 17"), lines.index("config wlan enable 17")
        assert disable < lines.index("config wlan security ft adaptive disable 17") < enable
        assert "config wlan enable 17" in dev.running_config.splitlines()


def test_the_aireos_emulator_takes_security_lines_only_while_the_wlan_is_disabled() -> None:
    with EmulatedDevice("cisco_wlc", password=PASSWORD) as dev:
        conn = ConnectHandler(
            device_type="cisco_wlc",
            host=dev.host,
            port=dev.port,
            username=dev.username,
            password=PASSWORD,
            fast_cli=True,
            conn_timeout=5,
            auth_timeout=5,
            banner_timeout=5,
            use_keys=False,
            allow_agent=False,
        )
        try:
            refused = conn.send_command_timing("config wlan security ft adaptive enable 1")
            assert "Request failed. WLAN 1 is enabled" in refused
            assert "config wlan security ft adaptive enable 1" not in dev.running_config
            wrapped = aireos.wrap_wlan_restarts(
                ["config wlan security ft adaptive enable 1"], dev.running_config, allow=True
            )
            for line in wrapped:
                assert conn.send_command_timing(line).strip() == "", line
        finally:
            conn.disconnect()
        lines = dev.running_config.splitlines()
        assert "config wlan security ft adaptive enable 1" in lines
        assert "config wlan enable 1" in lines


# A Catalyst 9800's own part of the running configuration (on the IOS emulator, which serves cisco_xe): the default
# policy tag every 9800 has, as in the 9800 configuration guide and public 9800 day-0 scripts.
XE_DEFAULT_TAG = "wireless tag policy default-policy-tag\n"

# WLANs as a 9800 prints them: genieparser's test output for the 9800 WLAN section (a FT WLAN, an open one with its
# default-on security switched off, and one left at the defaults), the WLAN names shortened.
XE_WLANS = """wlan lizzard 17 lizzard
 radio dot11a
 security ft
 security wpa akm ft dot1x
 security dot1x authentication-list dnac-cts-list
 no shutdown
wlan internet 19 internet
 mac-filtering default
 no security ft adaptive
 no security wpa
 no security wpa wpa2 ciphers aes
 no security wpa akm dot1x
 no shutdown
wlan lizzard_l 18 lizzard_2
 no broadcast-ssid
 radio dot11bg
 security dot1x authentication-list dnac-cts-list
 no shutdown
"""


def _blocks(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = out.setdefault(line, set())
        elif line.strip():
            current.add(line.strip())
    return out


def test_a_9800_wlan_is_read_with_its_hidden_defaults() -> None:
    blocks = _blocks(c9800.with_hidden_defaults(XE_WLANS))
    ft = blocks["wlan lizzard 17 lizzard"]
    assert {"security ft", "security wpa akm ft dot1x", "security wpa akm dot1x", "broadcast-ssid"} <= ft
    assert "no security ft" not in ft and "no security wpa akm ft dot1x" not in ft
    open_ = blocks["wlan internet 19 internet"]
    assert {"no security wpa", "no security wpa akm dot1x", "no security ft adaptive", "no security ft"} <= open_
    assert not {"security wpa", "security wpa akm dot1x", "security ft adaptive"} & open_
    assert "security wpa wpa2" in open_  # not switched off there: its default
    plain = blocks["wlan lizzard_l 18 lizzard_2"]
    assert {"security wpa akm dot1x", "security ft adaptive", "no security ft", "bss-transition"} <= plain
    assert "broadcast-ssid" not in plain and "no broadcast-ssid" in plain


def test_9800_push_fills_the_default_policy_tag_and_a_second_push_sends_nothing(
    store: Any, tmp_path: Path, profile: Profile
) -> None:
    # revert timer minutes of 60 s, as on real gear: the push sizes its timer in device minutes
    with EmulatedDevice("cisco_xe", password=PASSWORD, privileged=True, revert_seconds_per_minute=60) as dev:
        dev.set_running_config(dev.running_config.replace("\nend\n", "\n" + XE_DEFAULT_TAG + "!\nend\n"))
        dev.platform.save()
        target = _target(store, dev, "cisco_xe")
        result = _push(store, target, profile, tmp_path)
        assert result.status == "applied", result.message
        running = dev.running_config
        assert _blocks(running)["wireless tag policy default-policy-tag"] == {
            "wlan eduroam policy PP-ROAM-17",
            "wlan TANetRoaming policy PP-ROAM-18",
        }
        eduroam = _blocks(running)["wlan eduroam 17 eduroam"]
        # 802.1X and adaptive 11r are 9800 defaults: not shown, yet found by the check (nothing re-sent below)
        assert eduroam == {
            "security dot1x authentication-list CN-AUTHC",
            "assisted-roaming neighbor-list",
            "no shutdown",
        }
        before = len(dev.commands)
        again = _push(store, target, profile, tmp_path)
        assert again.status == "unchanged", again.message
        assert _config_lines_sent(dev, before) == []
        assert not any(c.startswith("configure terminal") for c in dev.commands[before:])


@pytest.mark.parametrize(
    ("ft", "shown"),
    [("off", {"no security ft adaptive"}), ("on", {"security ft", "security wpa akm ft dot1x"})],
)
def test_9800_ft_changes_apply_and_then_send_nothing(
    store: Any, tmp_path: Path, eduroam: Profile, ft: str, shown: set[str]
) -> None:
    with EmulatedDevice("cisco_xe", password=PASSWORD, privileged=True, revert_seconds_per_minute=60) as dev:
        target = _target(store, dev, "cisco_xe")
        assert _push(store, target, eduroam, tmp_path).status == "applied"  # adaptive 11r
        changed = _push(store, target, _with_ft(eduroam, ft), tmp_path)
        assert changed.status == "applied", changed.message
        wlan = _blocks(dev.running_config)["wlan eduroam 17 eduroam"]
        assert shown <= wlan
        before = len(dev.commands)
        again = _push(store, target, _with_ft(eduroam, ft), tmp_path)
        assert again.status == "unchanged", again.message
        assert _config_lines_sent(dev, before) == []
        back = _push(store, target, eduroam, tmp_path)  # adaptive again: nothing of the other mode is left
        assert back.status == "applied", back.message
        assert not (
            {"security ft", "security wpa akm ft dot1x", "no security ft adaptive"}
            & _blocks(dev.running_config)["wlan eduroam 17 eduroam"]
        )
