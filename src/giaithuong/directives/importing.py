"""Reading existing letters into the cascade: save what was read, with its references resolved.

A letter read in from outside is stored with status EXTERNAL and is never renumbered. Each
reference it makes (Thực hiện / Căn cứ / Theo) points at the letter already in the system, or at
a placeholder letter (source CITED) built from the citation, which is filled in place when the
real letter is imported later. Importing the same letter twice (same number, symbol, date and
issuer, or the same file) returns the letter already there and changes nothing.

Body citations ("Kết luận số 57-KL/TW …") are not stored as references: the model has no
"cites" relation, and they stay readable in the body.

`import_fields` is the one writer; `import_letter_doc` and `import_parsed` feed it. The read
helpers below (`match_unit`, `resolve_reference`, `find_present`) also serve the review page.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from enum import StrEnum

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q

from giaithuong.accounts.roles import Role
from giaithuong.common import audit
from giaithuong.directives.import_fields import (
    KIND_CODES,
    ImportFields,
    ImportReference,
    clean,
    fields_from_doc,
    fields_from_parsed,
    is_party_symbol,
    name_key,
    unit_codes,
)
from giaithuong.directives.import_files import SourceFile
from giaithuong.directives.letter import LetterDoc, Style
from giaithuong.directives.letters import LetterError, allocate_number, series_for
from giaithuong.directives.models import (
    AttachmentRole,
    CascadeProgress,
    Letter,
    LetterAttachment,
    LetterKind,
    LetterReference,
    LetterSource,
    LetterStatus,
    OrganisationUnit,
    Relation,
)
from giaithuong.directives.parser import ParsedLetter
from giaithuong.directives.permissions import officer_units

UNIT_CANDIDATES = 500  # units compared by name in Python after the indexed narrowing


class LetterImportError(LetterError):
    """The letter cannot be imported as it stands; the message says why."""


class Outcome(StrEnum):
    CREATED = "created"  # a new letter
    FILLED = "filled"  # a placeholder known from a citation now holds the real letter
    PRESENT = "present"  # already in the system: nothing changed


# Who may import ------------------------------------------------------------------------------

def _is_organiser(actor) -> bool:
    return actor.has_role(Role.ORGANISER)


def may_import(actor) -> bool:
    """Organisers, and unit officers (who read in the letters their units received)."""
    return bool(actor is not None and actor.is_authenticated
                and (_is_organiser(actor) or officer_units(actor)))


def _line_paths(actor) -> list[str] | None:
    """The paths of the actor's units; None for an organiser or the system (any unit)."""
    if actor is None or _is_organiser(actor):
        return None
    return list(OrganisationUnit.objects.filter(pk__in=officer_units(actor))
                .values_list("path", flat=True))


def in_line(actor, unit: OrganisationUnit, paths: list[str] | None = ...) -> bool:
    """A unit officer may name as issuer one of their units, a unit above one (a letter they
    received) or a unit below one; an organiser any unit. A letter's issuer decides whose
    register its number belongs to, so this is not left open."""
    paths = _line_paths(actor) if paths is ... else paths
    if paths is None:
        return True
    return any(unit.path.startswith(path) or path.startswith(unit.path) for path in paths)


def _check_actor(actor, issuer_unit: OrganisationUnit | None) -> None:
    # `actor=None` is the system itself (management commands, the demo data).
    if actor is None:
        return
    if not may_import(actor):
        raise PermissionError("Only organisers and unit officers can import letters.")
    if issuer_unit is not None and not in_line(actor, issuer_unit):
        raise PermissionError(f"You cannot record letters issued by {issuer_unit.name}.")


# Reads -----------------------------------------------------------------------------------------

def _unit_keys(unit: dict) -> set[str]:
    keys = {name_key(unit["name"])}
    if unit["header_name"]:
        keys.add(name_key(f"{unit['header_name']} {unit['header_parent']}"))
    return keys - {""}


def match_unit(names: list[str], *, place: str = "", symbol: str = "") -> OrganisationUnit | None:
    """The one active unit whose name (or header lines) is one of `names`, compared without
    case, spacing or tone placement; None when there is none or more than one. Candidates come
    from ever broader indexed-size lookups (exact name; place and symbol code; place; code), so
    a national tree is never scanned and a common code (every ward's MTTQ-BTT) is narrowed by
    the place first."""
    wanted = {name_key(name) for name in names} - {""}
    if not wanted:
        return None
    place, codes = clean(place), unit_codes(symbol)
    stages = [Q(name__in=[clean(name) for name in names])]
    if place and codes:
        stages.append(Q(seat=place, code__in=codes))
    if place:
        stages.append(Q(seat=place))
    if codes:
        stages.append(Q(code__in=codes))
    for stage in stages:
        rows = (OrganisationUnit.objects.filter(stage, is_active=True)
                .values("id", "name", "header_name", "header_parent")[:UNIT_CANDIDATES])
        found = {row["id"] for row in rows if _unit_keys(row) & wanted}
        if len(found) == 1:
            return OrganisationUnit.objects.get(pk=found.pop())
        if found:
            return None  # two units answer to the name: the officer chooses
    return None


