"""Theme and CSS (in Gradio 6 they go to launch())."""

from __future__ import annotations

import gradio as gr


def theme() -> gr.themes.Base:
    return gr.themes.Soft(
        primary_hue="orange",
        secondary_hue="blue",
        neutral_hue="slate",
        font=["Noto Sans CJK SC", "PingFang SC",
              "Microsoft YaHei", "ui-sans-serif", "system-ui", "sans-serif"],
    )


CSS = """
.gradio-container { max-width: 1320px !important; width: 100% !important; margin: 0 auto !important; }
.gradio-container main, .gradio-container .contain { width: 100% !important; }
#app-header h1 { margin-bottom: 0.1em; font-size: 1.7em; }
#app-header p { color: var(--body-text-color-subdued); margin-top: 0.2em; }
.mode-banner { border-radius: 10px; padding: 8px 14px; font-size: 0.92em; font-weight: 500; }
.mode-offline { background: #fff7ed; border: 1px solid #fdba74; color: #9a3412; }
.mode-llm { background: #ecfdf5; border: 1px solid #6ee7b7; color: #065f46; }
#lang-switch { justify-content: flex-end; }
#lang-switch .wrap { justify-content: flex-end; }
.kpi-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 14px; }
.kpi-card { border: 1px solid var(--border-color-primary); border-radius: 14px; padding: 14px 16px;
            background: var(--background-fill-primary); box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.kpi-label { font-size: .9em; color: var(--body-text-color-subdued); }
.kpi-value { font-size: 1.75em; font-weight: 700; margin: 4px 0; }
.kpi-delta { font-size: .92em; }
.kpi-up { color: #16a34a; font-weight: 600; }
.kpi-down { color: #dc2626; font-weight: 600; }
.kpi-flat, .kpi-note { color: var(--body-text-color-subdued); font-size: .85em; }
#data-panel { font-size: .9em; }
#chatbot .message { font-size: 0.97em; }
"""
