"""Certificates printed as two layers: the face laid out once, the holder's own lines printed over it.

WeasyPrint's cost is per box and line of text it lays out (about 0.4 ms a line, some 16 lines a
face), and one certificate differs from the next of its conference only in five lines and its QR
code. So a chunk is laid out as ONE small document:

- the *static layer*: each distinct face of the chunk once (usually one or a few for hundreds of
  attendance certificates), rendered from the same templates with the holder's lines as one-space
  placeholders (`data-slot`) of the same size, and the QR code as an empty box;
- an *atlas* page: every character the chunk's holder lines use, once per style, so that the
  document's subset fonts carry their glyphs, and the glyph ids and widths are read back from it.

Each certificate's file is then its static page written once per chunk by pypdf, plus an
incremental update: one content stream that prints the holder's lines at the placeholders'
positions (centred or left-aligned as the placeholder is, in the fonts of the atlas) and its own QR
code as a 1-bit image, the page pointing at them, and the file's own metadata. No certificate
shares a file with another, and each file names only its own holder.

A line that would not fit its placeholder on one line (a very long name or agency), or a character
the atlas cannot give, sends that certificate back to the whole-face way (`certificates.py`), which
wraps it and checks the page count.
"""

import io
import re
import zlib
from dataclasses import dataclass

# The styles of the holder's lines: the atlas has one line of each, with the classes of the face.
STYLES = ("holder", "agency", "codes", "code", "url")
_HEX_GROUP = re.compile(rb"<([0-9a-fA-F]*)>")
_TM = re.compile(rb"^[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ ([-\d.]+) ([-\d.]+) Tm$")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")
_TF = re.compile(rb"^/(\S+) ([-\d.]+) Tf$")


@dataclass(frozen=True)
class Slot:
    """Where a placeholder line is on its static page (CSS px from the page's top left)."""

    x: float
    width: float
    baseline: float
    size: float
    centred: bool
    color: tuple  # sRGB, 0 to 1


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


def holder_lines(face: dict) -> dict[str, list[tuple[str, str]]]:
    """A face's own lines as (style, text) runs per slot; the static layer holds their places."""
    lines = {"holder": [("holder", face["holder"])]}
    if face["agency"]:
        lines["agency"] = [("agency", face["agency"])]
    lines["serial"] = [("codes", f"{face['serial_label']} {face['serial']}")]
    lines["code"] = [("codes", f"{face['code_label']} "), ("code", face["code"])]
    lines["url"] = [("url", face["verify_url"])]
    return lines


def atlas_lines(faces: list[dict]) -> list[dict]:
    """Each style's characters, each followed by a space (no ligature, no kerning across them)."""
    chars = {style: set() for style in STYLES}
    for face in faces:
        for runs in holder_lines(face).values():
            for style, text in runs:
                chars[style].update(text)
    return [
        {"style": style, "text": "".join(f"{c} " for c in sorted(chars[style] - {" "}))} for style in STYLES
    ]


# Reading the laid-out static document ------------------------------------------------------------


def _boxes(page):
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(reversed(getattr(box, "children", ())))


def _first_text(box):
    stack = [box]
    while stack:
        box = stack.pop()
        if hasattr(box, "pango_layout"):
            return box
        stack.extend(reversed(getattr(box, "children", ())))
    return None


def read_slots(page) -> tuple[dict[str, Slot], Box | None]:
    """The text placeholders (`data-slot`) of a static page, and the QR code's box."""
    slots, qr = {}, None
    for box in _boxes(page):
        element = getattr(box, "element", None)
        name = element.get("data-slot") if element is not None else None
        if name is None or getattr(box, "element_tag", None) != "div" or not hasattr(box, "content_box_x"):
            continue
        if name == "qr":  # the block box comes first; its anonymous children carry its element too
            qr = qr or Box(box.content_box_x(), box.content_box_y(), box.width, box.height)
            continue
        text = _first_text(box)
        if name in slots or text is None:
            continue
        style = box.style
        slots[name] = Slot(
            x=box.content_box_x(),
            width=box.width,
            baseline=text.position_y + text.baseline,
            size=style["font_size"],
            centred=style["text_align_all"] == "center",
            color=tuple(style["color"].to("srgb").coordinates),  # opaque: the faces print no alpha
        )
    return slots, qr


def read_atlas_positions(page) -> tuple[dict[float, str], dict[str, float]]:
    """The atlas lines' baselines ({baseline: style}) and letter-spacing per style (em)."""
    baselines: dict[float, str] = {}
    spacing: dict[str, float] = {}
    for box in _boxes(page):
        element = getattr(box, "element", None)
        style = element.get("data-atlas") if element is not None else None
        if style is None or getattr(box, "element_tag", None) != "div":
            continue
        text = _first_text(box)
        if text is None:
            continue
        baselines[text.position_y + text.baseline] = style
        letter_spacing = text.style["letter_spacing"]  # "normal" or px
        spacing[style] = letter_spacing / text.style["font_size"] if letter_spacing != "normal" else 0.0
    return baselines, spacing


