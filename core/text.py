"""Text rules for Vietnamese data: NFC storage, accent-insensitive search keys, name order."""

import unicodedata

_SPACES = {"\u00a0": " ", "\u2007": " ", "\u202f": " "}
# Control characters (C0 but tab, line feed and carriage return; DEL; C1) are invisible, and
# spreadsheets (XML), terminals and mail headers refuse or act on them. Those that are a kind of
# space (vertical tab, form feed, the separators, NEL) become a space; the others go.
_CONTROLS = {
    code: (" " if chr(code).isspace() else None)
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    if chr(code) not in "\t\n\r"
}
_WITHOUT_CONTROLS = str.maketrans(_CONTROLS)
_CLEAN = str.maketrans({**_CONTROLS, **_SPACES})


def without_controls(value: str) -> str:
    """Return value without control characters; tabs and line breaks stay (what exports write)."""
    return value.translate(_WITHOUT_CONTROLS)


def nfc(value: str | None, *, multiline: bool | None = None) -> str | None:
    """Return value cleaned for storage: Unicode NFC, no control characters, outer whitespace trimmed.

    One-line text (multiline=False) has every run of whitespace, line breaks
    and tabs included, folded into one space. Multi-line text (multiline=True)
    keeps its tabs and line breaks, written as "\\n". Left unsaid, text is
    multi-line if it has a line break. The same name arrives in NFD from some
    systems; stored in NFC, equal names compare, index and search as equal.
    """
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).translate(_CLEAN)
    if multiline is None:
        multiline = "\n" in value or "\r" in value
    if not multiline:
        return " ".join(value.split())
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def fold(value: str | None) -> str:
    """Return an accent- and case-insensitive search key ("Quảng Ninh" -> "quang ninh").

    Stripping the combining marks also makes old and new tone placement
    ("Hoà" and "Hòa") equal.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


def vietnamese_name_sort_key(full_name: str) -> str:
    """Return the key Vietnamese lists sort by: given name, then middle, then family name."""
    parts = fold(full_name).split()
    if not parts:
        return ""
    family, *middle_and_given = parts
    return " ".join([*reversed(middle_and_given), family])


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o,
# ư follows u (f, j, w, z sit where the Latin alphabet has them, for foreign names).
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _collation_parts(word: str) -> tuple[str, str]:
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", word.casefold()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MARKS))
        tone = next((_TONE_RANK[m] for m in marks if m in _TONE_RANK), 0)
        rank = _LETTER_RANK.get(letter)
        # A letter outside the alphabet (a digit, another script) sorts after it, by its code point.
        letters.append(chr(0x100 + rank) if rank is not None else chr(0x1000 + ord(base)))
        tones.append(str(tone))
    return "".join(letters), "".join(tones)


def vietnamese_collation_key(text: str) -> str:
    """Return a key that sorts text the Vietnamese way: "Đào" after "Dương", "Ưng" after "Uông".

    Letters decide first (with đ after d, ư after u, ...), then the tones, in dictionary order.
    """
    parts = [_collation_parts(word) for word in (text or "").split()]
    return "\x01".join(p[0] for p in parts) + "\x00" + "\x01".join(p[1] for p in parts)


def vietnamese_name_collation_key(full_name: str) -> str:
    """Return the collation key of a name read given name first, then middle, then family name."""
    words = (full_name or "").split()
    if not words:
        return ""
    family, *middle_and_given = words
    return vietnamese_collation_key(" ".join([*reversed(middle_and_given), family]))


def matches_words(query: str | None, *texts: str | None) -> bool:
    """Whether every word of query is in one of texts, accents, case and tone placement ignored.

    For lists read whole (an agenda, a ranking), filtered after loading: the same rule as the
    folded columns' `contains`, with no query of its own.
    """
    haystack = " ".join(fold(text) for text in texts if text)
    return all(word in haystack for word in fold(query).split())
