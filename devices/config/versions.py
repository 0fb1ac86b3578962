"""OS versions and the configuration syntax they take.

The same intent is written differently per release and model, and a device refuses the lines its release does not
know. :func:`parse_version` reads a version string as the poller stores it (from sysDescr) into something
comparable per platform; :func:`syntax_for` turns a device's facts into the syntax the templates write; and
:func:`check_profile` refuses, before anything connects, a profile value the device's release cannot express.

When the version (or model) is unknown the oldest syntax is assumed, which the newer releases accept too, and the
render says so in a note.

Syntax facts and where they come from:

- SNMPv3 user authentication. Classic IOS (12.x, 15.x) has only ``auth md5|sha`` (Cisco IOS SNMP Configuration
  Guide, "snmp-server user"; Catalyst 2960-X command reference for 15.2(2)E). IOS-XE writes SHA-256 as
  ``auth sha-2 256``: the IOS-XE native YANG model (YangModels/yang ``vendor/cisco/xe/17151/Cisco-IOS-XE-snmp.yang``,
  revision 2022-11-01 "added support for SHA-2 snmp v3 user") has it from the 17.10 models on; the 17.9 models
  (``vendor/cisco/xe/1791``) do not. Other platforms keep the profile's word (unverified on their gear).
- Trunk encapsulation. A switch that can also do ISL (Catalyst 3550, 3560, 3750 and their -E/-X/-G models, 6500)
  refuses ``switchport mode trunk`` while the encapsulation is "negotiate" ('Command rejected: An interface whose
  trunk encapsulation is "Auto" can not be configured to "trunk" mode'), so ``switchport trunk encapsulation dot1q``
  goes first; a dot1q-only switch (2960 family, 3650, 3850, Catalyst 9000) does not know that command ("%
  Unrecognized command"). Source: networklessons.com "switchport trunk encapsulation", and the Catalyst 3750 Metro
  command reference ("supported only on platforms and interface hardware that can support both ISL and 802.1Q").
- PortFast. IOS 15.2(2)E introduced ``spanning-tree portfast edge`` and shows a typed ``spanning-tree portfast``
  as ``spanning-tree portfast edge`` (Catalyst 2960-X 15.2(2)E Layer 2 configuration guide; issue 11 item 2);
  IOS-XE 3.6.0E (its 15.2(2)E counterpart) and 16.x/17.x take the ``edge`` keyword (assumed from the Catalyst
  3850/9300 configuration guides). Older releases know only ``spanning-tree portfast``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from devices.config.facts import DeviceFacts
from devices.config.profile import Profile
from devices.errors import InputError

# Display names per platform for messages (aliases as in devices.config.folders.ALIASES).
NAMES = {
    "cisco_ios": "Cisco IOS",
    "cisco_xe": "Cisco IOS-XE",
    "hp_procurve": "ArubaOS-Switch",
    "aruba_aoscx": "Aruba AOS-CX",
    "hp_comware": "HPE Comware",
    "huawei": "Huawei VRP",
    "dlink_ds": "D-Link",
}
_IOS_RE = re.compile(r"(\d+)\.(\d+)\((\d+)([a-z]?)\)([A-Z]*)(\d*)")
_XE_RE = re.compile(r"0?(\d+)\.0?(\d+)\.0?(\d+)")
# Models as sysDescr names them ("C3560", "C3750E", "C2960X") or as the chassis does ("WS-C3560-48TS-S").
_ISL_MODELS = re.compile(r"^(?:WS-)?C(?:3550|3560|3750|65\d\d)(?!-?CX)", re.IGNORECASE)
_DOT1Q_ONLY_MODELS = re.compile(r"^(?:WS-)?C(?:29[4-6]0|3560-?CX|3650|3850|9[2-5]\d\d|1000)|^CAT[39]K", re.IGNORECASE)
_XE_SHA2 = (17, 10, 0)
_IOS_PORTFAST_EDGE = (15, 2, 2)
_XE_PORTFAST_EDGE = (3, 6, 0)


@dataclass(frozen=True)
class Version:
    """A parsed OS version: ``key`` compares releases of one platform, ``text`` is the version as read."""

    key: tuple[int, ...]
    text: str

    def at_least(self, minimum: tuple[int, ...]) -> bool:
        """Whether this release is ``minimum`` (major, minor, ...) or later."""
        return self.key[: len(minimum)] >= minimum


@dataclass(frozen=True)
class Syntax:
    """How the templates write things on one device.

    Attributes:
        snmp_auth: profile auth_protocol -> the CLI words for it; a protocol missing here is not available.
        trunk_encapsulation: True: send ``switchport trunk encapsulation dot1q`` before ``switchport mode trunk``;
            False: the switch has no such command; None: the model is unknown (not sent, a note says so).
        portfast: the line that makes an access port an edge port.
        portfast_trunk: the same for a trunk to an access point.
        notes: what the render should tell the user (unknown version or model).
    """

    snmp_auth: dict[str, str]
    trunk_encapsulation: bool | None = False
    portfast: str = "spanning-tree portfast"
    portfast_trunk: str = "spanning-tree portfast trunk"
    notes: tuple[str, ...] = field(default_factory=tuple)


def parse_version(platform: str, text: str | None) -> Version | None:
    """The version of a ``platform`` device as a comparable :class:`Version`, or None when it cannot be read.

    Cisco IOS "15.2(7)E9" -> (15, 2, 7, 9); IOS-XE "16.12.4", "17.9.4a", "03.06.05E" -> (16, 12, 4) ...; other
    platforms: the numbers in the text in order ("WC.16.10.0010" -> (16, 10, 10)).
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    if platform == "cisco_ios":
        match = _IOS_RE.search(text)
        if match is None:
            return None
        major, minor, rebuild, _, _, number = match.groups()
        return Version((int(major), int(minor), int(rebuild), int(number or 0)), text)
    if platform == "cisco_xe":
        match = _XE_RE.search(text)
        return Version(tuple(int(g) for g in match.groups()), text) if match else None
    numbers = tuple(int(n) for n in re.findall(r"\d+", text))
    return Version(numbers, text) if numbers else None


