"""Render a county profile into the configuration lines for one platform, with an injection guarantee.

Templates live in ``devices/templates/<platform>/<template>.j2`` (platform folders are netmiko device_type names,
plus ``aruba_instant``). :func:`render` validates every parameter, resolves secrets through the caller's callback,
and renders the template twice: once with every parameter value replaced by a unique placeholder token (which
contains no line break), once for real. The two renders must have the same number of lines, and every real line
must equal its placeholder line with the tokens substituted. So a rendered config can never contain a line that the
template did not produce, even if validation missed something (or a future filter expands a value).

The placeholder render is also how secrets are masked: ``masked_lines`` substitutes ``********`` for secret tokens
instead of searching the text for secret values.

Portal SSIDs (``auth = "portal"``, e.g. TANetRoaming) render on the wireless controllers (:data:`CONTROLLERS`) as an
open SSID on the client VLAN whose clients are redirected to the county's external login page (``portal_url``); the
controller checks the logins against the profile's RADIUS servers (so a portal SSID there needs a ``[[radius]]``
server), and lets clients reach the portal host before they log in. For that the templates get the URL's parts as
separate values (``portal_host``, ``portal_ipv4`` when the host is an IPv4 address, ``portal_port``,
``portal_path``); each is a leaf of its own and goes through the same placeholder check, so neither the URL nor a
part of it can add a line. The portal syntax comes from each vendor's documentation and is unverified on real gear:
every template names the document it follows and says where it assumes. Switch templates only carry the portal
SSID's VLAN. 802.11r is not rendered for a portal SSID (fast transition needs WPA2); a note says so.

Per-port settings come from port roles (:func:`devices.config.roles.assign_roles`), never from fixed ranges: the
templates get ``baseline.edge_ports``, ``baseline.ap_ports`` and ``baseline.uplink_ports`` as lists of interface
names as the CLI writes them (and ``edge_list``/``ap_list``/``uplink_list``, the same as one compact list such as
``1-40,44`` for CLIs that take port lists). Without roles nothing per port is rendered, and a note says why. DHCP
snooping is switched on only with an uplink to trust: on without one, the DHCP server's answers are dropped.

The OS version and model (``facts``, :class:`devices.config.facts.DeviceFacts`) pick the syntax
(:mod:`devices.config.versions`): templates get ``facts`` with ``version``, ``model`` and the derived words
(``portfast``, ``portfast_trunk``, ``trunk_encapsulation``), and each SNMPv3 user its ``auth_cli`` words. A profile
value the device's release cannot express is refused before anything connects.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from devices.config import params
from devices.config.facts import DeviceFacts
from devices.config.folders import platform_folder
from devices.config.profile import Profile, port_request
from devices.config.roles import AP, EDGE, UPLINK, PortRole, apply_request, compact_ports
from devices.config.roles import expand_ports as expand_ports
from devices.config.versions import Syntax, check_profile
from devices.errors import InputError
from devices.masking import MASK, Masker

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATES = ("roaming", "baseline")
# Wireless controllers: their roaming templates set up the SSIDs themselves, portal SSIDs included.
CONTROLLERS = frozenset({"cisco_wlc", "cisco_xe", "aruba_os", "aruba_instant", "fortinet"})
# Context keys whose values steer the template (choices, flags) rather than being written into lines.
# (Not under ``facts``: the device's version and model are device text and are tokenized like any value.)
_STRUCTURAL = frozenset({"auth", "ft", "dot11k", "dot11v", "auth_protocol", "priv_protocol", "version"})
_SECRET_KEYS = frozenset({"secret", "auth_key", "priv_key"})
_TOKEN_RE = re.compile(r"@@(\d+)@@")
_URL_PARTS = re.compile(r"(https?)://([^/:#]*)(?::([0-9]{1,5}))?(.*)", re.IGNORECASE | re.DOTALL)
_MAX_PORTS = 1024


@dataclass(frozen=True)
class Rendered:
    """Config lines for one platform: ``lines`` to send, ``masked_lines`` to show, log, diff and audit.

    ``secret_values`` lets callers mask other text (device echoes, session logs) too. ``notes`` say what the
    profile left out for this platform (e.g. no port roles given, so no per-port settings rendered). ``roles`` is the
    role table the per-port lines came from (each port, its role and why), for the dry run.
    """

    template: str
    platform: str
    template_path: Path
    lines: list[str]
    masked_lines: list[str]
    secret_values: frozenset[str]
    notes: list[str] = field(default_factory=list)
    roles: list[PortRole] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    path: str
    value: str
    secret: bool


def available(platform: str | None = None) -> dict[str, list[str]]:
    """Templates that exist, by platform folder (only ``platform``'s folder when given)."""
    folders = sorted(p for p in TEMPLATES_DIR.iterdir() if p.is_dir()) if TEMPLATES_DIR.is_dir() else []
    out = {f.name: sorted(t.stem for t in f.glob("*.j2")) for f in folders}
    if platform is not None:
        return {platform: out.get(platform, [])}
    return out


def render(
    template: str,
    platform: str,
    profile: Profile,
    *,
    secrets: Callable[[str], str],
    facts: DeviceFacts | None = None,
    roles: list[PortRole] | None = None,
    device: str | None = None,
    running: str | None = None,
) -> Rendered:
    """Render ``template`` ("roaming" | "baseline") for ``platform`` from ``profile``.

    ``secrets(name)`` returns the secret stored under ``name`` (a ``secret_ref``/``*_key_ref`` from the profile);
    it may raise CampusNetError (e.g. SecretMissing). ``facts`` (the device's OS version and model) picks the
    syntax; ``roles`` (from :func:`devices.config.roles.assign_roles`) says which ports take which per-port settings,
    None when unknown (then none is rendered); ``device`` is the device's name, for its ``[[baseline.ports.device]]``
    table, whose edge policy is applied to ``roles`` again. ``running`` is the device's running configuration where
    known (None: assumed to hold nothing the template depends on, and a note says so): a controller's RADIUS server
    indexes and policy tag follow it (:func:`_controller_context`). Raises InputError for an unknown template or
    platform (listing what exists), for any invalid parameter, for a value the device's release cannot express, and
    when a value would change the shape of the config.
    """
    folder = platform_folder(platform)
    path = _template_path(template, folder)
    resolved = _resolve_secrets(template, profile, secrets)
    _validate(profile, folder, resolved)
    syntax = check_profile(profile, folder, facts)
    notes: list[str] = []
    _check_portals(template, folder, profile, notes)
    if roles is not None:
        for index, role in enumerate(roles):
            params.check_interface(role.port, f"roles[{index}].port")
    final_roles = None if roles is None else apply_request(roles, folder, port_request(profile, folder, device))
    context = _context(profile, resolved, syntax)
    context["facts"] = _facts_context(facts, syntax)
    context.update(_controller_context(template, folder, profile, running, notes))
    _add_ports(context, template, folder, final_roles, syntax, notes)
    tokens: dict[str, _Token] = {}
    token_context = _tokenize(context, "", tokens)
    source = f"{folder}/{template}.j2"
    real = _render_text(source, context).splitlines()
    shape = _render_text(source, token_context).splitlines()
    _check_shape(real, shape, tokens, source)
    keep = [i for i, line in enumerate(real) if line.strip()]
    return Rendered(
        template=template,
        platform=folder,
        template_path=path,
        lines=[real[i].rstrip() for i in keep],
        masked_lines=[_substitute(shape[i], tokens, mask=True).rstrip() for i in keep],
        secret_values=frozenset(t.value for t in tokens.values() if t.secret),
        notes=notes,
        roles=list(final_roles or []),
    )


def mask(text: str, secret_values: frozenset[str] | set[str]) -> str:
    """Replace every secret value in free text (device output, logs) with ``********``; longest first
    (:class:`devices.masking.Masker`)."""
    return Masker(secret_values)(text)


def _template_path(template: str, folder: str) -> Path:
    path = TEMPLATES_DIR / folder / f"{template}.j2"
    if template in TEMPLATES and path.is_file():
        return path
    have = available(folder)[folder]
    if have:
        raise InputError(f"no {template!r} template for {folder}: it has {', '.join(have)}")
    platforms = ", ".join(f"{k} ({'/'.join(v)})" for k, v in available().items() if v)
    raise InputError(f"no templates for platform {folder!r}; templates exist for {platforms}")


def _check_portals(template: str, folder: str, profile: Profile, notes: list[str]) -> None:
    """A portal SSID on a controller needs RADIUS (the controller checks the portal logins); say what is left out."""
    if template != "roaming" or folder not in CONTROLLERS:
        return
    for i, ssid in enumerate(profile.ssids):
        if ssid.auth != "portal":
            continue
        if not profile.radius:
            raise InputError(
                f"ssid[{i}] {ssid.name!r}: on {folder} the controller checks the portal logins against RADIUS: "
                "add a [[radius]] server to the profile"
            )
        if ssid.ft != "off":
            notes.append(
                f"ssid[{i}].ft = {ssid.ft!r} is not rendered for the portal SSID {ssid.name}: 802.11r needs WPA2, "
                "an open SSID has no fast transition"
            )
    if folder == "cisco_xe" and any(s.auth == "portal" for s in profile.ssids):
        notes.append(
            "web authentication on the Catalyst 9800 also needs 'parameter-map type webauth global' with a "
            "virtual-ip and the HTTP(S) server on: not rendered here (device-wide settings)"
        )


def _controller_context(
    template: str, folder: str, profile: Profile, running: str | None, notes: list[str]
) -> dict[str, Any]:
    """What a controller's roaming template takes from its running configuration: AireOS RADIUS server indexes
    (:mod:`devices.config.aireos`), the 9800 policy tag (:mod:`devices.config.c9800`)."""
    if template != "roaming":
        return {}
    if folder == "cisco_wlc":
        from devices.config import aireos

        indexes = aireos.choose_radius_indexes(profile.radius, running)
        notes.extend(indexes.notes)
        return {"radius_index": {"auth": indexes.auth, "acct": indexes.acct}}
    if folder == "cisco_xe":
        from devices.config import c9800

        tag = c9800.policy_tag(running, [s.name for s in profile.ssids])
        notes.extend(tag.notes)
        return {"policy_tag": {"name": tag.name, "default": tag.default}}
    return {}


def _resolve_secrets(template: str, profile: Profile, secrets: Callable[[str], str]) -> dict[str, str]:
    """Secret values by context path, fetched through the caller's callback: RADIUS secrets for roaming, SNMPv3
    keys for the baseline (so a school without SNMPv3 keys stored can still render roaming)."""
    out: dict[str, str] = {}
    if template == "roaming":
        out = {f"radius[{i}].secret": secrets(s.secret_ref) for i, s in enumerate(profile.radius)}
    snmp = profile.baseline.snmpv3
    if snmp is not None and template == "baseline":
        out["baseline.snmpv3.auth_key"] = secrets(snmp.auth_key_ref)
        out["baseline.snmpv3.priv_key"] = secrets(snmp.priv_key_ref)
    return out


def _validate(profile: Profile, folder: str, resolved: dict[str, str]) -> None:
    """Every parameter, and every secret under the platform's rules (the first line of defence)."""
    params.validate_profile(profile)
    for path, value in resolved.items():
        min_len = 8 if path.startswith("baseline.snmpv3") else 1
        params.check_secret(value, f"{path} (from the secret store)", folder, min_len=min_len)


def _facts_context(facts: DeviceFacts | None, syntax: Syntax) -> dict[str, Any]:
    """What the templates know of the device: its version and model (device text: written only through the
    placeholder check like any value) and the syntax derived from them."""
    return {
        "version": facts.version if facts else None,
        "model": facts.model if facts else None,
        "portfast": syntax.portfast,
        "portfast_trunk": syntax.portfast_trunk,
        "trunk_encapsulation": syntax.trunk_encapsulation is True,
    }


def _add_ports(
    context: dict[str, Any],
    template: str,
    folder: str,
    roles: list[PortRole] | None,
    syntax: Syntax,
    notes: list[str],
) -> None:
    """Per-port lists from the roles into the context, and the notes on what is left out and why."""
    base = context["baseline"]
    by_role = {role: [r.port for r in roles or [] if r.role == role] for role in (EDGE, AP, UPLINK)}
    for role, key in ((EDGE, "edge"), (AP, "ap"), (UPLINK, "uplink")):
        base[f"{key}_ports"] = by_role[role]
        base[f"{key}_list"] = compact_ports(by_role[role]) or None
    if template == "roaming" and folder in CONTROLLERS:
        return
    notes.extend(syntax.notes)
    if roles is None:
        notes.append(
            "port roles unknown (running configuration, neighbours and port marks not given): "
            "no per-port settings rendered"
        )
    elif template == "baseline" and not by_role[EDGE]:
        notes.append("no port qualifies as an edge port: no edge-port hardening rendered (see the role table)")
    if template == "baseline" and base["dhcp_snooping_vlans"] and not by_role[UPLINK]:
        base["dhcp_snooping_vlans"] = []
        notes.append(
            "DHCP snooping not switched on: no uplink port is known to trust, and without one the DHCP server's "
            "answers would be dropped (mark the uplink, or list it in baseline.ports)"
        )
    if template == "roaming" and by_role[AP] and syntax.trunk_encapsulation is None and folder in ("cisco_ios",):
        notes.append(
            "switch model unknown: 'switchport trunk encapsulation dot1q' is not sent; a Catalyst 3560/3750 refuses "
            "'switchport mode trunk' without it (the push then rolls back)"
        )


def _acl_entries(networks: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    v4: list[dict[str, Any]] = []
    v6: list[dict[str, Any]] = []
    for text in networks:
        net = ipaddress.ip_network(text)
        if isinstance(net, ipaddress.IPv4Network):
            v4.append(
                {
                    "network": str(net),
                    "address": str(net.network_address),
                    "netmask": str(net.netmask),
                    "wildcard": str(net.hostmask),
                    "prefixlen": net.prefixlen,
                }
            )
        else:
            v6.append({"network": str(net), "address": str(net.network_address), "prefixlen": net.prefixlen})
    return v4, v6


def _portal_parts(url: str | None) -> dict[str, Any]:
    """The parts of a (validated) portal URL the templates write on their own; None for a non-portal SSID.

    ``portal_ipv4`` is the host when it is an IPv4 address (pre-login rules by address), else None (rules by name);
    ``portal_https`` is a flag, not written. A fragment stays with the path; a query cannot occur (``?`` is refused).
    """
    if url is None:
        return dict.fromkeys(("portal_host", "portal_ipv4", "portal_port", "portal_path", "portal_https"))
    # Split by hand, not with urllib (which silently drops CR, LF and tab): every character of the URL stays in one
    # of the parts, so the placeholder check sees a line break in a part as well as in the whole URL.
    match = _URL_PARTS.fullmatch(url)
    scheme, host, port, path = match.groups() if match else ("https", url, None, "")
    try:
        ipv4: str | None = str(ipaddress.IPv4Address(host))
    except ValueError:
        ipv4 = None
    https = scheme.lower() == "https"
    return {
        "portal_host": host.lower(),
        "portal_ipv4": ipv4,
        "portal_port": int(port) if port else (443 if https else 80),
        "portal_path": path or "/",
        "portal_https": https,
    }


def _addresses(values: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"address": v, "version": ipaddress.ip_address(v).version} for v in values]


def _context(profile: Profile, resolved: dict[str, str], syntax: Syntax) -> dict[str, Any]:
    """Everything a template may use; every leaf that ends up in a line is a plain str or int."""
    base = profile.baseline
    acl4, acl6 = _acl_entries(base.management_acl)
    snmp = None
    if base.snmpv3 is not None and "baseline.snmpv3.auth_key" in resolved:
        snmp = {
            "user": base.snmpv3.user,
            "auth_protocol": base.snmpv3.auth_protocol,
            "auth_cli": syntax.snmp_auth[base.snmpv3.auth_protocol],
            "priv_protocol": base.snmpv3.priv_protocol,
            "auth_key": resolved["baseline.snmpv3.auth_key"],
            "priv_key": resolved["baseline.snmpv3.priv_key"],
        }
    return {
        "county": profile.county,
        "ssid": [
            {
                "name": s.name,
                "auth": s.auth,
                "vlan": s.vlan,
                "ft": s.ft,
                "dot11k": s.dot11k,
                "dot11v": s.dot11v,
                "portal_url": s.portal_url,
                **_portal_parts(s.portal_url if s.auth == "portal" else None),
                "wlan_id": s.wlan_id,
            }
            for s in profile.ssids
        ],
        "radius": [
            {
                "host": r.host,
                "auth_port": r.auth_port,
                "acct_port": r.acct_port,
                "secret": resolved.get(f"radius[{i}].secret", ""),
            }
            for i, r in enumerate(profile.radius)
        ],
        "client_vlans": sorted({s.vlan for s in profile.ssids}),
        "baseline": {
            "ntp": _addresses(base.ntp),
            "syslog": _addresses(base.syslog),
            "snmpv3": snmp,
            "acl4": acl4,
            "acl6": acl6,
            "banner": list(base.banner),
            "exec_timeout": base.exec_timeout_minutes,
            "dhcp_snooping_vlans": list(base.dhcp_snooping_vlans),
            "ap_vlan": base.ap_vlan,
        },
    }


def _tokenize(value: Any, path: str, tokens: dict[str, _Token]) -> Any:
    """The same structure with every written leaf (str/int) replaced by a unique token ``@@n@@``."""
    if isinstance(value, dict):
        structural = _STRUCTURAL if path != "facts" else frozenset()
        return {
            k: v if k in structural else _tokenize(v, f"{path}.{k}" if path else k, tokens) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_tokenize(v, f"{path}[{i}]", tokens) for i, v in enumerate(value)]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str | int):
        token = f"@@{len(tokens)}@@"
        key = path.rsplit(".", 1)[-1]
        tokens[token] = _Token(path=path, value=str(value), secret=key in _SECRET_KEYS)
        return token
    raise TypeError(f"unexpected template value at {path}: {type(value).__name__}")


