"""The store and what lives in it: schema and writer, history rollups, settings, secrets, the poller lock, the device
inventory."""
