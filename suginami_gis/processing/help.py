"""Help text from resources/help/<lang>/<algorithm>.md, shown as simple HTML in the Processing dialog."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

HELP_DIR = Path(__file__).resolve().parents[1] / "resources" / "help"
# The user-guide pages the help names, as HTML (scripts/bundle_guide.py, run by scripts/package.sh).
GUIDE_DIR = HELP_DIR / "guide"
METADATA = Path(__file__).resolve().parents[1] / "metadata.txt"


@lru_cache(maxsize=1)
def docs_url() -> str:
    """Where the repository's docs/ folder is online (the zip holds the plugin, not docs/)."""
    for line in METADATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("repository="):
            return line.split("=", 1)[1].strip().rstrip("/") + "/blob/main/docs/"
    return ""


def guide_url(page: str) -> str | None:
    """The bundled guide page for docs/<page> (a file URL), else the page online, else None.

    A folder (docs/methods) stands for the guide's index of its pages, methods/index.html.
    """
    name = page[: -len(".md")] if page.endswith(".md") else page.rstrip("/") + "/index"
    local = GUIDE_DIR / f"{name}.html"
    if local.is_file():
        return local.as_uri()
    return f"{docs_url()}{page}" if docs_url() else None


def _guide_link(match: re.Match[str]) -> str:
    url = guide_url(match.group(1))
    return f'<a href="{url}">docs/{match.group(1)}</a>' if url else match.group(0)


def _inline(text: str, labels: dict[str, str] | None = None) -> str:
    """Code, bold and italic spans; a parameter id in code is shown as its on-screen label, id beside it."""
    text = html.escape(text, quote=False)
    labels = labels or {}

    def code(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in labels:
            return f"<b>{html.escape(labels[key], quote=False)}</b> <small><code>{key}</code></small>"
        return f"<code>{key}</code>"

    text = re.sub(r"`([^`]+)`", code, text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"\bdocs/([\w/.-]*\w)", _guide_link, text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<i>\1</i>", text)
    return text


def markdown_to_html(markdown: str, labels: dict[str, str] | None = None, title: bool = True) -> str:
    """The small Markdown subset the help files use: headings, paragraphs, bullet lists, code, emphasis.

    ``labels`` maps parameter ids to their on-screen labels; without ``title`` the first heading
    is left out (the Processing dialog already shows the algorithm's name above the help).
    """
    out: list[str] = []
    skip_title = not title
    in_list = False
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            out.append("<p>" + _inline(" ".join(paragraph), labels) + "</p>")
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.startswith("#") and skip_title:
            skip_title = False
        elif line.startswith("#"):
            flush_paragraph()
            if in_list:
                out.append("</ul>")
                in_list = False
            level = min(len(line) - len(line.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{_inline(line.lstrip('#').strip(), labels)}</h{level}>")
        elif line.lstrip().startswith(("- ", "* ")):
            flush_paragraph()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append("<li>" + _inline(line.lstrip()[2:], labels) + "</li>")
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
def help_html(algorithm: str, language: str, labels: tuple[tuple[str, str], ...] = (), title: bool = True) -> str:
    """resources/help/<language>/<algorithm>.md (English when missing) as HTML; see markdown_to_html."""
    for lang in (language, "en"):
        path = HELP_DIR / lang / f"{algorithm}.md"
        if path.exists():
            return markdown_to_html(path.read_text(encoding="utf-8"), dict(labels), title)
    return ""
