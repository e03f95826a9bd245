"""The agenda's changes in words, for templates: the change notices word them as the history page does."""

from django import template

from conferences.exports.agenda import change_text as _change_text

register = template.Library()


@register.filter
def change_text(change: dict) -> str:
    """One changelog entry in words, in the language the template is rendered in."""
    return _change_text(change)
