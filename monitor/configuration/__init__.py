"""Configuration jobs: backups, the push journal and its recovery, port-role planning, the app's push jobs."""
