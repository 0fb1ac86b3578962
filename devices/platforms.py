"""Which kind of device answers an agent: vendor, CampusNet platform, model, OS version, netmiko driver.

Identification is table-driven. ``PLATFORMS`` says what CampusNet knows about each platform family
(vendor, netmiko ``device_type``, default role, how to read model and version out of sysDescr).
``RULES`` maps sysObjectID prefixes to platforms; the longest matching prefix wins, and a rule may
also require a sysDescr regex, which is how families sharing a prefix are told apart (Cisco IOS vs
IOS-XE, a Zyxel switch vs an NXC controller, net-snmp on a plain Linux box vs a UniFi AP). Adding a
vendor means adding one ``PLATFORMS`` entry and a few ``RULES`` rows.

The recordings in ``shared/snmprec/`` are the ground truth for what they cover (see
tests/test_platforms.py); the other rows come from vendor MIBs and common knowledge.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from devices.errors import InputError

UNKNOWN = "unknown"

# Regexes that mark a Cisco "IOS Software" sysDescr as IOS-XE rather than classic IOS.
_CISCO_XE = (
    r"IOS[- ]XE|IOSXE|_IOSXE|Catalyst L3 Switch Software|X86_64_LINUX_IOSD|Virtual XE Software"
    r"|IOS Software \[\w+\]|Version 1[6-9]\.\d"
)
_CISCO_IOS_VERSION = r"Version ([^\s,]+)"


@dataclass(frozen=True)
class PlatformInfo:
    """What CampusNet knows about one platform family.

    ``model_res`` and ``version_res`` are regexes tried in order against sysDescr; the first group of
    the first match is the value.
    """

    vendor: str
    netmiko: str | None
    role: str
    model_res: tuple[str, ...] = ()
    version_res: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One identification row: a sysObjectID prefix (``""`` matches any), optionally a sysDescr regex.

    ``vendor``, ``model`` and ``role`` override what the platform or the sysDescr parsing would give.
    """

    prefix: str
    platform: str
    descr: str | None = None
    vendor: str | None = None
    model: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Identity:
    """What a device is, as far as sysObjectID and sysDescr tell."""

    vendor: str
    platform: str
    model: str | None
    os_version: str | None
    netmiko_device_type: str | None
    role: str


