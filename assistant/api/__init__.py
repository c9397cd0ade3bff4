"""The HTTP API served beside the web app: JSON endpoints (the CLI's contract), an OpenAI-compatible
endpoint, published table images and chart pages. `build_api(cache)` returns the FastAPI app."""

from assistant.api.app import build_api

__all__ = ["build_api"]
