"""Help text from resources/help/<lang>/<algorithm>.md, shown as simple HTML in the Processing dialog."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

HELP_DIR = Path(__file__).resolve().parents[1] / "resources" / "help"


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    return text


def markdown_to_html(markdown: str) -> str:
    """The small Markdown subset the help files use: headings, paragraphs, bullet lists, code."""
    out: list[str] = []
    in_list = False
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            out.append("<p>" + _inline(" ".join(paragraph)) + "</p>")
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.startswith("#"):
            flush_paragraph()
            if in_list:
                out.append("</ul>")
                in_list = False
            level = min(len(line) - len(line.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{_inline(line.lstrip('#').strip())}</h{level}>")
        elif line.lstrip().startswith(("- ", "* ")):
            flush_paragraph()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append("<li>" + _inline(line.lstrip()[2:]) + "</li>")
        elif not line.strip():
            flush_paragraph()
            if in_list:
                out.append("</ul>")
                in_list = False
        else:
            paragraph.append(line.strip())
    flush_paragraph()
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


@lru_cache(maxsize=64)
def help_html(algorithm: str, language: str) -> str:
    for lang in (language, "en"):
        path = HELP_DIR / lang / f"{algorithm}.md"
        if path.exists():
            return markdown_to_html(path.read_text(encoding="utf-8"))
    return ""