PLATFORMS: dict[str, PlatformInfo] = {
    "cisco_ios": PlatformInfo("Cisco", "cisco_ios", "switch", (r", (\S+) Software \(",), (_CISCO_IOS_VERSION,)),
    "cisco_xe": PlatformInfo(
        "Cisco", "cisco_xe", "switch", (r"\b(C9800[\w-]*)", r", (\S+) Software \("), (_CISCO_IOS_VERSION,)
    ),
    "cisco_sb": PlatformInfo(
        "Cisco", "cisco_s300", "switch", (r"^((?:CBS|SG|SF|SX|C1[23]00)[\w-]+)",), (r"\bVersion ([\d.]+)",)
    ),
    "cisco_wlc": PlatformInfo(
        "Cisco", "cisco_wlc", "controller", (r"\b(CBW\d+\w*)", r"\b(AIR-CT[\w-]+)"), (r"Version ([\d.]+)",)
    ),
    "hp_procurve": PlatformInfo(
        "HPE Aruba",
        "hp_procurve",
        "switch",
        (r"\b(J\d{4}[A-Z]\s+[\w+-]+)",),
        (r"revision ([A-Z]{1,2}\.\d+\.\d+\.\d+)",),
    ),
    "aruba_aoscx": PlatformInfo(
        "HPE Aruba", "aruba_aoscx", "switch", (r"\b(J[LN]\w+ \w+)",), (r"\b([A-Z]{2}\.\d+\.\d+\.\d+)\b",)
    ),
    "aruba_os": PlatformInfo("HPE Aruba", "aruba_os", "controller", (r"MODEL: ([^)]+)\)",), (r"Version ([\w.-]+)",)),
    "aruba_instant": PlatformInfo("HPE Aruba", "aruba_os", "ap", (r"MODEL: ([^)]+)\)",), (r"Version ([\w.-]+)",)),
    "hp_comware": PlatformInfo(
        "H3C/HPE Comware",
        "hp_comware",
        "switch",
        (r"^(?:HPE?|H3C) (?!Comware)(.+?)(?: Switch| Router|\r?$)",),
        (r"Software Version ([\d.]+(?: Release \w+)?)",),
    ),
    "ruckus_zd": PlatformInfo("Ruckus", None, "controller", (r"\b(ZD\d+)",)),
    "ruckus_sz": PlatformInfo("Ruckus", None, "controller", (r"\b(v?SZ[\w-]+)",)),
    "ruckus_unleashed": PlatformInfo("Ruckus", None, "controller", (r"Ruckus Wireless (\w+)",)),
    "ruckus_icx": PlatformInfo(
        "Ruckus", "ruckus_fastiron", "switch", (r"\b(ICX[\w-]+)",), (r"(?:Version|SW: Version) ([\w.]+)",)
    ),
    "dlink_switch": PlatformInfo(
        "D-Link", "dlink_ds", "switch", (r"\b(D[GEX]S-[\w/-]+)",), (r"\b(?:Firmware|FW|Build)[: ]+([\w.]+)",)
    ),
    "dlink_ap": PlatformInfo("D-Link", None, "ap", (r"\b(DAP-\w+)", r"\b(DWL-\w+)")),
    "zyxel_switch": PlatformInfo("Zyxel", None, "switch", (r"^((?:X?GS|X?MGS|X?ES|MES|XS)[\w-]+)",)),
    "zyxel_nxc": PlatformInfo("Zyxel", None, "controller", (r"^(NXC\w+)",)),
    "zyxel_nwa": PlatformInfo("Zyxel", None, "ap", (r"^((?:NWA|WAC|WAX|NAP)[\w-]+)",)),
    "zyxel_usg": PlatformInfo("Zyxel", None, "firewall", (r"^((?:USG|ATP|ZyWALL|VPN)[\w -]*?\w)$",)),
    "edgecore": PlatformInfo("Edgecore", "cisco_ios", "switch", (r"^((?:ECS|ES|AS|ECWO?)\d[\w-]*)",)),
    "unifi_ap": PlatformInfo(
        "Ubiquiti", None, "ap", (r"^((?:UAP|U6|U7|U-LTE|E7)[\w-]*)",), (r"\s(\d+\.\d+\.\d+(?:\.\d+)?)",)
    ),
    "ubiquiti_edgeswitch": PlatformInfo(
        "Ubiquiti",
        "ubiquiti_edgeswitch",
        "switch",
        (r"^((?:EdgeSwitch|EdgePoint|USW)[^,]*)",),
        (r", (\d[\d.]+),",),
    ),
    "fortigate": PlatformInfo("Fortinet", "fortinet", "firewall", (r"\b(Forti[Gg]ate-\w+|FGT\w+)",)),
    "fortiswitch": PlatformInfo("Fortinet", "fortinet", "switch", (r"\b(FortiSwitch-[\w-]+|FS\w+)",)),
    "fortiap": PlatformInfo("Fortinet", None, "ap", (r"\b(FAP-?\w+)",)),
    "mikrotik_routeros": PlatformInfo(
        "MikroTik", "mikrotik_routeros", "router", (r"RouterOS (\S+)",), (r"RouterOS v?(\d[\d.]+)",)
    ),
    "huawei_vrp": PlatformInfo(
        "Huawei",
        "huawei",
        "switch",
        (r"^((?:S|CE|AR|NE|CX|USG|AirEngine)\d[\w-]*)", r"\b(S\d{4}[\w-]*)"),
        (r"Version [\d.]+ \(\S+ (V\d+R\d+\w*)\)", r"Version ([\d.]+)"),
    ),
    "huawei_ac": PlatformInfo(
        "Huawei",
        "huawei",
        "controller",
        (r"\b(AC6\d{3}[\w-]*|AirEngine\s*9700[\w-]*)",),
        (r"Version [\d.]+ \(\S+ (V\d+R\d+\w*)\)", r"Version ([\d.]+)"),
    ),
    "tplink": PlatformInfo("TP-Link", "tplink_jetstream", "switch", (r"\b((?:TL-|T)S?[GLX]\w*\d[\w-]*)",)),
    "planet": PlatformInfo("PLANET", None, "switch", (r"PLANET ([\w-]+)",), (r"\bv?(\d+\.\d+\.\d+[\w.]*)",)),
    "draytek": PlatformInfo("DrayTek", None, "router", (r"Model: ([^,\s]+)",), (r"Version: ([^,\s]+)",)),
    "juniper_junos": PlatformInfo(
        "Juniper", "juniper_junos", "router", (r"Juniper Networks, Inc\. (\S+)",), (r"JUNOS ([^,\s]+)",)
    ),
    "aerohive": PlatformInfo("Aerohive", None, "ap", (r"^(\w+),",), (r"HiveOS (\S+)",)),
    "net_snmp": PlatformInfo("Net-SNMP", "linux", "router", (), (r"^Linux \S+ (\S+)",)),
    UNKNOWN: PlatformInfo(UNKNOWN, None, "switch"),
}

