"""What packaging/campusnet.spec bundles, read from the spec's literals without running PyInstaller.

The spec keeps its data list (``DATA``), its list of source-only files (``SOURCE_ONLY``) and the executable names as
plain literals so that the tests and the smoke test can read them from here.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "campusnet.spec"


def spec_literal(name: str, spec: Path = SPEC) -> Any:
    """The value of the top-level assignment ``name = <literal>`` in the spec."""
    for node in ast.parse(spec.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(f"{spec.name} has no literal {name}")


def data_files(root: Path = REPO) -> list[Path]:
    """The files ``DATA`` brings into the bundle, relative to ``root`` (their place in the bundle too)."""
    files: set[Path] = set()
    for folder, pattern in spec_literal("DATA"):
        files.update(p.relative_to(root) for p in (root / folder).glob(pattern) if p.is_file())
    return sorted(files)