def _style_at(positions: dict[float, str], baseline: float) -> str | None:
    for y, style in positions.items():
        if abs(y - baseline) < 0.01:
            return style
    return None


@dataclass
class Glyphs:
    """Per style: character -> (font resource name, glyph id); per font: glyph id -> width (1/1000 em)."""

    chars: dict[str, dict[str, tuple[str, int]]]
    widths: dict[str, "_Widths"]
    spacing: dict[str, float]


def read_atlas(reader, page_index: int, positions: dict[float, str], spacing, lines) -> Glyphs | None:
    """Glyph ids of the atlas page, by the order WeasyPrint drew them; None if they do not match."""
    drawn: dict[str, list[tuple[str, int]]] = {style: [] for style in STYLES}
    page = reader.pages[page_index]
    font, style = None, None
    for raw in page.get_contents().get_data().splitlines():
        line = raw.strip()
        if line.endswith(b" Tm"):
            match = _TM.match(line)
            style = _style_at(positions, float(match.group(2))) if match else None
        elif line.endswith(b" Tf"):
            match = _TF.match(line)
            font = match.group(1).decode() if match else None
        elif line.endswith(b"TJ") and style is not None and font is not None:
            for group in _HEX_GROUP.findall(line):
                drawn[style] += [(font, int(group[n : n + 4], 16)) for n in range(0, len(group), 4)]
    chars = {}
    for entry in lines:
        text, glyphs = entry["text"], drawn[entry["style"]]
        if len(glyphs) != len(text):  # one glyph per character and space, or the atlas cannot serve
            return None
        chars[entry["style"]] = {c: glyphs[n] for n, c in enumerate(text) if c != " "}
        chars[entry["style"]][" "] = glyphs[1] if len(glyphs) > 1 else None
    fonts = page["/Resources"]["/Font"].get_object()
    widths = {}
    for name in {font for style in chars.values() for font, _gid in filter(None, style.values())}:
        widths[name] = glyph_widths(fonts[f"/{name}"].get_object())
    return Glyphs(chars=chars, widths=widths, spacing=spacing)


def glyph_widths(font) -> "_Widths":
    """A CID font's glyph widths (1/1000 em) from its /W array, /DW for the others."""
    descendant = font["/DescendantFonts"][0].get_object()
    default = float(descendant.get("/DW", 1000))
    widths: dict[int, float] = {}
    entries = list(descendant.get("/W", []))
    n = 0
    while n < len(entries):
        first = int(entries[n])
        following = entries[n + 1].get_object() if hasattr(entries[n + 1], "get_object") else entries[n + 1]
        if isinstance(following, list):
            widths.update({first + k: float(w) for k, w in enumerate(following)})
            n += 2
        else:
            widths.update({gid: float(entries[n + 2]) for gid in range(first, int(following) + 1)})
            n += 3
    return _Widths(widths, default)


class _Widths(dict):
    def __init__(self, widths, default):
        super().__init__(widths)
        self.default = default

    def __missing__(self, gid):
        return self.default


# Writing each certificate's file ---------------------------------------------------------------


def draw_lines(lines, slots: dict[str, Slot], glyphs: Glyphs) -> bytes | None:
    """PDF operators printing the holder's lines at their slots; None if one does not fit or lacks a glyph."""
    out = []
    for name, runs in lines.items():
        slot = slots.get(name)
        if slot is None:
            return None
        placed, width = [], 0.0
        for style, text in runs:
            table, spacing = glyphs.chars[style], glyphs.spacing.get(style, 0.0) * slot.size
            pieces: list[tuple[str, list[int]]] = []
            for char in text:
                found = table.get(char)
                if found is None:
                    return None
                font, gid = found
                if not pieces or pieces[-1][0] != font:
                    pieces.append((font, []))
                pieces[-1][1].append(gid)
                width += glyphs.widths[font][gid] * slot.size / 1000 + spacing
            placed.append((pieces, spacing))
        if width > slot.width + 0.01:
            return None
        x = slot.x + (slot.width - width) / 2 if slot.centred else slot.x
        r, g, b = slot.color[:3]
        out.append(f"{r:g} {g:g} {b:g} rg".encode())
        for pieces, spacing in placed:
            out.append(f"{spacing:.4f} Tc".encode())
            for font, gids in pieces:
                out.append(f"1 0 0 -1 {x:.4f} {slot.baseline:.4f} Tm /{font} {slot.size:g} Tf".encode())
                out.append(b"<" + "".join(f"{gid:04x}" for gid in gids).encode() + b"> Tj")
                x += sum(glyphs.widths[font][gid] * slot.size / 1000 + spacing for gid in gids)
    return b"BT\n" + b"\n".join(out) + b"\nET\n"


