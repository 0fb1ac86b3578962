"""Compare rendered lines with a running configuration by meaning: what is missing, what to send, how to undo it.

Cisco IOS and IOS-XE (``cisco_ios``, ``cisco_xe``) are compared through :mod:`devices.config.normalize`: both sides
become canonical keys, so ``line vty 0 15`` matches ``line vty 0 4`` + ``line vty 5 15``, a hidden default counts as
present, ``spanning-tree portfast`` matches ``... portfast edge``, IPv6 case and blanks do not matter, and a RADIUS
``key 0 x`` matches ``key 7 <x encrypted>``. Lines the running configuration never shows (``snmp-server user``;
``vlan`` blocks in VTP server mode) are not compared as text: they come back as :class:`ExtraCheck` s (the exec
command that shows them and a parser of its output). Secret values the device keeps hashed are compared by their
other parts and listed in ``unverifiable`` (masked).

Remediation sends the intended lines as rendered (each with its parent line) whose meaning is missing, so pushing a
template twice sends nothing the second time however the device prints it. The rollback is hier_config's for those
lines, written under the device's own block headers (``line vty 0 4``, not ``line vty 0 15``).

Other platforms: where hier_config (3.7) has a driver (:data:`HIER_PLATFORMS`), the running and intended configs are
parsed into hier_config trees; elsewhere a small indentation-based tree with whitespace-normalised lines is used.
Either way the check is order-insensitive and respects sub-mode blocks (a line under ``interface X`` is looked for
under ``interface X`` only). The rendered config is partial (only what CampusNet manages), so it is never handed to
hier_config as the whole intended config (that would negate everything else on the device). Instead:

- a negation line (``no X`` / ``undo X`` / ``delete X``) is satisfied when the running config shows it (IOS prints
  ``no service pad``, a default-on feature turned off) or, for removals of named objects (SNMP communities), when
  the object is absent (IOS never prints ``no snmp-server community public``); otherwise it is reported missing,
  which at worst re-sends a harmless negation;
- procedural lines that never appear in a running config (AireOS ``config wlan disable N``, 9800 ``shutdown`` before
  ``no shutdown``, block terminators ``!``/``exit``) are not checked;
- remediation and rollback come from hier_config's ``WorkflowRemediation(running, running.future(intended))``, with
  already-satisfied negations removed first, so the rollback never re-creates something that did not exist.

Lines that carry a secret (RADIUS keys, SNMPv3 users) usually read back encrypted or not at all; on these platforms
they are checked literally, and when not found they are listed in ``unverifiable`` (masked) instead of ``missing``.

Where hier_config has no driver but the configuration has blocks (ArubaOS profiles), :func:`restore_blocks` gives the
compensating lines that lead from one configuration back to another: a line inside a block is undone inside that
block (``ap-group "default"`` / ``no virtual-ap X``), and objects the backup lacks are deleted whole with ``no HEADER``,
the ones that refer to others first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hier_config import HConfig, HConfigChild, Platform, WorkflowRemediation, get_hconfig

from devices.config import aireos
from devices.config import normalize as norm
from devices.config.normalize import DeviceFacts, ExtraCheck
from devices.config.render import Rendered, mask, platform_folder

HIER_PLATFORMS: dict[str, Platform] = {
    "cisco_ios": Platform.CISCO_IOS,
    "cisco_xe": Platform.CISCO_IOS,
    "hp_procurve": Platform.HP_PROCURVE,
    "aruba_aoscx": Platform.ARUBA_AOSCX,
    "hp_comware": Platform.HP_COMWARE5,
    "huawei": Platform.HUAWEI_VRP,
    "fortinet": Platform.FORTINET_FORTIOS,
}
# Negation prefix -> the prefix of the positive line it removes.
NEGATIONS: dict[str, dict[str, str]] = {
    "hp_comware": {"undo ": ""},
    "huawei": {"undo ": ""},
    "dlink_ds": {"delete ": "create "},
    "fortinet": {"unset ": "set "},
}
# Removals of named objects: satisfied when the object is absent. Any other negation turns off something that may be
# on by default (IOS 'no service pad'), which devices print as the negated line: that line must be present. AOS-CX
# prints an enabled HTTPS server per VRF ('https-server vrf default') and nothing once it is removed.
_ABSENCE_IS_ENOUGH = re.compile(r"^(create )?snmp(-server|-agent)? community ")
_ABSENCE_IS_ENOUGH_ON: dict[str, re.Pattern[str]] = {"aruba_aoscx": re.compile(r"^https-server vrf ")}
_PROCEDURAL = {
    "cisco_wlc": re.compile(r"^config wlan disable \d+$"),
    "cisco_xe": re.compile(r"^shutdown$"),
    "*": re.compile(r"^(!|exit|end|next)$"),
}


# Platforms whose comparison lives in a module of its own: folder -> its ``missing(running, lines)`` (the intended
# lines the running configuration lacks, in sending order).
_OWN_COMPARISON: dict[str, Callable[[str, Sequence[str]], list[str]]] = {"cisco_wlc": aireos.missing}


@dataclass(frozen=True)
class Compliance:
    """Result of a compliance check: ``missing`` lines (nested ones as ``parent > child``).

    ``ok`` means nothing is missing from the running configuration; ``extra_checks`` still have to be run (their
    commands on the device) for the lines it cannot show, and ``unverifiable`` lines (masked) could only be checked
    in part (a secret the device keeps hashed) or not at all.
    """

    ok: bool
    missing: list[str]
    unverifiable: list[str] = field(default_factory=list)
    extra_checks: list[ExtraCheck] = field(default_factory=list)


@dataclass
class _Node:
    text: str
    children: list[_Node] = field(default_factory=list)

    def find(self, text: str) -> _Node | None:
        # Devices quote names their own way (ArubaOS shows `wlan ssid-profile "eduroam"` for an unquoted line):
        # quotes do not make two lines different.
        key = _unquoted(text)
        return next((c for c in self.children if _unquoted(c.text) == key), None)


def _unquoted(text: str) -> str:
    return norm.generic_key(text)


def check_compliance(
    platform: str,
    running_config: str,
    rendered: Rendered,
    facts: DeviceFacts | None = None,
    *,
    shown: Mapping[str, str] | None = None,
) -> Compliance:
    """Which intended lines are missing from ``running_config``; ok when none are.

    ``facts`` (version, model) selects version-dependent rules; None assumes the platform's common case.
    ``shown`` maps an extra check's command to the device's answer: those checks are run here and their failing
    lines count as missing (and are not returned as ``extra_checks``).
    """
    folder = platform_folder(platform)
    if folder in norm.CISCO:
        return _cisco_result(folder, running_config, rendered, facts).compliance(shown)
    if folder in _OWN_COMPARISON:
        gone = [mask(line, rendered.secret_values) for line in _OWN_COMPARISON[folder](running_config, rendered.lines)]
        return Compliance(ok=not gone, missing=gone)
    intended = _tree(folder, _intended_text(folder, rendered))
    running = _tree(folder, running_config)
    missing: list[str] = []
    unverifiable: list[str] = []
    for path in _missing_paths(folder, intended, running, ()):
        line = " > ".join(path)
        if any(secret and secret in line for secret in rendered.secret_values):
            unverifiable.append(mask(line, rendered.secret_values))
        else:
            missing.append(line)
    return Compliance(ok=not missing, missing=missing, unverifiable=unverifiable)


def remediation(
    platform: str,
    running: str,
    rendered: Rendered,
    facts: DeviceFacts | None = None,
    *,
    shown: Mapping[str, str] | None = None,
) -> list[str]:
    """The lines to send to bring ``running`` in line with ``rendered``.

    Cisco IOS/IOS-XE: the rendered lines whose meaning the running config lacks, each after its parent line, in
    template order (top-level ``no`` lines first). Lines the running config cannot show are sent only when
    ``shown`` holds their extra check's output and the check fails; without it they are left out (see
    :attr:`Compliance.extra_checks`). Elsewhere hier_config where supported. Nested lines keep their parent line
    before them and their indentation. Lines with secrets are included when they cannot be verified.
    """
    folder = platform_folder(platform)
    if folder in norm.CISCO:
        return _cisco_result(folder, running, rendered, facts).send_lines(shown)
    if folder in _OWN_COMPARISON:
        return _OWN_COMPARISON[folder](running, rendered.lines)
    if folder in HIER_PLATFORMS:
        workflow = _workflow(folder, running, rendered)
        return _lines(workflow.remediation_config)
    intended = _tree(folder, _intended_text(folder, rendered))
    run_tree = _tree(folder, running)
    return _paths_to_lines(_missing_paths(folder, intended, run_tree, ()))


def rollback_lines(
    platform: str, running: str, rendered: Rendered, facts: DeviceFacts | None = None
) -> list[str] | None:
    """hier_config's compensating rollback for applying ``rendered`` to ``running``; None where unsupported.

    On Cisco IOS/IOS-XE it undoes exactly what :func:`remediation` sends, written under the device's own block
    headers."""
    folder = platform_folder(platform)
    if folder not in HIER_PLATFORMS:
        return None
    if folder in norm.CISCO:
        return _cisco_result(folder, running, rendered, facts).rollback(running)
    return _lines(_workflow(folder, running, rendered).rollback_config)


# ---------------------------------------------------------------------------------------------------------------
# Cisco IOS / IOS-XE by meaning


@dataclass
class _Canon:
    """A canonical key of the running config: the line(s) the device printed for it and its sub-block."""

    sources: list[str] = field(default_factory=list)
    children: dict[str, _Canon] = field(default_factory=dict)


def _canonical(node: norm.Node, parent: str | None) -> dict[str, _Canon]:
    out: dict[str, _Canon] = {}
    for child in node.children:
        for key in norm.cisco_keys(child.text, parent):
            entry = out.setdefault(key, _Canon())
            entry.sources.append(child.text)
            for sub_key, sub in _canonical(child, key).items():
                merged = entry.children.setdefault(sub_key, _Canon())
                merged.sources.extend(sub.sources)
                merged.children.update(sub.children)
    _merge_vlan_add(out)
    return out


_ALLOWED = "switchport trunk allowed vlan "


def _merge_vlan_add(block: dict[str, _Canon]) -> None:
    """IOS wraps a long allowed-VLAN list onto ``switchport trunk allowed vlan add ...`` lines (no public sample at
    hand): one list for comparing."""
    adds = [key for key in block if key.startswith(_ALLOWED + "add ")]
    base = [key for key in block if key.startswith(_ALLOWED) and key not in adds]
    if not adds or len(base) != 1:
        return
    vlans = norm.vlan_set(base[0][len(_ALLOWED) :])
    for key in adds:
        vlans |= norm.vlan_set(key[len(_ALLOWED + "add ") :])
    entry = block.pop(base[0])
    for key in adds:
        entry.sources.extend(block.pop(key).sources)
    block[_ALLOWED + norm.vlan_list(vlans)] = entry


@dataclass
class _CiscoResult:
    """What comparing one rendered config with one running config found (paths are tuples of intended nodes)."""

    rendered: Rendered
    intended: norm.Node
    missing: list[tuple[norm.Node, ...]] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    snmp_users: list[tuple[norm.Node, ...]] = field(default_factory=list)
    vlans: list[tuple[norm.Node, ...]] = field(default_factory=list)
    running_tree: dict[str, _Canon] = field(default_factory=dict)

    def checks(self) -> list[tuple[ExtraCheck, dict[str, tuple[norm.Node, ...]]]]:
        """The extra checks, each with its lines' intended paths."""
        out: list[tuple[ExtraCheck, dict[str, tuple[norm.Node, ...]]]] = []
        if self.snmp_users:
            paths = {path[-1].text: path for path in self.snmp_users}
            out.append((norm.snmp_user_check(list(paths)), paths))
        if self.vlans:
            paths = {_label(path): path for path in self.vlans}
            out.append((norm.vlan_check(list(paths)), paths))
        return out

    def failed(self, shown: Mapping[str, str] | None) -> tuple[list[tuple[norm.Node, ...]], list[ExtraCheck]]:
        """Paths of extra-checked lines that ``shown`` proves missing, and the checks ``shown`` does not answer."""
        paths: list[tuple[norm.Node, ...]] = []
        pending: list[ExtraCheck] = []
        for check, by_line in self.checks():
            if shown is None or check.command not in shown:
                pending.append(check)
                continue
            paths.extend(by_line[line] for line in check.check(shown[check.command]))
        return paths, pending

    def compliance(self, shown: Mapping[str, str] | None) -> Compliance:
        """The result as a Compliance (masked texts)."""
        failed, pending = self.failed(shown)
        secrets = self.rendered.secret_values
        missing = [mask(_label(path), secrets) for path in [*self.missing, *failed]]
        return Compliance(ok=not missing, missing=missing, unverifiable=self.unverifiable, extra_checks=pending)

    def send_lines(self, shown: Mapping[str, str] | None) -> list[str]:
        """The rendered lines to send, each parent once before its children; top-level negations first."""
        failed, _ = self.failed(shown)
        paths = _with_subtrees([*self.missing, *failed])
        order = {id(node): i for i, (_, node) in enumerate(norm.walk(self.intended))}
        paths.sort(key=lambda path: [order.get(id(node), 0) for node in path])
        first = [p for p in paths if len(p) == 1 and p[0].text.startswith("no ")]
        rest = [p for p in paths if not (len(p) == 1 and p[0].text.startswith("no "))]
        return _node_paths_to_lines([*first, *rest])

    def rollback(self, running: str) -> list[str]:
        """hier_config's rollback of :meth:`send_lines`, with each block under the device's own header(s)."""
        sent = self.send_lines(None)
        if not sent:
            return []
        printed = _as_printed(sent, self.running_tree)
        driver = _rollback_driver()
        run = get_hconfig(driver, running)
        future = run.future(get_hconfig(driver, _ios_banner_display("\n".join(printed))))
        return _dump_cisco(WorkflowRemediation(run, future).rollback_config)


