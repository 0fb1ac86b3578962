"""``--set`` overrides of a profile, checked like the profile itself (:mod:`devices.config.checks`).

The field checks live in :mod:`devices.config.checks` and the whole-profile check in
:func:`devices.config.profile.validate_profile`; both are re-exported here for the callers that know them as
``params.check_secret`` and ``params.validate_profile``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from devices.config.checks import (
    check_address,
    check_interface,
    check_secret,
    check_text,
)
from devices.config.profile import Profile, validate_profile
from devices.errors import InputError

__all__ = ["Overridden", "apply_overrides", "check_interface", "check_secret", "validate_profile"]

# --- overrides -------------------------------------------------------------------------------------------------

OVERRIDE_KEYS = ("ssid", "vlan", "radius1", "radius2", "radius_secret_env", "banner", "ntp", "syslog")


@dataclass(frozen=True)
class Overridden:
    """The profile after ``--set`` overrides, and the environment variable (if any) holding the RADIUS secret.

    The caller reads ``secret_env`` itself; this module never touches the environment. When it is set, every RADIUS
    server's ``secret_ref`` is ``env:<VAR>``, so the caller's ``resolve_secret`` recognises it.
    """

    profile: Profile
    secret_env: str | None = None


def apply_overrides(profile: Profile, overrides: dict[str, str]) -> Overridden:
    """Apply ``--set KEY=VALUE`` overrides for the one-SSID case, then validate the result.

    Mapping: ``ssid`` -> the SSID's name (a new 802.1X SSID when the profile has none); ``vlan`` -> its VLAN, where
    the SSID is the profile's only one, or its only 802.1X one beside portal SSIDs; ``radius1``/``radius2`` ->
    ``radius[0|1].host`` (new servers on ports 1812/1813); ``radius_secret_env`` -> every server's
    ``secret_ref = "env:VAR"``; ``banner`` -> a one-line banner;
    ``ntp``/``syslog`` -> comma-separated address lists replacing the profile's. ``ssid``/``vlan`` refuse a profile
    with several SSIDs and not exactly one 802.1X SSID among them (which one would it be?).
    """
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise InputError(f"unknown --set key {unknown[0]!r} (known: {', '.join(OVERRIDE_KEYS)})")
    for key, value in overrides.items():
        check_text(value, f"--set {key}")
    profile = _override_ssid(profile, overrides)
    profile, secret_env = _override_radius(profile, overrides)
    profile = _override_baseline(profile, overrides)
    validate_profile(profile)
    return Overridden(profile, secret_env)


def _override_ssid(profile: Profile, overrides: dict[str, str]) -> Profile:
    from devices.config.profile import Ssid

    if "ssid" not in overrides and "vlan" not in overrides:
        return profile
    index = _override_target(profile)
    vlan = _override_int(overrides["vlan"], "--set vlan") if "vlan" in overrides else None
    if index is not None:
        ssids = list(profile.ssids)
        ssid = ssids[index]
        ssids[index] = dataclasses.replace(
            ssid, name=overrides.get("ssid", ssid.name), vlan=ssid.vlan if vlan is None else vlan
        )
        return dataclasses.replace(profile, ssids=tuple(ssids))
    if "ssid" not in overrides or vlan is None:
        raise InputError("--set ssid needs --set vlan too (the profile has no SSID to take it from)")
    return dataclasses.replace(profile, ssids=(Ssid(name=overrides["ssid"], auth="dot1x", vlan=vlan),))


def _override_target(profile: Profile) -> int | None:
    """The SSID that ``--set ssid/vlan`` change: the only one, or else the only 802.1X one (a profile may add a
    portal SSID beside its 802.1X SSID); None when the profile has none."""
    if len(profile.ssids) <= 1:
        return 0 if profile.ssids else None
    dot1x = [i for i, s in enumerate(profile.ssids) if s.auth == "dot1x"]
    if len(dot1x) != 1:
        raise InputError("--set ssid/vlan: the profile has several SSIDs; edit the profile instead")
    return dot1x[0]


def _override_radius(profile: Profile, overrides: dict[str, str]) -> tuple[Profile, str | None]:
    from devices.config.profile import RadiusServer

    servers = list(profile.radius)
    env = overrides.get("radius_secret_env")
    if env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", env):
        raise InputError(f"--set radius_secret_env must be an environment variable name, not {env!r}")
    for index, key in enumerate(("radius1", "radius2")):
        if key not in overrides:
            continue
        host = check_address(overrides[key], f"--set {key}")
        if index < len(servers):
            servers[index] = dataclasses.replace(servers[index], host=host)
        elif index == len(servers):
            servers.append(RadiusServer(host=host, secret_ref=f"env:{env}" if env else "radius"))
        else:
            raise InputError("--set radius2 needs a first RADIUS server (--set radius1 or one in the profile)")
    if env is not None:
        servers = [dataclasses.replace(s, secret_ref=f"env:{env}") for s in servers]
    return dataclasses.replace(profile, radius=tuple(servers)), env


def _override_baseline(profile: Profile, overrides: dict[str, str]) -> Profile:
    base = profile.baseline
    changes: dict[str, object] = {}
    if "banner" in overrides:
        changes["banner"] = (overrides["banner"],)
    for key in ("ntp", "syslog"):
        if key in overrides:
            changes[key] = tuple(part.strip() for part in overrides[key].split(",") if part.strip())
    if not changes:
        return profile
    return dataclasses.replace(profile, baseline=dataclasses.replace(base, **changes))  # type: ignore[arg-type]


def _override_int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(f"{field} must be a whole number, not {value!r}") from None
