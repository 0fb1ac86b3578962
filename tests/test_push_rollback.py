"""Compensating rollback where the platform has no revert of its own: ArubaOS 8 lines inside profile blocks are undone
inside their block and the profiles a push created are deleted, users before what they use; AireOS deletes the WLAN,
then the ACL it named. Against the ArubaOS emulator, which refuses top-level undo lines of block settings and the
deletion of a profile still in use, a push with a line refused near its end leaves the running config equal to the
backup.

Expected lines are written here by hand from the ArubaOS and AireOS CLI forms, not taken from the code's output.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.config.drivers import driver_for
from devices.config.profile import Profile, load_profile
from devices.config.render import Rendered, render
from devices.emulators import EmulatedDevice
from devices.push import PushResult, compute_change, restore_lines, with_block_exits
from monitor.configuration import configs
from tests.test_portal import PASSWORD, RADIUS_KEY, connect_emulator, emulator_target, push_rendered

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
AOS8 = driver_for("aruba_os")
WLC = driver_for("cisco_wlc")

# An ArubaOS 8 running config as 'show running-config' prints it, before a push.
BACKUP = """Building Configuration...
version 8.10

hostname "mc1"
ntp server 10.0.99.1
aaa profile "CN-AAA"
   authentication-dot1x CN-DOT1X
!
wlan virtual-ap "CN-VAP-17"
   aaa-profile CN-AAA
   vlan 100
!
ap-group "default"
   virtual-ap CN-VAP-17
!
"""
# The same after a push that added the portal SSID's profiles and changed the eduroam VLAN.
AFTER = (
    BACKUP.replace("   vlan 100\n", "   vlan 200\n").replace(
        "   virtual-ap CN-VAP-17\n", "   virtual-ap CN-VAP-17\n   virtual-ap CN-VAP-18\n"
    )
    + """netdestination CN-PORTAL-18
   name portal.example.edu.tw
!
user-role CN-PORTAL-18
   captive-portal CN-CP-18
!
aaa authentication captive-portal "CN-CP-18"
   white-list CN-PORTAL-18
!
aaa profile "CN-AAA-18"
   initial-role CN-PORTAL-18
!
wlan ssid-profile "CN-SSID-18"
   essid TANetRoaming
!
wlan virtual-ap "CN-VAP-18"
   aaa-profile CN-AAA-18
   ssid-profile CN-SSID-18