def _substitute(line: str, tokens: dict[str, _Token], *, mask: bool = False) -> str:
    def real(match: re.Match[str]) -> str:
        token = tokens[match.group(0)]
        return MASK if mask and token.secret else token.value

    return _TOKEN_RE.sub(real, line)


def _check_shape(real: list[str], shape: list[str], tokens: dict[str, _Token], source: str) -> None:
    """Each real line must be its placeholder line with the values put in; else name the field responsible."""
    for index in range(max(len(real), len(shape))):
        want = _substitute(shape[index], tokens) if index < len(shape) else None
        got = real[index] if index < len(real) else None
        if want != got:
            line = shape[min(index, len(shape) - 1)] if shape else ""
            names = [tokens[m.group(0)].path for m in _TOKEN_RE.finditer(line)] or ["a parameter"]
            raise InputError(
                f"{', '.join(dict.fromkeys(names))} would change the shape of the {source} config "
                f"(line {index + 1}): does it contain a line break or control character?"
            )


_ENV: jinja2.Environment | None = None


def _environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def _render_text(source: str, context: dict[str, Any]) -> str:
    try:
        return _environment().get_template(source).render(**context)
    except jinja2.UndefinedError as exc:
        raise RuntimeError(f"template {source} uses an undefined value: {exc}") from exc
