"""Portal (external captive-portal) roaming SSIDs on the wireless controllers: what each platform renders for the
example profile's TANetRoaming SSID, real pushes of it to the AireOS and ArubaOS 8 emulators (applied, verified,
saved; a refused line rolled back), the emulators' checks of the portal lines, and injection attempts through
``portal_url`` (refused naming the field, nothing sent).

Expected lines are written here from the vendor syntax the templates cite, not copied from the templates' output.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import ConfigInvalidException

from devices.config import render as render_mod
from devices.config.profile import Profile, load_profile, parse_profile
from devices.config.render import Rendered, render
from devices.emulators import EmulatedDevice
from devices.errors import InputError
from devices.push import PushResult, PushTarget, push
from monitor.cli.main import main as cli
from monitor.configuration import configs

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
URL = "https://portal.example.edu.tw/login"
RADIUS_KEY = "Rad1us-K3y-xyz"
PASSWORD = "Ssh-Pa55word!"
CONTROLLERS = ("cisco_wlc", "cisco_xe", "aruba_os", "aruba_instant", "fortinet")


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(EXAMPLE)


def _render(platform: str, profile: Profile) -> Rendered:
    return render("roaming", platform, profile, secrets=lambda name: RADIUS_KEY)


def _with_portal(profile: Profile, **changes: Any) -> Profile:
    """The example with its portal SSID (ssid[1]) changed."""
    eduroam, portal = profile.ssids
    return dataclasses.replace(profile, ssids=(eduroam, dataclasses.replace(portal, **changes)))


def _block(lines: list[str], header: str) -> list[str]:
    """The stripped lines indented under the line equal to ``header`` (any indentation of the header)."""
    stripped = [line.strip() for line in lines]
    start = stripped.index(header)
    depth = len(lines[start]) - len(lines[start].lstrip())
    out = []
    for line in lines[start + 1 :]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        out.append(line.strip())
    return out


def _blocks(config: str) -> dict[str, list[str]]:
    """Top-level line (quotes dropped, as ArubaOS adds them) -> its indented lines, from a running config."""
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for line in config.splitlines():
        if not line.strip() or line.strip() == "!":
            continue
        if line[0].isspace():
            current.append(line.strip())
        else:
            current = out.setdefault(line.replace('"', ""), [])
    return out


# --- rendering ---------------------------------------------------------------------------------------------------


def test_the_example_profile_has_a_tanet_roaming_portal_ssid(profile: Profile) -> None:
    portal = profile.ssids[1]
    assert (portal.name, portal.auth, portal.vlan, portal.ft) == ("TANetRoaming", "portal", 201, "off")
    assert portal.wlan_id == 18
    assert portal.portal_url == URL
    assert profile.ssids[0].auth == "dot1x"  # eduroam stays the 802.1X SSID


def test_aireos_portal_wlan(profile: Profile) -> None:
    lines = _render("cisco_wlc", profile).lines
    for want in (
        "config wlan create 18 TANetRoaming TANetRoaming",
        "config wlan interface 18 roam-v201",
        "config wlan security wpa disable 18",
        "config wlan security web-auth enable 18",
        "config wlan custom-web webauth-type external 18",
        f"config wlan custom-web ext-webauth-url {URL} 18",
        "config wlan radius_server auth add 18 1",
        "config wlan radius_server auth add 18 2",
        "config acl create CN-PORTAL-18",
        "config acl url-domain add portal.example.edu.tw CN-PORTAL-18",
        "config acl apply CN-PORTAL-18",
        "config wlan security web-auth acl 18 CN-PORTAL-18",
        "config wlan enable 18",
    ):
        assert want in lines, want
    wlan18 = [line for line in lines if re.search(r"\b18$", line)]
    assert not [line for line in wlan18 if re.search(r"wpa (enable|wpa2)|akm|802\.1x|security ft", line)]
    attach = lines.index("config wlan security web-auth acl 18 CN-PORTAL-18")
    assert lines.index("config acl apply CN-PORTAL-18") < attach  # the ACL exists before the WLAN names it
    assert "config wlan security wpa akm 802.1x enable 17" in lines  # eduroam keeps 802.1X


def test_catalyst_9800_portal_wlan(profile: Profile) -> None:
    lines = _render("cisco_xe", profile).lines
    assert "aaa authentication login CN-WEBAUTH group CN-GRP" in lines
    assert _block(lines, "parameter-map type webauth CN-PORTAL-18") == ["type webauth", f"redirect for-login {URL}"]
    wlan = _block(lines, "wlan TANetRoaming 18 TANetRoaming")
    for want in (
        "no security wpa",
        "no security wpa wpa2",
        "no security wpa akm dot1x",
        "security web-auth",
        "security web-auth authentication-list CN-WEBAUTH",
        "security web-auth parameter-map CN-PORTAL-18",
        "no shutdown",
    ):
        assert want in wlan, want
    assert not [line for line in wlan if re.match(r"security (wpa akm|dot1x|ft)", line)]
    policy = _block(lines, "wireless profile policy PP-ROAM-18")
    assert "vlan 201" in policy and "urlfilter list pre-auth-filter CN-PORTAL-18" in policy
    assert _block(lines, "urlfilter list CN-PORTAL-18") == ["action permit", "url portal.example.edu.tw"]
    assert " wlan TANetRoaming policy PP-ROAM-18" in lines
    assert "security wpa akm dot1x" in _block(lines, "wlan eduroam 17 eduroam")


def test_aruba_os_portal_ssid(profile: Profile) -> None:
    lines = _render("aruba_os", profile).lines
    assert _block(lines, "aaa authentication captive-portal CN-CP-18") == [
        f"login-page {URL}",
        "server-group CN-SG",
        "white-list CN-PORTAL-18",
    ]
    assert _block(lines, "netdestination CN-PORTAL-18") == ["name portal.example.edu.tw"]
    role = _block(lines, "user-role CN-PORTAL-18")
    assert "captive-portal CN-CP-18" in role and "access-list session captiveportal" in role
    aaa = _block(lines, "aaa profile CN-AAA-18")
    assert "initial-role CN-PORTAL-18" in aaa and not any("dot1x" in line for line in aaa)
    ssid = _block(lines, "wlan ssid-profile CN-SSID-18")
    assert "opmode opensystem" in ssid and "essid TANetRoaming" in ssid
    assert not any(line.startswith(("opmode wpa", "dot11r")) for line in ssid)
    vap = _block(lines, "wlan virtual-ap CN-VAP-18")
    assert vap == ["aaa-profile CN-AAA-18", "ssid-profile CN-SSID-18", "vlan 201"]
    assert "virtual-ap CN-VAP-18" in _block(lines, "ap-group default")
    assert "wlan dot11r-profile CN-11R-18" not in lines


def test_aruba_instant_portal_ssid(profile: Profile) -> None:
    lines = _render("aruba_instant", profile).lines
    assert _block(lines, "wlan external-captive-portal CN-ECP-18") == [
        "server portal.example.edu.tw",
        "port 443",
        "url /login",
        "https",
    ]
    ssid = _block(lines, "wlan ssid-profile TANetRoaming")
    for want in (
        "type guest",
        "opmode opensystem",
        "vlan 201",
        "auth-server CN-RAD1",
        "captive-portal external profile CN-ECP-18",
    ):
        assert want in ssid, want
    assert "opmode wpa2-aes" not in ssid and "dot11r" not in ssid and "type employee" not in ssid


def test_fortigate_portal_vap(profile: Profile) -> None:
    lines = _render("fortinet", profile).lines
    vap = _block(lines, 'edit "cn-vap18"')
    for want in (
        'set ssid "TANetRoaming"',
        "set security captive-portal",
        "set portal-type auth",
        f'set external-web "{URL}"',
        'set selected-usergroups "CN-PORTAL"',
        'set security-exempt-list "cn-portal18"',
        "set vlanid 201",
    ):
        assert want in vap, want
    assert not [line for line in vap if re.search(r"enterprise|set auth radius|radius-server|fast-bss", line)]
    assert _block(lines, 'edit "CN-PORTAL"') == ['set member "CN-RAD"']
    address = [line.strip() for line in lines[lines.index("config firewall address") :][:5]]
    assert address[1:4] == ['edit "cn-portal18"', "set type fqdn", 'set fqdn "portal.example.edu.tw"']
    assert "set security wpa2-only-enterprise" in _block(lines, 'edit "cn-vap17"')


@pytest.mark.parametrize(
    ("platform", "present", "absent"),
    [
        (
            "cisco_wlc",
            [
                "config acl rule destination address CN-PORTAL-18 1 192.0.2.50 255.255.255.255",
                "config acl rule action CN-PORTAL-18 1 permit",
                "config acl rule source address CN-PORTAL-18 2 192.0.2.50 255.255.255.255",
                "config wlan custom-web ext-webauth-url https://192.0.2.50:8443/portal 18",
            ],
            ["config acl url-domain"],
        ),
        ("cisco_xe", [" redirect portal ipv4 192.0.2.50"], ["urlfilter list"]),
        ("aruba_os", ["   host 192.0.2.50"], ["   name "]),
        ("aruba_instant", [" server 192.0.2.50", " port 8443", " url /portal", " https"], []),
        ("fortinet", ["        set subnet 192.0.2.50 255.255.255.255"], ["set type fqdn"]),
    ],
)
def test_a_portal_at_an_ipv4_address_is_allowed_by_address(
    platform: str, present: list[str], absent: list[str], profile: Profile
) -> None:
    lines = _render(platform, _with_portal(profile, portal_url="https://192.0.2.50:8443/portal")).lines
    for want in present:
        assert want in lines, want
    for unwanted in absent:
        assert not any(unwanted in line for line in lines), unwanted


def test_http_portal_on_instant_and_ft_note(profile: Profile) -> None:
    rendered = _render("aruba_instant", _with_portal(profile, portal_url="http://portal.example.edu.tw/", ft="on"))
    block = _block(rendered.lines, "wlan external-captive-portal CN-ECP-18")
    assert block == ["server portal.example.edu.tw", "port 80", "url /"]  # no 'https'
    assert any("ssid[1].ft" in note and "802.11r" in note for note in rendered.notes)
    assert not any("dot11r" in line for line in _block(rendered.lines, "wlan ssid-profile TANetRoaming"))


@pytest.mark.parametrize("platform", CONTROLLERS)
def test_portal_lines_are_masked_like_the_others(platform: str, profile: Profile) -> None:
    rendered = _render(platform, profile)
    assert len(rendered.lines) == len(rendered.masked_lines)
    shown = "\n".join(rendered.masked_lines)
    assert URL in shown if platform != "aruba_instant" else " server portal.example.edu.tw\n" in shown
    assert not any(RADIUS_KEY in line for line in rendered.masked_lines)


# --- injection through portal_url ---------------------------------------------------------------------------------

# The brief's attempts: a newline or carriage return (a new command), NUL, ESC (terminal control), a space (a second
# CLI word) and a double quote (leaving FortiOS's quoted value).
INJECTIONS = {
    "newline": URL + "\nconfig mgmtuser add evil Evil-Pass1 read-write",
    "carriage return": URL + "\rconfig mgmtuser add evil Evil-Pass1 read-write",
    "NUL": URL + "\x00",
    "ESC": URL + "\x1b[2J",
    "space": URL + " 17",
    "quote": URL + '"\n    set security open',
}
MORE_BAD_URLS = [
    URL + "?next=1",  # CLI help
    URL + "'",
    URL + "\\",
    URL + "`",
    "https://user@portal.example.edu.tw/login",
    "ftp://portal.example.edu.tw/login",
    "https://[2001:db8::1]/login",
    "https://portal.example.edu.tw:99999/login",
    "https://-bad-.example.edu.tw/login",
    "https://" + "a" * 300,
]


def _profile_text(url: str) -> str:
    """The example profile's TOML with its portal_url replaced (json.dumps escapes are valid TOML)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    line = f'portal_url = "{URL}"'
    assert text.count(line) == 1
    return text.replace(line, f"portal_url = {json.dumps(url)}")


