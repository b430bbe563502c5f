"""State changes of letters: drafting, numbering, issuing (fan-out), delivery progress, activity
reports, and drafting a unit's implementing letter. Each public function is one transaction that
checks permission and invariants and writes one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from giaithuong.common import audit
from giaithuong.common.text import nfc
from giaithuong.directives.drafting import (
    KIND_NAMES,
    Cited,
    collective_authority,
    default_symbol,
    opening,
)
from giaithuong.directives.grammar import classify_symbol
from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    ActivityKind,
    ActivityReport,
    CascadeProgress,
    Delivery,
    DeliveryState,
    Letter,
    LetterReference,
    LetterStatus,
    NumberSeries,
    OrganisationUnit,
    Relation,
)
from giaithuong.directives.permissions import can_act_for
from giaithuong.directives.selectors import subtree_range


class LetterError(ValueError):
    """A rule of letters was broken; the message says which, for the person who tried."""


class LetterConflict(LetterError):
    """The letter or delivery is not in a state that allows this (issued twice, a number already
    taken, a closed delivery): the API answers 409."""


# Messages are English msgids, shown in the language of the page that raised them.
_SUBJECT_REQUIRED = gettext_lazy("The subject (V/v) is required.")
_ALREADY_ISSUED = gettext_lazy("This letter has already been issued.")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise LetterError(message)


def _conflict(condition: bool, message: str) -> None:
    if not condition:
        raise LetterConflict(message)


def _require_officer(actor, unit: OrganisationUnit) -> None:
    if not can_act_for(actor, unit):
        raise PermissionError(format_lazy(gettext_lazy("You are not an officer of {unit}."),
                                          unit=unit.name))


# Numbering -----------------------------------------------------------------------------------

def series_for(issuer: OrganisationUnit, style: str, symbol: str, on: dt.date) -> str:
    """State and Front: one series per year. Party: one per document type per term."""
    if style == Style.PARTY:
        return f"{symbol.split('/', 1)[0]}:{issuer.party_term or 'term'}"
    return str(on.year)


def allocate_number(issuer: OrganisationUnit, series: str, symbol: str,
                    forced: int | None = None) -> int:
    """The next free number in the series, or `forced` if it is free. Safe under concurrent
    issuing: the series row is locked by its UPDATE until the caller's transaction commits
    (PostgreSQL), and SQLite transactions here take the write lock when they begin."""
    lookup = {"issuer": issuer, "series": series, "symbol": symbol}
    try:
        with transaction.atomic():  # a savepoint: a lost race must not spoil the caller's work
            row, _ = NumberSeries.objects.get_or_create(**lookup)
    except IntegrityError:  # another transaction created the series row first
        row = NumberSeries.objects.get(**lookup)
    if forced is not None:
        taken = Letter.objects.filter(issuer=issuer, series=series, symbol=symbol,
                                      number=forced).exists()
        _conflict(not taken, format_lazy(
            gettext_lazy("Number {number} ({symbol}) is already used in {series}."),
            number=f"{forced:02d}", symbol=symbol, series=series))
        NumberSeries.objects.filter(pk=row.pk, last_number__lt=forced).update(last_number=forced)
        return forced
    NumberSeries.objects.filter(pk=row.pk).update(last_number=F("last_number") + 1)
    return NumberSeries.objects.values_list("last_number", flat=True).get(pk=row.pk)


# Drafting ------------------------------------------------------------------------------------

def create_draft(*, actor, issuer: OrganisationUnit, subject: str, symbol: str,
                 style: str = Style.STATE, kind: str = "cong_van",
                 addressee_units: Iterable[OrganisationUnit] = (),
                 addressee_texts: Iterable[str] = (), address_subtree: bool = False,
                 body: list[dict] | None = None, recipients: Iterable[str] = (),
                 signature: dict | None = None, references: Iterable[dict] = (),
                 implements: Letter | None = None, edition=None, due_date=None,
                 attach_trailer_qr: bool = False) -> Letter:
    _require_officer(actor, issuer)
    _require(bool(nfc(subject).strip()), _SUBJECT_REQUIRED)
    with transaction.atomic():
        letter = Letter.objects.create(
            edition=edition, issuer=issuer, issuer_name=issuer.name,
            header_name=issuer.header_name or issuer.name, header_parent=issuer.header_parent,
            kind=kind, style=style, symbol=nfc(symbol).strip(), place=issuer.seat,
            subject=nfc(subject).strip(), addressee_texts=[nfc(t) for t in addressee_texts],
            address_subtree=address_subtree, body=body or [],
            recipients=[nfc(r) for r in recipients], signature=signature or {},
            implements=implements, due_date=due_date, attach_trailer_qr=attach_trailer_qr,
            cascade_root=implements.cascade_root if implements else None, created_by=actor,
        )
        letter.addressee_units.set(list(addressee_units))
        for position, ref in enumerate(references):
            LetterReference.objects.create(letter=letter, position=position, **ref)
        audit.record("letter.drafted", actor=actor, target=letter,
                     after={"issuer": issuer.pk, "subject": letter.subject})
    return letter


_EDITABLE = {"subject", "symbol", "kind", "style", "addressee_texts", "address_subtree", "body",
             "recipients", "signature", "footnotes", "due_date", "attach_trailer_qr",
             "header_name", "header_parent", "place"}


def update_draft(letter: Letter, *, actor, addressee_units: Iterable[OrganisationUnit] | None =
                 None, references: Iterable[dict] | None = None, **fields) -> Letter:
    """Change a draft before it is issued: any of `_EDITABLE`, the addressed units, and the
    references (replaced as a whole). An issued letter is never edited."""
    _require_officer(actor, letter.issuer)
    unknown = set(fields) - _EDITABLE
    _require(not unknown, format_lazy(gettext_lazy("Unknown fields: {fields}"),
                                      fields=", ".join(sorted(unknown))))
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        _conflict(letter.status == LetterStatus.DRAFT,
                  gettext_lazy("This letter has been issued and can no longer be edited."))
        before = {name: getattr(letter, name) for name in fields}
        for name, value in fields.items():
            if isinstance(value, str):
                value = nfc(value).strip()
            elif name in ("addressee_texts", "recipients", "footnotes"):
                value = [nfc(item).strip() for item in value if nfc(item).strip()]
            setattr(letter, name, value)
        _require(bool(letter.subject), _SUBJECT_REQUIRED)
        letter.save()
        if addressee_units is not None:
            letter.addressee_units.set(list(addressee_units))
        if references is not None:
            letter.references.all().delete()
            for position, ref in enumerate(references):
                LetterReference.objects.create(letter=letter, position=position, **ref)
        audit.record("letter.draft_changed", actor=actor, target=letter,
                     before={k: str(v) for k, v in before.items()},
                     after={k: str(getattr(letter, k)) for k in fields})
    return letter


def discard_draft(letter: Letter, *, actor) -> None:
    """Delete a draft that will not be issued (its number was never taken)."""
    _require_officer(actor, letter.issuer)
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        _conflict(letter.status == LetterStatus.DRAFT,
                  gettext_lazy("Only a draft can be discarded."))
        audit.record("letter.draft_discarded", actor=actor, target=letter,
                     before={"subject": letter.subject})
        letter.delete()


def _cited(letter: Letter) -> Cited:
    return Cited(KIND_NAMES.get(letter.kind, "Công văn"), letter.number, letter.symbol,
                 letter.style == Style.PARTY, letter.date, letter.issuer_name, letter.subject)


def _reference_cited(ref: LetterReference) -> Cited:
    # Only the symbol tells a Party citation (1390-CV/BTGDVTW) from a State one (379/MTTW-BTT).
    party = bool(ref.symbol) and classify_symbol(ref.symbol).party
    return Cited(ref.kind, ref.number, ref.symbol, party, ref.date, ref.issuer_name, ref.subject)


def usual_signature(unit: OrganisationUnit, style: str) -> dict:
    """The signature of the unit's last issued letter (its officers usually sign the same way);
    otherwise the collective authority of a standing board ("TM. BAN THƯỜNG TRỰC"), if any."""
    last = (Letter.objects.filter(issuer=unit, status=LetterStatus.ISSUED)
            .exclude(signature={}).order_by("-issued_at", "-id").values_list("signature", flat=True)
            .first())
    if last and (last.get("authority") or last.get("title") or last.get("name")):
        return {"authority": list(last.get("authority") or []), "title": last.get("title", ""),
                "name": last.get("name", "")}
    authority = collective_authority(unit.header_name or unit.name, party=style == Style.PARTY)
    return {"authority": [authority], "title": "", "name": ""} if authority else {}


def draft_implementing_letter(delivery: Delivery, *, actor) -> Letter:
    """From a received letter, the unit's own letter: it implements the received one, opens by
    citing it and the letters above it (as the ward letter of seed 004 does), inherits its tasks,
    addresses the unit's children and is signed the way the unit usually signs.

    Asking again gives back the unit's existing letter for it: a retry never makes a second."""
    unit, received = delivery.unit, delivery.letter
    _require_officer(actor, unit)
    style = Style.PARTY if unit.kind == "party" else Style.STATE
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("letter", "unit").get(
            pk=delivery.pk)
        existing = (Letter.objects.filter(issuer=unit, implements=received)
                    .exclude(status=LetterStatus.EXTERNAL).order_by("-id").first())
        if existing is not None:
            return existing
        _conflict(delivery.state != DeliveryState.REFUSED,
                  gettext_lazy("This delivery was refused."))
        above = list(received.references.all())
        references = [
            {"relation": Relation.IMPLEMENTS, "target": received,
             "kind": KIND_NAMES.get(received.kind, "Công văn"), "number": received.number,
             "symbol": received.symbol, "date": received.date,
             "issuer_name": received.issuer_name, "subject": received.subject},
            *({"relation": Relation.BASED_ON, "target": ref.target, "kind": ref.kind,
               "number": ref.number, "symbol": ref.symbol, "date": ref.date,
               "issuer_name": ref.issuer_name, "subject": ref.subject} for ref in above)]
        opening_text = opening(_cited(received), [_reference_cited(ref) for ref in above],
                               unit.name)
        tasks = [p for p in received.body if p.get("number") or p.get("bullet")]
        body = [*({"text": text, "number": None, "bullet": False, "level": 0}
                  for text in opening_text),
                *tasks,
                {"text": "Đề nghị các đơn vị nghiêm túc triển khai thực hiện.", "number": None,
                 "bullet": False, "level": 0}]
        children = list(unit.children.filter(is_active=True))
        letter = create_draft(
            actor=actor, issuer=unit, subject=received.subject, style=style,
            symbol=default_symbol(unit.code, received.kind, party=style == Style.PARTY),
            kind=received.kind, addressee_units=children,
            addressee_texts=[c.name for c in children],
            body=body, recipients=[*(c.name for c in children), "Lưu: VT"],
            signature=usual_signature(unit, style),
            references=references, implements=received, edition=received.edition,
            due_date=received.due_date, attach_trailer_qr=received.attach_trailer_qr)
        if delivery.state in (DeliveryState.RECEIVED, DeliveryState.ACKNOWLEDGED,
                              DeliveryState.ASSIGNED):
            _move(delivery, DeliveryState.IN_PROGRESS, actor)
    return letter


