"""Small charts drawn on the server as inline SVG: no script, no CDN, readable by screen readers.

Each function takes plain labels and numbers and returns safe markup: an `<svg role="img">` whose
`<title>` names the chart and sums it up. Labels come from the database (agency and province
names), so every text is escaped here; pages show the same numbers in a table beside the chart,
which is what assistive technology and printing rely on.

Colours and sizes are SVG presentation attributes, not `style` attributes: the site's
Content-Security-Policy refuses inline styles.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Dark enough for 3:1 against white (WCAG 1.4.11, non-text contrast), told apart by more than hue.
PALETTE = ("#1f4e79", "#a4161a", "#2b7a0b", "#7a4b00", "#5b2a86", "#00606b", "#444444", "#8a3b00")

WIDTH = 320  # viewBox units, about a dashboard card's width in pixels; the chart scales to its container
LABEL_SIZE = 13
ROW_HEIGHT = 38  # a label line above a bar
BAR_HEIGHT = 14
MAX_LABEL = 40  # characters; longer labels are cut, the table beside the chart has them whole


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def _label(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def _svg(chart_id: str, title: str, height: int, body: list[str], width: int = WIDTH) -> SafeString:
    title_id = f"{escape(chart_id)}-title"
    # Safe: the callers escape every text of `body`, and the id and title are escaped here.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{title_id}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="DejaVu Sans, Noto Sans, Arial, sans-serif" '
        f'font-size="{LABEL_SIZE}"><title id="{title_id}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def _summary(title: str, bars: Sequence[Bar]) -> str:
    if not bars:
        return title
    return f"{title}: " + "; ".join(f"{bar.label} {bar.value}" for bar in bars)


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], empty: str = "") -> SafeString:
    """A horizontal bar per label, each with its value at the bar's end, scaled to the largest value.

    `chart_id` must be unique on the page (it prefixes the title's id); `empty` is shown
    when there is no bar at all.
    """
    if not bars:
        return _svg(chart_id, title, ROW_HEIGHT, [_text(0, 24, escape(empty or title), fill="#5a5a5a")])
    largest = max(bar.value for bar in bars) or 1
    value_room = 40  # room for the number right of the longest bar
    scale = (WIDTH - value_room) / largest
    body = []
    for row, bar in enumerate(bars):
        top = row * ROW_HEIGHT
        length = max(bar.value * scale, 0)
        body.append(_text(0, top + LABEL_SIZE + 2, _label(bar.label)))
        body.append(
            f'<rect x="0" y="{top + 19}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{PALETTE[0]}"></rect>'
        )
        body.append(_text(length + 6, top + 19 + BAR_HEIGHT - 2, str(int(bar.value)), weight="bold"))
    return _svg(chart_id, _summary(title, bars), len(bars) * ROW_HEIGHT + 4, body)


def stacked_bar(*, chart_id: str, title: str, bars: Sequence[Bar], empty: str = "") -> SafeString:
    """One bar split into the parts of a whole (e.g. invitations by state), with a legend under it.

    Parts of zero take no room but stay in the legend, so the legend always lists every state.
    """
    total = sum(bar.value for bar in bars)
    body = []
    if total:
        left = 0.0
        for index, bar in enumerate(bars):
            width = WIDTH * bar.value / total
            if width:
                colour = PALETTE[index % len(PALETTE)]
                body.append(
                    f'<rect x="{left:.1f}" y="0" width="{width:.1f}" height="28" fill="{colour}">'
                    f"<title>{_label(bar.label)}: {int(bar.value)}</title></rect>"
                )
            left += width
    else:
        body.append(f'<rect x="0" y="0" width="{WIDTH}" height="28" fill="#eeeeee"></rect>')
        body.append(_text(8, 19, escape(empty or "0"), fill="#1b1b1b"))
    # The legend: one line per part, a colour square, the label and the value.
    for index, bar in enumerate(bars):
        y = 40 + index * 20
        colour = PALETTE[index % len(PALETTE)]
        body.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{colour}"></rect>')
        body.append(_text(18, y + 11, f"{_label(bar.label)}: {int(bar.value)}"))
    height = 40 + len(bars) * 20
    return _svg(chart_id, _summary(title, bars), height, body)


def _text(x: float, y: float, escaped: str, *, fill: str = "#1b1b1b", weight: str = "") -> str:
    weight_attribute = f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:.1f}" y="{y}" fill="{fill}"{weight_attribute}>{escaped}</text>'


@dataclass(frozen=True)
class Tile:
    label: str  # the full name: the tile's tooltip and the chart's title
    short: str  # a few letters written on the tile
    column: int
    row: int
    value: int


# Fill and text colour per step, lightest for zero; each text colour keeps 4.5:1 on its fill.
SHADES = (
    ("#eeeeee", "#1b1b1b"),
    ("#c6dbef", "#1b1b1b"),
    ("#6baed6", "#1b1b1b"),
    ("#2171b5", "#ffffff"),
    ("#08306b", "#ffffff"),
)
TILE = 36


def _step(value: int, largest: int) -> int:
    """0 for nothing, else 1 to 4: the quarter of the largest value that `value` falls in."""
    if value <= 0 or largest <= 0:
        return 0
    return min(len(SHADES) - 1, -(-4 * value // largest))


def _step_ranges(largest: int) -> list[tuple[int, str]]:
    ranges = [(0, "0")]
    for step in range(1, len(SHADES)):
        low, high = (step - 1) * largest // 4 + 1, step * largest // 4
        if low <= high:
            ranges.append((step, str(low) if low == high else f"{low}–{high}"))
    return ranges


def tile_map(
    *, chart_id: str, title: str, tiles: Sequence[Tile], legend_at: tuple[int, int] = (0, 0)
) -> SafeString:
    """A tile map: one square per place at its (column, row), shaded by its value in four steps.

    `legend_at` is the (column, row) of an empty corner where the legend of the steps goes.
    The title lists the places with a value; zeros are told by the legend alone.
    """
    largest = max((tile.value for tile in tiles), default=0)
    body = []
    for tile in tiles:
        fill, ink = SHADES[_step(tile.value, largest)]
        x, y = tile.column * TILE, tile.row * TILE
        body.append(
            f"<g><title>{_label(tile.label)}: {int(tile.value)}</title>"
            f'<rect x="{x}" y="{y}" width="{TILE - 2}" height="{TILE - 2}" fill="{fill}" stroke="#5a5a5a" '
            f'stroke-width="0.5"></rect>'
            f'<text x="{x + (TILE - 2) / 2:.1f}" y="{y + 21}" fill="{ink}" font-size="10" '
            f'text-anchor="middle">{_label(tile.short, 4)}</text></g>'
        )
    legend_x, legend_y = legend_at[0] * TILE, legend_at[1] * TILE
    for index, (step, text) in enumerate(_step_ranges(largest)):
        fill, _ink = SHADES[step]
        y = legend_y + index * 20
        body.append(
            f'<rect x="{legend_x}" y="{y}" width="14" height="14" fill="{fill}" stroke="#5a5a5a" '
            f'stroke-width="0.5"></rect>'
        )
        body.append(_text(legend_x + 20, y + 12, escape(text)))
    columns = max((tile.column for tile in tiles), default=0) + 1
    rows = max((tile.row for tile in tiles), default=0) + 1
    places = [Bar(tile.label, tile.value) for tile in sorted(tiles, key=lambda t: -t.value) if tile.value]
    return _svg(chart_id, _summary(title, places), rows * TILE, body, width=max(columns * TILE, WIDTH))
