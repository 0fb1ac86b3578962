"""Alerts and notifications: rules evaluated after each cycle, and the channels that carry their messages."""
