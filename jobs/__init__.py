"""Scheduled work: when things run. The work itself lives in the domains' services."""
