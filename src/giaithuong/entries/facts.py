"""From entry rows to the eligibility engine's plain data: `EntryFacts` for one entry, the
`EligibilityContext` of its edition (other live entries per author and group, jurors,
organisers) and the `CategoryRules` of its category, built from the edition file.

People are matched by a person key: the author's e-mail (or their account's), lower case;
an author with an account but no e-mail is `user:<id>`; an author with neither is not counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from giaithuong.accounts.roles import Role
from giaithuong.common.memo import remembered
from giaithuong.entries import eligibility as engine
from giaithuong.entries import submit_queries as queries
from giaithuong.entries.eligibility_rules import rules_by_category
from giaithuong.entries.entry_checks import AuthorForm, EntryForm
from giaithuong.entries.models import LIVE, Entry, EntryAuthor, FileRole

DOCX_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
# Images a browser shows safely; SVG (a script carrier) and unknown types are no kind at all.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff",
                         "image/heic", "image/avif"})


def file_kind(content_type: str) -> str | None:
    """The engine's file kind (pdf, docx, image, audio, video) of a sniffed content type."""
    if content_type == "application/pdf":
        return "pdf"
    if content_type in DOCX_TYPES:
        return "docx"
    if content_type in IMAGE_TYPES:
        return "image"
    major = content_type.partition("/")[0]
    return major if major in {"audio", "video"} else None


# --- category rules ------------------------------------------------------------------------------

_RULES_BY_FILE: dict[str, dict[str, engine.CategoryRules]] = {}


def category_rules(edition, code: str) -> engine.CategoryRules | None:
    """The rules of category `code` in the edition's file as loaded; None if it lists none.
    Built once per edition file and process (keyed by the file's SHA-256)."""
    rules = getattr(edition, "_category_rules", None)
    if rules is None:
        def make():
            return rules_by_category(edition.rules)

        digest = edition.source_sha256
        rules = edition._category_rules = (
            remembered(_RULES_BY_FILE, digest, make) if digest else make())
    return rules.get(code)


# --- people ------------------------------------------------------------------------------------

def person_key(email: str, user_id: int | None, user_email: str = "") -> str | None:
    address = (email or user_email or "").strip().lower()
    if address:
        return address
    return f"user:{user_id}" if user_id else None


def author_key(author: EntryAuthor) -> str | None:
    user_email = getattr(author, "user_email", None)  # read with the author (`parts_read_once`)
    if user_email is None:
        user_email = author.user.email if author.user_id and author.user else ""
    return person_key(author.email, author.user_id, user_email)


def _authors(entry: Entry) -> list[EntryAuthor]:
    if not entry.pk:
        return []
    if "authors" in getattr(entry, "_prefetched_objects_cache", {}):
        return list(entry.authors.all())  # read once by `parts_read_once` for every check
    return queries.authors(entry.pk)


def _remember_related(entry: Entry, name: str, rows: list) -> None:
    """Hold `rows` as `entry.<name>.all()`, the way `prefetch_related` does."""
    related = getattr(entry, name).all()
    related._result_cache, related._prefetch_done = rows, True
    entry._prefetched_objects_cache[name] = related


@contextlib.contextmanager
def parts_read_once(entry: Entry) -> Iterator[Entry]:
    """Within the block, the entry's authors (with their accounts' e-mail) and files are read
    once for every check that needs them; afterwards the entry forgets them again, so a caller
    who changes the authors and checks again never sees the old list."""
    if not hasattr(entry, "_prefetched_objects_cache"):
        entry._prefetched_objects_cache = {}
    cache = entry._prefetched_objects_cache
    added = [name for name in ("authors", "files") if name not in cache] if entry.pk else []
    read = {"authors": queries.authors, "files": queries.files}
    for name in added:
        _remember_related(entry, name, read[name](entry.pk))
    try:
        yield entry
    finally:
        for name in added:
            cache.pop(name, None)


# --- facts and context -----------------------------------------------------------------------

