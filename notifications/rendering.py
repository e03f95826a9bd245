"""Render a notice in its recipient's language from templates/email/<kind>/.

A notice written to many people differs between them only in the name it
greets them by. `notice_template` renders the templates once per language with
a placeholder for that name and puts each recipient's name in its place, which
gives the same text as rendering for each of them. That holds when the
templates only print the name, as `{{ recipient_name }}` or through
`{% blocktranslate with name=recipient_name %}`; a template that filters or
tests it is rendered for each recipient instead.
"""

import html as html_module
import re
from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

# Private-use characters no name contains; the "&" shows whether a template escapes the name.
_MARK = "\ue000"
NAME_PLACEHOLDER = f"{_MARK}recipient-name&{_MARK}"
_CHECK_PLACEHOLDER = f"{_MARK}another-recipient-name&{_MARK}"


def escape(text: str) -> str:
    """What Django's autoescape makes of a plain string (django.utils.html.escape, without its wrappers)."""
    return html_module.escape(text)


ESCAPED_NAME_PLACEHOLDER = escape(NAME_PLACEHOLDER)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


# The uses that print the name as it is (escaped or not); blocktranslate takes no filters inside.
_PLAIN_NAME_USE = re.compile(
    r"\{\{\s*recipient_name\s*\}\}"
    r"|\{%\s*blocktrans(?:late)?\s[^%]*?\bwith\b[^%]*?\b\w+=recipient_name(?=\s|%\})[^%]*%\}"
)
_OTHER_TEMPLATE = re.compile(r"\{%\s*(?:extends|include)\s+(\S+)")


def _prints_name_plainly(template_name: str, seen: set[str] | None = None) -> bool:
    """Whether the template (and those it extends or includes) uses recipient_name only to print it."""
    seen = set() if seen is None else seen
    if template_name in seen:
        return True
    seen.add(template_name)
    source = get_template(template_name).template.source
    if "recipient_name" in _PLAIN_NAME_USE.sub("", source):
        return False
    for reference in _OTHER_TEMPLATE.findall(source):
        if reference[:1] not in "\"'" or reference[-1:] != reference[:1]:
            return False  # A template chosen at run time: nothing to read.
        if not _prints_name_plainly(reference[1:-1], seen):
            return False
    return True


def _template_names(kind: str) -> list[str]:
    names = [f"email/{kind}/subject.txt", f"email/{kind}/body.txt", f"email/{kind}/body.html"]
    try:
        get_template(names[-1])
    except TemplateDoesNotExist:
        names.pop()
    return names


def _render_parts(kind: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = get_template(f"email/{kind}/subject.txt").render(context)
        text = get_template(f"email/{kind}/body.txt").render(context)
        try:
            html = get_template(f"email/{kind}/body.html").render(context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def _finish(subject: str, text: str, html: str) -> RenderedMessage:
    # A subject is one line: a newline in it would break the mail header.
    return RenderedMessage(subject=" ".join(subject.split())[:500], text=text.strip() + "\n", html=html)


def render_notice(*, kind: str, context: dict, language: str) -> RenderedMessage:
    return _finish(*_render_parts(kind, context, language))


def put_name(
    text: str, name: str, placeholder: str = NAME_PLACEHOLDER, escaped_name: str | None = None
) -> str:
    """Put a name where the placeholder is, escaped where the template escaped the placeholder."""
    escaped_placeholder = ESCAPED_NAME_PLACEHOLDER if placeholder is NAME_PLACEHOLDER else escape(placeholder)
    if escaped_name is None:
        escaped_name = escape(name)
    return text.replace(escaped_placeholder, escaped_name).replace(placeholder, name)


@dataclass(frozen=True)
class NoticeTemplate:
    """A notice rendered once for one language, with NAME_PLACEHOLDER where each recipient's name goes."""

    parts: tuple[str, str, str]  # subject, text and HTML as the templates gave them
    message: RenderedMessage  # the same, finished as a notice is (subject on one line, text stripped)

    def fill(self, name: str) -> RenderedMessage:
        escaped = escape(name)
        return _finish(*(put_name(part, name, escaped_name=escaped) for part in self.parts))


def notice_template(*, kind: str, context: dict, language: str) -> NoticeTemplate | None:
    """Render the notice once with a placeholder name, or None if the templates do more with the name.

    The templates' sources must print the name only as it is, and rendering
    again with another placeholder must give the same text with that
    placeholder in place (which also catches a context processor or a tag
    that uses the name).
    """
    if not all(_prints_name_plainly(name) for name in _template_names(kind)):
        return None
    parts = _render_parts(kind, {**context, "recipient_name": NAME_PLACEHOLDER}, language)
    check = _render_parts(kind, {**context, "recipient_name": _CHECK_PLACEHOLDER}, language)
    if any(put_name(part, _CHECK_PLACEHOLDER) != other for part, other in zip(parts, check, strict=True)):
        return None
    return NoticeTemplate(parts=parts, message=_finish(*parts))


def can_put_name(name: str) -> bool:
    """Whether a name may go in a placeholder's place: printable, on one line, with no placeholder mark."""
    return name.isprintable() and _MARK not in name
