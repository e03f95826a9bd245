"""The organizer's dashboard of a conference: its figures as numbers and charts, and what needs doing now."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from conferences.selectors.dashboard import RSVP_ATTENTION_DAYS, Figure, conference_dashboard
from conferences.views.access import organized_conference
from conferences.views.province_tiles import PROVINCE_TILES
from core.charts import Bar, Tile, bar_chart, stacked_bar, tile_map

SEE_DASHBOARD = gettext_lazy("Only the organizers of this conference can see its dashboard.")


def _bars(figures: list[Figure]) -> list[Bar]:
    return [Bar(label=figure.label, value=figure.count) for figure in figures]


def _province_map(figures: list[Figure]):
    """The delegates of each of the 63 provinces on a tile map (provinces keyed by their official code)."""
    counts = {figure.key: figure.count for figure in figures}
    tiles = [
        Tile(label=name, short=short, column=column, row=row, value=counts.get(code, 0))
        for code, (name, short, column, row) in PROVINCE_TILES.items()
    ]
    return tile_map(
        chart_id="chart-province-map",
        title=_("Delegates by province, on the map"),
        tiles=tiles,
        legend_at=(5, 18),
    )


@never_cache
@login_required
@require_GET
def dashboard(request, slug: str):
    conference = organized_conference(request, slug, SEE_DASHBOARD)
    figures = conference_dashboard(conference=conference)
    nothing = _("Nothing yet")
    charts = {
        "invitations": stacked_bar(
            chart_id="chart-invitations",
            title=_("Invitations by state"),
            bars=_bars(figures.invitations),
            empty=nothing,
        ),
        "delegates_by_kind": bar_chart(
            chart_id="chart-delegates-kind",
            title=_("Delegates by agency kind"),
            bars=_bars(figures.delegates_by_kind),
            empty=nothing,
        ),
        "delegates_by_province": bar_chart(
            chart_id="chart-delegates-province",
            title=_("Delegates by province"),
            bars=_bars(figures.delegates_by_province),
            empty=nothing,
        ),
        "province_map": _province_map(figures.delegates_by_province),
        "papers": stacked_bar(
            chart_id="chart-papers", title=_("Papers by state"), bars=_bars(figures.papers), empty=nothing
        ),
        "progress": bar_chart(
            chart_id="chart-progress",
            title=_("Reviews and check-ins"),
            bars=[
                Bar(label=_("Reviews assigned"), value=figures.reviews_assigned),
                Bar(label=_("Reviews done"), value=figures.reviews_done),
                Bar(label=_("Delegates registered"), value=figures.registered),
                Bar(label=_("Delegates checked in"), value=figures.checked_in),
            ],
        ),
        "notices": stacked_bar(
            chart_id="chart-notices", title=_("Notices by state"), bars=_bars(figures.notices), empty=nothing
        ),
    }
    context = {
        "conference": conference,
        "figures": figures,
        "charts": charts,
        "rsvp_attention_days": RSVP_ATTENTION_DAYS,
    }
    return render(request, "conferences/organizer/dashboard.html", context)