# Issuing -------------------------------------------------------------------------------------

def _addressed_units_sql(letter: Letter) -> tuple[str, list]:
    """SELECT id, path, depth of every unit the letter goes to: the addressed units, and with
    `address_subtree` everything below them too (path ranges, so indexes apply)."""
    units = OrganisationUnit._meta.db_table
    link = Letter.addressee_units.through._meta.db_table
    direct = f"SELECT organisationunit_id FROM {link} WHERE letter_id = %s"  # noqa: S608
    if not letter.address_subtree:
        return (f"SELECT u.id, u.path, u.depth FROM {units} u WHERE u.id IN ({direct})",  # noqa: S608
                [letter.pk])
    paths = list(letter.addressee_units.values_list("path", flat=True))
    ranges = " OR ".join("(u.path >= %s AND u.path < %s)" for _ in paths) or "1 = 0"
    params = [bound for path in paths for bound in subtree_range(path)]
    sql = (f"SELECT u.id, u.path, u.depth FROM {units} u WHERE u.is_active = %s AND "  # noqa: S608
           f"(u.id IN ({direct}) OR {ranges})")
    return sql, [True, letter.pk, *params]


def issue_letter(letter: Letter, *, actor, on: dt.date | None = None,
                 number: int | None = None) -> Letter:
    """Number, date and send a draft: one delivery per addressee unit, in batches."""
    _require_officer(actor, letter.issuer)
    _conflict(letter.status == LetterStatus.DRAFT, _ALREADY_ISSUED)
    _require(letter.addressee_units.exists() or bool(letter.addressee_texts),
             gettext_lazy("The letter has no addressees (Kính gửi)."))
    on = on or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        _conflict(letter.status == LetterStatus.DRAFT, _ALREADY_ISSUED)
        letter.series = series_for(letter.issuer, letter.style, letter.symbol, on)
        letter.number = allocate_number(letter.issuer, letter.series, letter.symbol, number)
        letter.date, letter.issued_at, letter.status = on, now, LetterStatus.ISSUED
        if letter.cascade_root_id is None:
            letter.cascade_root = letter
        letter.save()
        deliveries = _fan_out(letter, now)
        if letter.implements_id:
            _mark_progress(letter.cascade_root_id, letter.issuer, issued_at=now)
        audit.record("letter.issued", actor=actor, target=letter,
                     after={"number": letter.number, "symbol": letter.symbol,
                            "date": on.isoformat(), "deliveries": deliveries})
    return letter


