from core.ticket_codes import ticket_code_is_well_formed, ticket_codes_distinct


def test_codes_drawn_together_are_distinct_and_well_formed():
    codes = ticket_codes_distinct(5000)

    assert len(codes) == len(set(codes)) == 5000
    assert all(ticket_code_is_well_formed(code) for code in codes)
