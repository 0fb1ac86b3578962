"""devices.platforms: every real recording identified, unknown input, netmiko names, --platform."""

from __future__ import annotations

from pathlib import Path

import pytest
from netmiko.ssh_dispatcher import CLASS_MAPPER

from devices.errors import InputError
from devices.platforms import (
    PLATFORMS,
    RULES,
    Identity,
    identify,
    known_platforms,
    netmiko_type_for,
    validate_platform,
)
from tests.conftest import SNMPREC_DIR
from tests.peers import parse_snmprec

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"

# Written by hand from shared/snmprec/INDEX.md (vendor and model/sysDescr columns):
# file -> (vendor, platform).
EXPECTED = {
    "ios_2960x": ("Cisco", "cisco_ios"),
    "ios_c3560": ("Cisco", "cisco_ios"),
    "iosxe_c9300": ("Cisco", "cisco_xe"),
    "ciscosb_cbs350": ("Cisco", "cisco_sb"),
    "ciscowlc_cbw240ac": ("Cisco", "cisco_wlc"),
    "procurve_2520": ("HPE Aruba", "hp_procurve"),
    "arubaos-cx_10.07": ("HPE Aruba", "aruba_aoscx"),
    "arubaos": ("HPE Aruba", "aruba_os"),
    "aruba-instant": ("HPE Aruba", "aruba_instant"),
    "comware_a5500": ("H3C/HPE Comware", "hp_comware"),
    "ruckuswireless-sz": ("Ruckus", "ruckus_sz"),
    "ruckuswireless_zd1200": ("Ruckus", "ruckus_zd"),
    "dlink_dgs-1510-28": ("D-Link", "dlink_switch"),
    "dlinkap_1": ("D-Link", "dlink_ap"),
    "zynos_gs1900-fdb": ("Zyxel", "zyxel_switch"),
    "zyxelwlc_nxc2500": ("Zyxel", "zyxel_nxc"),
    "edgecos_ecs4100-28t": ("Edgecore", "edgecore"),
    "unifi_nanohd": ("Ubiquiti", "unifi_ap"),
    "edgeswitch_es-24-250w": ("Ubiquiti", "ubiquiti_edgeswitch"),
    "junos_ex": ("Juniper", "juniper_junos"),
    "fortiswitch_148f-fpoe": ("Fortinet", "fortiswitch"),
    "fortiap_fap831f": ("Fortinet", "fortiap"),
    "routeros_crs317": ("MikroTik", "mikrotik_routeros"),
    "tplink_sg2008": ("TP-Link", "tplink"),
    "vrp_5720": ("Huawei", "huawei_vrp"),
    "planetos_igs-10020mt": ("PLANET", "planet"),
    "draytek_vigor2962": ("DrayTek", "draytek"),
    "hiveos-wireless_2": ("Aerohive", "aerohive"),
}

# Model, OS version and role where the recording tells them (INDEX.md's model column, and the sysDescr text).
DETAILS = {
    "ios_2960x": ("C2960X", "15.0(2a)EX5", "switch"),
    "ios_c3560": ("C3560", "12.2(55)SE12", "switch"),
    "iosxe_c9300": ("C9300-48P", "16.6.7", "switch"),
    "ciscosb_cbs350": ("CBS350-24P-4G", None, "switch"),
    "ciscowlc_cbw240ac": ("CBW240AC", None, "controller"),
    "procurve_2520": (None, "KA.15.03.3004", "switch"),
    "arubaos-cx_10.07": ("JL727A 6200F", "ML.10.07.0005", "switch"),
    "arubaos": (None, "6.4.4.4-4.2.3.1", "controller"),
    "aruba-instant": ("225", "8.4.0.0-8.4.0.0", "ap"),
    "comware_a5500": ("A5500-24G EI", "5.20.99 Release 2222P08", "switch"),
    "ruckuswireless_zd1200": ("ZD1200", None, "controller"),
    "ruckuswireless-sz": (None, None, "controller"),
    "dlink_dgs-1510-28": ("DGS-1510-28", None, "switch"),
    "dlinkap_1": ("DAP-2660", None, "ap"),
    "zynos_gs1900-fdb": ("GS1900-48", None, "switch"),
    "zyxelwlc_nxc2500": ("NXC2500", None, "controller"),
    "edgecos_ecs4100-28t": ("ECS4100-28T", None, "switch"),
    "unifi_nanohd": ("UAP-nanoHD", "5.43.36.12724", "ap"),
    "edgeswitch_es-24-250w": ("EdgeSwitch 24-Port 250W", "1.8.0.5106045", "switch"),
    "junos_ex": ("ex3400-48t", "15.1X53-D59.4", "switch"),
    "fortiswitch_148f-fpoe": ("FortiSwitch-148F-FPOE", None, "switch"),
    "fortiap_fap831f": ("FAP-831F", None, "ap"),
    "routeros_crs317": ("CRS317-1G-16S+", None, "switch"),
    "tplink_sg2008": ("TL-SG2008", None, "switch"),
    "vrp_5720": ("S5720-56C-PWR-EI-AC", "V200R010C00SPC600", "switch"),
    "planetos_igs-10020mt": ("IGS-10020MT", None, "switch"),
    "draytek_vigor2962": ("Vigor2962", "4.3.2.5", "router"),
    "hiveos-wireless_2": ("AP250", "8.1r2a", "ap"),
}


