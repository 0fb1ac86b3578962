"""The demo: a simulated school network (SNMP agents, SSH devices, wireless controller) and its history."""
