"""Masking secrets in anything shown: configuration lines, device answers, backups and their diffs, push output.

One masking for all of them: :class:`Masker` replaces the secret values CampusNet knows (longest first), and
:func:`redact` also masks what follows secret-bearing words of any vendor's configuration, values CampusNet does not
know (a community set by hand, an SNMPv3 user's keys, a type-7 key). No Qt, no ``monitor``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "********"


class Masker:
    """Replaces every secret value by ``********`` (longest first)."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self.values = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, MASK)
        return text


# Values that follow these words in a device configuration are secrets (communities, keys, passwords), whichever
# the vendor: masked in anything shown, even when CampusNet does not know the value itself. After the word may come
# a key type or form (``7``, ``md5``, ``plaintext``, ``ciphertext``, ``cipher``, ``simple``); SNMPv3 users name
# their keys after the algorithm (``auth sha KEY priv aes 128 KEY``, Huawei's ``authentication-mode sha cipher KEY``).
_FORMS = r"(?:(?:[0-9]|md5|plaintext|ciphertext|cipher|simple|hash|encrypted)\s+){0,2}"
_SECRET_WORDS = re.compile(
    r"(?P<word>\b(?:"
    r"(?:community|key|password|secret|shared-secret|passphrase|wpa-passphrase|auth-key|priv-key|ascii"
    r"|authpassword|privpassword|auth-pass|priv-pass)\s+"
    r"|auth\s+(?:md5|sha-2\s+(?:256|384|512)|sha\d*)\s+"
    r"|priv\s+(?:des|3des|aes(?:\s+(?:128|192|256))?|aes128|aes192|aes256)\s+"
    r"|(?:authentication|privacy)-mode\s+\S+\s+"
    r")" + _FORMS + r")"
    # The value is never the next secret word (AOS-CX ``auth sha auth-pass plaintext KEY``): that one masks it.
    r"(?!(?:auth-pass|priv-pass|authpassword|privpassword)\b)(?P<value>\"[^\"\n]*\"|\S+)",
    re.IGNORECASE,
)


def redact(text: str, known: Iterable[str | None] = ()) -> str:
    """``text`` as it may be shown: every ``known`` secret value masked (longest first), then the values that follow
    secret-bearing words (``key 7 0822...``, ``community public``, ``auth sha K1 priv aes 128 K2``).

    The one masking of configuration text: push output, backups and their diffs all go through it.
    """
    return _SECRET_WORDS.sub(lambda m: m.group("word") + MASK, Masker(known)(text))
