"""The HTTP service (FastAPI): contract section 5. ``create_app`` builds it; ``compliance serve`` runs it."""

from compliance.api.app import create_app

__all__ = ["create_app"]
