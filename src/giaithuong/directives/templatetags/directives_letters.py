"""Template filters of the letter pages."""

from django import template

from giaithuong.directives.grammar import classify_symbol, format_code
from giaithuong.directives.letter import Style

register = template.Library()


@register.filter
def letter_code(letter) -> str:
    """'31/MTTQ-BTT' or '1390-CV/BTGDVTW' as the letter is cited; a draft has '…' for its
    number."""
    party = letter.style == Style.PARTY
    if letter.number is None:
        return f"…{'-' if party else '/'}{letter.symbol}"
    return format_code(letter.number, letter.symbol, party=party)


@register.filter
def reference_code(ref) -> str:
    """A reference's number and symbol as cited: '379/MTTW-BTT', '1390-CV/BTGDVTW', '783'."""
    if ref.number is None:
        return ref.symbol or ""
    if not ref.symbol:
        return str(ref.number)
    return format_code(ref.number, ref.symbol, party=classify_symbol(ref.symbol).party)
