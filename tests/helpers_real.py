"""Real device output kept under tests/data/real (see its README): the quoted text without the source header."""

from __future__ import annotations

from pathlib import Path

REAL = Path(__file__).resolve().parent / "data" / "real"


def real_output(name: str) -> str:
    """The text of ``tests/data/real/<name>`` after its ``# ---`` header line."""
    text = (REAL / name).read_text(encoding="utf-8")
    header, sep, body = text.partition("# ---\n")
    if not sep or not header.startswith("# source:"):
        raise ValueError(f"{name}: no '# source:' header ending in '# ---'")
    return body
