"""{% load markdown %}{{ paper.body|markdown }}: a delegate's Markdown as sanitised HTML."""

from django import template
from django.utils.safestring import mark_safe

from core.markdown import markdown_to_html

register = template.Library()


@register.filter(name="markdown")
def markdown(value) -> str:
    """Render value (Markdown) as HTML; safe to mark so, since nh3 has cleaned it."""
    return mark_safe(markdown_to_html(str(value or "")))