def _letter_keys(letter: Letter) -> set[str]:
    keys = {name_key(letter.issuer_name),
            name_key(f"{letter.header_name} {letter.header_parent}")}
    if letter.issuer_id:
        keys.add(name_key(letter.issuer.name))
    return keys - {""}


def _same_issuer(letter: Letter, names: list[str], unit: OrganisationUnit | None, *,
                 unknown_is_same: bool) -> bool:
    if unit is not None and letter.issuer_id:
        return letter.issuer_id == unit.pk
    theirs, ours = _letter_keys(letter), {name_key(name) for name in names} - {""}
    if not theirs or not ours:
        return unknown_is_same
    return bool(theirs & ours)


def _letter_year(letter: Letter) -> int | None:
    if letter.date:
        return letter.date.year
    return int(letter.series) if letter.series.isdigit() and len(letter.series) == 4 else None


def _same_date(letter: Letter, date: dt.date | None, year: int | None) -> bool:
    """Same day; or, when a side lacks its day, the same year (and no contradiction)."""
    if letter.date and date:
        return letter.date == date
    theirs, ours = _letter_year(letter), date.year if date else year
    return theirs is None or ours is None or theirs == ours


def find_present(fields: ImportFields, issuer: OrganisationUnit | None) -> Letter | None:
    """The letter already in the system that `fields` describe (not a placeholder)."""
    candidates = (Letter.objects.filter(number=fields.number, symbol=fields.symbol)
                  .exclude(source=LetterSource.CITED).select_related("issuer"))
    if fields.number is None:
        # A draft without a number is known by its issuer, date and subject.
        candidates = candidates.filter(date=fields.date)
    for letter in candidates.order_by("pk")[:50]:
        if not _same_date(letter, fields.date, fields.written_year):
            continue
        if fields.number is None and name_key(letter.subject) != name_key(fields.subject):
            continue
        if _same_issuer(letter, fields.names(), issuer, unknown_is_same=True):
            return letter
    return None


def find_placeholder(fields: ImportFields, issuer: OrganisationUnit | None) -> Letter | None:
    """A placeholder the real letter fills: same number, same symbol (or the citation had
    none, and then the same issuer by name), same date."""
    if fields.number is None:
        return None
    candidates = (Letter.objects.filter(source=LetterSource.CITED, number=fields.number)
                  .filter(Q(symbol=fields.symbol) | Q(symbol="")).select_related("issuer"))
    for letter in candidates.order_by("pk")[:50]:
        if not _same_date(letter, fields.date, fields.written_year):
            continue
        if letter.symbol or _same_issuer(letter, fields.names(), issuer,
                                         unknown_is_same=False):
            return letter
    return None


def resolve_reference(ref: ImportReference, *, exclude: int | None = None) -> Letter | None:
    """The letter in the system a citation means: same number and symbol (a bare citation:
    same issuer by name instead) and same date; a real letter before a placeholder."""
    if not ref.identifiable:
        return None
    candidates = Letter.objects.filter(number=ref.number).select_related("issuer")
    if ref.symbol:
        candidates = candidates.filter(symbol=ref.symbol)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    found = []
    for letter in candidates.order_by("pk")[:200]:
        if not _same_date(letter, ref.date, None):
            continue
        if ref.symbol or _same_issuer(letter, [ref.issuer], None, unknown_is_same=False):
            found.append(letter)
    # Real letters first, then the newest (a citation without a date means the latest).
    found.sort(key=lambda letter: (letter.source == LetterSource.CITED,
                                   -(letter.date or dt.date.min).toordinal(), letter.pk))
    return found[0] if found else None


def letter_by_source(sha256: str) -> Letter | None:
    row = (LetterAttachment.objects.filter(role=AttachmentRole.SOURCE, sha256=sha256)
           .select_related("letter").order_by("pk").first())
    return row.letter if row else None


def suggested_issuer(fields: ImportFields, actor=None) -> OrganisationUnit | None:
    """The unit the header names, when there is exactly one and the actor may name it."""
    unit = match_unit(fields.names(), place=fields.place, symbol=fields.symbol)
    return unit if unit is not None and in_line(actor, unit) else None