def qr_image(matrix, border: int = 4) -> tuple[int, bytes]:
    """A QR code as a 1-bit grey image (one pixel per module, black on white), Flate-compressed."""
    size = len(matrix) + 2 * border
    quiet = [0] * border
    rows = bytearray()
    for row in (
        [[0] * (size - 2 * border)] * border
        + [list(r) for r in matrix]
        + [[0] * (size - 2 * border)] * border
    ):
        bits = quiet + row + quiet
        bits += [0] * (-len(bits) % 8)
        for n in range(0, len(bits), 8):
            value = 0
            for bit in bits[n : n + 8]:
                value = (value << 1) | (0 if bit else 1)
            rows.append(value)
    return size, zlib.compress(bytes(rows))


class StaticPage:
    """One static page written once as a whole PDF; each certificate's file adds an update to it."""

    def __init__(self, reader, index: int):
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

        writer = PdfWriter()
        page = writer.add_page(reader.pages[index])
        # The face's own operators leave the page's matrix flipped: saved and restored around them,
        # the holder's lines start from the page's own.
        operators = reader.pages[index].get_contents().get_data()
        drawn = set(_DO.findall(operators))
        face = DecodedStreamObject()
        face.set_data(b"q\n" + operators + b"\nQ\n")
        page.replace_contents(face.flate_encode())
        buffer = io.BytesIO()
        writer.write(buffer)
        self.head = buffer.getvalue().rstrip(b"\n") + b"\n"
        written = PdfReader(io.BytesIO(self.head))
        page = written.pages[0]
        self.page_number = page.indirect_reference.idnum
        self.root = written.trailer.raw_get("/Root").idnum
        self.size = int(written.trailer["/Size"])
        self.previous_xref = int(self.head.rsplit(b"startxref", 1)[1].split()[0])
        self.height = float(page.mediabox.height)
        # The page as each file rewrites it: the same, plus its own stream and QR code (numbers
        # size, size + 1).
        own = page.get_object()
        contents = own.raw_get("/Contents")
        own[NameObject("/Contents")] = ArrayObject([contents, _ref(self.size)])
        resources = DictionaryObject(dict(own["/Resources"].get_object().items()))
        # Only what the face draws (the document's resources are shared by all its pages; the static
        # layer draws no image, its QR code is a placeholder box), and the file's own QR code.
        xobjects = resources["/XObject"].get_object() if "/XObject" in resources else {}
        kept = {name: ref for name, ref in xobjects.items() if name[1:].encode() in drawn}
        resources[NameObject("/XObject")] = DictionaryObject({**kept, NameObject("/qr"): _ref(self.size + 1)})
        own[NameObject("/Resources")] = resources
        buffer = io.BytesIO()
        own.write_to_stream(buffer)
        self.page_bytes = buffer.getvalue()

    def file(self, operators: bytes, qr: tuple[int, bytes], qr_box: Box, info: bytes) -> bytes:
        """This page with a certificate's lines, QR code and metadata: a complete one-page PDF."""
        size, image = qr
        stream = (
            b"q\n1 0 0 -1 0 %.6f cm\n0.75 0 0 0.75 0 0 cm\n" % self.height
            + b"q\n%.4f 0 0 %.4f %.4f %.4f cm\n"
            % (qr_box.width, -qr_box.height, qr_box.x, qr_box.y + qr_box.height)
            + b"/qr Do\nQ\n"
            + operators
            + b"Q\n"
        )
        data = zlib.compress(stream)
        objects = [
            (self.page_number, self.page_bytes),
            (self.size, b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)),
            (
                self.size + 1,
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
                b" /BitsPerComponent 1 /Interpolate false /Filter /FlateDecode /Length %d >>"
                b"\nstream\n%s\nendstream" % (size, size, len(image), image),
            ),
            (self.size + 2, info),
        ]
        out = [self.head]
        length = len(self.head)
        offsets = {}
        for number, body in objects:
            offsets[number] = length
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            out.append(chunk)
            length += len(chunk)
        xref = [
            b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n%d 3\n"
            % (self.page_number, offsets[self.page_number], self.size)
        ]
        xref += [b"%010d 00000 n \n" % offsets[n] for n in (self.size, self.size + 1, self.size + 2)]
        out += xref
        out.append(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (self.size + 3, self.root, self.size + 2, self.previous_xref, length)
        )
        return b"".join(out)


def _ref(number: int):
    from pypdf.generic import IndirectObject

    return IndirectObject(number, 0, None)


def info_dict(metadata: dict[str, str]) -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, create_string_object

    buffer = io.BytesIO()
    DictionaryObject({NameObject(k): create_string_object(v) for k, v in metadata.items()}).write_to_stream(
        buffer
    )
    return buffer.getvalue()