def entry_facts(entry: Entry, *, at: dt.datetime) -> engine.EntryFacts:
    """The engine's view of `entry`. A not yet submitted entry is judged as if sent `at`."""
    authors = _authors(entry)
    files = list(entry.files.all()) if entry.pk else []
    main = tuple(engine.EntryFile(name=f.original_name, kind=file_kind(f.content_type) or "other",
                                  size_bytes=f.size)
                 for f in files if f.role == FileRole.MAIN)
    translated = entry.translation_present or any(f.role == FileRole.TRANSLATION for f in files)
    return engine.EntryFacts(
        category_code=entry.category.code,
        title=entry.title,
        genre=entry.genre,
        subtype=entry.subtype or None,
        language=entry.language,
        published_first=entry.published_first,
        published_last=entry.published_last,
        parts_in_window=entry.parts_in_window,
        parts_outside_window=entry.parts_outside_window,
        duration_seconds=entry.duration_seconds,
        seconds_outside_window=entry.seconds_outside_window,
        pages=entry.pages,
        photo_count=entry.photo_count,
        files=main,
        link_count=len(entry.publication_urls or []),
        summary_vi=entry.summary_vi,
        translation_present=translated,
        authors=tuple(engine.Author(person_id=author_key(a), name=a.full_name, role=a.role)
                      for a in authors),
        entrant_form=entry.entrant_kind,
        channel=entry.channel,
        submitted_at=entry.submitted_at or at,
        postmark_date=entry.postmark_date,
        copyright_attested=entry.copyright_accepted,
        prior_awards_declared=bool(entry.prior_awards) or entry.prior_awards_none,
    )


def entry_form(entry: Entry) -> EntryForm:
    return EntryForm(
        entrant_kind=entry.entrant_kind,
        organisation_name=entry.organisation_name,
        authors=tuple(AuthorForm(a.full_name, a.share_percent, a.consent_given)
                      for a in _authors(entry)),
        parts_total=entry.parts_total,
        parts_in_window=entry.parts_in_window,
        category_open=entry.category.is_active,
    )


def _other_entries(entry: Entry, authors: list[EntryAuthor]) -> dict[int, frozenset[str]]:
    """Other live entries of the edition sharing a person with `entry`: id -> their people.
    A person is matched by e-mail or by account: a linked author's own account, or the
    account that holds an unlinked author's e-mail. Plain lookups that stay index probes."""
    emails = {key for key in map(author_key, authors) if key and not key.startswith("user:")}
    user_ids = {a.user_id for a in authors if a.user_id}
    unlinked = {a.email.strip().lower() for a in authors if not a.user_id and a.email}
    user_ids |= queries.user_ids_with_emails(unlinked)
    # First the person's entries of any edition and state (a handful, found through the
    # e-mail and account indexes), then the live ones of this edition among them: each step
    # stays an index probe even while the statistics lag behind an edition's first rush.
    ids = queries.entries_of_people(emails, user_ids, besides=entry.pk)
    people: dict[int, set[str]] = defaultdict(set)
    for entry_id, email, user_id, user_email in queries.people_of_live_entries(
            ids, edition_id=entry.edition_id, live=LIVE):
        key = person_key(email, user_id, user_email)
        if key:
            people[entry_id].add(key)
    return {entry_id: frozenset(found) for entry_id, found in people.items()}


def eligibility_context(entry: Entry) -> engine.EligibilityContext:
    authors = _authors(entry)
    keys = {key for key in map(author_key, authors) if key}
    by_author: dict[str, int] = defaultdict(int)
    by_group: dict[frozenset, int] = defaultdict(int)
    if keys:
        for people in _other_entries(entry, authors).values():
            for key in people & keys:
                by_author[key] += 1
            by_group[people] += 1
    jurors, organisers = set(), set()
    for role, user_id, email in queries.jurors_and_organisers(entry.edition_id):
        keys = organisers if role == Role.ORGANISER else jurors
        keys.add(f"user:{user_id}")
        if email:
            keys.add(email.strip().lower())
    return engine.EligibilityContext(entries_by_author=dict(by_author),
                                     entries_by_group=dict(by_group),
                                     juror_ids=frozenset(jurors),
                                     organiser_ids=frozenset(organisers))