def compare_versions(platform: str, a: str, b: str) -> int:
    """-1, 0 or 1 as release ``a`` is older than, the same as or newer than ``b``; InputError if one is unreadable."""
    first, second = parse_version(platform, a), parse_version(platform, b)
    if first is None or second is None:
        raise InputError(f"cannot compare {platform} versions {a!r} and {b!r}")
    return (first.key > second.key) - (first.key < second.key)


def syntax_for(platform: str, facts: DeviceFacts | None) -> Syntax:
    """The syntax a ``platform`` device takes, from its facts (None: nothing known, oldest syntax)."""
    if platform not in ("cisco_ios", "cisco_xe"):
        return Syntax(snmp_auth={"sha": "sha", "sha256": "sha256"})
    version = parse_version(platform, facts.version if facts else None)
    model = (facts.model or "").strip() if facts else ""
    notes: list[str] = []
    if version is None:
        shown = f" ({facts.version!r} cannot be read)" if facts and facts.version else ""
        notes.append(
            f"{NAMES[platform]} version of this device unknown{shown}: the oldest syntax is used "
            "(poll the device so its version is stored)"
        )
    edge_from = _IOS_PORTFAST_EDGE if platform == "cisco_ios" else _XE_PORTFAST_EDGE
    edge = version is not None and version.at_least(edge_from)
    auth = {"sha": "sha"}
    if platform == "cisco_xe" and version is not None and version.at_least(_XE_SHA2):
        auth["sha256"] = "sha-2 256"
    return Syntax(
        snmp_auth=auth,
        trunk_encapsulation=_trunk_encapsulation(model),
        portfast="spanning-tree portfast edge" if edge else "spanning-tree portfast",
        portfast_trunk="spanning-tree portfast edge trunk" if edge else "spanning-tree portfast trunk",
        notes=tuple(notes),
    )


def check_profile(profile: Profile, platform: str, facts: DeviceFacts | None) -> Syntax:
    """The device's :class:`Syntax`, after refusing (InputError, one line naming the version) any profile value
    the device's release cannot express."""
    syntax = syntax_for(platform, facts)
    snmp = profile.baseline.snmpv3
    if snmp is not None and snmp.auth_protocol not in syntax.snmp_auth:
        have = " and ".join(["md5", *sorted(syntax.snmp_auth)])
        version = facts.version if facts and facts.version else None
        where = f"{NAMES.get(platform, platform)} {version}" if version else f"{NAMES.get(platform, platform)}"
        when = " of unknown version" if version is None else ""
        need = " (SHA-2 came with 17.10)" if platform == "cisco_xe" else ""
        raise InputError(
            f"baseline.snmpv3.auth_protocol {snmp.auth_protocol!r} is not available on {where}{when} "
            f"(it has {have}){need}: use 'sha'"
        )
    return syntax


def _trunk_encapsulation(model: str) -> bool | None:
    if not model:
        return None
    if _ISL_MODELS.search(model):
        return True
    if _DOT1Q_ONLY_MODELS.search(model):
        return False
    return None


__all__ = ["NAMES", "Syntax", "Version", "check_profile", "compare_versions", "parse_version", "syntax_for"]
