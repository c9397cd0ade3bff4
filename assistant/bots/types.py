"""The two callables the bots are built on: the assistant itself and the link publisher."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (chat_key, question) -> the answer JSON (the contract in assistant/answer.py). The caller keeps
# the conversation for each chat key, so follow-ups in one group build on each other.
AskFn = Callable[[str, str], dict[str, Any]]
# answer JSON -> [(label, absolute URL)], e.g. ("表格图片", "https://host/api/images/ab12.png").
PublishFn = Callable[[dict[str, Any]], list[tuple[str, str]]]
