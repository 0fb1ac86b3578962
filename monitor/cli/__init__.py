"""The command line: the parser and the device/poll commands (main), and one module per command group."""
