"""Product descriptions: Markdown in, safe HTML out.

Raw HTML in a description is escaped (shown as text), never passed through,
and markdown-it refuses ``javascript:`` and similar link targets.
"""

from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> SafeString:
    """Render owner-written Markdown to HTML that is safe to embed."""
    return mark_safe(_md.render(text or ""))  # noqa: S308 - html disabled above
