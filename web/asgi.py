"""ASGI entry point for uvicorn (`arbeidsbro serve`, or `uvicorn web.asgi:app`)."""

from core.settings import get_settings
from web.app import create_app

app = create_app(start_scheduler=get_settings().scheduler)
