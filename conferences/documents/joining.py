"""Join documents laid out in parts: each part's pages drawn, as form XObjects, under a front document.

A document laid out in chunks (over processes, `workers.run_chunks`) cannot know the page each chunk
starts on, so the chunks carry no page numbers or running headers; a front document of as many
pages carries those, and its catalog (outline, metadata, language, links) is the joined file's.
"""

import io
from collections.abc import Callable


def lay_pages_under(
    front_pdf: bytes,
    body_pdfs: list[bytes],
    first_body_page: int = 0,
    uploaded: dict | None = None,
    place: Callable | None = None,
) -> bytes:
    """Lay each body page, as a form XObject, under its page of the front document.

    `uploaded`: page index -> another PDF's page, laid under that page too, where
    `place(target page, uploaded page)` gives its matrix. The
    front document's catalog is kept: its outline, metadata, language and the table of contents'
    links. The body pages' web links come along.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    uploaded = uploaded or {}
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(front_pdf)))
    index = first_body_page
    for body_pdf in body_pdfs:
        for source in PdfReader(io.BytesIO(body_pdf)).pages:
            target = writer.pages[index]
            under = [(uploaded[index], place(target, uploaded[index]))] if index in uploaded else []
            lay_under(writer, target, [*under, (source, None)])
            links = [a.get_object() for a in source.get("/Annots", [])]
            links = [a for a in links if a.get("/A", {}).get("/S") == "/URI"]
            if links:
                annots = target.get("/Annots")
                annots = ArrayObject(annots.get_object() if annots is not None else [])
                annots.extend(writer._add_object(a.clone(writer, ignore_fields=("/P",))) for a in links)
                target[NameObject("/Annots")] = annots
            index += 1
    if index != len(writer.pages):
        raise RuntimeError("The body and the front document do not have the same pages.")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def lay_under(writer, target, sources: list) -> None:
    """Draw each (page, matrix or None) source, as a form XObject, under the target page's own drawing.

    The running header and page number stay on top. A form XObject keeps the source's content
    stream and resources as they are: nothing is parsed or renamed (pypdf's merge_page parses
    every operator, about 0.3 s an uploaded page).
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    resources = DictionaryObject(target["/Resources"].get_object())  # its own: WeasyPrint shares one
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    drawing = []
    for number, (source, matrix) in enumerate(sources):
        contents = source.get_contents()
        form = DecodedStreamObject()
        form.set_data(contents.get_data() if contents is not None else b"")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): source.mediabox,
                NameObject("/Resources"): source.get("/Resources", DictionaryObject()).clone(writer),
            }
        )
        name = f"/HnUnder{number}"
        xobjects[NameObject(name)] = writer._add_object(form.flate_encode())
        place = " ".join(f"{value:.4f}" for value in matrix) + " cm " if matrix else ""
        drawing.append(f"q {place}{name} Do Q\n")
    resources[NameObject("/XObject")] = xobjects
    target[NameObject("/Resources")] = resources
    under = DecodedStreamObject()
    under.set_data("".join(drawing).encode())
    contents = target.get("/Contents")
    contents = contents.get_object() if contents is not None else ArrayObject()
    existing = list(contents) if isinstance(contents, ArrayObject) else [target["/Contents"]]
    target[NameObject("/Contents")] = ArrayObject([writer._add_object(under), *existing])