def read_system(path: Path) -> tuple[str, str]:
    """sysObjectID and sysDescr straight from a .snmprec file (tag 4, 4x hex or 6)."""
    records = parse_snmprec(path)

    def text(oid: str) -> str:
        value = records.get(oid, ("", ""))[1]
        return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)

    return text(SYS_OBJECT_ID), text(SYS_DESCR)


def recordings() -> list[Path]:
    """Every recording in the shared folder (empty when the folder is missing)."""
    return sorted(SNMPREC_DIR.glob("*.snmprec"))


def test_every_recording_has_an_expectation(snmprec_dir: Path) -> None:
    names = {path.stem for path in snmprec_dir.glob("*.snmprec")}
    assert names == set(EXPECTED), "INDEX.md and the test table disagree; update EXPECTED by hand"


@pytest.mark.parametrize("path", recordings(), ids=lambda p: p.stem)
def test_recording_vendor_and_platform(path: Path) -> None:
    oid, descr = read_system(path)
    ident = identify(oid, descr)
    assert (ident.vendor, ident.platform) == EXPECTED[path.stem]
    assert ident.netmiko_device_type == PLATFORMS[ident.platform].netmiko


@pytest.mark.parametrize("path", recordings(), ids=lambda p: p.stem)
def test_recording_model_version_role(path: Path) -> None:
    assert path.stem in DETAILS, "a new recording: add its model, version and role to DETAILS"
    oid, descr = read_system(path)
    ident = identify(oid, descr)
    assert (ident.model, ident.os_version, ident.role) == DETAILS[path.stem]


def test_recordings_are_all_covered_by_details() -> None:
    assert len(DETAILS) >= 20
    assert set(DETAILS) <= set(EXPECTED)


def test_ios_xe_told_apart_from_ios_on_shared_prefix() -> None:
    xe = "Cisco IOS Software [Denali], Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.3.5b"
    ios = "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E2, RELEASE SOFTWARE"
    assert identify("1.3.6.1.4.1.9.1.2066", xe).platform == "cisco_xe"
    assert identify("1.3.6.1.4.1.9.1.2066", ios).platform == "cisco_ios"
    wlc = identify("1.3.6.1.4.1.9.1.2427", "Cisco Controller")
    assert (wlc.platform, wlc.netmiko_device_type, wlc.role) == ("cisco_wlc", "cisco_wlc", "controller")
    c9800 = identify(
        "1.3.6.1.4.1.9.1.9999",
        "Cisco IOS Software [Amsterdam], C9800 Software (C9800_IOSXE-K9), Version 17.3.4c, RELEASE SOFTWARE",
    )
    assert (c9800.platform, c9800.role, c9800.model, c9800.os_version) == (
        "cisco_xe",
        "controller",
        "C9800",
        "17.3.4c",
    )


