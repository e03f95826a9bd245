"""The rows of the review's two long tables, built as HTML in Python: the ranking table and a reviewer's list.

A template loop spends a few microseconds on every variable of every cell;
with a thousand papers that was half of the ranking table's cold request.
Here every label is translated and escaped once per table, and every value
from the data goes through `html.escape`, which is what `django.utils.html.escape`
does (without its lazy-string wrapper): `& < > " '` become entities. The result
is marked safe only as a whole, after every piece in it was escaped.
"""

from html import escape

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from conferences.models import Paper, Review
from conferences.selectors.reviews import NOT_STARTED, RankingRow, ReviewerAssignmentRow


def ranking_rows_html(*, slug: str, rows: list[RankingRow]) -> SafeString:
    """The `<tr>`s of the organizers' ranking table, one line each (the checkbox names the paper)."""
    if not rows:
        return mark_safe(f'\n<tr><td colspan="10">{escape(_("No papers."))}</td></tr>')
    paper_url = escape(reverse("conferences:organizer-paper", args=[slug, 0])[: -len("0/")])
    statuses = {value: escape(str(label)) for value, label in Paper.Status.choices}
    recommendations = [(value, escape(str(label))) for value, label in Review.Recommendation.choices]
    flag = f' <strong class="flag">{escape(_("reviewers disagree"))}</strong>'
    separator = escape(get_format("DECIMAL_SEPARATOR"))
    names: dict[str, str] = {}  # agencies and topics repeat: each escaped once

    def number(value: float | None) -> str:
        # str() of a float is digits, ".", "-", "e", "inf" or "nan": nothing to escape.
        return "–" if value is None else str(float(value)).replace(".", separator)

    def name(value: str) -> str:
        escaped = names.get(value)
        if escaped is None:
            escaped = names[value] = escape(value)
        return escaped

    lines = []
    append = lines.append
    for row in rows:
        # pk, done and assigned are ints, mean and spread floats: nothing in them to escape.
        pk, title, agency, _key, topic, status, assigned, done, mean, spread, disagrees, counts = row
        title = escape(title)
        status_class = name(status) + (" disagreement" if disagrees else "")
        said = ", ".join(f"{label}: {counts[value]}" for value, label in recommendations if value in counts)
        append(
            f'\n<tr class="status-{status_class}"><td><input type="checkbox" name="ids" value="{pk}"'
            f' aria-label="{title}"></td><td>{pk}</td><td><a href="{paper_url}{pk}/">{title}</a></td>'
            f"<td>{name(agency)}</td><td>{name(topic)}</td>"
            f"<td>{statuses.get(status) or name(status)}</td><td>{done}/{assigned}</td>"
            f"<td>{number(mean)}</td><td>{number(spread)}{flag if disagrees else ''}</td>"
            f"<td>{said}</td></tr>"
        )
    return mark_safe("".join(lines))


def reviewer_rows_html(*, slug: str, rows: list[ReviewerAssignmentRow]) -> SafeString:
    """The `<tr>`s of a reviewer's list of assigned papers."""
    paper_url = escape(reverse("conferences:reviewer-paper", args=[slug, 0])[: -len("0/")])
    states = {
        Review.Status.SUBMITTED: escape(_("Submitted")),
        Review.Status.DRAFT: escape(_("Draft")),
        NOT_STARTED: escape(_("Not started")),
    }
    lines = []
    append = lines.append
    for row in rows:
        state = row.review_status
        append(
            f'\n<tr class="review-{escape(state)}"><td>{row.paper_id}</td>'
            f'<td><a href="{paper_url}{row.paper_id}/">{escape(row.title)}</a></td>'
            f"<td>{escape(row.topic)}</td><td>{states.get(state, states[NOT_STARTED])}</td>"
            f"<td>{escape(row.paper_status_label)}</td></tr>"
        )
    return mark_safe("".join(lines))
