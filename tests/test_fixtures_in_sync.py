"""Vendored copies of shared material must match the originals wherever those are present."""

from __future__ import annotations

import pytest

from tests.conftest import DEV_QUESTIONS, SHARED_DEV_QUESTIONS


def test_dev_questions_copy_matches_shared() -> None:
    if not SHARED_DEV_QUESTIONS.exists():
        pytest.skip("../shared is not checked out beside this repository")
    assert DEV_QUESTIONS.read_text(encoding="utf-8") == SHARED_DEV_QUESTIONS.read_text(encoding="utf-8")
