"""The API's JSON parser: DRF's, refusing bodies nested deeper than any request of this API needs.

Python's json module recurses once per nested array or object, so a body of
100,000 "[" ends in a RecursionError (a 500) instead of a 400. No request of
this API nests deeper than a few levels: anything deeper than MAX_JSON_DEPTH
is refused, and so is a body too deep for the parser itself. (The body's size
is held to DATA_UPLOAD_MAX_MEMORY_SIZE by Django before it gets here.)
"""

import codecs

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_JSON_DEPTH = 32


def json_depth(value) -> int:
    """Return how deeply lists and dicts nest in a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node if isinstance(child, dict | list))
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser; a body nested deeper than MAX_JSON_DEPTH is a ParseError (HTTP 400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        too_deep = ParseError(
            _("The JSON body nests more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH},
            code="too_deep",
        )
        try:
            text = codecs.decode(stream.read(), encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:
            raise too_deep from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc  # DRF's own wording.
        if json_depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        return data