# Settings whose new value replaces the old one, so undoing a change restores the old line instead of negating the
# new one ('no logging trap informational' would not bring 'logging trap warnings' back).
_REPLACING: tuple[tuple[str | None, str], ...] = (
    (None, r"^logging trap "),
    (None, r"^logging buffered "),
    (None, r"^ip ssh (time-out|authentication-retries|version) "),
    (None, r"^login block-for "),
    (None, r"^hostname "),
    (None, r"^snmp-server (location|contact) "),
    (None, r"^spanning-tree mode "),
    (None, r"^ip dhcp snooping vlan "),
    (r"^line ", r"^exec-timeout "),
    (r"^line ", r"^transport input "),
    (r"^interface ", r"^switchport (access vlan|trunk native vlan|trunk allowed vlan) "),
    (r"^interface ", r"^storm-control \S+ level "),
    (r"^interface ", r"^ip dhcp snooping limit rate "),
)


def _rollback_driver() -> Any:
    """hier_config's IOS driver with the replacing settings above as idempotent commands."""
    from hier_config import get_hconfig_driver
    from hier_config.models import IdempotentCommandsRule, MatchRule

    driver = get_hconfig_driver(Platform.CISCO_IOS)
    for parent, setting in _REPLACING:
        rules = (MatchRule(re_search=parent),) if parent else ()
        driver.rules.idempotent_commands.append(
            IdempotentCommandsRule(match_rules=(*rules, MatchRule(re_search=setting)))
        )
    return driver


