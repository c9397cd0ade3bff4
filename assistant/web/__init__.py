"""The web app (Gradio 6): chat, overview, SQL workbench and segments for shop operators.

`assistant serve` (assistant/server.py) or `from assistant.web.app import build_app`.
"""
