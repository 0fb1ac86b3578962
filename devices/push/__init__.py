"""The safe configuration push: backup, change by meaning, apply under the platform's protection, verify from a new
session, confirm and save, or roll back and check; every step journaled first.

- :mod:`devices.push.model` — targets, jobs, results and their outcomes, the store protocols;
- :mod:`devices.push.diff` — what to send and how to undo it;
- :mod:`devices.push.session` — one SSH session: errors told apart, lines sent one at a time;
- :mod:`devices.push.strategies` — IOS revert timer, AOS-CX auto checkpoint, compensating lines;
- :mod:`devices.push.engine` — the workflow for one device and for several;
- :mod:`devices.push.recover` — an interrupted push found again: the state the device is in, finish or roll back.

No Qt, no ``monitor``.
"""

from devices.push.diff import (
    Change,
    banner_segments,
    compute_change,
    configs_equal,
    missing_lines,
    restore_lines,
    verify_change,
    with_block_exits,
)
from devices.push.engine import push, push_many, read_running_config, run_job, summarize
from devices.push.model import (
    APPLIED,
    ATTENTION,
    MASK,
    NOT_TRIED,
    OUTCOMES,
    PREVIEW,
    ROLLED_BACK,
    UNCHANGED,
    BackupStore,
    Journal,
    NullJournal,
    Plan,
    PushFailed,
    PushJob,
    PushResult,
    PushTarget,
    SessionLost,
)

__all__ = [
    "APPLIED",
    "ATTENTION",
    "MASK",
    "NOT_TRIED",
    "OUTCOMES",
    "PREVIEW",
    "ROLLED_BACK",
    "UNCHANGED",
    "BackupStore",
    "Change",
    "Journal",
    "NullJournal",
    "Plan",
    "PushFailed",
    "PushJob",
    "PushResult",
    "PushTarget",
    "SessionLost",
    "banner_segments",
    "compute_change",
    "configs_equal",
    "missing_lines",
    "push",
    "push_many",
    "read_running_config",
    "restore_lines",
    "run_job",
    "summarize",
    "verify_change",
    "with_block_exits",
]