def _fan_out(letter: Letter, now) -> int:
    """One delivery per addressed unit and one progress row per unit in the cascade, written by
    the database itself (INSERT … SELECT): 100,000 units never pass through Python objects."""
    targets, params = _addressed_units_sql(letter)
    delivery = Delivery._meta.db_table
    progress = CascadeProgress._meta.db_table
    # Raw parameters skip the ORM's conversions: store values exactly as the ORM would.
    now = connection.ops.adapt_datetimefield_value(now)
    due = connection.ops.adapt_datefield_value(letter.due_date)
    # Only table names from the models are formatted into the SQL; every value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {delivery} (letter_id, unit_id, state, received_at, due_date, "  # noqa: S608
            f"refusal_reason) SELECT %s, t.id, %s, %s, %s, '' FROM ({targets}) t WHERE 1 = 1 "
            f"ON CONFLICT (letter_id, unit_id) DO NOTHING",
            [letter.pk, DeliveryState.RECEIVED, now, due, *params])
        created = cursor.rowcount
        # A unit already reached in this cascade keeps its first date.
        cursor.execute(
            f"INSERT INTO {progress} (cascade_root_id, unit_id, unit_path, depth, received_at, "  # noqa: S608
            f"due_date, audience) SELECT %s, t.id, t.path, t.depth, %s, %s, 0 "
            f"FROM ({targets}) t WHERE 1 = 1 ON CONFLICT (cascade_root_id, unit_id) DO NOTHING",
            [letter.cascade_root_id, now, due, *params])
    return created


