"""The offline router's parse of a question, offered to the model as a hint (issue 6, item 5).

For each question: if the conversation has a previous route and the question reads as a follow-up
("那上个月呢", "只看女性", "why?"), `resolve_followup` applies the change to it; otherwise `route`
parses the question afresh; then `clarify` says whether the parse is ambiguous. The follow-up and
clarification modules are optional imports, so the agent keeps working without them.

The hint names only tools, arguments and the matched phrases, never the question's other words,
and is masked like every answer (phones, e-mails, ID numbers) before the model sees it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.router import Route, route
from tools.privacy import mask_text

log = logging.getLogger("assistant.agent")

HEAD = "Router suggestion for the latest question (rule-based parse; use it if it fits, you may choose differently):"
MATCHED_LIMIT = 6  # matched phrases shown; enough to see why, short enough to stay cheap


@dataclass
class RouterHint:
    """What the router made of one question."""

    route: Route | None
    followup: bool = False
    previous: Route | None = None
    clarification: Any | None = None  # assistant.router.clarify.Clarification

    def text(self) -> str:
        """The system-prompt addendum the model sees for this question."""
        head = HEAD
        if self.route is None:
            lines = [f"{head} none: no vetted tool matched. If the question is unclear, ask; do not guess."]
        else:
            lines = [head, _call_text(self.route)]
        if self.followup and self.route is not None and self.previous is not None:
            lines.append(
                "It reads as a follow-up: the previous question used "
                f"{_call_text(self.previous, matched=False)}; the suggestion applies the change to it."
            )
        if self.clarification is not None:
            lines.append(_clarification_text(self.clarification))
        return mask_text("\n".join(lines))


def _args_json(args: dict[str, Any]) -> str:
    return json.dumps(args, ensure_ascii=False, default=str, sort_keys=True)


def _call_text(routed: Route, matched: bool = True) -> str:
    text = f"tool={routed.tool} args={_args_json(routed.args)}"
    if matched and routed.matched:
        text += " (matched: " + "; ".join(str(m) for m in routed.matched[:MATCHED_LIMIT]) + ")"
    return text


def _clarification_text(clarification: Any) -> str:
    options = getattr(clarification, "options", None) or []
    listed = " | ".join(f"{getattr(o, 'label', '')} -> \"{getattr(o, 'question', '')}\"" for o in options)
    reason = getattr(clarification, "reason", "") or "several readings give different answers"
    return (
        f"Clarification needed ({reason}). Unless the conversation already settles it, do not call a tool: "
        f"reply with this one short question and its options, in the person's language: "
        f"\"{getattr(clarification, 'question', '')}\" Options: {listed}"
    )


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A router function written in a sibling module, or None while it does not exist."""
    try:
        imported = __import__(f"assistant.router.{module}", fromlist=[name])
    except ImportError:
        return None
    return getattr(imported, name, None)


def _route(question: str, vocabulary: Any) -> Route | None:
    if vocabulary is None:
        return route(question)
    try:
        return route(question, vocabulary)  # type: ignore[call-arg]  # optional second argument
    except TypeError:  # a router without vocabulary support
        return route(question)


def _resolve(resolve: Callable[..., Any], question: str, previous: Route, vocabulary: Any, anchor: Any) -> Any:
    if anchor is None:
        return resolve(question, previous, vocabulary)
    try:  # `anchor` (the data's last order date) lets "上上个月" move the previous window
        return resolve(question, previous, vocabulary, anchor=anchor)
    except TypeError:
        return resolve(question, previous, vocabulary)


def router_hint(question: str, previous: Route | None = None, vocabulary: Any = None, anchor: Any = None) -> RouterHint:
    """The router's parse of `question`, given the conversation's previous route (never raises)."""
    routed: Route | None = None
    followup = False
    resolve = _optional("followup", "resolve_followup") if previous is not None else None
    try:
        if resolve is not None:
            routed = _resolve(resolve, question, previous, vocabulary, anchor)
            followup = routed is not None
        if routed is None:
            routed = _route(question, vocabulary)
    except Exception as error:  # a hint is optional: never fail the question over it
        log.debug("router hint failed: %s", error)
        return RouterHint(None)
    clarification = None
    ask = _optional("clarify", "clarify")
    if ask is not None:
        try:
            clarification = ask(question, routed)
        except Exception as error:
            log.debug("clarification check failed: %s", error)
    return RouterHint(routed, followup, previous if followup else None, clarification)
