"""One SSH session to a device during a push: connect (errors told apart), read the running configuration (and
refuse an answer that is not one), run exec commands, and send configuration lines one at a time.

Lines are sent one at a time and each is done when the device's prompt comes back, so the push knows exactly which
lines the device took, how long each took (the IOS revert timer is sized from that), and can stop between any two.
A line that asks a question nobody expected (``[confirm]``, ``(y/n)``) is answered with Ctrl-C and counts as refused;
a line that takes long is waited for (the caller keeps the revert timer ahead meanwhile) up to ``line_timeout``.
Platforms whose prompt is not Cisco-like (Comware, VRP, FortiOS, AireOS, D-Link) go through netmiko's
``send_config_set`` as before.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from devices.config.drivers import PushDriver
from devices.push.diff import banner_segments
from devices.push.model import Cancelled, LineRefused, Masker, PushFailed, PushTarget, SessionLost, first_line
from devices.ssh import SshError, open_session

# The prompt of a Cisco-like CLI in any mode, on a line of its own at the end of the answer: "SW1#", "SW1(config)#",
# "HP-2530(eth-1)#", "switch(config-if)# ", "(banner-motd)# ". The host part has no blanks, so an answer line such as
# "End with the character '#'." is never taken for a prompt.
CISCO_PROMPT = r"(?:^|[\r\n])[\w.\-/:@]{0,64}(?:\([^()\r\n]*\))?[#>] ?$"
# Questions a line may ask instead of coming back to the prompt.
QUESTION = re.compile(r"(\[confirm\]|\((?:y/n|yes/no)\)|\[(?:y/n|yes/no|Y/N)\]|\?\s*\[[^\]]*\])\s*:?\s*$", re.I)
_MODE = re.compile(r"\(([^()]*)\)\s*[#>] ?$")
_INTRO = re.compile(r"End with the character '.{1,2}'", re.I)


class DeviceSession:
    """A netmiko connection with the push's rules: masked errors, first lines only, checked answers."""

    def __init__(self, conn: Any, driver: PushDriver, mask: Masker, name: str) -> None:
        self.conn = conn
        self.driver = driver
        self.mask = mask
        self.name = name
        self.prompt = driver.prompt or (CISCO_PROMPT if driver.prompt_from_base else None)
        self.last_prompt = ""
        self.written = 0  # configuration lines written to the device (answered or not)

    @classmethod
    def open(
        cls,
        target: PushTarget,
        driver: PushDriver,
        mask: Masker,
        *,
        known_hosts: Path,
        timeout: float,
        log: Path | None,
    ) -> DeviceSession:
        """Log in (pinned host key) and enter privileged mode; :class:`SshError` (or a subclass) says why not."""
        conn = open_session(
            target.host,
            target.port,
            target.username,
            target.password,
            driver.netmiko_type,
            known_hosts=known_hosts,
            secret=target.secret,
            timeout=timeout,
            session_log=log,
            no_log=mask.values,
        )
        try:
            conn.enable()
        except Exception as exc:
            _quietly(conn.disconnect)
            raise SshError(
                f"cannot enter privileged (enable) mode on {target.name}: check the enable secret ({first_line(exc)})"
            ) from exc
        return cls(conn, driver, mask, target.name)

    # -- exec commands -----------------------------------------------------------------------------------------

    def lost(self, step: str, exc: BaseException) -> SessionLost:
        """The error for a session that broke during ``step``."""
        return SessionLost(f"SSH session to {self.name} lost while {step}: {self.mask(first_line(exc))}")

    def command(self, command: str, *, timeout: float = 30.0) -> str:
        """The answer to one exec command; SessionLost when the session breaks or the prompt never comes back."""
        if self.driver.prompt_from_base:
            return self._exec(command, timeout)
        try:
            return str(self.conn.send_command(command, expect_string=r"[>#]\s*$", read_timeout=timeout))
        except Exception as exc:
            raise self.lost(f"sending '{command}'", exc) from exc

    def read_running(self, *, timeout: float = 60.0) -> str:
        """The running configuration; PushFailed when the answer is an error or too short to be one."""
        text = self._show(self.driver.show_running, "reading the running configuration", timeout)
        problem = answer_problem(self.driver, text)
        if problem:
            raise PushFailed(f"'{self.driver.show_running}' on {self.name} did not give a configuration: {problem}")
        return text

    def read_startup(self, *, timeout: float = 60.0) -> str | None:
        """The saved (startup) configuration, or None where the platform has no command for it."""
        if not self.driver.show_startup:
            return None
        text = self._show(self.driver.show_startup, "reading the startup configuration", timeout)
        return None if answer_problem(self.driver, text) else text

    def _show(self, command: str, step: str, timeout: float) -> str:
        if self.driver.prompt_from_base:
            return self._exec(command, max(60.0, timeout))
        try:
            return str(self.conn.send_command(command, read_timeout=max(60.0, timeout)))
        except Exception as exc:
            raise self.lost(step, exc) from exc

    def _exec(self, command: str, timeout: float) -> str:
        """An exec command answered up to the device's exec prompt (its base prompt and '#' or '>'), read here so
        that a session that dies is noticed within a second (netmiko would wait out its read timeout); the echo and
        the prompt are taken off."""
        base = str(getattr(self.conn, "base_prompt", "") or "")
        prompt = rf"(?:^|[\r\n]){re.escape(base)}[#>] ?$" if base else CISCO_PROMPT
        _quietly(self.conn.read_channel)
        try:
            self.conn.write_channel(self.conn.normalize_cmd(command))
        except Exception as exc:
            raise self.lost(f"sending '{command}'", exc) from exc
        answer = self._read_prompt(command, timeout, lambda _elapsed: None, pattern=prompt, after_echo=True)
        lines = answer.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        echo = next((i for i, text in enumerate(lines[:3]) if text.strip().endswith(command.strip())), None)
        if echo is not None:
            lines = lines[echo + 1 :]  # the echo (after any prompt left on its line)
        if lines and re.fullmatch(prompt.replace("(?:^|[\\r\\n])", ""), lines[-1]):
            lines = lines[:-1]
        return "\n".join(lines)

    def alive(self) -> bool:
        """False once the SSH connection is closed (by the device or the network)."""
        channel = getattr(self.conn, "remote_conn", None)
        transport = channel.get_transport() if channel is not None and hasattr(channel, "get_transport") else None
        if channel is None or getattr(channel, "closed", False):
            return False
        return transport is None or bool(transport.is_active())

    def save(self) -> str:
        """The platform's save command and its answer (a Cisco-like CLI answers at its prompt; one that asks to
        confirm goes through netmiko's ``save_config``)."""
        save = self.driver.save
        assert save is not None
        if self.driver.prompt_from_base and not save.confirm:
            return self._exec(save.command, 120.0)
        try:
            return str(
                self.conn.save_config(cmd=save.command, confirm=save.confirm, confirm_response=save.confirm_response)
            )
        except Exception as exc:
            raise self.lost(f"saving with '{save.command}'", exc) from exc

    def disconnect(self) -> None:
        """Close the session (best effort)."""
        _quietly(self.conn.disconnect)

    def abort(self) -> None:
        """Drop the connection without netmiko's goodbye (which types 'end' and 'exit' and waits for the prompt:
        on a session stuck in a line that would wait on the line again)."""
        _quietly(self.conn.paramiko_cleanup)

    # -- configuration mode ----------------------------------------------------------------------------------

    def enter_config(self, command: str | None = None) -> str:
        """Enter configuration mode (with ``command``, e.g. ``configure terminal revert timer 5``)."""
        if not self.driver.config_mode and command is None:
            return ""
        command = command or self.driver.config_command
        if self.prompt and command:
            return self._enter_config_by_prompt(command)
        try:
            out = str(self.conn.config_mode(command) if command else self.conn.config_mode())
        except Exception as exc:
            if not self.alive():
                raise self.lost(f"entering configuration mode ('{command or 'configure terminal'}')", exc) from exc
            raise PushFailed(f"'{command or 'configure terminal'}' refused: {self.mask(first_line(exc))}") from exc
        self.last_prompt = "(config)#"
        return out

    def _enter_config_by_prompt(self, command: str) -> str:
        """Type ``command`` and wait for the prompt (the session's death noticed within a second): it must end in
        a configuration-mode prompt, else the answer says why not."""
        _quietly(self.conn.read_channel)
        try:
            self.conn.write_channel(self.conn.normalize_cmd(command))
        except Exception as exc:
            raise self.lost(f"sending '{command}'", exc) from exc
        answer = self._read_prompt(command, 60.0, lambda _elapsed: None)
        if not self._in_config_mode():
            shown = next((ln.strip() for ln in answer.splitlines()[1:] if ln.strip()), "no answer")
            raise PushFailed(f"'{command}' refused: {self.mask(shown)}")
        return answer

    def _in_config_mode(self) -> bool:
        mode = _MODE.search(self.last_prompt)
        return mode is not None and mode.group(1).strip().lower().startswith("config")

    def exit_config(self) -> None:
        """Back to the exec prompt (best effort; the platform's own command where netmiko's does not fit)."""
        if not self.driver.config_mode:
            return
        leave = self.driver.exit_config
        _quietly(lambda: self.conn.exit_config_mode(exit_config=leave) if leave else self.conn.exit_config_mode())

    def send(
        self,
        lines: Sequence[str],
        *,
        line_timeout: float,
        cancelled: Callable[[], bool] = lambda: False,
        waiting: Callable[[float], None] = lambda _elapsed: None,
        done: Callable[[int, float], None] = lambda _i, _s: None,
    ) -> None:
        """Send configuration lines (with their block exits) one at a time, each done at the next prompt.

        ``done(index, seconds)`` is told after each line, ``waiting(elapsed)`` about once a second while a line is
        slow; ``cancelled()`` is asked before each line (:class:`Cancelled`). A refused line raises
        :class:`LineRefused` naming it; a line not answered within ``line_timeout`` raises :class:`SessionLost`.
        """
        assert self.prompt is not None
        error = re.compile(rf"^.*(?:{self.driver.error_pattern}).*$", re.M)
        _quietly(self.conn.read_channel)  # a prompt left unread would end the first line's answer early
        index = 0
        number = 0  # the line's number in the change (block exits not counted), for the user
        for segment in banner_segments(lines):
            if cancelled():
                raise Cancelled("stopped on request before the next line")
            if len(segment) > 1 and segment[0].lstrip().startswith("banner "):
                self._send_banner(segment, line_timeout, waiting, number + 1)
                done(index + len(segment) - 1, 0.0)
                index += len(segment)
                number += len(segment)
                continue
            for line in segment:
                if cancelled():
                    raise Cancelled("stopped on request before the next line")
                if line.strip() == self.driver.block_exit and self._in_global_mode():
                    index += 1
                    continue  # the block did not open a sub-mode: 'exit' here would leave configuration mode
                number += line.strip() != self.driver.block_exit
                started = time.monotonic()
                answer = self._line(line, line_timeout, waiting)
                match = error.search(answer)
                if match:
                    shown = self.mask(line.strip())
                    raise LineRefused(f"line {number} {shown!r} rejected: {self.mask(match.group(0).strip())}")
                done(index, time.monotonic() - started)
                index += 1

    def _in_global_mode(self) -> bool:
        mode = _MODE.search(self.last_prompt)
        return mode is not None and mode.group(1).strip().lower() == "config"

    def _line(self, line: str, line_timeout: float, waiting: Callable[[float], None]) -> str:
        self.written += 1
        try:
            self.conn.write_channel(self.conn.normalize_cmd(line))
        except Exception as exc:
            raise self.lost(f"sending {self.mask(line.strip())!r}", exc) from exc
        return self._read_prompt(line, line_timeout, waiting)

    def _read_prompt(
        self,
        line: str,
        line_timeout: float,
        waiting: Callable[[float], None],
        *,
        intro: bool = False,
        pattern: str | None = None,
        after_echo: bool = False,
    ) -> str:
        """Read until the prompt (``pattern``, else the session's) or, with ``intro``, a banner's "End with the
        character" line ends the answer."""
        prompt = re.compile(pattern or self.prompt or CISCO_PROMPT)
        buffer = ""
        started = last_wait = time.monotonic()
        while True:
            try:
                chunk = str(self.conn.read_channel())
            except Exception as exc:
                raise self.lost(f"waiting for the answer to {self.mask(line.strip())!r}", exc) from exc
            if chunk:
                buffer += chunk
                tail = buffer.rstrip("\r\n ")
                found = prompt.search(buffer)
                if after_echo:  # a prompt still on its way from the command before must not end this answer
                    echo = buffer.find(line.strip())
                    found = prompt.search(buffer, echo + len(line.strip())) if echo >= 0 else None
                if found:
                    self.last_prompt = found.group(0).strip()
                    return buffer
                if intro and _INTRO.search(buffer):
                    return buffer
                if QUESTION.search(tail):
                    self._refuse_question(line, tail)
            now = time.monotonic()
            if now - started > line_timeout:
                raise SessionLost(f"{self.mask(line.strip())!r}: no answer from {self.name} within {line_timeout:g} s")
            if now - last_wait >= 1.0:
                last_wait = now
                if not self.alive():
                    raise SessionLost(
                        f"SSH session to {self.name} closed while waiting for {self.mask(line.strip())!r}"
                    )
                waiting(now - started)
            time.sleep(0.01 if not chunk else 0)

    def _refuse_question(self, line: str, tail: str) -> None:
        """A question nobody expected: wait a moment (more may come), then Ctrl-C it away and refuse the line."""
        time.sleep(0.3)
        with contextlib.suppress(Exception):
            more = str(self.conn.read_channel())
            if more.strip():
                return  # it was not the end of the answer
        question = tail.splitlines()[-1].strip() if tail.strip() else tail
        with contextlib.suppress(Exception):
            self.conn.write_channel("\x03")
            self._read_prompt("Ctrl-C", 10.0, lambda _e: None)
        raise LineRefused(
            f"{self.mask(line.strip())!r}: the device asked {self.mask(question)!r}, which CampusNet does not answer"
        )

    def _send_banner(
        self, segment: Sequence[str], line_timeout: float, waiting: Callable[[float], None], number: int
    ) -> None:
        """A multi-line banner: the head line, then the text without prompts, then the delimiter line."""
        head, *rest = segment
        self.written += len(segment)
        try:
            self.conn.write_channel(self.conn.normalize_cmd(head))
        except Exception as exc:
            raise self.lost("sending a banner", exc) from exc
        answer = self._read_prompt(head, line_timeout, waiting, intro=True)
        if not _INTRO.search(answer):
            error = re.search(rf"^.*(?:{self.driver.error_pattern}).*$", answer, re.M)
            if error:
                shown = self.mask(head.strip())
                raise LineRefused(f"line {number} {shown!r} rejected: {self.mask(error.group(0).strip())}")
        try:
            for text in rest[:-1]:
                self.conn.write_channel(self.conn.normalize_cmd(text))
            self.conn.write_channel(self.conn.normalize_cmd(rest[-1]))
        except Exception as exc:
            raise self.lost("sending a banner", exc) from exc
        self._read_prompt(rest[-1], line_timeout, waiting)

    def send_legacy(self, lines: Sequence[str], *, read_timeout: float, config_command: str | None) -> None:
        """netmiko's ``send_config_set`` with the platform's error pattern (platforms without a Cisco-like prompt);
        banners are sent apart (netmiko falls back to slow timed reads for a set that holds one)."""
        from netmiko.exceptions import ConfigInvalidException

        kwargs: dict[str, Any] = {
            "error_pattern": rf"^.*(?:{self.driver.error_pattern}).*$",
            "enter_config_mode": self.driver.config_mode,
            "read_timeout": read_timeout,
        }
        if config_command:
            kwargs["config_mode_command"] = config_command
        self.written += len(lines)  # netmiko does not say how far it got
        try:
            for index, segment in enumerate(banner_segments(lines)):
                if index:
                    kwargs["enter_config_mode"] = False
                    kwargs.pop("config_mode_command", None)
                self.conn.send_config_set(segment, exit_config_mode=False, **kwargs)
        except ConfigInvalidException as exc:
            raise LineRefused(self._refused(str(exc))) from exc
        except Exception as exc:
            raise self.lost("applying the change", exc) from exc

    def _refused(self, message: str) -> str:
        match = re.search(r"at command: (.*), matched error: (.*)$", message, re.S)
        if not match:
            return f"the device refused the change: {self.mask(first_line(message))}"
        return f"{self.mask(match.group(1).strip())!r} rejected: {self.mask(match.group(2).strip())}"


def answer_problem(driver: PushDriver, text: str) -> str | None:
    """Why ``text`` cannot be a configuration listing (an error answer, nothing at all), or None."""
    body = [line.strip() for line in text.splitlines() if line.strip()]
    if not body:
        return "an empty answer"
    head = " ".join(body[:3])
    if re.search(driver.error_pattern, head) or re.match(r"^[%^]", body[0]):
        return f"the device answered {head[:120]!r}"
    return None


def _quietly(action: Callable[[], Any]) -> None:
    """A best-effort cleanup step: a broken session must not hide the real outcome."""
    with contextlib.suppress(Exception):
        action()
