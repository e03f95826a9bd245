"""Text rules for Vietnamese data: NFC storage, accent-insensitive search keys, name order."""

import unicodedata

_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " "})


def nfc(value: str | None) -> str | None:
    """Return value in Unicode NFC with outer whitespace trimmed and runs of spaces folded.

    The same name arrives in NFD from some systems; stored in NFC, equal names
    compare, index and search as equal.
    """
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).translate(_SPACES)
    return " ".join(value.split()) if "\n" not in value else value.strip()


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
