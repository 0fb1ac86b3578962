"""Per-platform knowledge for pushing configuration, in one table keyed by netmiko ``device_type`` (and by CampusNet
platform where one netmiko type serves two platforms: ``aruba_instant`` goes over netmiko's ``aruba_os``).

Each :class:`PushDriver` says how to read the running configuration, which device answers mean "that line was
refused", whether lines go in a config mode, which auto-revert mechanism the platform has, how to save, which lines
of a backup change on their own (timestamps, byte counts) and which ``hier_config`` platform parses the
configuration. The values follow ``shared/VENDORS.md`` sections 0 and 2; the snippets there are unverified on real
gear, so every row is a starting point to check against an emulator or a lab device.

Adding a platform is adding one row to :data:`DRIVERS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from devices.config import c9800, zynos
from devices.errors import InputError

RevertKind = Literal["ios_timer", "aoscx_checkpoint", "junos_commit_confirmed"]


@dataclass(frozen=True)
class SaveCommand:
    """How to make the running configuration survive a reboot (``save_config(cmd, confirm, confirm_response)``)."""

    command: str
    confirm: bool = False
    confirm_response: str = ""


@dataclass(frozen=True)
class PushDriver:
    """How CampusNet pushes configuration to one netmiko ``device_type``.

    ``revert`` names the platform's own auto-revert mechanism (None: the push rolls back with compensating lines).
    ``volatile`` holds regexes of backup lines that change without anyone changing the configuration; they are
    dropped before hashing and diffing. ``hier_platform`` is a ``hier_config.Platform`` member name or None.
    ``block_exit`` is sent when an indented block ends, so the next line is taken at the level it is written at
    (None: the platform has no blocks, or the lines carry their own ``end``/``next``).
    ``prompt`` is a regex of the end of every answer (the device's prompt on a line of its own, in any mode): when
    set, lines are sent one at a time and each is done when the prompt comes back, instead of netmiko checking the
    echo or, where netmiko turns that off, waiting 2 s of silence after every line.
    ``prompt_from_base``: the CLI has a Cisco-like prompt (``host(mode)#``), so lines are sent one at a time and
    each is done at the next prompt, as with ``prompt``. ``show_startup`` reads the saved configuration (None: the
    platform has no such command CampusNet knows).
    ``platform`` is the template folder and compliance platform when it is not ``netmiko_type`` (see
    :attr:`folder`). ``references`` says, for a platform whose objects name each other, which settings name an
    object of each kind (kind: its header line without the name), so a rollback deletes users before what they use.
    ``config_command`` and ``exit_config`` enter and leave configuration mode where the device does not take
    netmiko's defaults for ``netmiko_type`` (None: the defaults). ``normalize`` rewrites a running configuration
    (volatile lines already dropped) into the form the rendered lines are written in, where the device prints a
    setting otherwise than it is typed (None: compared as printed).
    """

    netmiko_type: str
    show_running: str
    error_pattern: str
    config_mode: bool
    revert: RevertKind | None
    save: SaveCommand | None
    volatile: tuple[str, ...] = ()
    hier_platform: str | None = None
    block_exit: str | None = "exit"
    prompt: str | None = None
    platform: str = ""
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prompt_from_base: bool = False
    show_startup: str | None = None
    config_command: str | None = None
    exit_config: str | None = None
    normalize: Callable[[str], str] | None = None

    @property
    def folder(self) -> str:
        """The platform the templates and the compliance check are written for."""
        return self.platform or self.netmiko_type

    def volatile_re(self) -> re.Pattern[str] | None:
        """One compiled regex matching any volatile line, or None when the platform has none."""
        return compile_volatile(self.volatile)


@dataclass(frozen=True)
class IosTimer:
    """The IOS ``configure terminal revert timer`` commands (the NAPALM recipe, VENDORS.md section 0)."""

    enter: str = "configure terminal revert timer {minutes}"
    confirm: str = "configure confirm"
    revert_now: str = "configure revert now"
    reset: str = "configure revert timer {minutes}"
    show: str = "show archive config rollback timer"


IOS_TIMER = IosTimer()


@dataclass(frozen=True)
class AoscxCheckpoint:
    """The AOS-CX auto checkpoint commands, all typed in the manager context (``switch#``).

    From the AOS-CX 10.x command reference: ``checkpoint auto N`` (1 to 60 minutes) answers ``Auto checkpoint
    mode expires in N minute(s)`` and does not enter configuration mode itself; ``checkpoint auto confirm`` answers
    ``checkpoint AUTO<YYYYMMDDHHMMSS> created`` and ends the mode; without it in time, the switch restores the
    configuration it had when the mode started. No "revert now" is documented, so the push takes a named
    checkpoint just before (``copy running-config checkpoint NAME``) and rolls back to it (``checkpoint rollback
    NAME``; both answer ``Success``), then erases it (``erase checkpoint NAME``).
    """

    enter: str = "checkpoint auto {minutes}"
    entered: str = r"Auto checkpoint mode expires in \d+ minute"
    confirm: str = "checkpoint auto confirm"
    confirmed: str = r"checkpoint \S+ created"
    take: str = "copy running-config checkpoint {name}"
    rollback: str = "checkpoint rollback {name}"
    erase: str = "erase checkpoint {name}"
    success: str = r"(?m)^\s*Success\s*$"
    max_minutes: int = 60
    name_prefix: str = "campusnet-"


AOSCX_CHECKPOINT = AoscxCheckpoint()

_IOS_ERRORS = r"% Invalid input|% Incomplete command|% Ambiguous command|% Unknown command|% Bad |% Error"
_IOS_VOLATILE = (
    r"^! Last configuration change",
    r"^! NVRAM config last updated",
    r"^ntp clock-period",
    r"^Current configuration : \d+ bytes",
    r"^Building configuration\.\.\.",
    r"^Using \d+ out of \d+ bytes",
)
_AIREOS_ERRORS = r"Incorrect usage|Incorrect input|Request failed|Error"
_AOS8_ERRORS = r"% Invalid input|Invalid input detected|Error:"
# Every ArubaOS 8 prompt starts a line with the host name in brackets and ends in '#' or '>': "(host) #",
# "(host) [mynode] (config) #", '(host) (SSID Profile "x") #', "(host) (config-submode)#". netmiko's aruba_os driver
# turns the echo check off (the CLI completes words on space), so without this every line waits 2 s.
_AOS8_PROMPT = r"[\r\n]\([^\r\n]*[#>] ?$"
# ArubaOS 8 profiles and the settings of other profiles that name them (the AOS 8 CLI reference's profile keywords;
# a profile in use cannot be deleted). A user role and a netdestination may share a name: the kind tells them apart.
_AOS8_REFERENCES = {
    "wlan ssid-profile": ("ssid-profile",),
    "wlan virtual-ap": ("virtual-ap",),
    "wlan dot11r-profile": ("dot11r-profile",),
    "wlan dot11k-profile": ("dot11k-profile",),
    "aaa profile": ("aaa-profile",),
    "aaa authentication-server radius": ("auth-server",),
    "aaa server-group": ("server-group", "dot1x-server-group", "radius-accounting"),
    "aaa authentication dot1x": ("authentication-dot1x",),
    "aaa authentication captive-portal": ("captive-portal",),
    "user-role": ("initial-role", "default-role", "default-guest-role"),
    "netdestination": ("white-list", "black-list"),
}
# AOS-CX names the word it cannot take ("Invalid input: width"), without IOS's "% " or caret.
_AOSCX_ERRORS = r"Invalid input: |% Command incomplete|Ambiguous command|% Unknown command|Error:"
_PROCURVE_ERRORS = r"Invalid input|Unknown command|Incomplete input|Value .* is not"
_PROCURVE_VOLATILE = (
    r"^; \S+ Configuration Editor; Created on release",
    r"^Running configuration:",
    r"^Startup configuration:",
)
_COMWARE_ERRORS = r"% Unrecognized command|% Incomplete command|% Too many parameters|% Wrong parameter"
_HUAWEI_ERRORS = r"Error: |% Unrecognized command|% Incomplete command|% Too many parameters|% Wrong parameter"
_HUAWEI_VOLATILE = (r"^!Last configuration was (?:updated|saved) at", r"^!Software Version")
_DLINK_ERRORS = r"Fail!|Invalid|Unknown command|Next possible completions"
# Zyxel managed switches (ZyNOS CLI). A refused word is named in quotes, two blanks in: '  Invalid command "router"'
# (nocproject/noc fixtures of ES-2024A 3.80/3.90 and ES-2108-G 3.80); newer firmware answers "invalid command run"
# (a public Zyxel SSH reader measured on an XGS1930 V5.00), so case is ignored. NOC's ZyNOS profile matches
# "Invalid (command|input)"; incomplete and ambiguous commands are added as on the other Cisco-like CLIs.
_ZYNOS_ERRORS = r"(?i:invalid (?:command|input)|incomplete command|ambiguous command)"
# The header of 'show running-config' ('  Building configuration...', '  Current configuration: ', from a GS1920 in
# ytti/oxidized#2156; NOC and oxidized drop those lines), the model and firmware comments newer firmware prints
# before the configuration ('; Product Name = XGS1930-52HP', '; Firmware Version = V5.00(ABHV.0) | 06/27/2025')
# and the clock lines NOC's ZyNOS profile treats as volatile ('time 12:00:00', 'time date ...').
_ZYNOS_VOLATILE = (
    r"^\s*Building configuration\.\.\.",
    r"^\s*Current configuration:",
    r"^; Product Name = ",
    r"^; Firmware Version = ",
    r"^time (?:\d|date\b)",
)
# Every ZyNOS prompt: the system name, the mode in brackets in configuration mode, '#' and a blank: 'GS2210# ',
# 'GS2210(config)# ', 'GS2210(config-vlan)# ' (ytti/oxidized#2156, a public GS2210 command sheet).
_ZYNOS_PROMPT = r"[\r\n][^\s#>()]+(?:\([\w-]+\))?# ?$"
_FORTI_ERRORS = r"Command fail|entry not found|value parse error|Unknown action"

_IOS = PushDriver(
    netmiko_type="cisco_ios",
    show_running="show running-config",
    error_pattern=_IOS_ERRORS,
    config_mode=True,
    revert="ios_timer",
    save=SaveCommand("write memory"),
    volatile=_IOS_VOLATILE,
    hier_platform="CISCO_IOS",
    prompt_from_base=True,
    show_startup="show startup-config",
)
_PROCURVE = PushDriver(
    netmiko_type="hp_procurve",
    show_running="show running-config",
    error_pattern=_PROCURVE_ERRORS,
    config_mode=True,
    revert=None,
    save=SaveCommand("write memory"),
    volatile=_PROCURVE_VOLATILE,
    hier_platform="HP_PROCURVE",
    prompt_from_base=True,
    show_startup="show config",
)
_AOS8 = PushDriver(
    netmiko_type="aruba_os",
    show_running="show running-config",
    error_pattern=_AOS8_ERRORS,
    config_mode=True,
    revert=None,
    save=SaveCommand("write memory"),
    volatile=(r"^Building Configuration\.\.\.", r"^Current configuration : \d+ bytes"),
    hier_platform=None,
    prompt=_AOS8_PROMPT,
    references=_AOS8_REFERENCES,
)

DRIVERS: dict[str, PushDriver] = {
    "cisco_ios": _IOS,
    # IOS-XE switches and Catalyst 9800 controllers: a 9800 hides its WLANs' default-on settings
    "cisco_xe": replace(_IOS, netmiko_type="cisco_xe", normalize=c9800.normalizer(_IOS.normalize)),
    "cisco_wlc": PushDriver(
        netmiko_type="cisco_wlc",
        show_running="show run-config commands",
        error_pattern=_AIREOS_ERRORS,
        config_mode=False,
        revert=None,
        save=SaveCommand("save config", confirm=True, confirm_response="y"),
        volatile=(),
        hier_platform=None,
        block_exit=None,
    ),
    "aruba_os": _AOS8,
    # Aruba Instant (the IAP virtual controller), over netmiko's aruba_os driver: its own templates, and changes
    # take effect on 'commit apply' (VENDORS.md 3.4). Unverified on gear and without an emulator: its prompt is not
    # known well enough to wait for, so netmiko's slower timed reads are kept.
    "aruba_instant": replace(
        _AOS8,
        save=SaveCommand("commit apply"),
        prompt=None,
        platform="aruba_instant",
        references={"wlan auth-server": ("auth-server",), "wlan external-captive-portal": ("captive-portal",)},
    ),
    "hp_procurve": _PROCURVE,
    "aruba_osswitch": replace(_PROCURVE, netmiko_type="aruba_osswitch"),
    "aruba_procurve": replace(_PROCURVE, netmiko_type="aruba_procurve"),
    "aruba_aoscx": PushDriver(
        netmiko_type="aruba_aoscx",
        show_running="show running-config",
        error_pattern=_AOSCX_ERRORS,
        config_mode=True,
        revert="aoscx_checkpoint",
        save=SaveCommand("copy running-config startup-config"),
        volatile=(r"^Current configuration:",),
        hier_platform="ARUBA_AOSCX",
        prompt_from_base=True,
        show_startup="show startup-config",
    ),
    "hp_comware": PushDriver(
        netmiko_type="hp_comware",
        show_running="display current-configuration",
        error_pattern=_COMWARE_ERRORS,
        config_mode=True,
        revert=None,
        save=SaveCommand("save force"),
        volatile=(),
        hier_platform="HP_COMWARE5",
        block_exit="quit",
    ),
    "huawei": PushDriver(
        netmiko_type="huawei",
        show_running="display current-configuration",
        error_pattern=_HUAWEI_ERRORS,
        config_mode=True,
        revert=None,
        save=SaveCommand("save", confirm=True, confirm_response="y"),
        volatile=_HUAWEI_VOLATILE,
        hier_platform="HUAWEI_VRP",
        block_exit="quit",
    ),
    "dlink_ds": PushDriver(
        netmiko_type="dlink_ds",
        show_running="show config current_config",
        error_pattern=_DLINK_ERRORS,
        config_mode=False,
        revert=None,
        save=SaveCommand("save"),
        volatile=(),
        hier_platform=None,
        block_exit=None,
    ),
    # Zyxel managed switches with the ZyNOS CLI (GS2210, GS2220, XGS2210, XGS2220, XGS4600): the platform key is
    # CampusNet's, the session netmiko's cisco_ios. Its session preparation works there ('terminal width 511' is
    # refused and ignored, 'terminal length 0' turns the pager off, admin logs in at '#'), but configuration mode is
    # entered with 'configure' and left with 'exit' (NOC's ZyNOS profile, nocproject/noc
    # sa/profiles/Zyxel/ZyNOS/profile.py: command_enter_config, command_leave_config, command_save_config).
    # netmiko's zyxel_os is the ZySH CLI of Zyxel CPE routers, without a configuration mode: it does not fit.
    # No auto-revert: the push rolls back with compensating lines. VLAN membership is compared one port per line.
    # Not handled yet: firmware that prints ESC 7 after every prompt (oxidized's zynoscli model strips it after
    # 'XGS4600# '; measured on a GS1920 V4.50 by a public Zyxel SSH reader) leaves cisco_ios without a prompt.
    "zyxel_switch": PushDriver(
        netmiko_type="cisco_ios",
        show_running="show running-config",
        error_pattern=_ZYNOS_ERRORS,
        config_mode=True,
        revert=None,
        save=SaveCommand("write memory"),
        volatile=_ZYNOS_VOLATILE,
        hier_platform=None,
        block_exit="exit",
        prompt=_ZYNOS_PROMPT,
        platform="zyxel_switch",
        config_command="configure",
        exit_config="exit",
        normalize=zynos.per_port,
    ),
    "fortinet": PushDriver(
        netmiko_type="fortinet",
        show_running="show full-configuration",
        error_pattern=_FORTI_ERRORS,
        config_mode=False,
        revert=None,
        save=None,  # FortiOS commits on each 'end'; netmiko's save_config() raises NotImplementedError
        volatile=(r"^#config-version=",),
        hier_platform="FORTINET_FORTIOS",
        block_exit=None,
    ),
}


# Models that a platform's driver cannot configure: managed through their web page only (platform, model regex,
# why, with {model} for the model). GS1900: essentially web-only (VENDORS.md 3.7); its CLI answers "Unknown
# command" to 'terminal length 0' and cannot stop paging (ktbyers/netmiko#3299). GS1910: no SSH
# (ytti/oxidized#735). XGS1930: its CLI shows but does not configure (a public Zyxel SSH reader, measured on an
# XGS1930 V5.00).
WEB_ONLY: tuple[tuple[str, str, str], ...] = (
    (
        "zyxel_switch",
        r"^(?:GS1900|GS1910|XGS1930)",
        "the Zyxel {model} is managed through its web page only (its command line cannot change the "
        "configuration): CampusNet cannot push configuration to it",
    ),
)


def driver_for(device_type: str) -> PushDriver:
    """The push driver of a netmiko ``device_type`` or a platform with a row of its own (``aruba_instant``,
    ``zyxel_switch``); an ``_ssh`` suffix is ignored; InputError naming the supported ones if unknown."""
    key = (device_type or "").strip().lower().removesuffix("_ssh")
    driver = DRIVERS.get(key)
    if driver is None:
        raise InputError(no_driver_message(device_type))
    return driver


def no_driver_message(platform: str) -> str:
    """Why a platform gets no push: it has no driver (listing the platforms that have one)."""
    return f"no configuration driver for {platform} (supported: {', '.join(sorted(DRIVERS))})"


def web_only_reason(platform: str, model: str | None) -> str | None:
    """Why a device of a platform with a driver still cannot be pushed to (its model is web-managed), or None."""
    for key, pattern, why in WEB_ONLY:
        if key == platform and model and re.match(pattern, model.strip(), re.IGNORECASE):
            return why.format(model=model.strip())
    return None


def all_volatile() -> tuple[str, ...]:
    """Every platform's volatile-line regexes (for backups of a device whose platform is not known)."""
    seen: dict[str, None] = {}
    for driver in DRIVERS.values():
        seen.update(dict.fromkeys(driver.volatile))
    return tuple(seen)


def compile_volatile(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching any of ``patterns`` at a line start; None for no patterns."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))
