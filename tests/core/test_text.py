import unicodedata

from core.text import fold, nfc, vietnamese_name_sort_key, without_controls

NGUYEN_NFD = unicodedata.normalize("NFD", "Nguyễn")


def test_nfd_input_is_really_decomposed():
    assert len(NGUYEN_NFD) == 8


def test_nfc_composes_an_nfd_name():
    result = nfc(NGUYEN_NFD)

    assert result == "Nguyễn"
    assert len(result) == 6
    assert unicodedata.is_normalized("NFC", result)


def test_nfc_trims_and_folds_runs_of_spaces():
    assert nfc("  Sở\u00a0Khoa học   và Công nghệ\t") == "Sở Khoa học và Công nghệ"


def test_nfc_keeps_line_breaks_of_multiline_text():
    assert nfc(" dòng một\ndòng hai ") == "dòng một\ndòng hai"


def test_nfc_leaves_out_control_characters_and_makes_the_space_like_ones_spaces():
    assert nfc("Nguyễn\x01 Văn\x1b\x00 Hùng\x7f\x9b") == "Nguyễn Văn Hùng"
    assert nfc("Giám\x0bđốc\x0cSở\x85") == "Giám đốc Sở"
    assert nfc("\x01\x1b\x00") == ""


def test_nfc_of_one_line_text_folds_line_breaks_and_tabs():
    assert nfc(" dòng một\r\ndòng\thai ", multiline=False) == "dòng một dòng hai"


def test_nfc_of_multiline_text_keeps_tabs_and_writes_line_breaks_as_newlines():
    assert nfc(" dòng một\r\ndòng\thai\rba\x01 ", multiline=True) == "dòng một\ndòng\thai\nba"


def test_without_controls_keeps_tabs_line_breaks_and_spaces():
    assert without_controls("a\x01\tb\r\nc\x1b d\u00a0") == "a\tb\r\nc d\u00a0"


def test_nfc_passes_none_through():
    assert nfc(None) is None


def test_fold_strips_accents_and_case():
    assert fold("Quảng Ninh") == "quang ninh"


def test_fold_maps_d_with_stroke_to_d():
    assert fold("Đà Nẵng") == "da nang"
    assert fold("đường") == "duong"


def test_fold_treats_old_and_new_tone_placement_as_equal():
    assert "Hoà" != "Hòa"
    assert fold("Hoà") == fold("Hòa") == "hoa"


def test_fold_of_nfd_and_nfc_input_is_equal():
    assert fold(NGUYEN_NFD) == fold("Nguyễn") == "nguyen"


def test_fold_of_empty_values_is_empty_string():
    assert fold("") == ""
    assert fold(None) == ""


def test_name_sort_key_puts_given_name_first_then_middle_then_family():
    assert vietnamese_name_sort_key("Nguyễn Thị Minh Khai") == "khai minh thi nguyen"


def test_name_sort_key_orders_by_given_name_then_middle_then_family():
    names = [
        "Trần Văn Bình",
        "Nguyễn Thị An",
        "Lê Văn An",
        "Phạm Bình",
        "Nguyễn Văn An",
    ]

    assert sorted(names, key=vietnamese_name_sort_key) == [
        "Nguyễn Thị An",  # given An, middle Thị
        "Lê Văn An",  # given An, middle Văn, family Lê
        "Nguyễn Văn An",  # given An, middle Văn, family Nguyễn
        "Phạm Bình",  # given Bình, no middle name
        "Trần Văn Bình",
    ]


def test_name_sort_key_of_blank_name_is_empty():
    assert vietnamese_name_sort_key("   ") == ""
