"""ASGI entry point for uvicorn (`arbeidsbro serve`, or `uvicorn web.asgi:app`)."""

from web.app import create_app

app = create_app()
