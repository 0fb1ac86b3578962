"""Usage reports: the numbers, the texts, the CSV and Excel writers, and the scheduled runs."""