!
"""
)


# -- no device -------------------------------------------------------------------------------------------------


def test_aruba_os_lines_inside_blocks_are_undone_inside_them_and_new_profiles_deleted_users_first() -> None:
    assert restore_lines(AOS8, AFTER, BACKUP) == [
        'wlan virtual-ap "CN-VAP-17"',
        " no vlan 200",
        'ap-group "default"',
        " no virtual-ap CN-VAP-18",
        # Each profile before the one it names: the VAP names the SSID and AAA profiles, the AAA profile the role,
        # the role the captive-portal profile, which names the netdestination.
        'no wlan virtual-ap "CN-VAP-18"',
        'no wlan ssid-profile "CN-SSID-18"',
        'no aaa profile "CN-AAA-18"',
        "no user-role CN-PORTAL-18",
        'no aaa authentication captive-portal "CN-CP-18"',
        "no netdestination CN-PORTAL-18",
        'wlan virtual-ap "CN-VAP-17"',
        " vlan 100",
    ]


def test_block_exits_close_the_last_block_when_asked() -> None:
    lines = ['ap-group "default"', " no virtual-ap CN-VAP-18", 'no wlan virtual-ap "CN-VAP-18"', "a", " b"]
    assert with_block_exits(lines, "exit", close=True) == [
        'ap-group "default"',
        " no virtual-ap CN-VAP-18",
        "exit",
        'no wlan virtual-ap "CN-VAP-18"',
        "a",
        " b",
        "exit",
    ]


def test_aruba_os_restore_puts_back_what_the_change_removed() -> None:
    removed = BACKUP.replace("   authentication-dot1x CN-DOT1X\n", "").replace("ntp server 10.0.99.1\n", "")
    assert restore_lines(AOS8, removed, BACKUP) == [
        "ntp server 10.0.99.1",
        'aaa profile "CN-AAA"',
        " authentication-dot1x CN-DOT1X",
    ]
    assert restore_lines(AOS8, BACKUP, BACKUP) == []


def test_the_aruba_os_rollback_plan_re_enters_blocks() -> None:
    lines = [
        "wlan ssid-profile CN-SSID-18",
        "   essid TANetRoaming",
        "!",
        "ap-group default",
        "   virtual-ap CN-VAP-18",
    ]
    change = compute_change(AOS8, BACKUP, lines)
    assert [line.strip() for line in change.lines] == [*(line.strip() for line in lines if line != "!")]
    assert change.rollback == [
        'ap-group "default"',
        " no virtual-ap CN-VAP-18",
        "no wlan ssid-profile CN-SSID-18",
    ]


def test_aireos_restore_deletes_the_wlan_before_the_acl_it_names() -> None:
    backup = "config sysname WLC\nconfig wlan create 17 eduroam eduroam\n"
    current = backup + (
        "config wlan create 18 TANetRoaming TANetRoaming\n"
        "config wlan security web-auth enable 18\n"
        "config acl create CN-PORTAL-18\n"
        "config acl url-domain add portal.example.edu.tw CN-PORTAL-18\n"
        "config acl apply CN-PORTAL-18\n"
        "config wlan security web-auth acl 18 CN-PORTAL-18\n"
        "config wlan bss-transition enable 17\n"
    )
    assert restore_lines(WLC, current, backup) == [
        "config wlan delete 18",
        "config acl delete CN-PORTAL-18",
        "config wlan bss-transition disable 17",
    ]


# -- the ArubaOS emulator --------------------------------------------------------------------------------------


def test_aruba_os_emulator_refuses_to_delete_a_profile_in_use() -> None:
    with EmulatedDevice("aruba_os") as mc:
        mc.set_running_config(mc.running_config + AFTER[AFTER.index('wlan ssid-profile "CN-SSID-18"') :])
        conn = connect_emulator(mc)
        try:
            out = conn.send_config_set(["no wlan ssid-profile CN-SSID-18", "no virtual-ap CN-VAP-18"])
            assert 'Error: wlan ssid-profile "CN-SSID-18" is in use by wlan virtual-ap "CN-VAP-18"' in out
            assert "% Invalid input detected at '^' marker." in out  # a block's setting typed at the top level
            assert mc.has_line('wlan ssid-profile "CN-SSID-18"')
            conn.send_config_set(['no wlan virtual-ap "CN-VAP-18"', "no wlan ssid-profile CN-SSID-18"])
        finally:
            conn.disconnect()
        assert not mc.has_line('wlan virtual-ap "CN-VAP-18"') and not mc.has_line('wlan ssid-profile "CN-SSID-18"')
        assert not mc.has_line("essid TANetRoaming")  # the profile's settings went with it


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(EXAMPLE)


@pytest.fixture
def rendered(profile: Profile) -> Rendered:
    return render("roaming", "aruba_os", profile, secrets=lambda name: RADIUS_KEY)


@pytest.fixture
def controller(request: pytest.FixtureRequest) -> Iterator[EmulatedDevice]:
    """An ArubaOS 8 emulator refusing the lines that match the test's ``reject`` parameter."""
    with EmulatedDevice("aruba_os", password=PASSWORD, privileged=True, reject=[request.param]) as dev:
        yield dev


def _push(store: Any, dev: EmulatedDevice, rendered: Rendered, tmp_path: Path) -> PushResult:
    return push_rendered(store, emulator_target(store, dev, "aruba_os"), rendered, tmp_path)


