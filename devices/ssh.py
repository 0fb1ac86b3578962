"""SSH sessions to devices with a pinned host key (trust on first use) and secret-free session logs.

:func:`open_session` first fetches the server's host key with a bare ``paramiko.Transport`` handshake (no login),
records it in a known_hosts file the first time, and refuses a different key later, before any password is sent.
Only then does netmiko log in, itself told to reject any key that is not in that file. Failures become one-line
:class:`SshError` messages a user can act on.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shlex
import socket
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import paramiko

from devices.errors import CampusNetError

_KNOWN_HOSTS_LOCK = threading.Lock()


class SshError(CampusNetError):
    """An SSH session could not be opened or was lost."""


class SshUnreachable(SshError):
    """No SSH answer: wrong address or port, SSH disabled, a firewall, or the device is down."""


class SshRefused(SshError):
    """The address answers but refuses the SSH port: SSH is off, or listens on another port."""


class SshLoginTimeout(SshError):
    """The SSH server took the connection but did not answer the login in time (busy, or its AAA server is slow)."""


class SshAuthError(SshError):
    """The device refused the user name or password."""


class HostKeyChanged(SshError):
    """The device answered with a different host key than the one recorded: replaced device or interception."""


def host_key_name(host: str, port: int) -> str:
    """The known_hosts name of ``host:port`` (OpenSSH writes ``[host]:port`` for ports other than 22)."""
    return host if port == 22 else f"[{host}]:{port}"


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH-style ``SHA256:...`` fingerprint of a public key."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def fetch_host_key(host: str, port: int, timeout: float, preferred: Iterable[str] = ()) -> paramiko.PKey:
    """The server's host key from a key exchange without authentication.

    ``preferred`` key types (those already recorded) are asked for first, so a server offering several key types
    answers with the one we know.
    """
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError as exc:
        raise SshRefused(
            f"SSH connection to {host}:{port} refused: SSH is off on the device, or listens on another port"
        ) from exc
    except OSError as exc:
        raise _unreachable(host, port, timeout) from exc
    transport = paramiko.Transport(sock)
    try:
        transport.banner_timeout = timeout
        transport.handshake_timeout = timeout
        wanted = [k for k in preferred if k in transport.get_security_options().key_types]
        if wanted:
            others = [k for k in transport.get_security_options().key_types if k not in wanted]
            transport.get_security_options().key_types = (*wanted, *others)
        transport.start_client(timeout=timeout)
        key = transport.get_remote_server_key()
    except TimeoutError as exc:
        raise _unreachable(host, port, timeout) from exc
    except (paramiko.SSHException, EOFError, OSError) as exc:
        text = _first_line(exc)
        if "banner" in text.lower() or "timeout" in text.lower():
            raise SshUnreachable(
                f"{host}:{port} took the connection but did not start SSH within {timeout:g} s: is it an SSH port?"
            ) from exc
        raise SshError(f"SSH handshake with {host}:{port} failed: {text}") from exc
    finally:
        transport.close()
    return key


def check_host_key(host: str, port: int, known_hosts: Path, timeout: float) -> str:
    """Trust on first use: record the host key of ``host:port`` or check it against the recorded one.

    Returns the fingerprint. Raises :class:`HostKeyChanged` when the device shows a different key.
    """
    name = host_key_name(host, port)
    recorded = _recorded_keys(known_hosts, name)
    key = fetch_host_key(host, port, timeout, preferred=list(recorded))
    old = recorded.get(key.get_name())
    if old is not None and old == key:
        return fingerprint(key)
    if recorded:
        was = fingerprint(old if old is not None else next(iter(recorded.values())))
        raise HostKeyChanged(
            f"SSH host key of {host}:{port} changed (was {was}, now {fingerprint(key)}): if the device was "
            f"replaced, remove its old key with: ssh-keygen -R {shlex.quote(name)} -f {shlex.quote(str(known_hosts))}"
            " (or CampusNet's 'forget host key'); otherwise do not connect, someone may be intercepting"
        )
    _append_known_host(known_hosts, name, key)
    return fingerprint(key)


def forget_host_key(known_hosts: Path, host: str, port: int) -> bool:
    """Remove the recorded host key(s) of ``host:port``; True if there was one."""
    name = host_key_name(host, port)
    with _KNOWN_HOSTS_LOCK:
        lines = _read_lines(known_hosts)
        kept = [line for line in lines if not _line_names(line) or name not in _line_names(line)]
        if len(kept) == len(lines):
            return False
        _write_atomic(known_hosts, kept)
    return True


def open_session(
    host: str,
    port: int,
    username: str,
    password: str,
    device_type: str,
    *,
    known_hosts: Path,
    secret: str | None = None,
    timeout: float = 10,
    session_log: Path | None = None,
    no_log: Iterable[str] = (),
) -> Any:
    """Open a netmiko connection after checking the pinned host key (see :func:`check_host_key`).

    ``session_log`` is a file the whole session is appended to, with the password, the enable secret and every
    value in ``no_log`` replaced by ``********``. Returns the netmiko connection (close it with ``disconnect()``).
    """
    from netmiko import ConnectHandler
    from netmiko.exceptions import NetmikoAuthenticationException, NetmikoBaseException, NetmikoTimeoutException

    check_host_key(host, port, known_hosts, timeout)
    params: dict[str, Any] = {
        "device_type": device_type,
        "host": host,
        "port": port,
        "username": username,
        "password": password,
        "secret": secret or "",
        "conn_timeout": timeout,
        "auth_timeout": timeout,
        "banner_timeout": timeout,
        "ssh_strict": True,
        "system_host_keys": False,
        "alt_host_keys": True,
        "alt_key_file": str(known_hosts),
        "use_keys": False,
        "allow_agent": False,
    }
    if session_log is not None:
        params["session_log"] = masked_session_log(session_log, [password, secret or "", *no_log])
    try:
        return ConnectHandler(**params)
    except NetmikoAuthenticationException as exc:
        if "timeout" in str(exc).lower():
            raise SshLoginTimeout(
                f"{host}:{port} did not answer the SSH login within {timeout:g} s (busy, or its login server is slow):"
                " try again later or raise the timeout"
            ) from exc
        raise SshAuthError(
            f"SSH login refused for user {username} on {host}:{port}: check the user name and password"
        ) from exc
    except paramiko.BadHostKeyException as exc:
        raise HostKeyChanged(f"SSH host key of {host}:{port} changed during login: not connecting") from exc
    except (NetmikoTimeoutException, TimeoutError, ConnectionError) as exc:
        raise _unreachable(host, port, timeout) from exc
    except (paramiko.SSHException, NetmikoBaseException, EOFError, OSError) as exc:
        raise SshError(f"SSH session to {host}:{port} failed: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def masked_session_log(path: Path, secrets: Iterable[str]) -> Any:
    """A netmiko ``SessionLog`` appending to ``path`` that writes every secret as ``********``."""
    from netmiko.session_log import SessionLog

    path.parent.mkdir(parents=True, exist_ok=True)
    values = sorted({s for s in secrets if s}, key=len, reverse=True)  # longest first: no partial leftovers
    no_log = {f"secret{i}": value for i, value in enumerate(values)}
    return SessionLog(file_name=str(path), file_mode="append", no_log=no_log)


def _unreachable(host: str, port: int, timeout: float) -> SshUnreachable:
    return SshUnreachable(
        f"no SSH answer from {host}:{port} within {timeout:g} s: check address, port and that SSH is enabled"
    )


def _recorded_keys(known_hosts: Path, name: str) -> dict[str, paramiko.PKey]:
    """Key type -> recorded key for ``name`` (empty when nothing is recorded)."""
    if not known_hosts.exists():
        return {}
    keys = paramiko.HostKeys()
    try:
        keys.load(str(known_hosts))
    except (OSError, paramiko.SSHException) as exc:
        raise SshError(f"cannot read the known hosts file {known_hosts}: {exc}") from exc
    entry = keys.lookup(name)
    return dict(entry) if entry else {}


def _append_known_host(known_hosts: Path, name: str, key: paramiko.PKey) -> None:
    with _KNOWN_HOSTS_LOCK:
        lines = _read_lines(known_hosts)
        lines.append(f"{name} {key.get_name()} {key.get_base64()}")
        _write_atomic(known_hosts, lines)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SshError(f"cannot read the known hosts file {path}: {exc}") from exc


def _line_names(line: str) -> list[str]:
    fields = line.split()
    if not fields or line.lstrip().startswith("#"):
        return []
    return fields[0].split(",")


def _write_atomic(path: Path, lines: list[str]) -> None:
    """Replace ``path`` with ``lines`` in one step (temporary file + ``os.replace``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".known_hosts-", dir=path.parent)
    except OSError as exc:
        raise SshError(f"cannot write the known hosts file {path}: {exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(f"{line}\n" for line in lines))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise SshError(f"cannot write the known hosts file {path}: {exc}") from exc
