"""What CampusNet knows about a device that changes how its configuration is written and printed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceFacts:
    """The platform (driver/template key), the OS version as parsed from sysDescr and the model."""

    platform: str
    version: str | None = None
    model: str | None = None
