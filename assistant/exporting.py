"""Turning a tool's file request into a file in the workspace's exports folder.

Personal columns reach the file only when the tool asked for them *and* the person explicitly
allowed it; otherwise they are left out (a masked phone number is no use in a campaign file)."""

from __future__ import annotations

from pathlib import Path

from assistant.answer import ExportedFile
from assistant.config import workspace
from tools.exports import write_table
from tools.privacy import is_personal_column, mask_frame
from tools.result import FileRequest, ToolResult


def exports_folder() -> Path:
    return workspace() / "exports"


def personal_data_note(file: ExportedFile, requested: bool, language: str) -> str:
    """One sentence saying what the person gets, since the tool cannot know the gate's decision."""
    if file.personal_data:
        return ("文件包含手机号、昵称等个人信息，请按公司隐私规定保管，用完删除。" if language == "zh" else
                "The file includes phone numbers and nicknames: handle it under your privacy policy and "
                "delete it after use.")
    if requested:
        return ("文件未包含手机号等个人信息：只有在应用中勾选“包含个人信息”或在命令行加 --include-personal 时才会导出。"
                if language == "zh" else
                "The file leaves out phone numbers and other personal data: they are exported only when you tick "
                "'include personal data' in the app or pass --include-personal on the command line.")
    return ("文件不含手机号等个人信息。" if language == "zh" else
            "The file has no phone numbers or other personal data.")


def write_export(result: ToolResult, request: FileRequest, allow_personal: bool) -> ExportedFile:
    frame = result.table(request.table)
    personal = request.personal and allow_personal
    if not personal:
        frame = mask_frame(frame.drop(columns=[c for c in frame.columns if is_personal_column(c)]))
    # A distinct name for files with contact details, so one never overwrites (or is served as) the other.
    stem = f"{request.stem}_contacts" if personal else request.stem
    path = write_table(frame, exports_folder(), stem, request.format)
    return ExportedFile(path.name, str(path), request.format, len(frame), personal)
