"""HTTP: pages, JSON API, auth dependencies, templates, static files and the CLI."""
