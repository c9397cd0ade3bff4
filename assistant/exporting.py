"""Turning a tool's file request into a file in the workspace's exports folder.

Contact details reach a file only when the tool asked for them *and* the person explicitly allowed
it; they are then read from the dataset's contact store (tools.sealing.read_contacts), the one
place raw personal values are read. Otherwise personal columns are left out (a masked phone
number is no use in a campaign file). Every file is written owner-only (0600)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assistant.answer import ExportedFile
from assistant.config import workspace
from tools.exports import write_table
from tools.privacy import is_personal_column, mask_frame
from tools.result import FileRequest, ToolResult
from tools.sealing import private_file, read_contacts


def exports_folder() -> Path:
    folder = workspace() / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def personal_data_note(file: ExportedFile, requested: bool, language: str) -> str:
    """One sentence saying what the person gets, since the tool cannot know the gate's decision."""
    if file.personal_data:
        return ("文件包含手机号、昵称等个人信息，请按公司隐私规定保管，用完删除。" if language == "zh" else
                "The file includes phone numbers and nicknames: handle it under your privacy policy and "
                "delete it after use.")
    if requested:
        return ("文件未包含手机号等个人信息：只有管理员在“客户分群”页勾选“包含个人信息”，"
                "或在命令行加 --include-personal 时才会导出。" if language == "zh" else
                "The file leaves out phone numbers and other personal data: they are exported only when an admin "
                "ticks 'include personal data' in the Segments tab, or with --include-personal on the command line.")
    return ("文件不含手机号等个人信息。" if language == "zh" else
            "The file has no phone numbers or other personal data.")


def _with_contacts(frame: pd.DataFrame, request: FileRequest, dataset: Path) -> pd.DataFrame:
    """The contact columns the request names, from the contact store, right after the key column."""
    if request.contact_key not in frame.columns or not request.contact_columns:
        return frame
    contacts = read_contacts(dataset, frame[request.contact_key].astype(str), tuple(request.contact_columns))
    contacts = contacts.rename(columns=request.contact_columns)
    labels = [label for label in request.contact_columns.values() if label in contacts.columns]
    keyed = frame.assign(_key=frame[request.contact_key].astype(str))
    merged = keyed.merge(contacts[["customer_id", *labels]].rename(columns={"customer_id": "_key"}),
                         on="_key", how="left").drop(columns="_key")
    order = list(frame.columns)
    at = order.index(request.contact_key) + 1
    return merged[order[:at] + labels + order[at:]]


def write_export(result: ToolResult, request: FileRequest, allow_personal: bool, dataset: Path) -> ExportedFile:
    frame = result.table(request.table)
    personal = request.personal and allow_personal
    frame = mask_frame(frame.drop(columns=[c for c in frame.columns if is_personal_column(c)]))
    if personal:
        frame = _with_contacts(frame, request, dataset)
    # Files with contact details say so in their name (and every name is unique: tools.exports).
    stem = f"{request.stem}_contacts" if personal else request.stem
    path = private_file(write_table(frame, exports_folder(), stem, request.format))
    return ExportedFile(path.name, str(path), request.format, len(frame), personal)
