"""Which template folder a platform name uses: netmiko device types, their aliases and CampusNet platform keys.

Its own module, so the profile (per-device port lists in a platform's syntax) and the renderer both use it without
importing each other.
"""

from __future__ import annotations

# Other names for a platform folder (netmiko aliases and CampusNet platform keys).
ALIASES = {
    "aruba_osswitch": "hp_procurve",
    "aruba_procurve": "hp_procurve",
    "huawei_vrp": "huawei",
    "dlink_switch": "dlink_ds",
    "fortigate": "fortinet",
    "h3c_comware": "hp_comware",
    "cisco_ioswlc": "cisco_xe",
}


def platform_folder(platform: str) -> str:
    """The template folder for a platform name (netmiko device_type, alias or CampusNet platform key)."""
    name = (platform or "").strip().lower()
    return ALIASES.get(name, name)


__all__ = ["ALIASES", "platform_folder"]
