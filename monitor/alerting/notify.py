"""Notifications, split by job: :mod:`~monitor.alerting.kinds` (the kinds of channel, one table),
:mod:`~monitor.alerting.channels` (channels checked, stored and sent through), :mod:`~monitor.alerting.senders`
(one sender per kind), :mod:`~monitor.alerting.texts` (the messages) and :mod:`~monitor.alerting.outbox` (the queue
and its :class:`Dispatcher`).

This module only keeps the two names that the polling scheduler and the GUI's app and bridge import from here; new
code imports from the modules above.
"""

from __future__ import annotations

from monitor.alerting.outbox import Dispatcher
from monitor.alerting.texts import Notice

__all__ = ["Dispatcher", "Notice"]