def _dump_cisco(config: HConfig) -> list[str]:
    """hier_config lines with one blank of indentation per level; banners back in the form that is typed."""
    out: list[str] = []
    for child in config.all_children_sorted():
        first, *rest = child.text.split("\n")
        out.append(" " * (child.depth() - 1) + first)
        out.extend(rest)
    return _ios_banner_send_form(out)


def _intended_root(folder: str, rendered: Rendered) -> norm.Node:
    """The rendered lines as a tree, procedural lines dropped."""
    patterns = [_PROCEDURAL["*"], *([_PROCEDURAL[folder]] if folder in _PROCEDURAL else [])]
    kept = [line for line in rendered.lines if not any(p.match(line.strip()) for p in patterns)]
    return norm.parse("\n".join(kept))


def _cisco_result(folder: str, running: str, rendered: Rendered, facts: DeviceFacts | None) -> _CiscoResult:
    facts = facts or DeviceFacts(folder)
    intended = _intended_root(folder, rendered)
    result = _CiscoResult(rendered, intended)
    result.running_tree = _canonical(norm.parse(running), None)
    vlans_printed = norm.vlans_shown(result.running_tree)
    for node in intended.children:
        if node.text.startswith("snmp-server user "):
            # Never printed by IOS ('snmp-server user' lines are kept out of the running config); 'show snmp user'
            # lists them (ios_show_snmp_user_ntc.txt). The keys themselves cannot be read back.
            result.snmp_users.append((node,))
            result.unverifiable.append(mask(node.text, rendered.secret_values))
            continue
        keys = norm.cisco_keys(node.text, None)
        if re.match(r"^vlan \d+$", node.text) and not vlans_printed and not all(k in result.running_tree for k in keys):
            result.vlans.append((node,))
            result.vlans.extend((node, child) for child in node.children if child.text.startswith("name "))
            continue
        _compare(result, facts, node, [result.running_tree], None, ())
    return result