def issuer_choices(actor, fields: ImportFields, *, limit: int = 40) -> list[OrganisationUnit]:
    """The units offered as issuer on the review page: the suggestion, units at the letter's
    place or with its symbol's code, and for a unit officer their own units and those above;
    only units the actor may name."""
    paths = _line_paths(actor)
    suggestion = suggested_issuer(fields, actor)
    narrow = Q(seat=fields.place) if fields.place else Q()
    if codes := unit_codes(fields.symbol):
        narrow |= Q(code__in=codes)
    units = list(OrganisationUnit.objects.filter(narrow, is_active=True)
                 .order_by("path")[:limit]) if narrow else []
    if paths is not None:
        above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
        units += OrganisationUnit.objects.filter(pk__in=above, is_active=True).order_by("path")
        units = [unit for unit in units if in_line(actor, unit, paths)]
    return list(dict.fromkeys([*([suggestion] if suggestion else []), *units]))


@dataclass(frozen=True)
class ReferencePreview:
    """How a reference will resolve when the letter is saved."""

    reference: ImportReference
    target: Letter | None  # the letter in the system (a real one or a placeholder)

    @property
    def outcome(self) -> str:
        if self.target is not None:
            return "placeholder" if self.target.source == LetterSource.CITED else "existing"
        return "new_placeholder" if self.reference.identifiable else "unlinked"


def preview_references(references: list[ImportReference]) -> list[ReferencePreview]:
    return [ReferencePreview(ref, resolve_reference(ref.cleaned())) for ref in references]


# The writer ------------------------------------------------------------------------------------

def _lock(*parts) -> None:
    """Serialise imports of one letter. SQLite transactions here already hold the write lock;
    PostgreSQL takes an advisory lock on the letter's identity until the transaction ends."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32("|".join(str(part) for part in parts).encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _series(issuer: OrganisationUnit | None, style: str, symbol: str, date: dt.date | None,
            year: int | None) -> str:
    if issuer is not None and (date or style == Style.PARTY):
        return series_for(issuer, style, symbol, date or dt.date(year or 1900, 1, 1))
    year = date.year if date else year
    return str(year) if year else ""


def _reserve_number(letter: Letter) -> None:
    """A letter numbered in its issuer's register: check the number is free, and move the
    register past it so the issuer's next letter in the system does not take it again."""
    if letter.issuer_id is None or letter.number is None or not letter.series:
        return
    clash = (Letter.objects.filter(issuer_id=letter.issuer_id, series=letter.series,
                                   symbol=letter.symbol, number=letter.number)
             .exclude(pk=letter.pk).first())
    if clash is not None:
        raise LetterImportError(
            f"{letter.issuer.name} already has letter {clash.number}/{clash.symbol} in "
            f"{clash.series} (letter {clash.pk}, dated {clash.date or 'without a date'}); "
            "check the number and the date.")
    allocate_number(letter.issuer, letter.series, letter.symbol, forced=letter.number)


def _kind_of(kind: str) -> str:
    return kind if kind in LetterKind.values else LetterKind.OFFICIAL_LETTER


def _fill(letter: Letter, fields: ImportFields, *, issuer, source, confidence, problems,
          actor, edition) -> None:
    letter.edition = letter.edition or edition
    letter.issuer = issuer
    letter.issuer_name = fields.issuer_name or (issuer.name if issuer else "") or \
        clean(f"{fields.header_name} {fields.header_parent}")
    letter.header_name, letter.header_parent = fields.header_name, fields.header_parent
    letter.kind, letter.style = _kind_of(fields.kind), fields.style
    letter.status, letter.source = LetterStatus.EXTERNAL, source
    letter.number, letter.symbol = fields.number, fields.symbol
    letter.series = _series(issuer, fields.style, fields.symbol, fields.date,
                            fields.written_year)
    letter.place, letter.date, letter.subject = fields.place, fields.date, fields.subject
    letter.addressee_texts, letter.body = fields.addressees, fields.body
    letter.recipients, letter.signature = fields.recipients, fields.signature
    letter.footnotes = fields.footnotes
    letter.confidence = dict(confidence or {})
    letter.read_problems = list(problems)
    letter.created_by = letter.created_by or actor


