import xml.etree.ElementTree as ET

from core.charts import SHADES, Bar, Tile, bar_chart, stacked_bar, tile_map

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    """The chart as XML: it must be well-formed to be parsed at all."""
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def test_bar_chart_draws_one_bar_per_label_scaled_to_the_largest():
    root = parse(
        bar_chart(chart_id="c", title="Delegates", bars=[Bar("Bộ", 10), Bar("Sở", 5), Bar("Khác", 0)])
    )

    rects = root.findall(f"{SVG}rect")
    assert [float(rect.get("width")) for rect in rects] == [280.0, 140.0, 0.0]
    assert texts(root) == ["Bộ", "10", "Sở", "5", "Khác", "0"]


def test_bar_chart_is_an_image_named_by_its_title_with_the_figures():
    root = parse(
        bar_chart(chart_id="chart-kind", title="Delegates by kind", bars=[Bar("Bộ", 2), Bar("Sở", 1)])
    )

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-kind-title"
    title = root.find(f"{SVG}title")
    assert title.get("id") == "chart-kind-title"
    assert title.text == "Delegates by kind: Bộ 2; Sở 1"


def test_labels_are_escaped_in_the_bars_and_the_title():
    hostile = '<script>alert("x")</script> & Co'
    markup = str(bar_chart(chart_id="c", title="T", bars=[Bar(hostile, 1)]))
    stacked = str(stacked_bar(chart_id="s", title="T", bars=[Bar(hostile, 1)]))

    for chart in (markup, stacked):
        assert "<script>" not in chart
        root = parse(chart)  # still well-formed XML
        assert any(text and text.startswith('<script>alert("x")') for text in texts(root))
    assert root.find(f"{SVG}title").text == 'T: <script>alert("x")</script> & Co 1'


def test_chart_id_is_escaped():
    root = parse(bar_chart(chart_id='x"><script>', title="T", bars=[Bar("a", 1)]))

    assert root.get("id") == 'x"><script>'


def test_long_labels_are_cut_with_an_ellipsis():
    root = parse(bar_chart(chart_id="c", title="T", bars=[Bar("Ủy ban nhân dân " * 10, 1)]))

    label = texts(root)[0]
    assert len(label) == 40
    assert label.endswith("…")


def test_empty_bar_chart_says_so():
    root = parse(bar_chart(chart_id="c", title="Delegates", bars=[], empty="Nothing yet"))

    assert texts(root) == ["Nothing yet"]
    assert root.find(f"{SVG}rect") is None


def test_stacked_bar_splits_the_width_and_lists_every_part_in_the_legend():
    root = parse(
        stacked_bar(
            chart_id="s", title="Invitations", bars=[Bar("Sent", 3), Bar("Accepted", 1), Bar("Revoked", 0)]
        )
    )

    segments = [rect for rect in root.findall(f"{SVG}rect") if rect.get("height") == "28"]
    assert [(float(r.get("x")), float(r.get("width"))) for r in segments] == [(0.0, 240.0), (240.0, 80.0)]
    assert [segment.find(f"{SVG}title").text for segment in segments] == ["Sent: 3", "Accepted: 1"]
    assert texts(root) == ["Sent: 3", "Accepted: 1", "Revoked: 0"]


def test_stacked_bar_of_nothing_draws_an_empty_bar():
    root = parse(stacked_bar(chart_id="s", title="Papers", bars=[Bar("Draft", 0)], empty="Nothing yet"))

    assert texts(root) == ["Nothing yet", "Draft: 0"]


def tile(label: str, column: int, row: int, value: int, short: str = "") -> Tile:
    return Tile(label=label, short=short or label[:2], column=column, row=row, value=value)


def test_tile_map_shades_each_place_by_its_quarter_of_the_largest_value():
    tiles = [
        tile("A", 0, 0, 0),
        tile("B", 1, 0, 1),
        tile("C", 0, 1, 4),
        tile("D", 1, 1, 8),
        tile("E", 2, 1, 5),
    ]

    root = parse(tile_map(chart_id="m", title="Delegates", tiles=tiles, legend_at=(3, 0)))

    fills = {
        group.find(f"{SVG}title").text: group.find(f"{SVG}rect").get("fill") for group in root.iter(f"{SVG}g")
    }
    assert fills == {
        "A: 0": SHADES[0][0],
        "B: 1": SHADES[1][0],  # up to 2: the first quarter of 8
        "C: 4": SHADES[2][0],
        "E: 5": SHADES[3][0],
        "D: 8": SHADES[4][0],
    }
    # The legend names each step's range; the title lists the places with a value, most first.
    assert texts(root)[-5:] == ["0", "1–2", "3–4", "5–6", "7–8"]
    assert root.find(f"{SVG}title").text == "Delegates: D 8; E 5; C 4; B 1"


def test_tile_map_with_small_values_skips_empty_steps_and_escapes_names():
    tiles = [tile("<b>Tỉnh</b>", 0, 0, 1, short="<i>"), tile("Hà Nội", 1, 0, 0, short="HN")]

    markup = str(tile_map(chart_id="m", title="T", tiles=tiles))

    assert "<b>" not in markup and "<i>" not in markup
    root = parse(markup)
    assert texts(root) == ["<i>", "HN", "0", "1"]
    assert root.find(f"{SVG}title").text == "T: <b>Tỉnh</b> 1"


def test_tile_map_of_nothing_is_all_zero():
    root = parse(tile_map(chart_id="m", title="T", tiles=[tile("A", 0, 0, 0)]))

    assert texts(root) == ["A", "0"]
    assert root.find(f"{SVG}title").text == "T"
