"""The optional LLM agent: a chat model picks the vetted tools, our code runs them.

`strategy_from_env(engine)` gives an `LLMStrategy` when an API key is configured, otherwise the
offline router (`OfflineStrategy`). Either plugs into `Conversation(engine, strategy=...)`.
LangChain is imported only when the agent is actually used: offline commands start fast.
"""

from typing import Any

from assistant.agent.config import LLMSettings, llm_configured, load_settings

__all__ = ["LLMSettings", "LLMStrategy", "llm_configured", "load_settings", "strategy_from_env"]


def __getattr__(name: str) -> Any:
    if name in ("LLMStrategy", "strategy_from_env"):
        from assistant.agent import strategy

        return getattr(strategy, name)
    raise AttributeError(name)
