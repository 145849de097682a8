"""Shared foundation: settings, database, accounts, security, audit. Imports nothing else of ours."""
