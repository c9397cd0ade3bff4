"""Deterministic bilingual (Chinese / English) question router: question -> one vetted tool + args.

No LLM: the question is normalised, time phrases become period tokens (tools/timewindow.py),
keywords are scored per tool, a few explicit rules settle the known ambiguities, and the
arguments found in the question are attached. `Route.matched` lists what decided it.
"""

from assistant.router.data_vocabulary import DataVocabulary
from assistant.router.language import detect_language
from assistant.router.route import Route, route

__all__ = ["DataVocabulary", "Route", "detect_language", "route"]