def test_shared_prefixes_split_by_sysdescr() -> None:
    assert identify("1.3.6.1.4.1.890.1.15", "NWA5123-AC HD").platform == "zyxel_nwa"
    assert identify("1.3.6.1.4.1.8072.3.2.10", "Linux host 6.1.0-18-amd64 #1 SMP").platform == "net_snmp"
    assert identify("1.3.6.1.4.1.8072.3.2.10", "Linux host 6.1.0-18-amd64 #1 SMP").os_version == "6.1.0-18-amd64"
    assert identify("1.3.6.1.4.1.25053.3.1.5.20", "Ruckus Wireless T300").platform == "ruckus_unleashed"
    assert identify("1.3.6.1.4.1.2011.2.240.6", "AC6005-8 Huawei ...").platform == "huawei_ac"
    assert identify("1.3.6.1.4.1.4413", "some other FASTPATH OEM").platform == "unknown"
    assert identify("1.3.6.1.4.1.4413", "some other FASTPATH OEM").vendor == "Broadcom FASTPATH OEM"


def test_oid_spellings_accepted() -> None:
    for oid in (
        ".1.3.6.1.4.1.259.10.1.46.104",
        " 1.3.6.1.4.1.259.10.1.46.104 ",
        "enterprises.259.10.1.46.104",
    ):
        assert identify(oid, "ECS4100-28T").platform == "edgecore"


@pytest.mark.parametrize(
    ("oid", "descr"),
    [
        ("1.3.6.1.4.1.99999.1.2", "Mystery Box 3000"),
        ("", ""),
        ("not an oid", "Cisco"),
        ("1.3.6.1.4.1.90", "prefix must match whole components"),
        ("1.3.6.1.4.1", ""),
    ],
)
def test_unknown_never_raises(oid: str, descr: str) -> None:
    ident = identify(oid, descr)
    assert ident == Identity("unknown", "unknown", None, None, None, "switch")


def test_sysdescr_only_fallback() -> None:
    assert identify("", "UAP-AC-Pro 6.5.28").platform == "unifi_ap"
    assert identify("1.3.6.1.4.1.99999", "Cisco Controller").platform == "cisco_wlc"


def test_vendor_known_platform_unknown() -> None:
    ident = identify("1.3.6.1.4.1.9.12.3.1.3.1", "Cisco Catalyst Operating System Software")
    assert (ident.vendor, ident.platform) == ("Cisco", "unknown")


def test_old_ubiquiti_enterprise_number_names_the_vendor_only() -> None:
    # sysObjectID and sysDescr of LibreNMS's UniFi recording (tests/data/snmprec/unifi_10002.snmprec): the product
    # shows only in the MIBs it serves, which the wireless probe asks for.
    ident = identify("1.3.6.1.4.1.10002.1", "Linux 3.3.8 #1 Wed Jan 18 09:26:53 PST 2017 mips")
    assert (ident.vendor, ident.platform) == ("Ubiquiti", "unknown")


def test_netmiko_types_exist() -> None:
    for key, info in PLATFORMS.items():
        if info.netmiko is not None:
            assert info.netmiko in CLASS_MAPPER, key
        assert info.role in {"switch", "ap", "controller", "router", "firewall"}, key


def test_rules_reference_known_platforms() -> None:
    for rule in RULES:
        assert rule.platform in PLATFORMS, rule


def test_known_platforms_and_netmiko_type_for() -> None:
    keys = known_platforms()
    assert "unknown" not in keys
    assert keys == sorted(keys)
    assert {"cisco_ios", "hp_procurve", "zyxel_nxc", "net_snmp"} <= set(keys)
    assert netmiko_type_for("cisco_sb") == "cisco_s300"
    assert netmiko_type_for("huawei_ac") == "huawei"
    assert netmiko_type_for("unifi_ap") is None
    assert netmiko_type_for("tplink_jetstream") == "tplink_jetstream"
    assert netmiko_type_for("nonsense") is None


def test_validate_platform_accepts() -> None:
    assert validate_platform("auto") == "auto"
    assert validate_platform(" Cisco_IOS ") == "cisco_ios"
    assert validate_platform("zyxel_nxc") == "zyxel_nxc"
    assert validate_platform("ruckus_fastiron") == "ruckus_fastiron"
    assert validate_platform("cisco_s300_ssh") == "cisco_s300_ssh"


def test_validate_platform_suggests_close_matches() -> None:
    with pytest.raises(InputError) as info:
        validate_platform("cisco_iso")
    message = str(info.value)
    assert "cisco_ios" in message
    assert "\n" not in message


def test_validate_platform_without_close_match() -> None:
    with pytest.raises(InputError) as info:
        validate_platform("zzzzzz")
    assert "auto" in str(info.value)
    with pytest.raises(InputError):
        validate_platform("")
