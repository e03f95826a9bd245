"""Tags of the organizers' long lists: column headers that sort, keeping the list's filters in the URL."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def sort_query(query, key: str, current: str) -> str:
    """The query string that sorts by `key`: ascending first, then the other way; back to page 1."""
    params = query.copy()
    params["sort"] = f"-{key}" if current == key else key
    params.pop("page", None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, cell_class: str = "") -> str:
    """A `<th>` whose link sorts the list by this column, with aria-sort on the sorted one.

    The view puts the sort in force into the context as `sort` ("name" or "-name").
    """
    current = context.get("sort") or ""
    query = sort_query(context["request"].GET, key, current)
    if current == key:
        aria, arrow, state = "ascending", "▲", _("sorted ascending")
    elif current == f"-{key}":
        aria, arrow, state = "descending", "▼", _("sorted descending")
    else:
        aria, arrow, state = "", "", ""
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}{}{}</a></th>',
        format_html(' class="{}"', cell_class) if cell_class else "",
        format_html(' aria-sort="{}"', aria) if aria else "",
        query,
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
        format_html(' <span class="visually-hidden">({})</span>', state) if state else "",
    )
