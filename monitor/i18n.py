"""Messages for people, made by the core and rendered in the reader's language at the edge.

The core does not know who reads what it says: the same event is shown in a Chinese window, printed by an English
command line and written to a log. So a message is kept as a :class:`Msg`: its English source text with named
placeholders (the gettext message id) and its parameters. It is rendered when it is shown, with the gettext
catalogue of the reader's language (``monitor/locale/<lang>/LC_MESSAGES/campusnet.mo``). Parameters are device-side
or user text (names, addresses, reasons) and are never translated.

Marking: wrap each source text in :func:`N_` where it is written, so ``pybabel extract -k N_`` finds it
(``packaging/update_translations.sh`` extracts, merges and compiles; tests/test_i18n.py fails while a message lacks
its Traditional Chinese translation or a catalogue is stale).

Languages: "en" (the source text) and "zh_TW". :func:`system_language` picks one from the environment for the
command line (``--lang`` overrides it).
"""

from __future__ import annotations

import functools
import gettext
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("en", "zh_TW")
DOMAIN = "campusnet"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

Param = str | int | float


def N_(text: str) -> str:
    """Mark ``text`` as a message id for extraction; returns it unchanged (rendered later, see :class:`Msg`)."""
    return text


@functools.cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The gettext catalogue of ``language`` (English, or a language without a catalogue, renders the source)."""
    if language not in LANGUAGES or language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def tr(text: str, language: str) -> str:
    """One marked source text in ``language``."""
    return catalogue(language).gettext(text)


@dataclass(frozen=True)
class Msg:
    """A message for people: its English source text (with ``{name}`` placeholders) and the values to put in.

    ``str(msg)`` is the English text; :meth:`render` gives it in another language; :meth:`to_json` and
    :meth:`from_json` keep it in the store beside the English text.
    """

    text: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def render(self, language: str = "en") -> str:
        """The message in ``language``; placeholders filled with the parameters as given."""
        if not self.text:  # gettext's empty id is the catalogue's header, not a message
            return ""
        template = tr(self.text, language)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):  # a translation that names a placeholder wrongly: the source
            return self.text.format(**self.params)

    def __str__(self) -> str:
        return self.render("en")

    def to_json(self) -> str:
        """The message as JSON text (``{"text": ..., "params": {...}}``)."""
        return json.dumps({"text": self.text, "params": dict(self.params)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Msg | None:
        """A message stored with :meth:`to_json`, or None when there is none or it cannot be read."""
        if not text:
            return None
        try:
            data = json.loads(text)
            params = data.get("params", {})
            if not isinstance(data.get("text"), str) or not isinstance(params, dict):
                return None
            return cls(data["text"], {str(k): v for k, v in params.items() if isinstance(v, str | int | float)})
        except (ValueError, AttributeError):
            return None


def render_stored(message: str | None, fallback: str, language: str) -> str:
    """A stored message (JSON, see :meth:`Msg.to_json`) in ``language``; ``fallback`` (the stored English text)
    when the row has no message (written by an older version) or it cannot be read."""
    msg = Msg.from_json(message)
    return fallback if msg is None else msg.render(language)


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment (LC_ALL, LC_MESSAGES, LANG, LANGUAGE): "zh_TW" for Chinese in Taiwan or
    in traditional script (zh_TW, zh_HK, zh_Hant), else "en"."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(key, "")
        if value:
            tag = value.split(":")[0].split(".")[0].replace("-", "_").lower()
            return "zh_TW" if tag in ("zh_tw", "zh_hk", "zh_mo") or tag.startswith("zh_hant") else "en"
    return "en"
