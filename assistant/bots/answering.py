"""From a chat message to a formatted reply: clean the question, ask, publish links, never raise."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from starlette.background import BackgroundTask

from assistant.bots.format import Reply, build_reply
from assistant.bots.types import AskFn, PublishFn
from assistant.bots.workers import Workers

logger = logging.getLogger("assistant.bots")

MAX_QUESTION = 2000
_CJK = re.compile(r"[\u3400-\u9fff]")


def language_of(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def notice(text_zh: str, text_en: str, question: str = "", error: bool = False) -> dict[str, Any]:
    """An answer JSON of our own (help, failure, busy), bilingual because we may not know the
    asker's language; shaped like the contract so one formatter handles everything."""
    return {"answer": f"{text_zh}\n{text_en}", "language": language_of(question), "tables": [],
            "recommendations": [], "clarification": None,
            "error": {"code": "bot_error", "message": text_en} if error else None}


HELP = ("请在 @我 之后直接提问，例如：各个RFM分群分别有多少用户？",
        "Ask me a question after the mention, e.g. “Average order value by gender”.")
FAILED = ("抱歉，这个问题没有答出来，请稍后再试或换个问法。",
          "Sorry, something went wrong while answering; please try again or rephrase.")
BUSY = ("现在提问的人比较多，请稍后再问一次。", "I'm answering many questions right now; please ask again in a minute.")
TEXT_ONLY = ("我目前只能读文字消息，请用文字提问。", "I can only read text messages; please type your question.")


def clean_question(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION]


@dataclass
class Answerer:
    ask: AskFn
    publish: PublishFn | None
    workers: Workers

    def reply(self, chat_key: str, question: str) -> Reply:
        answer = self.answer(chat_key, question)
        return build_reply(answer, self.links(answer))

    def answer(self, chat_key: str, question: str) -> dict[str, Any]:
        if not question:
            return notice(*HELP)
        try:
            answer = self.ask(chat_key, question)
            if not isinstance(answer, dict):
                raise TypeError(f"ask returned {type(answer).__name__}, not the answer JSON")
            return answer
        except Exception:
            # The group sees a short apology; the details go to the server log only.
            logger.exception("bot ask failed for chat %s", chat_key)
            return notice(*FAILED, question=question, error=True)

    def links(self, answer: dict[str, Any]) -> list[tuple[str, str]]:
        if self.publish is None or answer.get("error") or not (answer.get("tables") or answer.get("charts")):
            return []
        try:
            links = self.publish(answer) or []
        except Exception:
            logger.exception("bot publish failed")
            return []
        return [(str(label), str(url)) for label, url in links if str(url).startswith(("https://", "http://"))]

    def in_background(self, job: Any, on_busy: Any) -> BackgroundTask | None:
        """Queue `job`; when the pool is full, run `on_busy` (a short notice) after the response
        is sent instead, so the platform still gets its quick acknowledgement."""
        if self.workers.submit(job):
            return None
        logger.warning("bot workers busy; telling the chat to retry")
        return BackgroundTask(on_busy)