_C9 = "1.3.6.1.4.1.9"

# Longest prefix wins; among rows with the same prefix, one with a matching sysDescr regex beats one
# without, and earlier rows beat later ones.
RULES: tuple[Rule, ...] = (
    # Cisco: 9.1 is IOS, IOS-XE, AireOS WLC and more; 9.6.1 is Small Business (and Business Wireless).
    Rule(_C9, UNKNOWN, vendor="Cisco"),
    Rule(f"{_C9}.1", "cisco_ios"),
    Rule(f"{_C9}.1", "cisco_xe", descr=r"C9800", role="controller"),
    Rule(f"{_C9}.1", "cisco_wlc", descr=r"Cisco Controller"),
    Rule(
        f"{_C9}.1",
        "cisco_xe",
        descr=r"ISR Software|X86_64_LINUX_IOSD|ASR1000|CSR1000V|C8[0-9]00",
        role="router",
    ),
    Rule(f"{_C9}.1", "cisco_xe", descr=_CISCO_XE),
    Rule(f"{_C9}.1", "cisco_ios", descr=r"\b(?:C(?:8[6-9]\d|19\d\d|29\d\d|39\d\d)) Software", role="router"),
    Rule(f"{_C9}.1.2494", "cisco_xe", model="C9300-48P"),
    *(Rule(f"{_C9}.1.{n}", "cisco_wlc") for n in (1069, 1279, 1615, 1631, 1645, 2170, 2171, 2370, 2427)),
    *(Rule(f"{_C9}.1.{n}", "cisco_xe", role="controller") for n in (2391, 2530, 2669, 2860, 2861)),
    Rule(f"{_C9}.6.1", "cisco_sb"),
    Rule(f"{_C9}.6.1.37", "cisco_wlc", descr=r"Cisco Business Wireless"),
    Rule(f"{_C9}.6.1.37.240", "cisco_wlc", model="CBW240AC"),
    # HPE / Aruba
    Rule("1.3.6.1.4.1.11", UNKNOWN, vendor="HPE"),
    Rule("1.3.6.1.4.1.11.2.3.7", "hp_procurve"),
    Rule("1.3.6.1.4.1.47196", "aruba_aoscx"),
    Rule("1.3.6.1.4.1.14823", "aruba_os"),
    Rule("1.3.6.1.4.1.14823.1.1", "aruba_os"),
    Rule("1.3.6.1.4.1.14823.1.2", "aruba_instant"),
    Rule("1.3.6.1.4.1.25506", "hp_comware"),
    # Ruckus: 25053.3.1.5 is both ZoneDirector and Unleashed (the AP's own model);
    # ICX switches are Foundry/Brocade 1991.
    Rule("1.3.6.1.4.1.25053", UNKNOWN, vendor="Ruckus"),
    Rule("1.3.6.1.4.1.25053", "ruckus_sz", descr=r"SmartZone"),
    Rule("1.3.6.1.4.1.25053.3.1.5", "ruckus_unleashed"),
    Rule("1.3.6.1.4.1.25053.3.1.5", "ruckus_zd", descr=r"\bZD\d+|ZoneDirector"),
    Rule("1.3.6.1.4.1.25053.3.1.11", "ruckus_sz"),
    Rule("1.3.6.1.4.1.1991", "ruckus_icx"),
    # D-Link
    Rule("1.3.6.1.4.1.171", "dlink_switch"),
    Rule("1.3.6.1.4.1.171", "dlink_ap", descr=r"D-Link DAP-|D-Link Access Point|\bDAP-\d"),
    Rule("1.3.6.1.4.1.171.10.37", "dlink_ap"),
    # Zyxel: 890.1.15 is shared by GS1900 switches, NXC controllers and NWA APs.
    Rule("1.3.6.1.4.1.890", "zyxel_switch"),
    Rule("1.3.6.1.4.1.890", "zyxel_nxc", descr=r"^NXC"),
    Rule("1.3.6.1.4.1.890", "zyxel_nwa", descr=r"^(?:NWA|WAC|WAX|NAP)"),
    Rule("1.3.6.1.4.1.890", "zyxel_usg", descr=r"^(?:USG|ATP|ZyWALL|VPN\d)"),
    # Edgecore / Accton
    Rule("1.3.6.1.4.1.259", "edgecore"),
    # Ubiquiti: EdgeSwitch is a Broadcom FASTPATH OEM (4413); UniFi APs answer as plain net-snmp on Linux.
    Rule("1.3.6.1.4.1.4413", UNKNOWN, vendor="Broadcom FASTPATH OEM"),
    Rule("1.3.6.1.4.1.4413", "ubiquiti_edgeswitch", descr=r"^(?:EdgeSwitch|EdgePoint|USW-|UBNT US)"),
    Rule("1.3.6.1.4.1.41112", UNKNOWN, vendor="Ubiquiti"),
    Rule("1.3.6.1.4.1.41112", "ubiquiti_edgeswitch", descr=r"^(?:EdgeSwitch|EdgePoint|USW-|UBNT US)"),
    Rule("1.3.6.1.4.1.41112", "unifi_ap", descr=r"^(?:UAP|U6|U7|U-LTE|E7)"),
    # Old Ubiquiti firmware answers with enterprise 10002 (Frogfoot Networks) and a bare "Linux" sysDescr (LibreNMS's
    # unifi.yaml knows UniFi APs by .10002.1 + "Linux"); what it is shows only in the MIBs it serves, which
    # devices.wireless.probe asks for.
    Rule("1.3.6.1.4.1.10002", UNKNOWN, vendor="Ubiquiti"),
    Rule("1.3.6.1.4.1.8072.3.2", "net_snmp"),
    Rule("1.3.6.1.4.1.8072.3.2.10", "unifi_ap", descr=r"^(?:UAP|U6|U7|U-LTE|E7)"),
    Rule("1.3.6.1.4.1.8072.3.2.10", "ubiquiti_edgeswitch", descr=r"^Linux UBNT"),
    # Fortinet
    Rule("1.3.6.1.4.1.12356", UNKNOWN, vendor="Fortinet"),
    Rule("1.3.6.1.4.1.12356.101", "fortigate"),
    Rule("1.3.6.1.4.1.12356.106", "fortiswitch"),
    Rule("1.3.6.1.4.1.12356.106.1.1486", "fortiswitch", model="FortiSwitch-148F-FPOE"),
    Rule("1.3.6.1.4.1.12356.120", "fortiap"),
    Rule("1.3.6.1.4.1.12356.120.10.83112", "fortiap", model="FAP-831F"),
    # MikroTik: CRS/CSS are switches running RouterOS.
    Rule("1.3.6.1.4.1.14988", "mikrotik_routeros"),
    Rule("1.3.6.1.4.1.14988", "mikrotik_routeros", descr=r"RouterOS C[RS]S", role="switch"),
    # Huawei: VRP everywhere; ACs and AR routers told apart by sysDescr.
    Rule("1.3.6.1.4.1.2011", "huawei_vrp"),
    Rule("1.3.6.1.4.1.2011", "huawei_ac", descr=r"\bAC6\d{3}|AirEngine\s*9700"),
    Rule("1.3.6.1.4.1.2011", "huawei_vrp", descr=r"^(?:AR|NE)\d", role="router"),
    Rule("1.3.6.1.4.1.2011", "huawei_vrp", descr=r"^USG\d", role="firewall"),
    # Taiwan brands and the rest
    Rule("1.3.6.1.4.1.11863", "tplink"),
    Rule("1.3.6.1.4.1.11863.1.1.25", "tplink", model="TL-SG2008"),
    Rule("1.3.6.1.4.1.10456", "planet"),
    Rule("1.3.6.1.4.1.7367", "draytek"),
    Rule("1.3.6.1.4.1.2636", "juniper_junos"),
    Rule("1.3.6.1.4.1.2636", "juniper_junos", descr=r"\b(?:ex|qfx)\d", role="switch"),
    Rule("1.3.6.1.4.1.2636", "juniper_junos", descr=r"\bsrx\d", role="firewall"),
    Rule("1.3.6.1.4.1.26928", "aerohive"),
    # No usable sysObjectID: recognise a few unmistakable sysDescr texts.
    Rule("", "cisco_wlc", descr=r"^Cisco Controller|^Cisco Business Wireless"),
    Rule("", "unifi_ap", descr=r"^(?:UAP|U6|U7)-"),
    Rule("", "ubiquiti_edgeswitch", descr=r"^(?:EdgeSwitch|USW-)"),
    Rule("", "dlink_ap", descr=r"^D-Link DAP-"),
    Rule("", "cisco_xe", descr=r"Cisco IOS.*(?:IOS[- ]XE|IOSXE)"),
    Rule("", "huawei_vrp", descr=r"Huawei Versatile Routing Platform"),
    Rule("", "juniper_junos", descr=r"^Juniper Networks"),
)


