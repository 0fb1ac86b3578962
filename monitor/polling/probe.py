"""Test the connection to a device before (or after) adding it: one GET of the system group.

Used by the device dialog's "Test connection" button; Qt-free, so the CLI could use it too. Device trouble (no
answer, wrong credentials, a broken agent) is data in the result, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.errors import CampusNetError
from devices.i18n import Msg
from devices.ifmib import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_UPTIME, SYSTEM_OIDS, text_value
from devices.platforms import UNKNOWN, identify
from devices.snmp import SnmpSession, SnmpTarget, SnmpValue


@dataclass(frozen=True)
class ProbeResult:
    """What a connection test found.

    Attributes:
        ok: the agent answered with the credentials given.
        message: one line for the user (what answered, or why nothing did), in English.
        reason: why nothing answered, as a message to render in the user's language (None when it answered).
        sys_name, sys_descr: as the agent reports them ("" when absent or on failure).
        vendor, model, platform: identified from sysObjectID and sysDescr (None on failure or when unknown).
        uptime_ticks: sysUpTime in hundredths of a second, or None.
        duration_s: wall time of the test.
    """

    ok: bool
    message: str
    reason: Msg | None = None
    sys_name: str = ""
    sys_descr: str = ""
    vendor: str | None = None
    model: str | None = None
    platform: str | None = None
    uptime_ticks: int | None = None
    duration_s: float = 0.0


async def test_connection(target: SnmpTarget) -> ProbeResult:
    """GET sysDescr, sysObjectID, sysName and sysUpTime with the target's timeout and retries.

    Never raises for device trouble: a :class:`CampusNetError` becomes ``ok=False`` with its message.
    """
    started = time.monotonic()
    try:
        async with SnmpSession(target) as session:
            values = await session.get(list(SYSTEM_OIDS))
    except CampusNetError as exc:
        reason = exc.msg or Msg("{reason}", {"reason": str(exc)})
        return ProbeResult(ok=False, message=str(exc), reason=reason, duration_s=time.monotonic() - started)
    return _answered(values, time.monotonic() - started)


# pytest would otherwise collect the coroutine above as a test wherever it is imported into a test module.
test_connection.__test__ = False  # type: ignore[attr-defined]


def _answered(values: dict[str, SnmpValue | None], duration: float) -> ProbeResult:
    descr = text_value(values.get(SYS_DESCR))
    name = text_value(values.get(SYS_NAME))
    oid = text_value(values.get(SYS_OBJECT_ID))
    uptime = values.get(SYS_UPTIME)
    ident = identify(oid, descr)
    known = ident.platform != UNKNOWN
    vendor = ident.vendor if known else None
    what = " ".join(part for part in (vendor, ident.model) if part) or _first_line(descr) or "an SNMP agent"
    message = f"answered in {duration:.2f} s: {what}"
    if name:
        message += f", sysName {name}"
    return ProbeResult(
        ok=True,
        message=message,
        sys_name=name,
        sys_descr=descr,
        vendor=vendor,
        model=ident.model,
        platform=ident.platform if known else None,
        uptime_ticks=uptime if isinstance(uptime, int) else None,
        duration_s=duration,
    )


def _first_line(text: str, limit: int = 60) -> str:
    line = text.splitlines()[0].strip() if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
