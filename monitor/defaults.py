"""Defaults shared by the command line, the scheduler and (later) the settings dialog."""

from __future__ import annotations

POLL_INTERVAL_S = 60.0
POLL_CONCURRENCY = 32
SNMP_TIMEOUT_S = 2.0
# A device whose poll (system facts, interfaces, wireless) is not complete after this many seconds is stopped and
# marked 'error' with that reason, so one broken or hostile agent never holds a cycle past its interval.
DEVICE_DEADLINE_S = 45.0
SNMP_RETRIES = 1
SNMP_MAX_REPETITIONS = 25
CONFIG_BACKUP_HOURS = 24
