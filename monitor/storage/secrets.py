"""Secrets (SNMP communities, SNMPv3 keys, SSH passwords): the OS keyring, or an owner-only file where none exists.

Nothing secret is ever written to ``inventory.db``. Each store has a random id (kept in its ``settings`` table), so
two stores (say, the demo and the school's) never share or overwrite each other's keyring entries. Where the OS
offers no keyring (a headless Linux server, CI), secrets go to ``<store>.secrets.json`` beside the store, created
with mode 0600 and replaced atomically; :attr:`SecretStore.backend_description` says which one is in use so the user
is told.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Protocol

import keyring
import keyring.backend
import keyring.errors

from devices.errors import CampusNetError, InputError

log = logging.getLogger(__name__)

SERVICE = "CampusNet"
NAMED_SECRET = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SECRET_KINDS = ("community", "v3_auth_key", "v3_priv_key", "ssh_password", "backup_key")


def check_secret(value: str, what: str, *, token: bool = False) -> str:
    """``value`` unchanged when it can be a secret; else :class:`InputError` naming ``what`` (never the value).

    No secret may be empty or hold a control or invisible format character (a pasted newline or zero-width space
    would make a device, a mail server or an HTTP header refuse it later, far from where it was typed). A token
    (LINE, Telegram, webhook) holds no whitespace and is plain ASCII: it ends up in a URL or an HTTP header.
    """
    if not value:
        raise InputError(f"{what} is empty")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise InputError(f"{what} contains a control or invisible character (a pasted line break?)")
    if token and any(ch.isspace() for ch in value):
        where = "ends with" if value[-1].isspace() else "starts with" if value[0].isspace() else "contains"
        raise InputError(f"{what} {where} a space: tokens have none (copied by mistake?)")
    if token and not value.isascii():
        raise InputError(f"{what} contains non-ASCII characters: tokens are letters, digits and signs only")
    return value


class SecretBackend(Protocol):
    """Where secrets physically live."""

    description: str

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> None: ...


def keyring_usable(backend: keyring.backend.KeyringBackend | None = None) -> bool:
    """True when ``keyring`` found a real backend (not the 'fail' or 'null' placeholder)."""
    backend = backend or keyring.get_keyring()
    try:
        return float(backend.priority) > 0 and type(backend).__module__.split(".")[-1] not in ("fail", "null")
    except Exception:
        return False


class KeyringBackend:
    """Secrets in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service on Linux)."""

    def __init__(self) -> None:
        self.description = f"the system keyring ({type(keyring.get_keyring()).__name__})"

    def get(self, key: str) -> str | None:
        """Read one secret; None if absent."""
        return keyring.get_password(SERVICE, key)

    def set(self, key: str, value: str) -> None:
        """Write one secret."""
        try:
            keyring.set_password(SERVICE, key, value)
        except keyring.errors.KeyringError as exc:
            raise CampusNetError(f"cannot save a secret in {self.description}: {exc}") from exc

    def delete(self, key: str) -> None:
        """Remove one secret; absent is fine."""
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, key)


class FileBackend:
    """Secrets in a JSON file only its owner can read (the fallback when there is no keyring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"{path} (no system keyring found; the file is readable only by you)"

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise CampusNetError(f"cannot read the secrets file {self.path}: {exc}") from exc
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, data: dict[str, str]) -> None:
        folder = self.path.parent
        # mkstemp creates the file with mode 0600; os.replace keeps that mode and is atomic.
        fd, tmp = tempfile.mkstemp(prefix=".secrets-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise CampusNetError(f"cannot write the secrets file {self.path}: {exc}") from exc

    def get(self, key: str) -> str | None:
        """Read one secret; None if absent."""
        return self._load().get(key)

    def set(self, key: str, value: str) -> None:
        """Write one secret (atomically, mode 0600)."""
        data = self._load()
        data[key] = value
        self._save(data)

    def delete(self, key: str) -> None:
        """Remove one secret; absent is fine."""
        data = self._load()
        if data.pop(key, None) is not None:
            self._save(data)


class SecretStore:
    """The secrets of one CampusNet store, addressed by device name and kind."""

    def __init__(self, store_id: str, backend: SecretBackend) -> None:
        self.store_id = store_id
        self.backend = backend

    @property
    def backend_description(self) -> str:
        """Human-readable: where the secrets are kept."""
        return self.backend.description

    def _key(self, device: str, kind: str) -> str:
        if kind not in SECRET_KINDS:
            raise ValueError(f"unknown secret kind {kind!r}")
        return f"{self.store_id}/{device}/{kind}"

    def get(self, device: str, kind: str) -> str | None:
        """The secret ``kind`` of ``device``, or None."""
        return self.backend.get(self._key(device, kind))

    def set(self, device: str, kind: str, value: str) -> None:
        """Save a secret."""
        self.backend.set(self._key(device, kind), value)

    def delete_device(self, device: str) -> None:
        """Forget every secret of a device."""
        for kind in SECRET_KINDS:
            self.backend.delete(self._key(device, kind))

    # Named secrets: shared values a profile refers to by name (a RADIUS shared secret, an SNMPv3 key).

    def _named_key(self, name: str) -> str:
        if not NAMED_SECRET.match(name):
            raise InputError(f"secret name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
        return f"{self.store_id}/secret/{name}"

    def get_named(self, name: str) -> str | None:
        """The named secret, or None."""
        return self.backend.get(self._named_key(name))

    def set_named(self, name: str, value: str) -> None:
        """Save a named secret (no control characters)."""
        check_secret(value, f"secret {name!r}")
        self.backend.set(self._named_key(name), value)

    def delete_named(self, name: str) -> None:
        """Forget a named secret; absent is fine."""
        self.backend.delete(self._named_key(name))


def secret_from(env_var: str | None, prompt: str | None) -> str | None:
    """A secret for the command line: from the environment variable named ``env_var`` (an :class:`InputError`
    when it is not set), else asked with ``prompt`` on a terminal (never echoed), else None. Secrets are never
    taken as plain arguments."""
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            raise InputError(f"environment variable {env_var} is not set")
        return value
    if prompt and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return None


def open_secrets(db_path: Path, store_id: str) -> SecretStore:
    """The secret store for the store at ``db_path``: the OS keyring when usable, else the 0600 file beside it."""
    if os.environ.get("CAMPUSNET_SECRETS") == "file" or not keyring_usable():
        backend: SecretBackend = FileBackend(db_path.with_name(db_path.name + ".secrets.json"))
    else:
        backend = KeyringBackend()
    return SecretStore(store_id, backend)
