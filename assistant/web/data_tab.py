"""The data tab: upload an export, review and correct the mapping, import it, switch datasets."""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from assistant.ingest.workspace import dataset_slug, import_dataset, plan_import, rejected_rows_path
from assistant.web.auth import admin_refusal, is_admin
from assistant.web.chat import TABLE_HINT, switched_session
from assistant.web.context import ContextCache, path_key
from assistant.web.downloads import DownloadLink, download_url
from assistant.web.i18n import t
from assistant.web.import_view import HEADERS, corrections_frame, overrides_from, result_markdown
from assistant.web.render import escape_md
from tools.result import ToolError

log = logging.getLogger("assistant.web")
FILE_TYPES = [".csv", ".tsv", ".txt", ".xlsx", ".parquet"]


def upload_folder() -> Path:
    return Path(get_upload_folder()).resolve()


def _paths(files: Any) -> list[Path]:
    """The uploaded files' paths, each checked to lie inside Gradio's upload folder: an API caller
    can send a FileData naming any path on the server (/etc/passwd, another dataset), and only what
    a person uploaded may be previewed or imported."""
    items = files if isinstance(files, list) else [files] if files else []
    out, uploads = [], upload_folder()
    for item in items:
        path = item.get("path") if isinstance(item, dict) else getattr(item, "name", item)
        if not path:
            continue
        resolved = Path(str(path)).resolve()
        if not resolved.is_relative_to(uploads) or not resolved.is_file():
            log.warning("refused a file input outside the upload folder")
            raise ToolError("not_an_upload", "Only files uploaded in this page can be previewed or imported.",
                            "只能预览或导入在本页面上传的文件。")
        out.append(resolved)
    return out


@contextmanager
def _staged(files: Any) -> Iterator[Path]:
    """One upload is imported as it is; several are copied into one private folder (one table
    each), removed afterwards: the copies hold customers' data."""
    paths = _paths(files)
    if not paths:
        raise ToolError("no_files", "Please upload a file first.", "请先上传文件。")
    if len(paths) == 1:
        yield paths[0]
        return
    folder = Path(tempfile.mkdtemp(prefix="assistant-upload-"))  # mode 0700
    try:
        for path in paths:
            target = folder / path.name
            if target.exists():
                target = folder / f"{path.stem}_{uuid.uuid4().hex[:6]}{path.suffix}"
            shutil.copyfile(path, target)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _discard_uploads(files: Any) -> None:
    """After an import the uploaded originals are no longer needed: they hold raw personal data."""
    for path in _paths(files):
        path.unlink(missing_ok=True)


def dataset_name(name: str | None, files: Any) -> str:
    """A safe dataset name (it becomes a file name): the one typed, else the first file's stem."""
    paths = _paths(files)
    text = (name or "").strip() or (paths[0].stem if paths else "")
    return dataset_slug(text) if text else "dataset"  # masked: a file named after a phone number