def _placeholder(ref: ImportReference, *, actor, edition) -> Letter:
    """A letter known only from a citation. Its issuer stays unlinked (a citation cannot move a
    unit's register); a bare "Công văn số 783" takes the symbol of the unit the citation names,
    which is how that unit writes its công văn."""
    symbol, problems, confidence = ref.symbol, [], {}
    unit = match_unit([ref.issuer]) if ref.issuer else None
    if not symbol and unit is not None and unit.code and ref.kind == "Công văn":
        symbol = f"CV/{unit.code}" if unit.kind == "party" else unit.code
        problems.append(f"symbol: the citation gives none; {symbol} is {unit.name}'s own code")
        confidence["symbol"] = 0.5
    style = Style.PARTY if is_party_symbol(symbol) or (unit and unit.kind == "party") \
        else Style.STATE
    letter = Letter.objects.create(
        edition=edition, issuer_name=ref.issuer,
        kind=_kind_of(KIND_CODES.get(ref.kind.lower(), "")), style=style,
        status=LetterStatus.EXTERNAL, source=LetterSource.CITED,
        number=ref.number, symbol=symbol, series=str(ref.date.year) if ref.date else "",
        date=ref.date, subject=ref.subject, confidence=confidence, read_problems=problems,
        created_by=actor)
    letter.cascade_root = letter  # the top of the cascade as far as anyone here knows
    letter.save(update_fields=["cascade_root"])
    audit.record("letter.placeholder_created", actor=actor, target=letter,
                 after={"kind": ref.kind, "number": ref.number, "symbol": symbol,
                        "date": ref.date.isoformat() if ref.date else None,
                        "issuer": ref.issuer})
    return letter


def _link_references(letter: Letter, references: list[ImportReference], *, actor,
                     edition) -> list[LetterReference]:
    rows = []
    for position, ref in enumerate(references):
        target = resolve_reference(ref, exclude=letter.pk)
        if target is None and ref.identifiable:
            _lock("letter", ref.number, ref.symbol, ref.date)
            target = resolve_reference(ref, exclude=letter.pk) or _placeholder(
                ref, actor=actor, edition=edition)
        rows.append(LetterReference.objects.create(
            letter=letter, position=position, relation=Relation(ref.relation), target=target,
            kind=ref.kind, number=ref.number, symbol=ref.symbol, date=ref.date,
            issuer_name=ref.issuer, subject=ref.subject))
    return rows


def _place_in_cascade(letter: Letter, rows: list[LetterReference], *, actor,
                      was_placeholder: bool) -> None:
    """`implements` is the first "Thực hiện" target; the cascade root is that target's root.
    Letters that had this one as their root (it was a placeholder at the top) move up with it."""
    implements = next((row.target for row in rows
                       if row.relation == Relation.IMPLEMENTS and row.target is not None), None)
    root = letter
    if implements is not None:
        root = Letter.objects.get(pk=implements.cascade_root_id or implements.pk)
        if root.pk == letter.pk:  # the chain would loop back here
            letter.read_problems = [*letter.read_problems,
                                    f"implements: {implements} already implements this letter"]
            implements, root = None, letter
    letter.implements, letter.cascade_root = implements, root
    letter.save(update_fields=["implements", "cascade_root", "read_problems"])
    if was_placeholder and root.pk != letter.pk:
        moved = Letter.objects.filter(cascade_root_id=letter.pk).update(cascade_root=root)
        _move_progress(letter.pk, root.pk)
        audit.record("letter.cascade_rerooted", actor=actor, target=letter,
                     before={"cascade_root": letter.pk},
                     after={"cascade_root": root.pk, "letters": moved})


def _move_progress(old_root: int, new_root: int) -> None:
    """Progress kept under the old top letter joins the new one; a unit already counted there
    keeps its earliest dates."""
    existing = CascadeProgress.objects.filter(cascade_root_id=new_root)
    (CascadeProgress.objects.filter(cascade_root_id=old_root)
     .exclude(unit_id__in=existing.values("unit_id")).update(cascade_root_id=new_root))
    for row in CascadeProgress.objects.filter(cascade_root_id=old_root):
        other = existing.get(unit_id=row.unit_id)
        for name in ("received_at", "acknowledged_at", "issued_at", "reported_at", "due_date"):
            dates = [d for d in (getattr(row, name), getattr(other, name)) if d is not None]
            setattr(other, name, min(dates) if dates else None)
        other.audience += row.audience
        other.save()
        row.delete()


def _keep_source(letter: Letter, source_file: SourceFile) -> None:
    LetterAttachment.objects.create(
        letter=letter, role=AttachmentRole.SOURCE,
        file=ContentFile(source_file.data, name=source_file.safe_name),
        name=source_file.safe_name, content_type=source_file.content_type,
        size=len(source_file.data), sha256=source_file.sha256,
        description="The file this letter was read from")