def _mark_progress(root_id: int, unit: OrganisationUnit, **fields) -> None:
    progress, _ = CascadeProgress.objects.get_or_create(
        cascade_root_id=root_id, unit=unit,
        defaults={"unit_path": unit.path, "depth": unit.depth})
    changed = []
    for field, value in fields.items():
        if field == "audience":
            progress.audience += value
            changed.append(field)
        elif getattr(progress, field) is None:
            setattr(progress, field, value)
            changed.append(field)
    if changed:
        progress.save(update_fields=changed)


# Delivery progress ---------------------------------------------------------------------------

_ORDER = [DeliveryState.RECEIVED, DeliveryState.ACKNOWLEDGED, DeliveryState.ASSIGNED,
          DeliveryState.IN_PROGRESS, DeliveryState.DONE]
_STAMP = {DeliveryState.ACKNOWLEDGED: "acknowledged_at", DeliveryState.ASSIGNED: "assigned_at",
          DeliveryState.IN_PROGRESS: "started_at", DeliveryState.DONE: "done_at",
          DeliveryState.REFUSED: "refused_at"}


def _move(delivery: Delivery, state: str, actor, **extra) -> Delivery:
    before = delivery.state
    _conflict(before not in (DeliveryState.DONE, DeliveryState.REFUSED),
              gettext_lazy("This delivery is closed: it was done or refused."))
    if state != DeliveryState.REFUSED:
        _conflict(_ORDER.index(state) >= _ORDER.index(before),
                  gettext_lazy("A delivery cannot move back to an earlier step."))
    now = timezone.now()
    delivery.state = state
    for stamp_state in _ORDER[1:_ORDER.index(state) + 1] if state in _ORDER else [state]:
        field = _STAMP[stamp_state]
        if getattr(delivery, field) is None:
            setattr(delivery, field, now)
    for field, value in extra.items():
        setattr(delivery, field, value)
    delivery.save()
    root_id = delivery.letter.cascade_root_id
    if state != DeliveryState.REFUSED and delivery.acknowledged_at:
        _mark_progress(root_id, delivery.unit, acknowledged_at=delivery.acknowledged_at)
    audit.record(f"delivery.{state}", actor=actor, target=delivery, before={"state": before},
                 after={"state": state, **{k: str(v) for k, v in extra.items()}})
    return delivery


def acknowledge(delivery: Delivery, *, actor) -> Delivery:
    _require_officer(actor, delivery.unit)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("letter", "unit").get(
            pk=delivery.pk)
        if delivery.state != DeliveryState.RECEIVED:
            return delivery  # acknowledging twice changes nothing
        return _move(delivery, DeliveryState.ACKNOWLEDGED, actor)


