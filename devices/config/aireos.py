"""Cisco AireOS wireless controllers (WLC 8.x): their configuration as ``show run-config commands`` prints it, and
what a push must know of it.

- **RADIUS server indexes.** A profile server reuses the index of an existing ``config radius auth|acct add`` entry
  with the same address and port, else takes the lowest free index (:func:`choose_radius_indexes`), so servers the
  controller already uses for something else are never overwritten.
- **Secret-bearing lines compared by their other parts.** AireOS never prints a RADIUS shared secret back: a server
  typed as ``config radius auth add 1 192.0.2.11 1812 ascii SECRET`` is printed as ``config radius auth add encrypt
  1 192.0.2.11 1812 password 1 <iv> <mac> <length> <ciphertext>`` (seen in a public configuration uploaded from an
  AireOS controller, and in a public script that decodes such files field by field: the index is the 6th word, the
  address the 7th). :func:`comparable` reduces both forms to ``radius auth add 1 192.0.2.11 1812``, so a wrong index,
  address or port is still found while a re-push of the same servers sends nothing. The secret itself cannot be
  checked: a secret changed in the secret store is not sent to a server that is already there (a render note says
  so).
- **Hidden defaults.** AireOS does not print some WLAN settings while they are at their default (WPA2, AES and
  802.1X on; 802.11r, adaptive 11r and FT 802.1X off): :func:`with_hidden_defaults` writes them out before comparing.
- **WLAN restarts only with consent.** AireOS takes layer-2 security settings of a WLAN (``config wlan security
  ...``, ``config wlan radius_server ...``) only while the WLAN is disabled. :func:`wrap_wlan_restarts` puts
  ``config wlan disable N`` / ``config wlan enable N`` around such lines for WLANs that are enabled, and refuses
  without consent: disabling a WLAN drops its clients.

Comparison (:func:`check_compliance`, :func:`remediation`) is what :mod:`devices.config.compliance` dispatches to
for ``cisco_wlc``.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from devices.errors import InputError

#: RADIUS server indexes AireOS accepts (Cisco Wireless LAN Controller Command Reference, ``config radius auth
#: add``: "index: RADIUS server index (1 to 17)"; later 8.x releases accept more, 17 is what every release takes).
RADIUS_INDEXES = range(1, 18)
RADIUS_KINDS = ("auth", "acct")
#: ``config radius auth|acct add [encrypt] INDEX ADDRESS PORT ...``: typed (``ascii|hex SECRET``) or as printed.
_RADIUS_ADD = re.compile(r"^config radius (auth|acct) add (?:encrypt )?(\d+) (\S+) (\d+)(?: .*)?$")
_WLAN_CREATE = re.compile(r"^config wlan create (\d+) (.+)$")
_WLAN_STATE = re.compile(r"^config wlan (enable|disable) (\d+)$")
#: WLAN settings AireOS takes only while the WLAN is disabled (layer-2 security and its RADIUS servers).
_NEEDS_DISABLED = ("security", "radius_server")
#: WLAN settings AireOS does not print while at their default, on or off (a public configuration uploaded from an
#: AireOS 8.x controller: a WPA2/AES/802.1X WLAN shows "config wlan security wpa enable 10" and none of these, another
#: WLAN shows their "disable" forms where they were switched off, and no WLAN without 802.11r shows an "ft" line).
WLAN_DEFAULT_ON = ("security wpa wpa2", "security wpa wpa2 ciphers aes", "security wpa akm 802.1x")
WLAN_DEFAULT_OFF = ("security ft", "security ft adaptive", "security wpa akm ft 802.1x")


class RadiusLike(Protocol):
    """What a profile's RADIUS server gives: address and ports."""

    @property
    def host(self) -> str: ...

    @property
    def auth_port(self) -> int: ...

    @property
    def acct_port(self) -> int: ...


@dataclass(frozen=True)
class RadiusEntry:
    """One RADIUS server of the controller: ``kind`` "auth" or "acct", its index, address and port."""

    kind: str
    index: int
    host: str
    port: int


@dataclass(frozen=True)
class RadiusIndexes:
    """The index each profile server gets, per kind (``auth[i]`` for ``radius[i]``), and notes for the user."""

    auth: list[int]
    acct: list[int]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Wlan:
    """A WLAN of the controller: id, profile name, SSID and whether it is enabled."""

    wlan_id: int
    profile: str
    ssid: str
    enabled: bool


# ---------------------------------------------------------------------------------------------------------------
# Reading the running configuration