def _compare(
    result: _CiscoResult,
    facts: DeviceFacts,
    node: norm.Node,
    contexts: list[dict[str, _Canon] | None],
    parent: str | None,
    path: tuple[norm.Node, ...],
) -> None:
    """Check ``node`` in every running block it must be in (several when its parent named a range)."""
    here = (*path, node)
    keys = norm.cisco_keys(node.text, parent)
    satisfied = True
    children: list[dict[str, _Canon] | None] = []
    for context in contexts:
        for key in keys:
            entry = context.get(key) if context is not None else None
            children.append(entry.children if entry is not None else None)
            if not _present(result, facts, node, key, entry, context, parent):
                satisfied = False
    if not satisfied:
        result.missing.append(here)
    child_parent = keys[0] if keys else None
    for child in node.children:
        _compare(result, facts, child, children, child_parent, here)


def _present(
    result: _CiscoResult,
    facts: DeviceFacts,
    node: norm.Node,
    key: str,
    entry: _Canon | None,
    context: dict[str, _Canon] | None,
    parent: str | None,
) -> bool:
    if context is None:
        return False
    if key.startswith("no "):
        positive = key[3:]
        if entry is not None:
            return True
        return norm.absence_is_enough(positive) and not any(
            k == positive or k.startswith(positive + " ") for k in context
        )
    if entry is None:
        return norm.default_satisfied(facts, parent, key, context)
    intended = norm.secret_of(node.text) if key.endswith(" <secret>") else None
    if intended is None:
        return True
    verdicts = [norm.secret_matches(intended, shown) for shown in map(norm.secret_of, entry.sources) if shown]
    if True in verdicts:
        return True
    if verdicts and all(v is False for v in verdicts):
        return False
    # A hash the device keeps to itself: the other parts match, the secret cannot be checked.
    result.unverifiable.append(mask(node.text, result.rendered.secret_values))
    return True


