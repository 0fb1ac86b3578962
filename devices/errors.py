"""Errors a user can act on, as distinct from bugs.

Everything in this module carries a message written for the person running CampusNet: what went wrong and what to
check. Code that catches these shows the message as it is (one line, no traceback). Any other exception is a bug.

An error made from a :class:`devices.i18n.Msg` keeps it: ``str(error)`` is the English text (logs, the command line
in English), :meth:`CampusNetError.render` gives it in the reader's language.
"""

from __future__ import annotations

from devices.i18n import Msg


class CampusNetError(Exception):
    """A failure the user can understand and fix (bad input, unreachable device, wrong secret).

    Attributes:
        msg: the message for people when the error was made from one (else None: English only).
    """

    def __init__(self, message: object = "", *args: object) -> None:
        self.msg = message if isinstance(message, Msg) else None
        super().__init__(str(message) if isinstance(message, Msg) else message, *args)

    def render(self, language: str) -> str:
        """The message in ``language`` (English for errors made from plain text)."""
        return self.msg.render(language) if self.msg is not None else str(self)


class InputError(CampusNetError):
    """Bad input from the user: a malformed host, a port out of range, an unknown device name."""


class SnmpError(CampusNetError):
    """An SNMP request failed for a reason worth telling the user."""


class SnmpTimeout(SnmpError):
    """No answer within the timeout and retries: wrong address, community, ACL or a dead device."""


class SnmpAuthError(SnmpError):
    """The agent refused our credentials (SNMPv3 user, keys or security level)."""


class SnmpProtocolError(SnmpError):
    """The agent answered something we cannot use (malformed packet, error-status in the response)."""


class SecretMissing(CampusNetError):
    """A secret the device needs is neither in the keyring nor in the fallback secrets file."""
