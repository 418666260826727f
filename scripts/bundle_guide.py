"""Write the user-guide pages the help links to as HTML into suginami_gis/resources/help/guide/.

The help text names pages such as docs/scenario.md; the plugin zip holds the plugin, not docs/, so
scripts/package.sh runs this and adds the pages (and the pictures they show) to the zip. The help
then links to the bundled page (processing/help.py), and online only when it is absent. Run from
the repository: ``.venv/bin/python scripts/bundle_guide.py [destination]``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from suginami_gis.processing import help as plugin_help  # noqa: E402
from suginami_gis.processing.help import GUIDE_DIR, HELP_DIR, _inline, docs_url, markdown_to_html  # noqa: E402

DOCS = REPO / "docs"
# Always bundled: the user guide itself (the help index links to it).
ALWAYS = ("user-guide.md",)
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;line-height:1.45}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px}pre{background:#f4f4f4;padding:6px}"
)


def linked_pages() -> list[str]:
    """Pages under docs/ named in the help files (a folder stands for its pages), plus ALWAYS."""
    pages = set(ALWAYS)
    for help_file in HELP_DIR.glob("*/*.md"):
        for ref in re.findall(r"\bdocs/([\w/.-]*\w/?)", help_file.read_text(encoding="utf-8")):
            target = DOCS / ref
            if target.is_dir():
                pages.update(str(p.relative_to(DOCS)) for p in sorted(target.glob("*.md")))
            elif target.suffix == ".md" and target.exists():
                pages.add(ref)
    return sorted(pages)


def _table(lines: list[str]) -> str:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    rows = [row for row in rows if not all(re.fullmatch(r":?-{3,}:?", cell) for cell in row if cell)]
    out = ["<table>"]
    for k, row in enumerate(rows):
        tag = "th" if k == 0 else "td"
        out.append("<tr>" + "".join(f"<{tag}>{_inline(cell)}</{tag}>" for cell in row) + "</tr>")
    return "\n".join([*out, "</table>"])


def page_html(markdown: str) -> str:
    """Headings, paragraphs and lists (help.markdown_to_html), tables, code blocks and links."""
    blocks: list[str] = []
    text: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```") or line.lstrip().startswith("|"):
            blocks.append(markdown_to_html("\n".join(text)))
            text = []
            if line.startswith("```"):
                end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), len(lines))
                blocks.append("<pre>" + html.escape("\n".join(lines[i + 1 : end])) + "</pre>")
                i = end + 1
            else:
                end = next((j for j in range(i, len(lines)) if not lines[j].lstrip().startswith("|")), len(lines))
                blocks.append(_table(lines[i:end]))
                i = end
            continue
        text.append(line)
        i += 1
    blocks.append(markdown_to_html("\n".join(text)))
    return "\n".join(b for b in blocks if b)


def _links(body: str, page: str, pages: list[str], pictures: set[str]) -> str:
    """Markdown links: to bundled pages as .html, pictures kept beside the page, others online."""
    folder = (DOCS / page).parent

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), html.unescape(match.group(2))
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return f'<a href="{html.escape(target)}">{label}</a>'
        path, _, anchor = target.partition("#")
        resolved = (folder / path).resolve()
        relative = resolved.relative_to(REPO) if resolved.is_relative_to(REPO) else None
        docs_relative = str(resolved.relative_to(DOCS)) if resolved.is_relative_to(DOCS) else None
        if docs_relative in pages:
            href = path[: -len(".md")] + ".html" + (f"#{anchor}" if anchor else "")
        elif resolved.suffix.lower() in (".png", ".jpg", ".svg") and docs_relative and resolved.exists():
            pictures.add(docs_relative)
            return f'<img src="{html.escape(path)}" alt="{label}" style="max-width:100%">'
        else:
            base = docs_url().rsplit("/docs/", 1)[0]
            href = f"{base}/{relative}" if relative and base else target
        return f'<a href="{html.escape(href)}">{label}</a>'

    def online(match: re.Match[str]) -> str:
        """A docs/ name in the text links online (help._inline): to the bundled page when there is one."""
        target = match.group(1)
        if target in pages:
            return 'href="' + os.path.relpath(DOCS / target, folder)[: -len(".md")] + '.html"'
        return match.group(0)

    body = re.sub(r"!\[([^\]]*)\]\(([^)\s]+)\)", lambda m: LINK.sub(link, f"[{m.group(1)}]({m.group(2)})"), body)
    body = LINK.sub(link, body)
    return re.sub('href="' + re.escape(docs_url()) + '([^"#]+)"', online, body) if docs_url() else body


def _write(target: Path, title: str, body: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )
    return target


def bundle(destination: Path = GUIDE_DIR) -> list[Path]:
    """Write every linked page (and its pictures) under ``destination``; returns the files written.

    A docs/ name inside a page becomes a relative link (``_links``), never one to this machine's
    files: while the pages are written, help.guide_url sees no bundled guide.
    """
    saved = plugin_help.GUIDE_DIR
    plugin_help.GUIDE_DIR = destination.with_name(destination.name + ".absent")
    try:
        return _bundle(destination)
    finally:
        plugin_help.GUIDE_DIR = saved


def _bundle(destination: Path) -> list[Path]:
    if destination.exists():
        shutil.rmtree(destination)
    building = destination.with_name(destination.name + ".tmp")
    shutil.rmtree(building, ignore_errors=True)
    pages = linked_pages()
    pictures: set[str] = set()
    written = []
    folders: dict[str, list[tuple[str, str]]] = {}
    for page in pages:
        source = DOCS / page
        body = _links(page_html(source.read_text(encoding="utf-8")), page, pages, pictures)
        title = source.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        name = page[: -len(".md")] + ".html"
        written.append(_write(building / name, title, body))
        if "/" in page:
            folder, _, leaf = name.rpartition("/")
            folders.setdefault(folder, []).append((leaf, title))
    for folder, entries in folders.items():  # docs/<folder>/ in the help: a list of its pages
        items = "".join(f'<li><a href="{leaf}">{html.escape(title)}</a></li>' for leaf, title in entries)
        written.append(_write(building / folder / "index.html", folder, f"<h1>{folder}</h1>\n<ul>{items}</ul>"))
    for picture in sorted(pictures):
        target = building / picture
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(DOCS / picture, target)
        written.append(target)
    building.rename(destination)
    return [destination / path.relative_to(building) for path in written]


if __name__ == "__main__":
    files = bundle(Path(sys.argv[1]) if len(sys.argv) > 1 else GUIDE_DIR)
    print(f"{len(files)} guide files")