def _label(path: tuple[norm.Node, ...]) -> str:
    """``parent > child`` for display (a banner by its first line)."""
    return " > ".join(node.lines[0] for node in path)


def _with_subtrees(paths: list[tuple[norm.Node, ...]]) -> list[tuple[norm.Node, ...]]:
    """``paths`` without repeats; a failed ``vlan N`` check brings its sub-lines along."""
    out: list[tuple[norm.Node, ...]] = []
    seen: set[tuple[int, ...]] = set()
    for path in paths:
        extra = (
            [(*path, child) for child in path[-1].children]
            if len(path) == 1 and path[0].text.startswith("vlan ")
            else []
        )
        for p in (path, *extra):
            ident = tuple(id(n) for n in p)
            if ident not in seen:
                seen.add(ident)
                out.append(p)
    return out


def _node_paths_to_lines(paths: list[tuple[norm.Node, ...]]) -> list[str]:
    """Paths as lines, each parent written once before its children, indented one space a level."""
    lines: list[str] = []
    current: tuple[int, ...] = ()
    for path in paths:
        ident = tuple(id(n) for n in path)
        common = 0
        while common < min(len(current), len(path) - 1) and current[common] == ident[common]:
            common += 1
        for depth in range(common, len(path)):
            lines.extend(" " * depth + line for line in path[depth].lines)
        current = ident
    return lines


