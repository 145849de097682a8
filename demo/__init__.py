"""Demo-data generators, one module per domain (ARCHITECTURE.md: "Demo-data generators live in one `demo/` package
beside `web/`"); `web/demo.py` runs them in order."""