def _done(letter: Letter, outcome: Outcome) -> Letter:
    letter.import_outcome = outcome
    return letter


def import_fields(fields: ImportFields, *, actor, issuer_unit: OrganisationUnit | None = None,
                  source: str = LetterSource.PARSED, confidence: dict | None = None,
                  problems=(), source_file: SourceFile | None = None, edition=None,
                  match_issuer: bool = True) -> Letter:
    """Save a reviewed letter read in from outside. Returns the letter, with `import_outcome`
    set to an `Outcome`: CREATED, FILLED (a placeholder took it) or PRESENT (nothing changed).

    The issuer is `issuer_unit`, else (unless `match_issuer` is off: the officer said the
    issuer is not in the system) the unit the header names when exactly one matches and the
    actor may name it, else none (the name is kept). `actor=None` is the system."""
    _check_actor(actor, issuer_unit)
    fields = fields.cleaned()
    if not (fields.subject or fields.symbol):
        raise LetterImportError("Nothing was read that identifies a letter: it needs at least "
                                "a subject (V/v) or a number and symbol.")
    if not (fields.issuer_name or fields.header_name or issuer_unit):
        raise LetterImportError("The issuer of the letter is missing.")
    with transaction.atomic():
        _lock("letter", fields.number, fields.symbol, fields.date or fields.written_year)
        if source_file is not None and (known := letter_by_source(source_file.sha256)):
            return _done(known, Outcome.PRESENT)
        issuer = issuer_unit or (suggested_issuer(fields, actor) if match_issuer else None)
        if (present := find_present(fields, issuer)) is not None:
            return _done(present, Outcome.PRESENT)
        if issuer is not None:
            # What the header or the officer did not give, the unit's own record does.
            if not fields.issuer_name or fields.issuer_name.isupper():
                fields.issuer_name = issuer.name  # the unit's name in its ordinary case
            if not fields.header_name:
                fields.header_name = clean(issuer.header_name or issuer.name).upper()
                fields.header_parent = clean(issuer.header_parent).upper()
        letter = find_placeholder(fields, issuer)
        outcome = Outcome.FILLED if letter is not None else Outcome.CREATED
        before = None
        if letter is not None:
            letter = Letter.objects.select_for_update().get(pk=letter.pk)
            before = {"number": letter.number, "symbol": letter.symbol,
                      "date": letter.date.isoformat() if letter.date else None,
                      "issuer": letter.issuer_name, "source": letter.source}
        else:
            letter = Letter()
        _fill(letter, fields, issuer=issuer, source=source, confidence=confidence,
              problems=problems, actor=actor, edition=edition)
        _reserve_number(letter)
        letter.save()
        rows = _link_references(letter, fields.references, actor=actor, edition=edition)
        _place_in_cascade(letter, rows, actor=actor,
                          was_placeholder=outcome == Outcome.FILLED)
        if source_file is not None:
            _keep_source(letter, source_file)
        audit.record(
            "letter.placeholder_filled" if outcome == Outcome.FILLED else "letter.imported",
            actor=actor, target=letter, before=before,
            after={"number": letter.number, "symbol": letter.symbol,
                   "date": letter.date.isoformat() if letter.date else None,
                   "issuer": letter.issuer_id, "issuer_name": letter.issuer_name,
                   "references": [row.target_id for row in rows],
                   "implements": letter.implements_id, "cascade_root": letter.cascade_root_id,
                   "source_sha256": source_file.sha256 if source_file else None})
    return _done(letter, outcome)


def import_letter_doc(doc: LetterDoc, *, actor, issuer_unit: OrganisationUnit | None = None,
                      source: str = LetterSource.PARSED, confidence: dict | None = None,
                      problems=(), source_file: SourceFile | None = None,
                      edition=None) -> Letter:
    """Import a complete letter (a sample, or a letter read in full)."""
    return import_fields(fields_from_doc(doc), actor=actor, issuer_unit=issuer_unit,
                         source=source, confidence=confidence, problems=problems,
                         source_file=source_file, edition=edition)


def import_parsed(parsed: ParsedLetter, *, actor, issuer_unit: OrganisationUnit | None = None,
                  source: str = LetterSource.PARSED, confidence: dict | None = None,
                  problems=None, source_file: SourceFile | None = None,
                  edition=None) -> Letter:
    """Import what the parser read, with its confidences and problems unless given."""
    return import_fields(
        fields_from_parsed(parsed), actor=actor, issuer_unit=issuer_unit, source=source,
        confidence=parsed.confidences() if confidence is None else confidence,
        problems=list(parsed.problems) if problems is None else problems,
        source_file=source_file, edition=edition)
