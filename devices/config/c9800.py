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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DEFAULT_TAG = "default-policy-tag"
OWN_TAG = "PT-CAMPUSNET"
_AP_BLOCK = re.compile(r"^ap (?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$|^ap (?:filter|location) name \S+")
_TAG_LINE = re.compile(r"^(?:policy-tag|tag policy) (\S+)$")


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
