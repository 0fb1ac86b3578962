"""Errors a user can act on, as distinct from bugs.

Everything in this module carries a message written for the person running CampusNet: what went wrong and what to
check. Code that catches these shows the message as it is (one line, no traceback). Any other exception is a bug.
"""

from __future__ import annotations


class CampusNetError(Exception):
    """A failure the user can understand and fix (bad input, unreachable device, wrong secret)."""


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