def identify(sys_object_id: str, sys_descr: str) -> Identity:
    """Identify a device from its sysObjectID and sysDescr; never raises, ``unknown`` when nothing fits."""
    oid = _normalise_oid(sys_object_id)
    descr = sys_descr if isinstance(sys_descr, str) else ""
    rule = _best_rule(oid, descr)
    if rule is None:
        return _identity(Rule("", UNKNOWN), descr)
    return _identity(rule, descr)


def known_platforms() -> list[str]:
    """CampusNet platform keys a user may choose (``unknown`` excluded), sorted."""
    return sorted(key for key in PLATFORMS if key != UNKNOWN)


def netmiko_type_for(platform: str) -> str | None:
    """The netmiko ``device_type`` for a CampusNet platform key; a netmiko type as is; else None."""
    info = PLATFORMS.get(platform)
    if info is not None:
        return info.netmiko
    return platform if platform in _netmiko_types() else None


def validate_platform(name: str) -> str:
    """Check a user-supplied ``--platform``: ``auto``, a CampusNet platform key or a netmiko device_type.

    Returns the normalised name (trimmed, lower case). Otherwise raises :class:`InputError` naming
    close matches.
    """
    value = (name or "").strip().lower()
    if value == "auto" or value in known_platforms() or value in _netmiko_types():
        return value
    choices = ["auto", *known_platforms(), *sorted(_netmiko_types())]
    close = difflib.get_close_matches(value, choices, n=4, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "use auto, a CampusNet platform or a netmiko device_type"
    raise InputError(f"unknown platform {name!r}: {hint}")


@functools.cache
def _netmiko_types() -> frozenset[str]:
    """Every netmiko device_type (imported lazily: netmiko pulls in paramiko)."""
    from netmiko.ssh_dispatcher import CLASS_MAPPER

    return frozenset(CLASS_MAPPER)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def _normalise_oid(oid: str) -> str:
    """Dotted numeric form without a leading dot; ``""`` for anything that is not an OID."""
    text = oid.strip().lstrip(".") if isinstance(oid, str) else ""
    for symbolic, numeric in (
        ("SNMPv2-SMI::enterprises.", "1.3.6.1.4.1."),
        ("enterprises.", "1.3.6.1.4.1."),
        ("iso.", "1."),
    ):
        if text.startswith(symbolic):
            text = numeric + text[len(symbolic) :]
    return text if re.fullmatch(r"\d+(?:\.\d+)*", text) else ""


def _prefix_matches(prefix: str, oid: str) -> bool:
    if not prefix:
        return True
    return oid == prefix or oid.startswith(prefix + ".")


def _best_rule(oid: str, descr: str) -> Rule | None:
    """The matching rule with the longest prefix; a sysDescr match breaks ties, then table order."""
    best: Rule | None = None
    best_key = (-1, -1)
    for rule in RULES:
        if not _prefix_matches(rule.prefix, oid):
            continue
        if rule.descr is not None and not _compiled(rule.descr).search(descr):
            continue
        if not rule.prefix and rule.descr is None:
            continue
        key = (rule.prefix.count(".") + 1 if rule.prefix else 0, 0 if rule.descr is None else 1)
        if key > best_key:
            best, best_key = rule, key
    return best


def _first_group(patterns: tuple[str, ...], text: str) -> str | None:
    for pattern in patterns:
        match = _compiled(pattern).search(text)
        if match:
            value = match.group(1).strip()
            if value:
                return value
    return None


def _identity(rule: Rule, descr: str) -> Identity:
    info = PLATFORMS[rule.platform]
    return Identity(
        vendor=rule.vendor or info.vendor,
        platform=rule.platform,
        model=rule.model or _first_group(info.model_res, descr),
        os_version=_first_group(info.version_res, descr),
        netmiko_device_type=info.netmiko,
        role=rule.role or info.role,
    )
