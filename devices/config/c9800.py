"""Cisco Catalyst 9800 controllers (IOS-XE): which policy tag the roaming WLANs go into.

On the 9800 a WLAN is broadcast only by APs whose policy tag maps it to a policy profile (Cisco Catalyst 9800
Series Wireless Controller Software Configuration Guide, "Configuring a Policy Tag (CLI)": ``wireless tag policy
NAME`` / `` wlan WLAN-PROFILE policy POLICY-PROFILE``; "Attaching a Policy Tag and Site Tag to an AP (CLI)": ``ap
ETHERNET-MAC`` / `` policy-tag NAME``). An AP given no tag of its own uses ``default-policy-tag``, which exists on
every controller and can take WLANs (public 9800 day-0 scripts add their WLANs to it this way).

The running configuration shows the tags the site gives its APs: ``ap MAC`` blocks with `` policy-tag NAME``, and
tag rules (``ap filter name X`` / ``ap location name X`` blocks with `` tag policy NAME``). When none names a tag
other than ``default-policy-tag``, the roaming WLANs go into ``default-policy-tag``. Otherwise the site has its own
tags: the WLANs go into CampusNet's own tag and a note says what is left to the user (add them to the site's tags
or give the APs that tag). Tags assigned from outside the configuration (Catalyst Center, tag source priority
rules) cannot be seen here.

A 9800 does not print a WLAN's settings that are on by default; it prints ``no X`` once one is off (genieparser's
test output for the 9800 WLAN section shows `` no security ft adaptive``, `` no security wpa``, `` no security wpa
wpa2 ciphers aes``, `` no security wpa akm dot1x`` and `` no broadcast-ssid`` where they were switched off, and
WLANs with 802.1X and adaptive 11r showing neither). :func:`with_hidden_defaults` writes those defaults out, so the
intended lines that set them are found (the push driver's ``normalize`` for ``cisco_xe``); settings off by default
(``security ft``) are written out as their ``no`` form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_TAG = "default-policy-tag"
OWN_TAG = "PT-CAMPUSNET"
_AP_BLOCK = re.compile(r"^ap (?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$|^ap (?:filter|location) name \S+")
_TAG_LINE = re.compile(r"^(?:policy-tag|tag policy) (\S+)$")
_WLAN = re.compile(r"^wlan \S+ \d+ \S+$")
#: WLAN settings on by default, never printed while on (see the module notes; ``bss-transition``: on by default,
#: shared/VENDORS.md 3.2).
WLAN_DEFAULTS = (
    "broadcast-ssid",
    "security wpa",
    "security wpa wpa2",
    "security wpa wpa2 ciphers aes",
    "security wpa akm dot1x",
    "security ft adaptive",
    "bss-transition",
)
#: WLAN settings off by default, never printed while off (a 9800 prints "security ft" only where FT is on).
WLAN_OFF_DEFAULTS = ("security ft", "security wpa akm ft dot1x")


@dataclass(frozen=True)
class PolicyTag:
    """The policy tag the roaming WLANs go into (``name``), whether it is the default tag, the site's own tags
    seen in the running configuration, and notes for the user."""

    name: str
    default: bool
    site_tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def site_tags(running: str | None) -> list[str]:
    """The policy tags the running configuration gives APs (directly or by filter/location rule), in order."""
    tags: list[str] = []
    in_ap_block = False
    for raw in (running or "").splitlines():
        if not raw.strip() or raw.strip() == "!":
            continue
        if not raw[0].isspace():
            in_ap_block = _AP_BLOCK.match(raw.strip()) is not None
            continue
        m = _TAG_LINE.match(" ".join(raw.split()))
        if in_ap_block and m and m.group(1) not in tags:
            tags.append(m.group(1))
    return tags


def policy_tag(running: str | None, wlan_names: list[str]) -> PolicyTag:
    """Where the roaming WLANs (``wlan_names``) go on a controller whose configuration is ``running``."""
    own = [t for t in site_tags(running) if t != DEFAULT_TAG]
    shown = ", ".join(wlan_names)
    if not own:
        seen = (
            "no AP has a policy tag of its own"
            if running is not None
            else "the running configuration was not read: assumed no AP has a policy tag of its own"
        )
        return PolicyTag(
            DEFAULT_TAG,
            True,
            [],
            [f"{seen}, so the WLANs ({shown}) go into {DEFAULT_TAG}, which untagged APs use"],
        )
    note = (
        f"the APs here have policy tags of their own ({', '.join(own)}): the WLANs ({shown}) go into the policy tag "
        f"{OWN_TAG}, which no AP has yet. Left to you: add the WLANs to your tags, or give the APs the tag "
        f"{OWN_TAG} ('ap <ethernet-mac>' / ' policy-tag {OWN_TAG}'); until then no AP broadcasts them"
    )
    return PolicyTag(OWN_TAG, False, own, [note])


def with_hidden_defaults(running: str) -> str:
    """``running`` with each WLAN's defaults written out where the WLAN shows neither the setting nor its ``no``
    form: default-on settings as themselves, default-off ones as ``no X`` (right after the ``wlan`` line, indented
    one space)."""
    out: list[str] = []
    lines = running.split("\n")
    for i, raw in enumerate(lines):
        out.append(raw)
        if not _WLAN.match(raw.rstrip()):
            continue
        block: set[str] = set()
        for child in lines[i + 1 :]:
            if not child.strip() or not child[0].isspace():
                break
            block.add(" ".join(child.split()))
        out.extend(f" {d}" for d in WLAN_DEFAULTS if d not in block and f"no {d}" not in block)
        out.extend(f" no {d}" for d in WLAN_OFF_DEFAULTS if d not in block and f"no {d}" not in block)
    return "\n".join(out)


def normalizer(first: Callable[[str], str] | None) -> Callable[[str], str]:
    """The ``cisco_xe`` push driver's ``normalize``: ``first`` (the IOS one, if any), then the WLAN defaults."""

    def normalize(text: str) -> str:
        return with_hidden_defaults(first(text) if first else text)

    return normalize
