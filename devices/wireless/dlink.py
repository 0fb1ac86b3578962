"""D-Link access points (DAP series).

D-Link's DAP MIBs are private per model (rooted under each model's own sysObjectID, e.g. ``...171.10.37.52`` for
the DAP-2660) and not published with the recordings CampusNet is tested against; the only DAP recording holds CPU
and memory objects. A DAP is therefore read through the standard IEEE802dot11-MIB where it serves it: the AP itself
with its radios and SSIDs, clients unknown. Without that MIB it has no wireless data.
"""

from __future__ import annotations

from devices.snmp import SnmpSession
from devices.wireless import ieee80211
from devices.wireless.common import DeviceFacts, WirelessSnapshot


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """The DAP's radios and SSIDs from IEEE802dot11-MIB; None if it serves none."""
    return await ieee80211.fetch(session, facts, module="dlink_ap")