def _rejected_link(request: Any, path: Path) -> str | None:
    """The rejected rows as a link for the admin who imported (personal cells are masked in the
    report, so it is not a one-off contact file)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return download_url(request, data, path.name)


def _failure(error: Exception, lang: str) -> str:
    if isinstance(error, ToolError):
        return t("import_failed", lang) + escape_md(error.message(lang))
    log.exception("import failed", exc_info=error)
    return t("import_failed", lang) + t("error_friendly", lang)


def _corrected(source: Path, corrections: Any) -> dict[str, dict[str, str | None]] | None:
    if corrections is None:
        return None
    proposed = plan_import(source)[3]
    return overrides_from(corrections, proposed) or None


def preview(files: Any, name: str, corrections: Any, lang: str) -> tuple[str, Any]:
    """Dry run: the mapping and report as Markdown, and the corrections table."""
    lang = lang or "zh"
    try:
        with _staged(files) as source:
            result = import_dataset(source, dataset_name(name, files), dry_run=True,
                                    overrides=_corrected(source, corrections))
    except Exception as error:  # noqa: BLE001 - every failure becomes a sentence, never a trace
        return _failure(error, lang), gr.skip()
    return result_markdown(result, lang, "ℹ️ " + t("dry_run", lang)), corrections_frame(result.mappings, lang)


def build_data_tab(cache: ContextCache, lang_state: gr.State, active: gr.State, picker: gr.Dropdown,
                   chat: dict[str, Any], labels: list) -> dict[str, Any]:
    files = gr.File(label=t("upload", "zh"), file_count="multiple", file_types=FILE_TYPES, type="filepath",
                    elem_id="import-files")
    with gr.Row():
        name = gr.Textbox(label=t("dataset_name", "zh"), elem_id="import-name", scale=3)
        preview_btn = gr.Button(t("preview", "zh"), scale=1, elem_id="import-preview")
        import_btn = gr.Button(t("do_import", "zh"), variant="primary", scale=1, elem_id="import-commit")
    report = gr.Markdown(elem_id="import-report")
    fixes = gr.Dataframe(headers=HEADERS, label=t("corrections", "zh"), interactive=True, static_columns=[0, 1, 2],
                         elem_id="import-fixes")
    with gr.Row():
        fix_btn = gr.Button(t("apply_fix", "zh"), size="sm", elem_id="import-apply", scale=0, min_width=200)
        rejected = DownloadLink(t("rejected_csv", "zh"), value=None, interactive=False, size="sm", scale=0,
                                     min_width=200, elem_id="import-rejected")
    labels += [(files, "label", "upload"), (name, "label", "dataset_name"), (preview_btn, "value", "preview"),
               (import_btn, "value", "do_import"), (fixes, "label", "corrections"), (fix_btn, "value", "apply_fix"),
               (rejected, "label", "rejected_csv")]
    session_outputs = [active, chat["session"], chat["chatbot"], chat["table"], chat["download"]]

    def switch_outputs(key: str, lang: str) -> list[Any]:
        session = switched_session(cache, key, lang)
        return [key, session, session.history, TABLE_HINT, gr.DownloadButton(value=None, interactive=False)]

    def on_files(uploaded: Any) -> tuple[str, Any]:
        """New files: a name from the first file, and no stale corrections from the last preview."""
        try:
            suggested = dataset_name(None, uploaded) if _paths(uploaded) else ""
        except ToolError:
            suggested = ""
        return suggested, corrections_frame([], "zh")

    def on_preview(uploaded: Any, text: str, lang: str) -> tuple[str, Any]:
        return preview(uploaded, text, None, lang)

    def on_import(uploaded: Any, text: str, corrections: Any, lang: str, key: str | None,
                  request: gr.Request) -> list[Any]:
        lang, nothing = lang or "zh", [gr.skip()] * len(session_outputs)
        if not is_admin(request):  # importing writes to the shared workspace: an admin action
            return [admin_refusal(lang), gr.skip(), gr.skip(), *nothing]
        try:
            dataset = dataset_name(text, uploaded)
            with _staged(uploaded) as source:
                result = import_dataset(source, dataset, overrides=_corrected(source, corrections))
            _discard_uploads(uploaded)
            new_key = path_key(result.dataset.path)
            if not result.reused:
                cache.forget(new_key)
            cache.get(new_key)
        except Exception as error:  # noqa: BLE001
            still = t("still_on", lang, name=escape_md(cache.name_of(key)))
            return [f"{_failure(error, lang)}\n\n{still}", gr.skip(), gr.skip(), *nothing]
        head = t("imported", lang, name=escape_md(dataset)) + ("  \n" + t("reused", lang) if result.reused else "")
        path = _rejected_link(request, rejected_rows_path(dataset))
        download = gr.DownloadButton(value=path, interactive=path is not None)
        picker_update = gr.Dropdown(choices=list(cache.datasets()), value=cache.name_of(new_key))
        return [result_markdown(result, lang, head), download, picker_update, *switch_outputs(new_key, lang)]

    def on_pick(chosen: str, lang: str, key: str | None) -> list[Any]:
        lang, known = lang or "zh", cache.datasets()
        if chosen not in known:
            return [t("dataset_unknown", lang, name=escape_md(chosen)), *[gr.skip()] * len(session_outputs)]
        if known[chosen] == (key or cache.default_key):
            return [gr.skip()] * (1 + len(session_outputs))
        try:
            return ["", *switch_outputs(known[chosen], lang)]
        except Exception as error:  # noqa: BLE001
            return [_failure(error, lang), *[gr.skip()] * len(session_outputs)]

    files.change(on_files, files, [name, fixes], api_name=False)
    preview_btn.click(on_preview, [files, name, lang_state], [report, fixes], api_name="preview_import")
    fix_btn.click(preview, [files, name, fixes, lang_state], [report, fixes], api_name="preview_corrected")
    imported = import_btn.click(on_import, [files, name, fixes, lang_state, active],
                                [report, rejected, picker, *session_outputs], api_name="import_data")
    picked = picker.input(on_pick, [picker, lang_state, active], [report, *session_outputs], api_name="set_dataset")
    return {"imported": imported, "picked": picked}


def refresh_choices(cache: ContextCache, key: str | None, lang: str) -> Any:
    return gr.Dropdown(choices=list(cache.datasets()), value=cache.name_of(key), label=t("active_dataset", lang))
