"""Shared test helpers: where the recordings are, and how a missing real peer is handled."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from monitor.storage.secrets import SecretStore

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CAMPUSNET_SHARED", REPO.parent / "shared"))
SNMPREC_DIR = SHARED / "snmprec"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The command line speaks the system's language; the tests read its English (tests that want Chinese say so).
os.environ["CAMPUSNET_LANG"] = "en"


def missing_peer(reason: str) -> None:
    """Skip a test whose real peer is missing; under CI=true that is a failure instead."""
    if IN_CI:
        pytest.fail(f"real peer missing under CI: {reason}")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """Path of an executable a test needs (snmpd, snmpbulkwalk, ip), or skip/fail via :func:`missing_peer`."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not path:
        missing_peer(f"{name} is not installed")
    assert path is not None
    return path


def require_root() -> None:
    """Network namespaces need root."""
    if os.geteuid() != 0:
        missing_peer("network namespaces need root")


@pytest.fixture(scope="session")
def snmprec_dir() -> Path:
    """The folder of real device recordings (read in place, never copied into the project)."""
    if not (SNMPREC_DIR / "INDEX.md").exists():
        missing_peer(f"recordings not found in {SNMPREC_DIR}")
    return SNMPREC_DIR


@pytest.fixture(autouse=True)
def _no_dangling_threads():  # type: ignore[no-untyped-def]
    """Fail a test that leaves one of CampusNet's threads (core loop, store writer) running."""
    import threading
    import time

    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 3
    while True:
        new = [t for t in threading.enumerate() if t not in before]
        left = [t for t in new if t.name.startswith("campusnet-") and t.is_alive()]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"threads left running: {[t.name for t in left]}"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[sqlite3.Connection, SecretStore, Path]]:
    """An empty store in tmp_path with its secret store (the 0600 file backend): (connection, secrets, path)."""
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "inventory.db"
    conn = connect(db)
    yield conn, open_secrets(db, inventory.store_id(conn)), db
    conn.close()
