"""The optional LLM agent: a chat model picks the vetted tools, our code runs them.

`strategy_from_env(engine)` gives an `LLMStrategy` when an API key is configured, otherwise the
offline router (`OfflineStrategy`). Either plugs into `Conversation(engine, strategy=...)`.
"""

from assistant.agent.config import LLMSettings, llm_configured, load_settings
from assistant.agent.strategy import LLMStrategy, strategy_from_env

__all__ = ["LLMSettings", "LLMStrategy", "llm_configured", "load_settings", "strategy_from_env"]
