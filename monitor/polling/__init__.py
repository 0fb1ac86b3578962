"""Polling: one device's poll, the cycle scheduler, counter arithmetic, connection tests, wireless history."""
