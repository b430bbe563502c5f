"""The Vietnamese catalogue is complete, clean and safe to render.

The site is Vietnamese first: every English msgid must have a Vietnamese msgstr, written in
NFC, keeping exactly the placeholders Django substitutes. These tests read the .po file that
ships in the repository (not the compiled .mo, which is built and git-ignored).
"""

import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "giaithuong" / "locale"
VI_PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

# Python %-format placeholders as Django writes them in catalogues: %(name)s, and bare %s/%d.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]")


def _read(path: Path, locale: str):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _forms(value) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)


@pytest.fixture(scope="module")
def vi_catalogue():
    return _read(VI_PO, "vi")


@pytest.fixture(scope="module")
def vi_messages(vi_catalogue):
    messages = [message for message in vi_catalogue if message.id]
    assert messages, "the Vietnamese catalogue has no messages"
    return messages


def test_header_declares_vietnamese_with_one_plural_form(vi_catalogue):
    headers = dict(vi_catalogue.mime_headers)
    assert headers["Language"] == "vi"
    assert headers["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not vi_catalogue.fuzzy, "the catalogue header is marked fuzzy"


def test_every_message_is_translated(vi_messages):
    untranslated = [
        message.id for message in vi_messages
        if not all(form.strip() for form in _forms(message.string))
    ]
    assert untranslated == []


def test_plural_messages_have_exactly_one_form(vi_messages):
    wrong = [
        message.id for message in vi_messages
        if message.pluralizable and len(_forms(message.string)) != 1
    ]
    assert wrong == []


def test_no_fuzzy_messages(vi_messages):
    assert [message.id for message in vi_messages if message.fuzzy] == []


def test_all_strings_are_nfc(vi_messages):
    not_nfc = []
    for message in vi_messages:
        for text in (*_forms(message.id), *_forms(message.string)):
            if not unicodedata.is_normalized("NFC", text):
                not_nfc.append(text)
    assert not_nfc == []


def test_placeholders_match(vi_messages):
    mismatched = []
    for message in vi_messages:
        ids = _forms(message.id)
        expected = _placeholders(ids[-1])
        for msgid in ids:
            # msgid and msgid_plural carry the same variables.
            assert _placeholders(msgid) == expected, msgid
        for form in _forms(message.string):
            if _placeholders(form) != expected:
                mismatched.append((ids[0], form))
    assert mismatched == []


def test_no_obsolete_entries(vi_catalogue):
    assert list(vi_catalogue.obsolete) == []
    assert not any(line.startswith("#~") for line in VI_PO.read_text("utf-8").splitlines())


def test_english_catalogue_has_a_proper_header():
    catalogue = _read(EN_PO, "en")
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == "en"
    assert headers["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not catalogue.fuzzy
    assert list(catalogue.obsolete) == []
