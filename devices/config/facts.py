"""What a configuration render knows of the device itself: its platform, OS version and model.

The version and model come from the device's sysDescr as the poller parsed it (:func:`devices.platforms.identify`);
:mod:`devices.config.versions` turns them into the syntax the templates use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceFacts:
    """A device's platform, OS version (e.g. "15.2(7)E9", "17.9.4") and model (e.g. "WS-C2960X-48FPS-L").

    None means unknown: the render then assumes the oldest syntax the platform has and says so in a note.
    """

    platform: str
    version: str | None = None
    model: str | None = None
