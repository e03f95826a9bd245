"""Render a notice in its recipient's language from templates/email/<kind>/."""

from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def render_notice(*, kind: str, context: dict, language: str) -> RenderedMessage:
    with translation.override(language):
        subject = get_template(f"email/{kind}/subject.txt").render(context)
        text = get_template(f"email/{kind}/body.txt").render(context)
        try:
            html = get_template(f"email/{kind}/body.html").render(context)
        except TemplateDoesNotExist:
            html = ""
    # A subject is one line: a newline in it would break the mail header.
    return RenderedMessage(subject=" ".join(subject.split())[:500], text=text.strip() + "\n", html=html)
