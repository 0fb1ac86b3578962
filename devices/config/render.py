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
from devices.config.profile import Profile
from devices.errors import InputError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATES = ("roaming", "baseline")
MASK = "********"
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
# Platforms whose templates take one interface per block (their running config lists interfaces one by one).
PER_INTERFACE = frozenset({"cisco_ios", "cisco_xe", "aruba_aoscx", "hp_comware", "huawei", "zyxel_switch"})
# Wireless controllers: their roaming templates set up the SSIDs themselves, portal SSIDs included.
CONTROLLERS = frozenset({"cisco_wlc", "cisco_xe", "aruba_os", "aruba_instant", "fortinet"})
# Context keys whose values steer the template (choices, flags) rather than being written into lines.
_STRUCTURAL = frozenset({"auth", "ft", "dot11k", "dot11v", "auth_protocol", "priv_protocol", "version"})
_SECRET_KEYS = frozenset({"secret", "auth_key", "priv_key"})
_TOKEN_RE = re.compile(r"@@(\d+)@@")
_URL_PARTS = re.compile(r"(https?)://([^/:#]*)(?::([0-9]{1,5}))?(.*)", re.IGNORECASE | re.DOTALL)
_MAX_PORTS = 1024


@dataclass(frozen=True)
class Rendered:
    """Config lines for one platform: ``lines`` to send, ``masked_lines`` to show, log, diff and audit.

    ``secret_values`` lets callers mask other text (device echoes, session logs) too. ``notes`` say what the
    profile left out for this platform (e.g. no access ports given, so no access-port protection rendered).
    """

    template: str
    platform: str
    template_path: Path
    lines: list[str]
    masked_lines: list[str]
    secret_values: frozenset[str]
    notes: list[str] = field(default_factory=list)


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


def platform_folder(platform: str) -> str:
    """The template folder for a platform name (netmiko device_type, alias or CampusNet platform key)."""
    name = (platform or "").strip().lower()
    return ALIASES.get(name, name)


def render(template: str, platform: str, profile: Profile, *, secrets: Callable[[str], str]) -> Rendered:
    """Render ``template`` ("roaming" | "baseline") for ``platform`` from ``profile``.

    ``secrets(name)`` returns the secret stored under ``name`` (a ``secret_ref``/``*_key_ref`` from the profile);
    it may raise CampusNetError (e.g. SecretMissing). Raises InputError for an unknown template or platform (listing
    what exists), for any invalid parameter, and when a value would change the shape of the config.
    """
    folder = platform_folder(platform)
    path = _template_path(template, folder)
    resolved = _resolve_secrets(template, profile, secrets)
    _validate(profile, folder, resolved)
    notes: list[str] = []
    _check_portals(template, folder, profile, notes)
    context = _context(profile, folder, resolved, notes)
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
    )


def mask(text: str, secret_values: frozenset[str] | set[str]) -> str:
    """Replace every secret value in free text (device output, logs) with ``********``; longest first."""
    for value in sorted(secret_values, key=len, reverse=True):
        if value:
            text = text.replace(value, MASK)
    return text


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


def _ports_for(table: dict[str, str], folder: str, platform_key: str, notes: list[str]) -> Any:
    names = [folder, *(k for k, v in ALIASES.items() if v == folder), "*"]
    value = next((table[n] for n in names if n in table), None)
    if value is None:
        if folder not in CONTROLLERS:
            notes.append(f"baseline.{platform_key} has no entry for {folder}: that part is not rendered")
        return None
    field_name = f"baseline.{platform_key}"
    return expand_ports(value, field_name) if folder in PER_INTERFACE else value


def expand_ports(value: str, field_name: str) -> list[str]:
    """Expand ``GigabitEthernet1/0/1-4, Gi1/0/48`` or ``1/1/1-1/1/4`` into single interface names."""
    out: list[str] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(?P<prefix>.*?)(?P<start>\d+)\s*-\s*(?P<again>.*?)(?P<end>\d+)", part)
        if match is None:
            out.append(part)
            continue
        prefix, again = match["prefix"], match["again"]
        start, end = int(match["start"]), int(match["end"])
        if (again and again != prefix) or end < start or end - start >= _MAX_PORTS:
            raise InputError(f"{field_name}: cannot read the port range {part!r}")
        out.extend(f"{prefix}{n}" for n in range(start, end + 1))
    if len(out) > _MAX_PORTS:
        raise InputError(f"{field_name}: more than {_MAX_PORTS} ports")
    return out


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


def _context(profile: Profile, folder: str, resolved: dict[str, str], notes: list[str]) -> dict[str, Any]:
    """Everything a template may use; every leaf that ends up in a line is a plain str or int."""
    base = profile.baseline
    acl4, acl6 = _acl_entries(base.management_acl)
    snmp = None
    if base.snmpv3 is not None and "baseline.snmpv3.auth_key" in resolved:
        snmp = {
            "user": base.snmpv3.user,
            "auth_protocol": base.snmpv3.auth_protocol,
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
            "access_ports": _ports_for(base.access_ports, folder, "access_ports", notes),
            "edge_ports": _ports_for(base.access_ports, folder, "access_ports", []),  # the coming name
            "uplink_ports": _ports_for(base.uplink_ports, folder, "uplink_ports", notes),
            "ap_ports": _ports_for(base.ap_ports, folder, "ap_ports", notes),
        },
    }


def _tokenize(value: Any, path: str, tokens: dict[str, _Token]) -> Any:
    """The same structure with every written leaf (str/int) replaced by a unique token ``@@n@@``."""
    if isinstance(value, dict):
        return {
            k: v if k in _STRUCTURAL else _tokenize(v, f"{path}.{k}" if path else k, tokens) for k, v in value.items()
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
