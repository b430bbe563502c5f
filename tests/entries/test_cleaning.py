"""Input cleaning never crashes: any value for any field is either cleaned or named at its
field (EntryInvalid), and what it keeps is NFC text without control characters."""

import datetime as dt
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from giaithuong.entries.cleaning import FIELDS, clean_authors, clean_fields
from giaithuong.entries.errors import EntryInvalid

TODAY = dt.date(2026, 7, 10)
ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
    | st.dates() | st.decimals(allow_nan=True),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FIELDS)) | st.text(max_size=10), ANY,
                       max_size=6))
def test_any_field_values_are_cleaned_or_refused_by_field(values):
    try:
        cleaned = clean_fields(values, today=TODAY)
    except EntryInvalid as error:
        assert error.errors and all(error.errors.values())
        return
    for value in cleaned.values():
        if isinstance(value, str):
            assert value == unicodedata.normalize("NFC", value)
            assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value)


@settings(max_examples=200, deadline=None)
@given(ANY)
def test_any_author_list_is_cleaned_or_refused(authors):
    try:
        cleaned = clean_authors(authors, owner=None)
    except EntryInvalid as error:
        assert error.errors
        return
    if len(cleaned) > 1:
        assert sum(a["share_percent"] for a in cleaned) == 100
