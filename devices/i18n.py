"""Messages for people, made by the core and rendered in the reader's language at the edge.

The core does not know who reads what it says: the same event is shown in a Chinese window, printed by an English
command line and written to a log. So a message is kept as a :class:`Msg`: its English source text with named
placeholders (the gettext message id) and its parameters. It is rendered when it is shown, with the gettext
catalogue of the reader's language (``devices/locale/<lang>/LC_MESSAGES/campusnet.mo``). Parameters are device-side
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

Param = str | int | float  # and Msg: a message inside a message (a field's name) is rendered in the same language


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
    params: Mapping[str, Param | Msg] = field(default_factory=dict)

    def render(self, language: str = "en") -> str:
        """The message in ``language``; placeholders filled with the parameters as given (messages among them in
        ``language`` too)."""
        if not self.text:  # gettext's empty id is the catalogue's header, not a message
            return ""
        values = {k: v.render(language) if isinstance(v, Msg) else v for k, v in self.params.items()}
        try:
            return tr(self.text, language).format(**values)
        except (KeyError, IndexError, ValueError):  # a translation that names a placeholder wrongly: the source
            return self.text.format(**values)

    def __str__(self) -> str:
        return self.render("en")

    def to_json(self) -> str:
        """The message as JSON text (``{"text": ..., "params": {...}}``, messages among the parameters nested)."""
        return json.dumps(self._as_data(), ensure_ascii=False)

    def _as_data(self) -> dict[str, object]:
        params = {k: v._as_data() if isinstance(v, Msg) else v for k, v in self.params.items()}
        return {"text": self.text, "params": params}

    @classmethod
    def from_json(cls, text: str | None) -> Msg | None:
        """A message stored with :meth:`to_json`, or None when there is none or it cannot be read."""
        if not text:
            return None
        try:
            return cls._from_data(json.loads(text))
        except ValueError:
            return None

    @classmethod
    def _from_data(cls, data: object, depth: int = 0) -> Msg | None:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str) or depth > 4:
            return None
        raw = data.get("params", {})
        if not isinstance(raw, dict):
            return None
        params: dict[str, Param | Msg] = {}
        for key, value in raw.items():
            if isinstance(value, dict):
                inner = cls._from_data(value, depth + 1)
                if inner is None:
                    return None
                params[str(key)] = inner
            elif isinstance(value, str | int | float):
                params[str(key)] = value
        return cls(data["text"], params)


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