def _sent_in_order(commands: list[str], *lines: str) -> bool:
    """Whether ``lines`` were received one after another (stripped)."""
    sent = [c.strip() for c in commands]
    return any(sent[i : i + len(lines)] == list(lines) for i in range(len(sent)))


@pytest.mark.parametrize("controller", [r"^virtual-ap CN-VAP-18$"], indirect=True)
def test_refused_last_line_of_the_example_push_to_aruba_os_is_rolled_back(
    store: Any, controller: EmulatedDevice, rendered: Rendered, tmp_path: Path
) -> None:
    before = controller.normalized(controller.running_config)
    result = _push(store, controller, rendered, tmp_path)
    assert result.status == "rolled-back", result.message
    assert "'virtual-ap CN-VAP-18' rejected: % Invalid input detected" in result.message
    assert "matches the backup" in result.message and "refused" not in result.message
    assert controller.normalized(controller.running_config) == before
    commands = controller.commands
    assert "wlan virtual-ap CN-VAP-17" in commands  # the eduroam and portal profiles were created ...
    assert _sent_in_order(commands, 'ap-group "default"', "no virtual-ap CN-VAP-17", "exit")  # ... and undone
    deletes = [c for c in commands if c.startswith("no wlan ")]
    assert deletes.index('no wlan virtual-ap "CN-VAP-17"') < deletes.index('no wlan ssid-profile "CN-SSID-17"')
    assert deletes.index('no wlan ssid-profile "CN-SSID-17"') < deletes.index('no wlan dot11r-profile "CN-11R-17"')
    assert configs.audit_log(store[0])[0].result == "rolled-back"
    assert configs.history(store[0], 1)[0].source == "push-before"  # the backup compared with


@pytest.mark.parametrize("controller", [r"^virtual-ap CN-VAP-18$"], indirect=True)
def test_an_existing_802_1x_ssid_profile_is_put_back_on_aruba_os(
    store: Any, controller: EmulatedDevice, rendered: Rendered, profile: Profile, tmp_path: Path
) -> None:
    # The controller already has eduroam, without 802.11k: the push creates the 802.11k profile and names it in the
    # existing SSID profile, adds the portal SSID, and then a line is refused. The emulator deletes no profile in
    # use, so the 802.11k profile can go only after the SSID profile stopped naming it.
    only_eduroam = dataclasses.replace(profile, ssids=profile.ssids[:1])
    eduroam = render("roaming", "aruba_os", only_eduroam, secrets=lambda name: RADIUS_KEY)
    lines = eduroam.lines[: eduroam.lines.index("ap-group default")]
    text = "\n".join(lines).replace("   dot11k-profile CN-11K-17\n", "").replace("   dot11k-enable\n", "")
    text = text.replace("wlan dot11k-profile CN-11K-17\n!\n", "")
    initial = controller.running_config.replace('ap-group "default"\n', 'ap-group "default"\n   virtual-ap CN-VAP-17\n')
    controller.set_running_config(initial + text + "\n")
    before = controller.normalized(controller.running_config)
    assert 'wlan ssid-profile "CN-SSID-17"' in before and "CN-11K-17" not in before
    result = _push(store, controller, rendered, tmp_path)
    assert result.status == "rolled-back", result.message
    assert "matches the backup" in result.message and "refused" not in result.message
    assert controller.normalized(controller.running_config) == before
    sent = [c.strip() for c in controller.commands]
    undo = sent.index("no dot11k-profile CN-11K-17")
    assert sent[undo - 1 : undo + 2] == ['wlan ssid-profile "CN-SSID-17"', "no dot11k-profile CN-11K-17", "exit"]
    assert sent.index('no wlan dot11k-profile "CN-11K-17"') > undo
    assert not [c for c in sent if c.replace('"', "") in ("no wlan ssid-profile CN-SSID-17", "no aaa profile CN-AAA")]
