"""UI text in Chinese and English. Answers already follow the question's language; these are labels."""

from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "title": ("直播电商客户分析助手", "Live-commerce Customer Analytics"),
    "subtitle": (
        "用中文或英文提问：客户分群、销售指标、运营策略。每个答案都来自经过审核的分析工具，并注明所用的 SQL。",
        "Ask in Chinese or English about segments, sales metrics and strategy. Every answer comes from a "
        "vetted analysis tool and shows the SQL behind it.",
    ),
    "offline": ("离线模式（未配置大模型）/ Offline mode (no LLM configured)",
                "离线模式（未配置大模型）/ Offline mode (no LLM configured)"),
    "llm_on": ("大模型已连接：由模型选择分析工具", "LLM connected: the model picks the analysis tools"),
    "language": ("界面语言", "Language"),
    "tab_chat": ("💬 对话", "💬 Chat"),
    "tab_overview": ("📊 经营概览", "📊 Overview"),
    "tab_sql": ("🧮 SQL 工作台", "🧮 SQL workbench"),
    "tab_segments": ("👥 客户分群", "👥 Segments"),
    "chatbot": ("对话", "Conversation"),
    "question": ("你的问题", "Your question"),
    "placeholder": ("例如：各个RFM分群分别有多少用户？", "e.g. How many customers are in each RFM segment?"),
    "send": ("发送", "Send"),
    "clear": ("新对话", "New chat"),
    "examples": ("试试这些问题（点击即可提问）", "Try these (click to ask)"),
    "download_csv": ("下载最近答案的表格（CSV）", "Download the last answer's table (CSV)"),
    "answer_table": ("最近答案的表格（点击表头排序）", "Last answer's table (click a header to sort)"),
    "table_beside": ("数据表格在右侧，可排序、可下载 CSV。",
                     "The table is on the right: sortable, with a CSV download."),
    "tables_beside": ("{n} 张数据表格在右侧：在表格上方选择要看的一张，可排序、可下载 CSV。",
                      "{n} tables are on the right: pick one above the table; sortable, with a CSV download."),
    "pick_table": ("这个答案的表格", "This answer's tables"),
    "rows_short": ("行", "rows"),
    "data_panel": ("📁 当前数据", "📁 Dataset"),
    "window": ("时间范围", "Window"),
    "refresh": ("刷新", "Refresh"),
    "sql_editor": ("SQL（只读 SELECT）", "SQL (read-only SELECT)"),
    "run": ("运行", "Run"),
    "result": ("查询结果", "Result"),
    "chart": ("图表", "Chart"),
    "download": ("下载 CSV", "Download CSV"),
    "scheme": ("分群模型", "Scheme"),
    "segment_table": ("各分群概况", "Segments"),
    "pick_segment": ("选择一个分群", "Pick a segment"),
    "segment_customers": ("该分群的客户（按消费金额排序）", "Customers in this segment (by spend)"),
    "download_segment": ("下载该分群客户名单（CSV）", "Download this segment's customers (CSV)"),
    "campaign_export": ("导出营销名单", "Export a campaign list"),
    "export_format": ("文件格式", "File format"),
    "export_holdout": ("对照组比例（不触达，用于衡量效果）", "Control share (not contacted, to measure the effect)"),
    "export_personal": ("包含手机号、昵称等个人信息（仅限授权的营销用途）",
                        "Include phone numbers and nicknames (authorised campaigns only)"),
    "export_file": ("营销名单文件", "Campaign file"),
    "download_needs_session": ("含联系方式的文件只能由导出它的浏览器（或登录用户）下载一次：请在浏览器中导出，"
                               "或在命令行使用 --include-personal。",
                               "A file with contact details downloads once, to the browser (or logged-in user) "
                               "that exported it: export it from the browser, or use --include-personal on the "
                               "command line."),
    "strategy": ("运营策略", "Strategy"),
    "trend": ("GMV 趋势", "GMV trend"),
    "treemap": ("RFM 分群", "RFM segments"),
    # chat content
    "args": ("参数", "Arguments"),
    "running": ("正在运行……", "Running…"),
    "recommendations": ("建议", "Recommendations"),
    "notice": ("提示", "Note"),
    "error_friendly": (
        "抱歉，处理这个请求时出错了。请换个问法或稍后再试。",
        "Sorry, something went wrong with this request. Please rephrase or try again.",
    ),
    "no_rows": ("没有数据。", "No rows."),
    "rows_shown": ("共 {total} 位客户，显示前 {shown} 位。", "{total} customers; showing the top {shown}."),
    "refused": ("⛔ 未执行：", "⛔ Not run: "),
    "sql_empty": ("请输入一条 SELECT 查询。", "Please type a SELECT query."),
    "vs_prev": ("较上一周期", "vs previous"),
    "no_compare": ("全部时间，无对比", "all time, no comparison"),
    "kpi_gmv": ("成交额 GMV", "GMV"),
    "kpi_orders": ("订单数", "Orders"),
    "kpi_buyers": ("购买客户数", "Buyers"),
    "kpi_aov": ("客单价", "Avg order value"),
    "kpi_repurchase_rate": ("复购率", "Repurchase rate"),
    "w_last_30_days": ("最近30天", "Last 30 days"),
    "w_this_month": ("本月", "This month"),
    "w_this_year": ("今年", "This year"),
    "w_all": ("全部时间", "All time"),
    "file": ("数据文件", "File"),
    "date_range": ("订单日期", "Orders from"),
    "tables": ("数据表", "Tables"),
    "to": ("至", "to"),
    "rows": ("行", "rows"),
    # data tab
    "tab_data": ("📥 数据", "📥 Data"),
    "active_dataset": ("当前数据集", "Active dataset"),
    "dataset_switched": ("已切换到数据集「{name}」，对话已重新开始。",
                         "Switched to dataset '{name}': the conversation starts afresh."),
    "dataset_unknown": ("没有名为「{name}」的数据集。", "There is no dataset named '{name}'."),
    "upload": ("上传导出文件（CSV / TSV / TXT / Excel / Parquet，可多选，每个文件一张表）",
               "Upload your export (CSV / TSV / TXT / Excel / Parquet; several files = one table each)"),
    "dataset_name": ("数据集名称", "Dataset name"),
    "preview": ("预览", "Preview"),
    "apply_fix": ("按修正重新预览", "Re-preview with corrections"),
    "do_import": ("导入并使用", "Import and use"),
    "corrections": ("列映射修正（可直接修改“列”一栏；留空表示不使用）",
                    "Mapping corrections (edit the 'column' cell; leave it empty to unmap)"),
    "rejected_csv": ("下载被拒收的行（CSV）", "Download rejected rows (CSV)"),
    "no_files": ("请先上传文件。", "Please upload a file first."),
    "kind": ("识别为", "Detected as"),
    "h_role": ("字段", "Role"), "h_column": ("列", "Column"),
    "h_confidence": ("置信度", "Confidence"), "h_reason": ("依据", "Reason"),
    "personal": ("个人信息列（不会出现在答案中）", "Personal-data columns (kept out of answers)"),
    "unused": ("未使用的列", "Unused columns"),
    "report": ("校验结果", "Validation"),
    "dry_run": ("这是预览，尚未导入。确认无误后点击“导入并使用”。",
                "This is a preview: nothing was imported yet. Click 'Import and use' when it looks right."),
    "imported": ("✅ 已导入数据集「{name}」，本页面已切换到它。",
                 "✅ Imported dataset '{name}'; this session now uses it."),
    "reused": ("该文件已导入过，沿用现有数据集。", "This file was imported before; the existing dataset is reused."),
    "import_failed": ("❌ 无法导入：", "❌ Could not import: "),
    "still_on": ("当前仍使用数据集「{name}」。", "Still using dataset '{name}'."),
    # follow-ups and clarification
    "assumptions": ("假设", "Assumptions"),
    "pick_option": ("点击一个选项，或直接换个问法。", "Click an option, or rephrase the question."),
}

WINDOWS = ("last_30_days", "this_month", "this_year", "all")


def t(key: str, lang: str, **values: object) -> str:
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def from_accept_language(header: str | None) -> str:
    """'zh-CN,zh;q=0.9,en;q=0.8' -> 'zh'; anything without a Chinese preference first -> 'en'."""
    best, best_q = "en", -1.0
    for part in (header or "").split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag:
            continue
        q = 1.0
        for extra in pieces[1:]:
            if extra.strip().startswith("q="):
                try:
                    q = float(extra.strip()[2:])
                except ValueError:
                    q = 0.0
        lang = "zh" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang and q > best_q:
            best, best_q = lang, q
    return best


def window_choices(lang: str) -> list[tuple[str, str]]:
    return [(t(f"w_{w}", lang), w) for w in WINDOWS]
