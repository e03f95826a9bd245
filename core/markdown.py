"""Markdown typed by delegates (a paper's body), as HTML safe for pages, e-mails and PDFs.

CommonMark with tables (markdown-it-py), raw HTML off, then cleaned by nh3 against an
allowlist, whatever the parser let through. No images: a picture would be fetched from
anywhere by a mail reader or by WeasyPrint, so ``![alt](url)`` shows its alt text only
(figures come through a checked upload path). Headings start at h2 (the page owns h1) and
stop at h4. Links keep http, https and mailto targets only, and get
``rel="noopener noreferrer nofollow"``.

markdown-it-py renders about 100-200k characters a second (a body may hold 200k), so the
result is kept in the cache under the text's SHA-256: a list page showing bodies renders
each text once, and a hostile text costs its sender, not every reader.
"""

import functools
import hashlib

from django.core.cache import cache

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}
# Bump when the rendering changes, so cached HTML of the old rules is not served.
_CACHE_VERSION = 1
_CACHE_SECONDS = 7 * 24 * 3600


@functools.cache
def _parser():
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")

    def image_as_text(renderer, tokens, idx, options, env):
        return escapeHtml(renderer.renderInlineAsText(tokens[idx].children or [], options, env))

    parser.add_render_rule("image", image_as_text)
    return parser


def markdown_to_html(text: str) -> str:
    """Return text (Markdown) rendered as sanitised HTML; empty text gives ""."""
    if not text:
        return ""
    key = f"markdown:{_CACHE_VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = _render(text)
        cache.set(key, html, _CACHE_SECONDS)
    return html


def _render(text: str) -> str:
    import nh3

    parser = _parser()
    env: dict = {}
    tokens = parser.parse(text, env)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = _HEADINGS.get(token.tag, token.tag)
    html = parser.renderer.render(tokens, parser.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        url_relative="deny",
        strip_comments=True,
    )
