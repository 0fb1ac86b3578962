"""Refresh the core's gettext catalogues (devices/locale) from the ``N_("...")`` marks in devices/ and monitor/.

Run by ``packaging/update_translations.sh``; also imported by tests/test_i18n.py, which fails while a message lacks
its Traditional Chinese translation, names other placeholders than its source, or the compiled ``.mo`` is stale.

``python packaging/core_translations.py`` merges the marks into ``devices/locale/zh_TW/LC_MESSAGES/campusnet.po``
(translations kept, vanished messages dropped, new ones left empty for a translator) and compiles the ``.mo`` the
core loads. The output is deterministic (sorted, no dates, no source locations), so an unchanged tree leaves the
files unchanged.
"""

from __future__ import annotations

import datetime
import io
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("devices", "monitor")
LANGUAGES = ("zh_TW",)
DOMAIN = "campusnet"
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def po_path(language: str) -> Path:
    """Where a language's catalogue lives."""
    return ROOT / "devices" / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def marked_messages() -> list[str]:
    """Every message id marked with ``N_`` in the core's sources, sorted."""
    found: set[str] = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords={"N_": None}, comment_tags=(), method_map=[("**.py", "python")]
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return sorted(found)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a format string."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def read_catalogue(language: str) -> Catalog:
    """A language's catalogue as stored (an empty one when there is none yet)."""
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def merged(language: str) -> Catalog:
    """The stored catalogue brought to the marks in the sources."""
    old = read_catalogue(language)
    new = Catalog(
        locale=language,
        domain=DOMAIN,
        project="CampusNet",
        version="",
        charset="utf-8",
        creation_date=FIXED_DATE,  # not today's: the compiled file must not change when its messages do not
        revision_date=FIXED_DATE,
    )
    for message in marked_messages():
        kept = old.get(message)
        new.add(message, kept.string if kept is not None else "", flags=("python-brace-format",))
    return new


def po_bytes(catalogue: Catalog) -> bytes:
    """The catalogue as .po text, without dates or locations."""
    out = io.BytesIO()
    write_po(out, catalogue, omit_header=True, no_location=True, sort_output=True, width=120)
    return out.getvalue()


def mo_bytes(catalogue: Catalog) -> bytes:
    """The compiled catalogue the core loads with gettext."""
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def main() -> int:
    """Merge and compile every language; list the messages still untranslated."""
    missing = 0
    for language in LANGUAGES:
        catalogue = merged(language)
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_bytes(catalogue))
        path.with_suffix(".mo").write_bytes(mo_bytes(catalogue))
        for message in catalogue:
            if message.id and not message.string:
                print(f"{language}: untranslated: {message.id}", file=sys.stderr)
                missing += 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