def assign(delivery: Delivery, *, actor, assignee) -> Delivery:
    _require_officer(actor, delivery.unit)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("letter", "unit").get(
            pk=delivery.pk)
        return _move(delivery, DeliveryState.ASSIGNED, actor, assignee=assignee)


def refuse(delivery: Delivery, *, actor, reason: str) -> Delivery:
    _require_officer(actor, delivery.unit)
    _require(bool(nfc(reason).strip()), gettext_lazy("Give a reason for refusing."))
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("letter", "unit").get(
            pk=delivery.pk)
        return _move(delivery, DeliveryState.REFUSED, actor, refusal_reason=nfc(reason).strip())


def advance(delivery: Delivery, *, actor, state: str) -> Delivery:
    """Move a delivery forward to `state`, as the unit's own document system reports it (edXML
    status 03–06). A step already reached changes nothing, so a status sent twice is harmless."""
    _require_officer(actor, delivery.unit)
    _require(state in _ORDER[1:], gettext_lazy("Unknown delivery state."))
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("letter", "unit").get(
            pk=delivery.pk)
        if delivery.state in _ORDER and _ORDER.index(delivery.state) >= _ORDER.index(state):
            return delivery
        return _move(delivery, state, actor)


EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# What evidence may be: its first bytes and the names it may carry.
_EVIDENCE_KINDS = (
    (b"%PDF-", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", (".png",)),
    (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    (b"PK\x03\x04", (".docx",)),
)


def check_evidence(evidence) -> None:
    """An evidence file is a PDF, a PNG or JPEG photo or a DOCX of at most 20 MB, and is what its
    name says (a renamed program is refused)."""
    if evidence.size > EVIDENCE_MAX_BYTES:
        raise LetterError(gettext_lazy("The evidence file is larger than 20 MB."))
    name = (evidence.name or "").lower()
    evidence.seek(0)
    head = evidence.read(16)
    evidence.seek(0)
    webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP" and name.endswith(".webp")
    if not webp and not any(head.startswith(magic) and name.endswith(suffixes)
                            for magic, suffixes in _EVIDENCE_KINDS):
        raise LetterError(gettext_lazy(
            "The evidence must be a PDF, a photo (JPEG, PNG or WebP) or a DOCX file."))


def report_activity(delivery: Delivery, *, actor, kind: str, date: dt.date, audience: int = 0,
                    channel: str = "", description: str = "", links: Iterable[str] = (),
                    candidates_introduced: int = 0, entries_submitted: int = 0,
                    evidence=None) -> ActivityReport:
    """A unit reports what it did; the delivery is then done and the cascade shows the unit as
    having reported, with the audience it reached. The same report sent twice (a double click,
    a resent form) is kept once and counted once."""
    _require_officer(actor, delivery.unit)
    _require(kind in ActivityKind.values, gettext_lazy("Choose the kind of activity."))
    _require(audience >= 0, gettext_lazy("The number of people reached cannot be negative."))
    _require(candidates_introduced >= 0 and entries_submitted >= 0,
             gettext_lazy("Counts cannot be negative."))
    _require(date <= timezone.localdate(), gettext_lazy("The activity date is in the future."))
    links = [nfc(link).strip() for link in links if nfc(link).strip()]
    _require(all(link.lower().startswith(("http://", "https://")) for link in links),
             gettext_lazy("Links must start with http:// or https://."))
    if evidence is not None:
        check_evidence(evidence)
    fields = {"kind": kind, "date": date, "audience": audience, "channel": nfc(channel).strip(),
              "description": nfc(description).strip(), "links": links,
              "candidates_introduced": candidates_introduced,
              "entries_submitted": entries_submitted}
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("letter", "unit").get(
            pk=delivery.pk)
        _conflict(delivery.state != DeliveryState.REFUSED,
                  gettext_lazy("This delivery was refused."))
        same = [r for r in ActivityReport.objects.filter(
            delivery=delivery, kind=kind, date=date, audience=audience, reported_by=actor)
            if all(getattr(r, name) == value for name, value in fields.items())]
        if same:
            return same[0]
        report = ActivityReport.objects.create(delivery=delivery, reported_by=actor,
                                               evidence=evidence or "", **fields)
        if delivery.state != DeliveryState.DONE:
            _move(delivery, DeliveryState.DONE, actor)
        _mark_progress(delivery.letter.cascade_root_id, delivery.unit,
                       reported_at=timezone.now(), audience=audience)
        audit.record("activity.reported", actor=actor, target=report,
                     after={"kind": kind, "audience": audience, "date": date.isoformat(),
                            "evidence": report.evidence.name or None})
    return report