def _lines(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _address(text: str) -> str:
    """An address in one spelling (IPv6 case and zero compression), so equal servers compare equal."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text.lower()


def radius_entries(running: str | None) -> list[RadiusEntry]:
    """The RADIUS servers in a running configuration (typed or printed form), in the order shown."""
    out: list[RadiusEntry] = []
    for line in _lines(running):
        m = _RADIUS_ADD.match(line)
        if m:
            out.append(RadiusEntry(m.group(1), int(m.group(2)), _address(m.group(3)), int(m.group(4))))
    return out


def wlans(running: str | None) -> dict[int, Wlan]:
    """The WLANs of a running configuration by id; a WLAN is enabled when its last state line says so."""
    names: dict[int, tuple[str, str]] = {}
    state: dict[int, bool] = {}
    for line in _lines(running):
        created = _WLAN_CREATE.match(line)
        if created:
            try:
                words = shlex.split(created.group(2))
            except ValueError:
                words = created.group(2).split()
            profile = words[0] if words else ""
            names[int(created.group(1))] = (profile, words[-1] if words else profile)
            continue
        switched = _WLAN_STATE.match(line)
        if switched:
            state[int(switched.group(2))] = switched.group(1) == "enable"
    return {n: Wlan(n, profile, ssid, state.get(n, False)) for n, (profile, ssid) in names.items()}


def with_hidden_defaults(running: str) -> str:
    """``running`` with the settings AireOS does not print at their default written out for every WLAN it creates
    (``config wlan security wpa wpa2 enable N``, ``config wlan security ft disable N`` ...), where neither the
    ``enable`` nor the ``disable`` form is shown."""
    shown = set(_lines(running))
    extra: list[str] = []
    for n in wlans(running):
        for settings, state in ((WLAN_DEFAULT_ON, "enable"), (WLAN_DEFAULT_OFF, "disable")):
            for setting in settings:
                if not {f"config wlan {setting} {s} {n}" for s in ("enable", "disable")} & shown:
                    extra.append(f"config wlan {setting} {state} {n}")
    return running.rstrip("\n") + "\n" + "".join(line + "\n" for line in extra) if extra else running


def wlan_of(line: str) -> int | None:
    """The WLAN a ``config wlan ...`` line sets something of (None for other lines)."""
    words = line.split()
    if words[:2] != ["config", "wlan"] or len(words) < 4:
        return None
    if words[2] in ("create", "delete", "enable", "disable", "interface"):
        candidate = words[3]
    elif len(words) >= 6 and (words[2] == "radius_server" or words[2:5] == ["security", "web-auth", "acl"]):
        candidate = words[5]  # config wlan radius_server auth add WLAN INDEX; config wlan security web-auth acl WLAN
    else:
        candidate = words[-1]
    return int(candidate) if candidate.isdigit() else None


# ---------------------------------------------------------------------------------------------------------------
# RADIUS server indexes


def choose_radius_indexes(servers: Sequence[RadiusLike], running: str | None) -> RadiusIndexes:
    """The index each profile server gets on a controller whose configuration is ``running``.

    Per kind (authentication, accounting): the lowest index of an existing entry with the server's address and
    port is reused; otherwise the lowest index no entry uses (and no other profile server took). ``running`` None:
    nothing is known of the controller, indexes from 1 (a note says so). Raises InputError when no index is free.
    """
    existing = radius_entries(running)
    notes: list[str] = []
    if running is None:
        notes.append(
            "the controller's running configuration was not read: RADIUS server indexes are shown as if none were "
            "in use (the push reads the controller and chooses again: an address already there keeps its index, "
            "others take a free one)"
        )
    chosen: dict[str, list[int]] = {}
    for kind in RADIUS_KINDS:
        taken = {e.index for e in existing if e.kind == kind}
        picks: list[int] = []
        for server in servers:
            port = server.auth_port if kind == "auth" else server.acct_port
            same = sorted(
                e.index for e in existing if e.kind == kind and e.host == _address(server.host) and e.port == port
            )
            if same:
                picks.append(same[0])
                continue
            free = next((n for n in RADIUS_INDEXES if n not in taken and n not in picks), None)
            if free is None:
                raise InputError(
                    f"no free RADIUS {_KIND_WORDS[kind]} server index on the controller for {server.host}:{port} "
                    f"(indexes {RADIUS_INDEXES.start}-{RADIUS_INDEXES.stop - 1} are all in use): free one first"
                )
            picks.append(free)
        chosen[kind] = picks
    reused = [
        f"{_KIND_WORDS[e.kind]} {e.index} ({e.host}:{e.port})"
        for e in existing
        if e.index in chosen[e.kind] and any(e.host == _address(s.host) for s in servers)
    ]
    if reused:
        notes.append(
            "RADIUS servers already on the controller are kept at their index: "
            + ", ".join(dict.fromkeys(reused))
            + ". The controller never shows a shared secret, so a changed secret is not sent to them (delete the "
            "server on the controller to have it added again with the new secret)"
        )
    return RadiusIndexes(chosen["auth"], chosen["acct"], notes)


_KIND_WORDS = {"auth": "authentication", "acct": "accounting"}


# ---------------------------------------------------------------------------------------------------------------
# Comparison by meaning


def comparable(line: str) -> str:
    """A line as it is compared: blanks normalised, without the ``config`` word, and a RADIUS server without its
    secret (typed or printed encrypted): ``radius auth add 1 192.0.2.11 1812``."""
    text = " ".join(line.split())
    m = _RADIUS_ADD.match(text)
    if m:
        text = f"config radius {m.group(1)} add {m.group(2)} {_address(m.group(3))} {m.group(4)}"
    return text[len("config ") :] if text.startswith("config ") else text


def _procedural(line: str) -> bool:
    """``config wlan disable N`` sent only to edit a WLAN: never expected back (the WLAN ends enabled)."""
    return _WLAN_STATE.match(" ".join(line.split())) is not None and line.split()[2] == "disable"


def missing(running: str, lines: Iterable[str]) -> list[str]:
    """The intended ``lines`` the running configuration does not hold (compared with :func:`comparable`, settings at
    their hidden default included), in order, each once."""
    have = {comparable(line) for line in _lines(with_hidden_defaults(running))}
    out: list[str] = []
    seen: set[str] = set()
    for line in lines:
        key = comparable(line)
        if not key or _procedural(line) or key in have or key in seen:
            continue
        seen.add(key)
        out.append(line.strip())
    return out


# ---------------------------------------------------------------------------------------------------------------
# WLAN restarts


def _restarts(change: Sequence[str], running: str) -> dict[int, Wlan]:
    """The WLANs enabled in ``running`` whose restart-requiring settings ``change`` touches (and does not disable
    or delete itself), in order of their first such line."""
    known = wlans(running)
    out: dict[int, Wlan] = {}
    handled: set[int] = set()
    for line in change:
        words = line.split()
        n = wlan_of(line)
        if n is None:
            continue
        if words[2] in ("disable", "delete"):
            handled.add(n)
        wlan = known.get(n)
        if wlan and wlan.enabled and n not in handled and words[2] in _NEEDS_DISABLED:
            out.setdefault(n, wlan)
    return out


def _named(wlans_: Iterable[Wlan]) -> str:
    items = [f"WLAN {w.wlan_id} ({w.ssid})" for w in wlans_]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def restart_message(change: Sequence[str], running: str) -> str | None:
    """Why ``change`` needs consent (None when it restarts no WLAN): the words of the refusal."""
    affected = list(_restarts(change, running).values())
    if not affected:
        return None
    whose = "its" if len(affected) == 1 else "their"
    return f"would disable {_named(affected)} for a moment, dropping {whose} clients: allow WLAN restarts to go on"


def restart_words(change: Sequence[str], running: str) -> list[str]:
    """The dry run's words for the WLAN restarts ``change`` needs, one line per WLAN (empty when none)."""
    return [
        f"WLAN {w.wlan_id} ({w.ssid}) is enabled: it is disabled before its security settings change and enabled "
        "again after them, which drops its clients for a moment"
        for w in _restarts(change, running).values()
    ]


def wrap_wlan_restarts(change: list[str], running: str, *, allow: bool) -> list[str]:
    """``change`` with ``config wlan disable N`` before the first security line of every WLAN N that is enabled in
    ``running``, and ``config wlan enable N`` after the last line of that WLAN.

    ``allow`` is the user's consent to drop those WLANs' clients for a moment; without it a change that needs a
    restart raises InputError (nothing is sent). A change that needs no restart comes back as it is.
    """
    affected = _restarts(change, running)
    if not affected:
        return list(change)
    if not allow:
        message = restart_message(change, running)
        raise InputError(message or "")
    return _wrapped(list(change), affected)


def _wrapped(lines: list[str], affected: dict[int, Wlan]) -> list[str]:
    """``lines`` with each affected WLAN disabled before its first restart-requiring line and enabled after its
    last line (an ``enable`` already there moves to that place)."""
    out = list(lines)
    for n in affected:
        enable = f"config wlan enable {n}"
        out = [line for line in out if " ".join(line.split()) != enable]
        first = next(i for i, line in enumerate(out) if wlan_of(line) == n and line.split()[2] in _NEEDS_DISABLED)
        out.insert(first, f"config wlan disable {n}")
        last = max(i for i, line in enumerate(out) if wlan_of(line) == n)
        out.insert(last + 1, enable)
    return out


def order_restore(lines: list[str], current: str) -> list[str]:
    """Compensating lines (back to a backup) in an order AireOS takes: a WLAN enabled in ``current`` is disabled
    around its security lines, and a WLAN's ``config wlan enable N`` comes after its other lines."""
    out = _wrapped(list(lines), _restarts(lines, current))
    for n in {wlan_of(line) for line in out if _WLAN_STATE.match(" ".join(line.split())) and "enable" in line}:
        if n is None or any(line.startswith(f"config wlan delete {n}") for line in out):
            continue
        enable = f"config wlan enable {n}"
        out = [line for line in out if " ".join(line.split()) != enable]
        last = max((i for i, line in enumerate(out) if wlan_of(line) == n), default=len(out) - 1)
        out.insert(last + 1, enable)
    return out
