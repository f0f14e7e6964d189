"""Storefront template filters."""

from django import template

from kedai.catalog.richtext import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an owner-written Markdown description (raw HTML escaped)."""
    return render_markdown(text or "")


@register.filter
def ancestors(nav, category_id):
    """Breadcrumb trail of a category (root first); empty if hidden."""
    return nav.ancestors(category_id) if category_id in nav.categories else []


@register.filter
def category_node(nav, category_id):
    return nav.categories.get(category_id)


@register.filter
def json_script_value(value):
    """A string as a JavaScript literal that is safe inside <script>."""
    import json

    from django.utils.safestring import mark_safe

    escaped = (json.dumps(str(value)).replace("<", "\\u003c")
               .replace(">", "\\u003e").replace("&", "\\u0026"))
    return mark_safe(escaped)  # noqa: S308 - JSON with <, >, & escaped
