"""What a push needs to know about a device before it renders: its ports (from the store: names, aliases, the
user's uplink and important marks), its LLDP/CDP neighbours (read over SNMP just before planning), its OS version
and model, and its running configuration (trunks), so each port gets a role and the template its lines by role
(see :mod:`devices.config.roles`).

:func:`plan_job` renders a device's template from its latest backup (shown before anything connects; a bad
parameter stops everything there) and gives the push a ``replan`` that renders again from the running
configuration it reads at the start. Where the neighbours cannot be read, no port is taken for an edge port: a
switch behind it would be cut off by BPDU guard.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from devices.config.roles import EDGE, EXCLUDED, PortInfo, PortRole
from devices.errors import CampusNetError
from monitor.configuration.configs import device_platform
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore

NEIGHBOUR_TIMEOUT_S = 30.0


@dataclass
class DeviceView:
    """A device as planning sees it: platform, facts, ports and neighbours (or why they are unknown)."""

    name: str
    platform: str
    facts: Any
    ports: list[PortInfo] = field(default_factory=list)
    neighbours: list[Any] = field(default_factory=list)
    neighbours_error: str | None = None


def port_infos(conn: sqlite3.Connection, device_id: int) -> list[PortInfo]:
    """The device's present ports as the poller stored them, with the user's marks."""
    rows = conn.execute(
        "SELECT name, descr, alias, type, is_uplink, important FROM ports WHERE device_id = ? AND present = 1 "
        "ORDER BY ifindex",
        (device_id,),
    )
    return [
        PortInfo(
            name=str(r["name"] or r["descr"] or ""),
            descr=str(r["descr"] or ""),
            alias=str(r["alias"] or ""),
            if_type=r["type"],
            is_uplink=bool(r["is_uplink"]),
            important=bool(r["important"]),
        )
        for r in rows
        if r["name"] or r["descr"]
    ]


def read_neighbours(device: sqlite3.Row, secrets: SecretStore) -> tuple[list[Any], str | None]:
    """LLDP and CDP neighbours over SNMP (blocking; bounded): (neighbours, None) or ([], the reason)."""
    from devices.neighbors import read_neighbours as read
    from devices.snmp import SnmpSession

    try:
        target = inventory.snmp_target(device, secrets)
    except CampusNetError as exc:
        return [], str(exc)

    async def run() -> list[Any]:
        async with SnmpSession(target) as session:
            return await asyncio.wait_for(read(session), NEIGHBOUR_TIMEOUT_S)

    try:
        return asyncio.run(run()), None
    except CampusNetError as exc:
        return [], str(exc).splitlines()[0]
    except TimeoutError:
        return [], f"no complete LLDP/CDP answer within {NEIGHBOUR_TIMEOUT_S:g} s"


def device_view(
    conn: sqlite3.Connection, secrets: SecretStore, device: sqlite3.Row, *, neighbours: bool = True
) -> DeviceView:
    """Platform, facts and ports from the store; neighbours over SNMP when asked."""
    from monitor.configuration.recovery import device_facts

    view = DeviceView(str(device["name"]), device_platform(device), device_facts(device))
    view.ports = port_infos(conn, int(device["id"]))
    if neighbours and view.ports:  # a device never polled has no ports to give roles to: no need to ask
        view.neighbours, view.neighbours_error = read_neighbours(device, secrets)
    else:
        view.neighbours_error = "not read"
    return view


def roles_for(view: DeviceView, profile: Any, running: str | None) -> list[PortRole]:
    """Each port's role from the running configuration, the neighbours and the marks (the profile's request)."""
    from devices.config.profile import port_request
    from devices.config.roles import assign_roles

    request = port_request(profile, view.platform, view.name)
    roles = assign_roles(
        view.platform, running=running, ports=view.ports, neighbours=view.neighbours, requested=request
    )
    if view.neighbours_error is None:
        return roles
    why = f"neighbours unknown ({view.neighbours_error}): a switch may be behind it"
    return [replace(r, role=EXCLUDED, reason=why) if r.role == EDGE else r for r in roles]


def render_for(
    template: str, view: DeviceView, profile: Any, resolve: Callable[[str], str], running: str | None
) -> Any:
    """The template rendered for the device with its port roles and facts (:class:`devices.config.render.Rendered`)."""
    from devices.config.render import render

    roles = roles_for(view, profile, running)
    return render(
        template,
        view.platform,
        profile,
        secrets=resolve,
        facts=view.facts,
        roles=roles,
        device=view.name,
        running=running,
    )


def replanner(template: str, view: DeviceView, profile: Any, resolve: Callable[[str], str]) -> Callable[[str], Any]:
    """The push's ``replan``: render again from the running configuration read at the start of the push."""
    from devices.push import Plan

    def replan(running: str) -> Plan:
        rendered = render_for(template, view, profile, resolve, running)
        return Plan(
            rendered.lines,
            rendered.masked_lines,
            sorted(rendered.secret_values),
            notes=list(rendered.notes),
            roles=list(rendered.roles),
        )

    return replan


def role_lines(roles: Sequence[PortRole]) -> list[str]:
    """The role table as text lines for the dry run: ``port  role  why``."""
    if not roles:
        return []
    width = max(len(r.port) for r in roles)
    return [f"{r.port:<{width}}  {r.role:<8}  {r.reason}" for r in roles]
