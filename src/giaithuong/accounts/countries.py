"""Countries for a person's nationality: ISO 3166-1 alpha-2 codes, named in the page's language
from the Unicode CLDR data that Babel ships (so no list of our own to keep up to date)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from giaithuong.common.text import collation_key

# CLDR territories that are not countries of nationality (continents, unions, test codes).
_NOT_COUNTRIES = frozenset({"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA",
                            "XB", "ZZ"})
HOME = "VN"


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse((language or "vi")[:2]).territories
    return {code: name for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}


CODES = frozenset(_names("en"))


def country_name(code: str, language: str = "vi") -> str:
    return _names(language).get(code, code)


@cache
def country_choices(language: str = "vi") -> tuple[tuple[str, str], ...]:
    """Vietnam first (most participants), then every country in the language's order."""
    names = _names(language)
    rest = sorted((code for code in names if code != HOME),
                  key=lambda code: collation_key(names[code]))
    return ((HOME, names[HOME]), *((code, names[code]) for code in rest))