@pytest.mark.parametrize("url", [*INJECTIONS.values(), *MORE_BAD_URLS], ids=[*INJECTIONS, *range(len(MORE_BAD_URLS))])
def test_bad_portal_urls_are_refused_naming_the_field(url: str, profile: Profile) -> None:
    with pytest.raises(InputError, match=r"ssid\[1\]\.portal_url"):
        parse_profile(_profile_text(url))
    for platform in CONTROLLERS:  # and render() checks again on its own
        with pytest.raises(InputError, match=r"ssid\[1\]\.portal_url"):
            _render(platform, _with_portal(profile, portal_url=url))


@pytest.fixture
def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn off the first line of defence so only the structural check stands."""
    monkeypatch.setattr(render_mod, "_validate", lambda *args: None)


@pytest.mark.usefixtures("no_validation")
@pytest.mark.parametrize("url", [INJECTIONS["newline"], INJECTIONS["carriage return"], URL + "\u2028evil"])
@pytest.mark.parametrize("platform", CONTROLLERS)
def test_line_break_in_portal_url_is_caught_by_the_shape_check(url: str, platform: str, profile: Profile) -> None:
    with pytest.raises(InputError, match=r"ssid\[1\]\.portal_(url|path).*shape"):
        _render(platform, _with_portal(profile, portal_url=url))


def add_to_store(db: str, monkeypatch: pytest.MonkeyPatch, dev: EmulatedDevice, name: str, platform: str) -> None:
    """Add the emulator ``dev`` to the store ``db`` with the command line, as device ``name`` of ``platform``, and
    save the county RADIUS secret (secrets in the 0600 file)."""
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    monkeypatch.setenv("COMM", "public")
    monkeypatch.setenv("SSHPW", PASSWORD)
    monkeypatch.setenv("RAD", RADIUS_KEY)
    add = ["--db", db, "device", "add", name, "--host", "127.0.0.1", "--community-env", "COMM"]
    add += ["--platform", platform, "--ssh-host", "127.0.0.1", "--ssh-port", str(dev.port)]
    add += ["--ssh-user", dev.username, "--ssh-password-env", "SSHPW"]
    assert cli(add) == 0
    assert cli(["--db", db, "secret", "set", "county-radius", "--value-env", "RAD"]) == 0


@pytest.fixture
def wlc_in_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """A cisco_wlc emulator added to a new store (as device wlc1), the county RADIUS secret saved."""
    with EmulatedDevice("cisco_wlc", password=PASSWORD) as dev:
        db = str(tmp_path / "inventory.db")
        add_to_store(db, monkeypatch, dev, "wlc1", "cisco_wlc")
        capsys.readouterr()
        yield dev, db, tmp_path


@pytest.mark.parametrize("what", list(INJECTIONS))
def test_injected_portal_url_is_refused_before_anything_is_sent(
    what: str, wlc_in_store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    dev, db, tmp_path = wlc_in_store
    evil = tmp_path / "evil.toml"
    evil.write_text(_profile_text(INJECTIONS[what]), encoding="utf-8")
    code = cli(["--db", db, "config", "push", "roaming", "wlc1", "--profile", str(evil), "--yes"])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "ssid[1].portal_url" in err and len(err.strip().splitlines()) == 1
    assert dev.sessions == 0 and dev.commands == []  # never connected, nothing sent


def test_the_cli_renders_the_portal_for_the_controller(wlc_in_store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    dev, db, _ = wlc_in_store
    assert cli(["--db", db, "config", "render", "roaming", "wlc1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"config wlan custom-web ext-webauth-url {URL} 18" in out
    assert "config radius auth add 1 192.0.2.11 1812 ascii ********" in out and RADIUS_KEY not in "\n".join(out)
    assert dev.sessions == 0


# --- Aruba Instant: its own templates and push driver, over netmiko's aruba_os session ------------------------------


@pytest.fixture
def instant_in_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Any]:
    """An 'aruba_instant' device iap1 in a new store whose SSH goes to the ArubaOS 8 emulator (Instant's SSH session
    and 'show running-config' are the same netmiko aruba_os driver's)."""
    with EmulatedDevice("aruba_os", password=PASSWORD, privileged=True) as dev:
        db = str(tmp_path / "inventory.db")
        add_to_store(db, monkeypatch, dev, "iap1", "aruba_instant")
        capsys.readouterr()
        yield dev, db


def _instant_lines_ok(lines: list[str]) -> None:
    """The Aruba Instant roaming lines (VENDORS.md 3.4), not the ArubaOS 8 controller's profiles."""
    stripped = [line.strip() for line in lines]
    for want in ("wlan auth-server CN-RAD1", "wlan ssid-profile eduroam", "type employee", "opmode wpa2-aes"):
        assert want in stripped, want
    assert "wlan ssid-profile TANetRoaming" in stripped and "type guest" in stripped
    assert "wlan external-captive-portal CN-ECP-18" in stripped
    assert not [line for line in stripped if line.startswith(("wlan virtual-ap", "aaa profile", "ap-group"))]


def test_config_render_gives_an_instant_device_the_instant_template(
    instant_in_store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    dev, db = instant_in_store
    assert cli(["--db", db, "config", "render", "roaming", "iap1"]) == 0
    _instant_lines_ok(capsys.readouterr().out.splitlines())
    assert dev.sessions == 0


def test_a_detected_instant_ap_gets_the_instant_template_and_driver(instant_in_store: Any) -> None:
    from devices.config.drivers import driver_for
    from monitor.storage.inventory import get_device, store_id
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    _dev, db = instant_in_store
    conn = connect(Path(db))
    with conn:  # as polling leaves it when the user kept the platform on auto
        conn.execute(
            "UPDATE devices SET platform = 'auto', detected_platform = 'aruba_instant', netmiko_type = 'aruba_os'"
        )
    device = get_device(conn, "iap1")
    assert configs.device_platform(device) == "aruba_instant"
    fields = configs.push_target_fields(device, open_secrets(Path(db), store_id(conn)))
    driver = driver_for(fields["device_type"])
    assert (driver.netmiko_type, driver.folder) == ("aruba_os", "aruba_instant")
    assert driver.save is not None and driver.save.command == "commit apply"
    with conn:  # an ArubaOS 8 controller is detected as such
        conn.execute("UPDATE devices SET detected_platform = 'aruba_os'")
    assert configs.device_platform(get_device(conn, "iap1")) == "aruba_os"
    conn.close()


def test_dry_run_to_an_instant_device_shows_the_instant_change(
    instant_in_store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    dev, db = instant_in_store
    code = cli(["--db", db, "config", "push", "roaming", "iap1", "--dry-run", "--json"])
    results = json.loads(capsys.readouterr().out)
    assert code == 0 and results[0]["status"] == "preview", results
    _instant_lines_ok(results[0]["change"])
    assert " key ********" in results[0]["change"] and RADIUS_KEY not in json.dumps(results)
    assert "show running-config" in dev.commands  # read over netmiko's aruba_os session
    assert [c for c in dev.commands if c.startswith(("wlan ", "configure"))] == []  # nothing sent


# --- real pushes to the emulators ---------------------------------------------------------------------------------


def emulator_target(store: Any, dev: Any, platform: str) -> PushTarget:
    """A push target for the emulator ``dev``, added to the test store as a device of ``platform``."""
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
    device_id = add_device(conn, secrets, spec)
    return PushTarget(device_id, spec.name, "127.0.0.1", dev.port, dev.username, PASSWORD, platform)


def push_rendered(store: Any, target: PushTarget, rendered: Rendered, tmp_path: Path) -> PushResult:
    """A real push of ``rendered`` (backups and audit in the test store, session logs in ``tmp_path``)."""
    conn, secrets, _ = store
    return push(
        target,
        rendered.lines,
        rendered.masked_lines,
        sorted(rendered.secret_values),
        dry_run=False,
        known_hosts=tmp_path / "known_hosts",
        backup_store=configs.ConfigArchive(conn, secrets),
        log_dir=tmp_path / "logs",
        timeout=5,
        read_timeout=5,
    )


AIREOS_PORTAL = """config wlan create 18 TANetRoaming TANetRoaming
config wlan interface 18 roam-v201
config wlan security wpa disable 18
config wlan security web-auth enable 18
config wlan custom-web webauth-type external 18
config wlan custom-web ext-webauth-url https://portal.example.edu.tw/login 18
config wlan radius_server auth add 18 1
config wlan radius_server acct add 18 1
config wlan radius_server auth add 18 2
config wlan radius_server acct add 18 2
config acl create CN-PORTAL-18
config acl url-domain add portal.example.edu.tw CN-PORTAL-18
config acl apply CN-PORTAL-18
config wlan security web-auth acl 18 CN-PORTAL-18
config wlan assisted-roaming neighbor-list enable 18
config wlan bss-transition enable 18
config wlan enable 18
"""


def test_push_of_the_example_to_the_aireos_emulator(store: Any, tmp_path: Path, profile: Profile) -> None:
    with EmulatedDevice("cisco_wlc", password=PASSWORD) as dev:
        target = emulator_target(store, dev, "cisco_wlc")
        result = push_rendered(store, target, _render("cisco_wlc", profile), tmp_path)
        assert result.status == "applied", result.message
        running = dev.running_config
        assert AIREOS_PORTAL in running  # the portal WLAN, in the order sent, as `show run-config commands` shows
        # AireOS shows a RADIUS server encrypted, never with its secret
        assert "config radius auth add encrypt 2 192.0.2.12 1812 password 1 " in running
        assert RADIUS_KEY not in running
        assert not re.search(r"^config wlan security (wpa (enable|wpa2|akm)|ft).* 18$", running, re.M)
        assert "config wlan disable 18" not in running  # the WLAN ends enabled
        assert dev.normalized(dev.startup_config) == dev.normalized(running)  # saved
        again = push_rendered(store, target, _render("cisco_wlc", profile), tmp_path)
        assert again.status == "unchanged", again.message  # the compliance check sees the portal as configured


def _with_eduroam(dev: EmulatedDevice, profile: Profile) -> None:
    """Give the emulated WLC the example's RADIUS servers and eduroam WLAN, as an earlier push would have."""
    eduroam = _render("cisco_wlc", dataclasses.replace(profile, ssids=profile.ssids[:1]))
    lines = [line for line in eduroam.lines if line != "config wlan disable 17"]
    dev.set_running_config(dev.running_config + "\n".join(lines) + "\n")
    dev.platform.save()


def test_refused_portal_line_on_aireos_is_rolled_back(store: Any, tmp_path: Path, profile: Profile) -> None:
    with EmulatedDevice("cisco_wlc", password=PASSWORD, reject=[r"^config wlan custom-web ext-webauth-url"]) as dev:
        _with_eduroam(dev, profile)
        before = dev.normalized(dev.running_config)
        result = push_rendered(store, emulator_target(store, dev, "cisco_wlc"), _render("cisco_wlc", profile), tmp_path)
        assert result.status == "rolled-back", result.message
        assert "ext-webauth-url" in result.message and "matches the backup" in result.message
        assert dev.normalized(dev.running_config) == before
        assert "config wlan create 18 TANetRoaming TANetRoaming" in dev.commands  # it was applied, then undone
        assert "config wlan delete 18" in dev.commands


@pytest.mark.slow
def test_refused_line_after_the_portal_acl_on_aireos_is_rolled_back(
    store: Any, tmp_path: Path, profile: Profile
) -> None:
    with EmulatedDevice("cisco_wlc", password=PASSWORD, reject=[r"^config wlan security web-auth acl"]) as dev:
        _with_eduroam(dev, profile)
        before = dev.normalized(dev.running_config)
        assert "CN-PORTAL-18" not in before
        result = push_rendered(store, emulator_target(store, dev, "cisco_wlc"), _render("cisco_wlc", profile), tmp_path)
        assert result.status == "rolled-back", result.message
        assert "web-auth acl 18 CN-PORTAL-18' rejected" in result.message
        assert "matches the backup" in result.message
        assert dev.normalized(dev.running_config) == before  # the ACL, its domain and the WLAN are gone
        assert "config acl create CN-PORTAL-18" in dev.commands  # it was created, then deleted
        deletes = [c for c in dev.commands if " delete " in c]
        assert deletes == ["config wlan delete 18", "config acl delete CN-PORTAL-18"]  # the WLAN (its user) first


def test_push_of_the_portal_ssid_to_the_aruba_os_emulator(store: Any, tmp_path: Path, profile: Profile) -> None:
    # The controller already has eduroam (pushed earlier): this push adds the portal SSID only.
    eduroam = _render("aruba_os", dataclasses.replace(profile, ssids=profile.ssids[:1]))
    with EmulatedDevice("aruba_os", password=PASSWORD, privileged=True) as dev:
        lines = eduroam.lines[: eduroam.lines.index("ap-group default")]  # its VAP joins the existing AP group
        initial = dev.running_config.replace('ap-group "default"\n', 'ap-group "default"\n   virtual-ap CN-VAP-17\n')
        dev.set_running_config(initial + "\n".join(lines) + "\n")
        dev.platform.save()
        result = push_rendered(store, emulator_target(store, dev, "aruba_os"), _render("aruba_os", profile), tmp_path)
        assert result.status == "applied", result.message
        blocks = _blocks(dev.running_config)
        assert blocks["netdestination CN-PORTAL-18"] == ["name portal.example.edu.tw"]
        assert blocks["aaa authentication captive-portal CN-CP-18"] == [
            "login-page https://portal.example.edu.tw/login",
            "server-group CN-SG",
            "white-list CN-PORTAL-18",
        ]
        assert blocks["user-role CN-PORTAL-18"] == [
            "access-list session logon-control",
            "access-list session captiveportal",
            "captive-portal CN-CP-18",
        ]
        assert blocks["aaa profile CN-AAA-18"] == ["initial-role CN-PORTAL-18", "radius-accounting CN-SG"]
        assert blocks["wlan ssid-profile CN-SSID-18"] == [
            "essid TANetRoaming",
            "opmode opensystem",
            "dot11k-profile CN-11K-18",
        ]
        assert blocks["wlan virtual-ap CN-VAP-18"] == ["aaa-profile CN-AAA-18", "ssid-profile CN-SSID-18", "vlan 201"]
        assert blocks["ap-group default"] == ["virtual-ap CN-VAP-17", "virtual-ap CN-VAP-18"]
        assert blocks["wlan ssid-profile CN-SSID-17"][:2] == ["essid eduroam", "opmode wpa2-aes"]  # untouched
        assert dev.normalized(dev.startup_config) == dev.normalized(dev.running_config)  # write memory
        assert "write memory" in dev.commands


# --- the emulators check the portal lines -------------------------------------------------------------------------


def connect_emulator(dev: EmulatedDevice) -> Any:
    """A netmiko session to the emulator ``dev`` (echo checked: the emulators echo exactly)."""
    return ConnectHandler(
        device_type=dev.device_type,
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
        global_cmd_verify=True,  # the emulators echo exactly
    )


AIREOS_MALFORMED = [
    "config wlan custom-web ext-webauth-url portal.example.edu.tw/login 18",  # no http(s)://
    "config wlan custom-web ext-webauth-url https://portal.example.edu.tw/login",  # no WLAN id
    f"config wlan custom-web ext-webauth-url https://{'a' * 250}.tw 18",  # longer than 252 characters
    "config wlan custom-web webauth-type remote 18",
    "config wlan security web-auth acl 18",
    "config wlan security web-auth on 18",
    "config wlan security wpa disable",
    "config acl create " + "A" * 33,
    "config acl rule action CN-PORTAL-18 1 allow",
    "config acl rule destination address CN-PORTAL-18 1 192.0.2.300 255.255.255.255",
    "config acl rule source address CN-PORTAL-18 2 192.0.2.50 255.0.255.0",
    "config acl url-domain add portal.example.edu.tw",
]


def test_aireos_emulator_refuses_malformed_portal_lines() -> None:
    incorrect = r"Incorrect usage\. Use the '\?' or <TAB> key to list commands\."
    with EmulatedDevice("cisco_wlc") as wlc:
        before = wlc.running_config
        conn = connect_emulator(wlc)  # one session for all (an AireOS login takes seconds)
        try:
            for line in AIREOS_MALFORMED:
                with pytest.raises(ConfigInvalidException, match=incorrect):
                    conn.send_config_set([line], error_pattern=incorrect)
        finally:
            conn.disconnect()
        assert wlc.running_config == before
        tried = [c for c in wlc.commands if c.startswith("config ") and not c.startswith("config paging")]
        assert tried == AIREOS_MALFORMED  # each one reached the device


def test_aireos_emulator_keeps_and_shows_the_portal_lines_and_deletes_an_acl() -> None:
    with EmulatedDevice("cisco_wlc") as wlc:
        conn = connect_emulator(wlc)
        try:
            conn.send_config_set(AIREOS_PORTAL.splitlines(), error_pattern=wlc.error_pattern)
            conn.send_config_set(
                [
                    "config wlan custom-web ext-webauth-url https://portal2.example.edu.tw/login 18",
                    "config acl rule add CN-PORTAL-18 1",
                    "config acl rule destination address CN-PORTAL-18 1 192.0.2.50 255.255.255.255",
                ],
                error_pattern=wlc.error_pattern,
            )
            shown = conn.send_command("show run-config commands")
            assert "config wlan custom-web ext-webauth-url https://portal2.example.edu.tw/login 18" in shown
            assert "config wlan custom-web ext-webauth-url https://portal.example.edu.tw/login 18" not in shown
            assert "config wlan radius_server auth add 18 1" in shown  # both servers: the second does not
            assert "config wlan radius_server auth add 18 2" in shown  # replace the first
            assert "config acl rule destination address CN-PORTAL-18 1 192.0.2.50 255.255.255.255" in shown
            conn.send_config_set(["config acl delete CN-PORTAL-18"], error_pattern=wlc.error_pattern)
        finally:
            conn.disconnect()
        running = wlc.running_config
        assert not re.search(r"^config acl .*CN-PORTAL-18", running, re.M)  # the rules and the domain went too
        assert "config wlan security web-auth enable 18" in running


@pytest.mark.parametrize(
    ("opener", "line", "bad"),
    [
        ("aaa authentication captive-portal CN-CP-18", "login-page", "login-page"),  # no URL
        ("aaa authentication captive-portal CN-CP-18", "login-pages https://portal.example.edu.tw/", "login-pages"),
        ("aaa authentication captive-portal CN-CP-18", "server-group CN-SG extra", "extra"),
        ("user-role CN-PORTAL-18", "access-list sessions captiveportal", "sessions"),
        ("user-role CN-PORTAL-18", "captive-portals CN-CP-18", "captive-portals"),
        ("netdestination CN-PORTAL-18", "host 192.0.2.300", "192.0.2.300"),
        ("netdestination CN-PORTAL-18", "name bad_host!", "bad_host!"),
        ("wlan ssid-profile CN-SSID-18", "opmode open", "open"),
    ],
)
def test_aruba_os_emulator_refuses_malformed_portal_lines(opener: str, line: str, bad: str) -> None:
    with EmulatedDevice("aruba_os") as mc:
        conn = connect_emulator(mc)
        try:
            out = conn.send_config_set([opener, line, "!"])  # no error_pattern: the answer comes back as text
        finally:
            conn.disconnect()
        assert "% Invalid input detected at '^' marker." in out
        echoed = next(text for text in out.splitlines() if text.endswith(line))
        caret = next(text for text in out.splitlines() if text.strip() == "^")
        assert caret.index("^") == echoed.rindex(line) + line.index(bad)  # the caret under the bad word
        assert not mc.has_line(line)


def test_aruba_os_emulator_takes_the_portal_profiles() -> None:
    with EmulatedDevice("aruba_os") as mc:
        conn = connect_emulator(mc)
        try:
            out = conn.send_config_set(
                [
                    "netdestination CN-PORTAL-18",
                    "host 192.0.2.50",
                    "host 192.0.2.51",
                    "!",
                    "user-role CN-PORTAL-18",
                    "access-list session logon-control",
                    "access-list session captiveportal",
                    "captive-portal CN-CP-18",
                    "vlan 201",
                    "!",
                    "aaa authentication captive-portal CN-CP-18",
                    "login-page https://portal.example.edu.tw/login",
                    "login-page https://portal2.example.edu.tw/login",
                    "no guest-logon",
                    "!",
                ],
                error_pattern=mc.error_pattern,
            )
            assert "(config-dest)#" in out and "(config-submode)#" in out
            assert '(Captive Portal Authentication Profile "CN-CP-18") #' in out
        finally:
            conn.disconnect()
        blocks = _blocks(mc.running_config)
        assert blocks["netdestination CN-PORTAL-18"] == ["host 192.0.2.50", "host 192.0.2.51"]
        assert blocks["user-role CN-PORTAL-18"] == [
            "access-list session logon-control",
            "access-list session captiveportal",
            "captive-portal CN-CP-18",
            "vlan 201",
        ]
        assert "vlan 201" not in blocks  # a role's VLAN, not a new top-level VLAN
        # A new login page replaces the old one; 'no guest-logon' is the default, so it does not show.
        assert blocks["aaa authentication captive-portal CN-CP-18"] == [
            "login-page https://portal2.example.edu.tw/login"
        ]