def _as_printed(lines: list[str], running: dict[str, _Canon]) -> list[str]:
    """Sent lines with each top-level block header replaced by the header(s) the device prints for it
    (``line vty 0 15`` -> ``line vty 0 4`` and ``line vty 5 15``), so hier_config compares like with like."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith(" ") and blocks:
            blocks[-1][1].append(line)
        else:
            blocks.append((line, []))
    out: list[str] = []
    for header, body in blocks:
        headers = [header]
        if body:
            keys = norm.cisco_keys(header, None)
            printed: list[str] = []
            for key in keys:
                for source in running[key].sources if key in running else []:
                    if source not in printed:
                        printed.append(source)
            if printed and all(key in running for key in keys):
                headers = printed
        for h in headers:
            out.append(h)
            out.extend(body)
    return out


def _intended_text(folder: str, rendered: Rendered) -> str:
    """The rendered lines without procedural ones (IOS banners as the running config shows them)."""
    patterns = [_PROCEDURAL["*"], *([_PROCEDURAL[folder]] if folder in _PROCEDURAL else [])]
    text = "\n".join(line for line in rendered.lines if not any(p.match(line.strip()) for p in patterns))
    return _ios_banner_display(text) if folder in ("cisco_ios", "cisco_xe") else text


_IOS_BANNER = re.compile(r"^(banner \S+) \^\n(.*?)\n\^$", re.MULTILINE | re.DOTALL)


def _ios_banner_display(text: str) -> str:
    """``banner login ^`` ... ``^`` as sent becomes ``banner login ^C`` ... ``^C``, as IOS shows it."""
    return _IOS_BANNER.sub(lambda m: f"{m.group(1)} ^C\n{m.group(2)}\n^C", text)


def _tree(folder: str, text: str) -> _Node:
    """A config as a tree of whitespace-normalised lines (hier_config's parser where it has the platform)."""
    if folder in HIER_PLATFORMS:
        return _from_hconfig(_parse(folder, text))
    root = _Node("")
    stack: list[tuple[int, _Node]] = [(-1, root)]
    for raw in text.splitlines():
        if not raw.strip() or _PROCEDURAL["*"].match(raw.strip()):
            continue
        indent = len(raw) - len(raw.lstrip())
        while stack[-1][0] >= indent:
            stack.pop()
        node = _Node(" ".join(raw.split()))
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return root


_ONE_LINE_BANNER = re.compile(r'^banner (\S+ "[^"]*")$', re.MULTILINE)
_BANNER_STANDIN = "campusnet-one-line-banner "


def _parse(folder: str, text: str) -> HConfig:
    """hier_config's parser; a one-line quoted banner (ArubaOS-Switch ``banner motd "x"``) is hidden from its
    multi-line banner logic, which otherwise never finds the banner's end."""
    return get_hconfig(HIER_PLATFORMS[folder], _ONE_LINE_BANNER.sub(_BANNER_STANDIN + r"\1", text))


def _unhide(line: str) -> str:
    return line.replace(_BANNER_STANDIN, "banner ")


def _from_hconfig(config: HConfig | HConfigChild) -> _Node:
    node = _Node("" if isinstance(config, HConfig) else _unhide(config.text))
    node.children = [_from_hconfig(child) for child in config.children]
    return node


def _negated(folder: str, text: str) -> str | None:
    """The positive form of a negation line, or None."""
    for prefix, positive in NEGATIONS.get(folder, {"no ": ""}).items():
        if text.startswith(prefix):
            return positive + text[len(prefix) :]
    return None


def _negation_satisfied(folder: str, text: str, running: _Node | None) -> bool:
    """A negation is met when the device shows it, or (object removals only) when the object is absent."""
    positive = _negated(folder, text)
    if positive is None:
        return False
    if running is not None and running.find(text) is not None:
        return True
    platform_rule = _ABSENCE_IS_ENOUGH_ON.get(folder)
    if not (_ABSENCE_IS_ENOUGH.match(positive) or (platform_rule and platform_rule.match(positive))):
        return False
    children = running.children if running is not None else []
    return not any(c.text == positive or c.text.startswith(positive + " ") for c in children)


def _missing_paths(folder: str, intended: _Node, running: _Node | None, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for child in intended.children:
        if _negated(folder, child.text) is not None:
            if not _negation_satisfied(folder, child.text, running):
                out.append((*path, child.text))
            continue
        match = running.find(child.text) if running is not None else None
        if match is None:
            out.append((*path, child.text))
        out.extend(_missing_paths(folder, child, match, (*path, child.text)))
    return out


def _paths_to_lines(paths: list[tuple[str, ...]]) -> list[str]:
    """Missing paths as config lines, each parent written once before its children, indented one space a level."""
    lines: list[str] = []
    current: tuple[str, ...] = ()
    for path in paths:
        common = 0
        while common < min(len(current), len(path) - 1) and current[common] == path[common]:
            common += 1
        for depth in range(common, len(path)):
            lines.append(" " * depth + path[depth])
        current = path
    return lines


def _effective_intended(folder: str, running: HConfig, rendered: Rendered) -> HConfig:
    """The intended config without negations the running config already satisfies."""
    intended = _parse(folder, _intended_text(folder, rendered))
    _drop_satisfied(folder, intended, _from_hconfig(running))
    return intended


def _drop_satisfied(folder: str, config: HConfig | HConfigChild, running: _Node | None) -> None:
    for child in list(config.children):
        if _negation_satisfied(folder, child.text, running):
            child.delete()
        else:
            _drop_satisfied(folder, child, running.find(child.text) if running is not None else None)


def _workflow(folder: str, running: str, rendered: Rendered) -> WorkflowRemediation:
    run = _parse(folder, running)
    future = run.future(_effective_intended(folder, run, rendered))
    return WorkflowRemediation(run, future)


def _lines(config: HConfig) -> list[str]:
    out: list[str] = []
    for child in config.all_children_sorted():
        out.extend(_unhide(line) for line in child.cisco_style_text().splitlines())
    return _ios_banner_send_form(out)


def _ios_banner_send_form(lines: list[str]) -> list[str]:
    """Banners as IOS shows them (``banner login ^C`` ... ``^C``) back to what must be typed: the single
    delimiter ``^`` (typing a literal "^C" makes "C" part of the banner)."""
    out: list[str] = []
    in_banner = False
    for line in lines:
        if not in_banner and re.fullmatch(r"banner \S+ \^C", line):
            out.append(line[:-1])
            in_banner = True
        elif in_banner and line == "^C":
            out.append("^")
            in_banner = False
        else:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Compensating lines for platforms with blocks but no hier_config driver


def restore_blocks(current: str, backup: str, references: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """Lines leading from ``current`` back to ``backup`` where blocks are entered by typing their header line.

    Nested lines follow their block's header, indented one space a level (send them with block exits, see
    ``devices.push.with_block_exits``). The order keeps every step acceptable to the device:

    1. lines added inside a block the backup has: ``no LINE`` inside that block (references go first);
    2. top-level blocks and lines the backup lacks: ``no HEADER`` (the block's lines go with it), an object that
       names another before the one it names (``wlan virtual-ap`` before its ``wlan ssid-profile``). ``references``
       says which settings name an object of each kind (``{"wlan ssid-profile": ("ssid-profile",)}``, kinds being
       headers without the name); for other kinds any setting ending in the object's name counts;
    3. top-level blocks and lines the backup has and ``current`` lacks, whole;
    4. lines missing inside a block both have.

    Lines are compared with blanks normalised and quotes ignored (ArubaOS quotes profile names on its own).
    """
    now, then = _merged(_tree("", current)), _merged(_tree("", backup))
    removals: list[tuple[str, ...]] = []
    additions: list[tuple[str, ...]] = []
    for node in now.children:
        kept = then.find(node.text)
        if kept is not None:
            _block_changes(node, kept, (node.text,), removals, additions)
    extra = [node for node in now.children if then.find(node.text) is None]
    missing = [node for node in then.children if now.find(node.text) is None]
    lines = _paths_to_lines(removals)
    lines += [_undo(node.text) for node in _referrers_first(extra, references or {})]
    lines += [line for node in missing for line in _subtree_lines(node, 0)]
    return lines + _paths_to_lines(additions)


def _block_changes(
    now: _Node, then: _Node, path: tuple[str, ...], removals: list[tuple[str, ...]], additions: list[tuple[str, ...]]
) -> None:
    """Collect the lines to remove from and add to the block at ``path`` (both configs have it)."""
    for child in now.children:
        kept = then.find(child.text)
        if kept is None:
            removals.append((*path, _undo(child.text)))
        else:
            _block_changes(child, kept, (*path, child.text), removals, additions)
    for child in then.children:
        if now.find(child.text) is None:
            additions.append((*path, child.text))
            additions.extend((*path, child.text, *rest) for rest in _subpaths(child))


def _subpaths(node: _Node) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for child in node.children:
        out.append((child.text,))
        out.extend((child.text, *rest) for rest in _subpaths(child))
    return out


def _subtree_lines(node: _Node, depth: int) -> list[str]:
    return [" " * depth + node.text, *(line for c in node.children for line in _subtree_lines(c, depth + 1))]


def _undo(text: str) -> str:
    return text[3:] if text.startswith("no ") else f"no {text}"


def _merged(node: _Node) -> _Node:
    """``node`` with children of the same text (quotes ignored) merged into the first: a block typed twice is one
    block on the device."""
    out = _Node(node.text)
    for child in node.children:
        same = out.find(child.text)
        if same is None:
            out.children.append(_Node(child.text, list(child.children)))
        else:
            same.children.extend(child.children)
    out.children = [_merged(child) for child in out.children]
    return out


def _referrers_first(nodes: list[_Node], references: Mapping[str, tuple[str, ...]]) -> list[_Node]:
    """``nodes`` ordered so that each comes before the nodes it names: a device refuses to delete an object still
    in use. Among equals, the later one first (objects are usually created after what they use); a cycle is
    broken in that order too."""
    remaining = list(reversed(nodes))
    out: list[_Node] = []
    while remaining:
        unused = [n for n in remaining if not any(_names(m, n, references) for m in remaining if m is not n)]
        pick = unused[0] if unused else remaining[0]
        out.append(pick)
        remaining.remove(pick)
    return out


def _names(user: _Node, used: _Node, references: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether a setting of ``user`` (at any depth) names the object ``used``."""
    kind, _, name = used.text.rpartition(" ")
    if not kind:
        return False  # a one-word line names no object
    keywords = references.get(_unquoted(kind))
    for line in _subtree_lines(user, 0)[1:]:
        words = line.split()
        if _unquoted(words[-1]) == _unquoted(name) and (keywords is None or words[0] in keywords):
            return True
    return False
