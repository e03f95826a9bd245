"""Ticket codes: seven characters nobody misreads, a check character that catches typos."""

import itertools
import re

from core.ticket_codes import (
    ALPHABET,
    ticket_code_check_passes,
    ticket_code_display,
    ticket_code_is_well_formed,
    ticket_code_new,
    ticket_code_normalise,
)


def test_a_new_code_has_seven_unambiguous_characters_and_a_passing_check():
    codes = {ticket_code_new() for _ in range(500)}

    assert len(codes) == 500
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{7}", code) for code in codes)
    assert all(ticket_code_check_passes(code) for code in codes)
    assert not set("01OIL") & set(ALPHABET)
    assert len(ALPHABET) == 31


def test_every_single_wrong_character_is_caught():
    code = ticket_code_new()

    for position, wrong in itertools.product(range(7), ALPHABET):
        if wrong != code[position]:
            typo = code[:position] + wrong + code[position + 1 :]
            assert not ticket_code_check_passes(typo), typo


def test_every_swap_of_two_neighbours_is_caught():
    for _ in range(200):
        code = ticket_code_new()
        for position in range(6):
            if code[position] != code[position + 1]:
                swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                assert not ticket_code_check_passes(swapped), swapped


def test_codes_are_read_whatever_the_case_spaces_and_dashes():
    assert ticket_code_normalise(" k7p-q4 xm\n") == "K7PQ4XM"
    assert ticket_code_display("K7PQ4XM") == "K7P-Q4XM"
    assert ticket_code_is_well_formed("K7PQ4XM")
    assert not ticket_code_is_well_formed("K7PQ4X0")  # 0 is never in a code
    assert not ticket_code_is_well_formed("K7PQ4X")
