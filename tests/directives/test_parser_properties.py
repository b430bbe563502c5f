"""Properties of the parser: it never raises, and it never returns a number or date that the
input does not contain."""

import json
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaithuong.directives import grammar as g
from giaithuong.directives.parser import JSON_KEYS, ParsedLetter, parse_letter_text
from tests.conftest import SEEDS

CORPUS = Path(__file__).parent / "corpus"
SOURCES = sorted(CORPUS.glob("*.txt")) + (sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])
LINES = [line for path in SOURCES for line in path.read_text(encoding="utf-8").splitlines()]
WORDS = sorted({word for line in LINES for word in line.split()})

PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def appears(number: int, text: str) -> bool:
    """The number is written in the text as a run of digits (leading zeros allowed)."""
    return re.search(rf"(?<!\d)0*{number}(?!\d)", text) is not None


def check_read_not_invented(letter: ParsedLetter, text: str) -> None:
    text = g.clean_text(text)
    if letter.number is not None:
        assert appears(letter.number, text)
    if letter.date is not None:
        assert appears(letter.date.year, text)
        if letter.date.month is not None:
            assert appears(letter.date.month, text)
        if letter.date.day is not None:
            assert appears(letter.date.day, text)
    for ref in letter.references or ():
        if ref.number is not None:
            assert appears(ref.number, text)
        if ref.date is not None:
            assert appears(ref.date.year, text) and appears(ref.date.month, text)
            assert appears(ref.date.day, text)
    for key in ("symbol", "place", "signer_name", "signer_title"):
        value = getattr(letter, key)
        if value is not None:
            # What was read is in the text, give or take the stray spaces it tolerates.
            assert value.replace(" ", "") in text.replace(" ", "").replace("\n", "")


def check_shape(letter: ParsedLetter) -> None:
    data = letter.to_json()
    assert list(data) == list(JSON_KEYS)
    json.dumps(data, ensure_ascii=False)
    for key, value in letter.confidences().items():
        assert 0.0 <= value <= 1.0
        if data[key] is None:
            assert value == 0.0
    letter.to_letter_doc()  # never raises either


@PROFILE
@given(st.text(max_size=3000))
def test_never_raises_on_arbitrary_text(text):
    letter = parse_letter_text(text)
    assert not letter.problems, letter.problems
    check_shape(letter)
    check_read_not_invented(letter, text)


# Text that looks like a letter: real lines, shuffled, cut, run together and sprinkled with the
# characters that break naive parsers.
_NOISE = st.sampled_from(["", " ", "  ", "\n", "\n\n", "**", ":", ";", ".", "-", "/", "*",
                          "Số", "Số:", "ngày", "tháng", "năm", "Kính gửi:", "Nơi nhận:",
                          "TM.", "K/T", "V/v", "1.", "II.", "\u0301", "\u00a0", "\r"])


@st.composite
def letter_like(draw):
    lines = draw(st.lists(st.sampled_from(LINES), min_size=0, max_size=60))
    pieces = []
    for line in lines:
        if draw(st.booleans()) and line:
            cut = draw(st.integers(0, len(line)))
            line = line[:cut] if draw(st.booleans()) else line[cut:]
        pieces.append(line)
        pieces.append(draw(st.sampled_from(["\n", "\n", "\n\n", " ", ""])))
        if draw(st.integers(0, 4)) == 0:
            pieces.append(draw(_NOISE))
    if draw(st.booleans()):
        pieces.append(" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=30))))
    return "".join(pieces)


@PROFILE
@given(letter_like())
def test_never_raises_or_invents_on_fragments_of_real_letters(text):
    letter = parse_letter_text(text)
    assert not letter.problems, letter.problems
    check_shape(letter)
    check_read_not_invented(letter, text)


@PROFILE
@given(st.sampled_from(SOURCES), st.data())
def test_truncated_real_letters(path, data):
    text = path.read_text(encoding="utf-8")
    cut = data.draw(st.integers(0, len(text)))
    letter = parse_letter_text(text[:cut])
    assert not letter.problems
    check_shape(letter)
    check_read_not_invented(letter, text[:cut])
    whole = parse_letter_text(text)
    # The header sits at the top: once it is all there, a cut at the end does not change it.
    if whole.number is not None and text.find("Kính gửi") != -1 and cut > text.find("Kính gửi"):
        assert (letter.number, letter.symbol) == (whole.number, whole.symbol)


@PROFILE
@given(st.sampled_from(SOURCES), st.sampled_from(["NFD", "NFC"]), st.booleans())
def test_normalisation_and_line_endings_do_not_matter(path, form, crlf):
    text = path.read_text(encoding="utf-8")
    changed = unicodedata.normalize(form, text)
    if crlf:
        changed = changed.replace("\n", "\r\n")
    assert parse_letter_text(changed).to_json() == parse_letter_text(text).to_json()


@PROFILE
@given(st.binary(max_size=2000))
def test_never_raises_on_bytes_decoded_badly(data):
    check_shape(parse_letter_text(data.decode("latin-1")))


_CODE_SEG = st.text(alphabet="ABCDĐEGHKLMNPQSTUVXY", min_size=1, max_size=6)


@PROFILE
@given(st.one_of(st.none(), st.integers(1, 99999)), _CODE_SEG, _CODE_SEG, st.booleans())
def test_number_lines_round_trip(number, first, second, party):
    symbol = f"{first}/{second}" if party else f"{first}-{second}"
    line = g.format_number_line(number, symbol, party=party)
    code = g.parse_code(line)
    assert (code.number, code.symbol, code.party) == (number, symbol, party)
