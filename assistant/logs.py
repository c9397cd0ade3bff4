"""Log records are masked like answers: a question, an error message or a traceback that quotes a
phone number, e-mail or ID number reaches the log with it masked (tools.privacy.mask_text).

Installed once per process when the assistant package is imported, as a log-record factory, so it
covers every logger (ours, uvicorn's, Gradio's, LangChain's) and every handler an operator adds.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from tools.privacy import mask_text

_MARK = "_assistant_masks_personal_data"


def install() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string stays the logging module's problem
            return record
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted now, so the handler prints the masked text instead of formatting it again.
            record.exc_text = mask_text("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    setattr(masked_record, _MARK, True)
    logging.setLogRecordFactory(masked_record)
