"""Chat-tool bots: WeCom, DingTalk, Feishu/Lark and Slack callbacks answered by the assistant.

Mount `bots_router(ask, publish)` in a FastAPI app; setup per platform is in docs/bots.md.
"""

from assistant.bots.router import bots_router
from assistant.bots.types import AskFn, PublishFn

__all__ = ["AskFn", "PublishFn", "bots_router"]
