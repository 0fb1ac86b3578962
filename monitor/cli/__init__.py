"""The command line: the parser and the dispatch (main), one module per command group, and what they share."""
