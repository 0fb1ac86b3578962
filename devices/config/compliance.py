"""Compare rendered lines with a running configuration: what is missing, what to send, how to undo it.

Where hier_config (3.7) has a driver for the platform (:data:`HIER_PLATFORMS`), the running and intended configs are
parsed into hier_config trees; elsewhere a small indentation-based tree with whitespace-normalised lines is used.
Either way the check is order-insensitive and respects sub-mode blocks (a line under ``interface X`` is looked for
under ``interface X`` only).

The rendered config is partial (only what CampusNet manages), so it is never handed to hier_config as the whole
intended config (that would negate everything else on the device). Instead:

- a negation line (``no X`` / ``undo X`` / ``delete X``) is satisfied when the running config shows it (IOS prints
  ``no service pad``, a default-on feature turned off) or, for removals of named objects (SNMP communities), when
  the object is absent (IOS never prints ``no snmp-server community public``); otherwise it is reported missing,
  which at worst re-sends a harmless negation;
- procedural lines that never appear in a running config (AireOS ``config wlan disable N``, 9800 ``shutdown`` before
  ``no shutdown``, block terminators ``!``/``exit``) are not checked;
- remediation and rollback come from hier_config's ``WorkflowRemediation(running, running.future(intended))``, with
  already-satisfied negations removed first, so the rollback never re-creates something that did not exist.

Lines that carry a secret (RADIUS keys, SNMPv3 users) usually read back encrypted or not at all; they are checked
literally, and when not found they are listed in ``unverifiable`` (masked) instead of ``missing``.

Where hier_config has no driver but the configuration has blocks (ArubaOS profiles), :func:`restore_blocks` gives the
compensating lines that lead from one configuration back to another: a line inside a block is undone inside that
block (``ap-group "default"`` / ``no virtual-ap X``), and objects the backup lacks are deleted whole with ``no HEADER``,
the ones that refer to others first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hier_config import HConfig, HConfigChild, Platform, WorkflowRemediation, get_hconfig

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


# Platforms whose comparison lives in a module of its own (``check_compliance``/``remediation`` there).
_OWN_MODULES = {"cisco_wlc": "devices.config.aireos"}


def _own_module(folder: str) -> Any:
    import importlib

    return importlib.import_module(_OWN_MODULES[folder])


@dataclass(frozen=True)
class Compliance:
    """Result of a compliance check: ``missing`` lines (nested ones as ``parent > child``)."""

    ok: bool
    missing: list[str]
    unverifiable: list[str] = field(default_factory=list)


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
    return text.replace('"', "")


def check_compliance(platform: str, running_config: str, rendered: Rendered) -> Compliance:
    """Which intended lines are missing from ``running_config``; ok when none are."""
    folder = platform_folder(platform)
    if folder in _OWN_MODULES:
        return _own_module(folder).check_compliance(running_config, rendered)
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


def remediation(platform: str, running: str, rendered: Rendered) -> list[str]:
    """The lines to send to bring ``running`` in line with ``rendered`` (hier_config where supported).

    Nested lines keep their parent line before them and their indentation. Lines with secrets are included when
    they cannot be verified (see the module notes).
    """
    folder = platform_folder(platform)
    if folder in _OWN_MODULES:
        return _own_module(folder).remediation(running, rendered)
    if folder in HIER_PLATFORMS:
        workflow = _workflow(folder, running, rendered)
        return _lines(workflow.remediation_config)
    intended = _tree(folder, _intended_text(folder, rendered))
    run_tree = _tree(folder, running)
    return _paths_to_lines(_missing_paths(folder, intended, run_tree, ()))


def rollback_lines(platform: str, running: str, rendered: Rendered) -> list[str] | None:
    """hier_config's compensating rollback for applying ``rendered`` to ``running``; None where unsupported."""
    folder = platform_folder(platform)
    if folder not in HIER_PLATFORMS:
        return None
    return _lines(_workflow(folder, running, rendered).rollback_config)


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
