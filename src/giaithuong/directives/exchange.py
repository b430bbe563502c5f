"""edXML exchange of letters (QCVN 102:2016): an issued letter out as a package, a received
package in as an external letter, and status messages both ways.

The format is the pure core `directives.edxml`; this module maps it onto the models and moves
deliveries through the services of `directives.letters`. Units carry no national organ code
(mã định danh) yet, so a unit is named in packages by a local identifier, `<prefix>.<id>`
(setting GIAITHUONG_EDXML_ORGAN_PREFIX, default "giaithuong"), which this system reads back.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy, get_valid_filename, slugify
from django.utils.translation import get_language, gettext_lazy

from giaithuong.accounts.roles import Role
from giaithuong.common import audit
from giaithuong.common.text import nfc
from giaithuong.directives import edxml
from giaithuong.directives import letters as services
from giaithuong.directives.drafting import KIND_NAMES
from giaithuong.directives.grammar import classify_symbol
from giaithuong.directives.letter import Style
from giaithuong.directives.letters import LetterConflict, LetterError
from giaithuong.directives.models import (
    EDXML_STATUS,
    AttachmentRole,
    CascadeProgress,
    Delivery,
    DeliveryState,
    Letter,
    LetterAttachment,
    LetterKind,
    LetterReference,
    LetterSource,
    LetterStatus,
    OrganisationUnit,
    Relation,
)
from giaithuong.directives.permissions import can_act_for
from giaithuong.directives.rendering import file_stem, letter_pdf

XML = "application/xml"
MAX_PACKAGE_BYTES = edxml.MAX_PACKAGE_BYTES

# DocumentType/TypeDetail: the administrative list of SĐ1:2022 follows the order of NĐ 30
# Article 7 (công văn = 18 is confirmed; the others are read off that order). Thông tri is a
# Party document with no code there.
TYPE_DETAIL = {
    LetterKind.DECISION: "2", LetterKind.NOTICE: "7", LetterKind.GUIDANCE: "8",
    LetterKind.PLAN: "10", LetterKind.REPORT: "14", LetterKind.OFFICIAL_LETTER: "18",
}
_KIND_BY_DETAIL = {code: kind for kind, code in TYPE_DETAIL.items()}
_KIND_BY_NAME = {name.casefold(): kind for kind, name in KIND_NAMES.items()}
# Status codes that move a delivery forward through `letters.advance`.
_FORWARD = {"03": DeliveryState.ACKNOWLEDGED, "04": DeliveryState.ASSIGNED,
            "05": DeliveryState.IN_PROGRESS, "06": DeliveryState.DONE}


class ExchangeError(LetterError):
    """A package or status that is well formed but cannot be taken in here."""


class ReceiverMissing(ExchangeError):
    """A package was sent in without naming the unit that received it."""


# Organs --------------------------------------------------------------------------------------

def _prefix() -> str:
    return getattr(settings, "GIAITHUONG_EDXML_ORGAN_PREFIX", "giaithuong")


def organ_id(unit: OrganisationUnit) -> str:
    return f"{_prefix()}.{unit.pk}"


def unit_for(value: str) -> OrganisationUnit | None:
    """The unit a local organ identifier names, if it is one of ours."""
    match = re.fullmatch(rf"{re.escape(_prefix())}\.([0-9]{{1,18}})", value or "")
    return OrganisationUnit.objects.filter(pk=int(match.group(1))).first() if match else None


def organ(unit: OrganisationUnit) -> edxml.Organ:
    return edxml.Organ(organ_id=organ_id(unit), name=unit.name,
                       in_charge=unit.header_parent or (unit.parent.name if unit.parent_id
                                                        else ""),
                       address=unit.seat, email=unit.email, phone=unit.phone)


# Out: a letter as a package ------------------------------------------------------------------

def _body_text(body: list[dict]) -> str:
    lines = []
    for paragraph in body:
        text = nfc(paragraph.get("text", "")).strip()
        if not text:
            continue
        if paragraph.get("number"):
            text = f"{paragraph['number']}. {text}"
        elif paragraph.get("bullet"):
            text = f"- {text}"
        lines.append(text)
    return "\n".join(lines)


def _subject_out(letter: Letter) -> str:
    # A công văn's subject is written "V/v …"; typed documents carry their abstract as it is.
    if letter.kind == LetterKind.OFFICIAL_LETTER:
        return f"V/v {letter.subject}"
    return letter.subject


def _reference_out(ref: LetterReference) -> edxml.DocumentRef:
    target = ref.target
    organ = organ_id(target.issuer) if target is not None and target.issuer_id else ""
    doc_id = ""
    if organ and target.date and target.number is not None:
        doc_id = edxml.document_id(organ, target.date, target.number, target.symbol)
    return edxml.DocumentRef(number=ref.number, notation=ref.symbol, date=ref.date,
                             organ_id=organ, document_id=doc_id, relation=ref.relation,
                             kind=ref.kind, organ_name=ref.issuer_name, subject=ref.subject)


def _stored_bytes(attachment: LetterAttachment) -> bytes:
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ExchangeError(format_lazy(gettext_lazy(
            "The stored file {name} cannot be read; it cannot be sent."),
            name=attachment.name)) from error
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise ExchangeError(format_lazy(gettext_lazy(
            "The stored file {name} no longer matches its checksum; it cannot be sent."),
            name=attachment.name))
    return data


def letter_package(letter: Letter, *, now=None) -> edxml.Package:
    """The package of an issued letter: its header fields, its PDF and its attached files."""
    if letter.status != LetterStatus.ISSUED or letter.issuer_id is None:
        raise ExchangeError(gettext_lazy(
            "Only a letter issued by a unit in the system can be sent as an edXML package."))
    now = now or timezone.now()
    sender = organ(letter.issuer)
    receivers = tuple(organ(unit) for unit in
                      letter.addressee_units.select_related("parent").order_by("path"))
    if not receivers:  # addressed by name only (Kính gửi)
        receivers = tuple(edxml.Organ("", text) for text in letter.addressee_texts)
    files = [edxml.Attachment(f"{file_stem(letter)}.pdf", "application/pdf", letter_pdf(letter),
                              description="Văn bản")]
    for attachment in letter.attachments.exclude(role=AttachmentRole.SOURCE):
        files.append(edxml.Attachment(attachment.name, attachment.content_type,
                                      _stored_bytes(attachment),
                                      description=attachment.description))
    signature = letter.signature or {}
    signer = None
    if signature.get("name") or signature.get("title") or signature.get("authority"):
        signer = edxml.Signer(competence="\n".join(signature.get("authority") or ()),
                              position=signature.get("title", ""),
                              full_name=signature.get("name", ""))
    return edxml.Package(
        sender=sender, receivers=receivers, number=letter.number, notation=letter.symbol,
        place=letter.place or letter.issuer.seat, date=letter.date,
        subject=_subject_out(letter), category=edxml.DocumentCategory.ADMINISTRATIVE,
        type_detail=TYPE_DETAIL.get(letter.kind, ""),
        type_name=KIND_NAMES.get(letter.kind, "Công văn"), content=_body_text(letter.body),
        signer=signer, due_date=letter.due_date, to_places=tuple(letter.addressee_texts),
        # A letter with a report deadline directs the units below (chỉ đạo).
        steering=(edxml.SteeringType.DIRECTING if letter.due_date
                  else edxml.SteeringType.NONE),
        references=tuple(_reference_out(ref) for ref in
                         letter.references.select_related("target__issuer")),
        attachments=tuple(files), traces=(edxml.Trace(sender.organ_id, now),),
    )


def export_letter_package(letter: Letter) -> bytes:
    """The .edxml file of an issued letter (with its PDF and attached files)."""
    try:
        return edxml.build_package(letter_package(letter))
    except edxml.EdxmlError as error:  # e.g. a symbol longer than the standard allows
        raise ExchangeError(error.in_language(_language())) from error


def package_file_name(letter: Letter) -> str:
    return f"{file_stem(letter)}.edxml"


def _language() -> str:
    return get_language() or "vi"


# In: a package as an external letter ---------------------------------------------------------

def _kind_in(package: edxml.Package) -> str:
    return (_KIND_BY_NAME.get(package.type_name.casefold())
            or _KIND_BY_DETAIL.get(package.type_detail) or LetterKind.OFFICIAL_LETTER)


def _subject_in(subject: str) -> str:
    return re.sub(r"^\s*V/v\.?\s*", "", subject, flags=re.IGNORECASE).strip() or subject


def _body_in(content: str) -> list[dict]:
    body = []
    for line in content.splitlines():
        line = line.strip()
        if not line:
            continue
        numbered = re.fullmatch(r"([0-9]{1,3})\.\s+(.*)", line)
        if numbered:
            body.append({"text": numbered.group(2), "number": numbered.group(1),
                         "bullet": False, "level": 0})
        elif line.startswith(("- ", "– ", "+ ")):
            body.append({"text": line[2:].strip(), "number": None, "bullet": True, "level": 0})
        else:
            body.append({"text": line, "number": None, "bullet": False, "level": 0})
    return body


def _find_letter(ref: edxml.DocumentRef) -> Letter | None:
    """The letter in the system that a ResponseFor names: one of ours by its issuing unit, or
    one received before by number, symbol, date and issuer."""
    number, notation, date, organ = ref.number, ref.notation, ref.date, ref.organ_id
    named = edxml.read_document_id(ref.document_id) if ref.document_id else None
    if named is not None and (number is None or date is None):
        number, notation, date = named.number, named.notation, named.date
        organ = organ or named.organ_id
    if number is None:
        return None
    letters = Letter.objects.filter(number=number, symbol=notation).exclude(
        status=LetterStatus.DRAFT)
    if date is not None:
        letters = letters.filter(date=date)
    unit = unit_for(organ)
    if unit is not None:
        return letters.filter(issuer=unit).first()
    if ref.organ_name:
        letters = letters.filter(issuer_name=ref.organ_name)
    elif date is None:
        return None  # a bare number names no letter for sure
    return letters.order_by("id").first()


def _storage_name(name: str) -> str:
    """An ASCII file name for storage (the name as sent is kept in `LetterAttachment.name`)."""
    stem, ext = os.path.splitext(os.path.basename(name.replace("\\", "/")))
    ext = get_valid_filename(ext)[:10] if ext else ""
    return f"{slugify(stem)[:80] or 'tep'}{ext}"


@dataclass
class Received:
    """What a received file did: a letter taken in (or found again), or a status applied."""

    letter: Letter
    created: bool = False
    delivery: Delivery | None = None
    status_code: str = ""


def _lock(key: str) -> None:
    """Two imports of the same document wait for each other (PostgreSQL; SQLite's write
    transactions are already one at a time)."""
    if connection.vendor == "postgresql":
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


def _existing(package: edxml.Package, digest: str) -> Letter | None:
    same_file = Letter.objects.filter(
        source=LetterSource.EDXML, attachments__role=AttachmentRole.SOURCE,
        attachments__sha256=digest).first()
    if same_file is not None:
        return same_file
    # The same document sent again in a new envelope (other trace stamps).
    return Letter.objects.filter(
        source=LetterSource.EDXML, status=LetterStatus.EXTERNAL, number=package.number,
        symbol=package.notation, date=package.date, issuer_name=package.sender.name,
    ).order_by("id").first()


def _deliver(letter: Letter, unit: OrganisationUnit, package: edxml.Package, actor) -> Delivery:
    now = timezone.now()
    delivery, created = Delivery.objects.get_or_create(
        letter=letter, unit=unit,
        defaults={"received_at": now, "due_date": package.due_date,
                  "state": DeliveryState.RECEIVED})
    if created:
        CascadeProgress.objects.get_or_create(
            cascade_root_id=letter.cascade_root_id, unit=unit,
            defaults={"unit_path": unit.path, "depth": unit.depth, "received_at": now,
                      "due_date": package.due_date})
        audit.record("delivery.received_edxml", actor=actor, target=delivery,
                     after={"letter": letter.pk, "unit": unit.pk})
    return delivery


def _save_file(letter: Letter, role: str, name: str, content_type: str, data: bytes,
               description: str, saved: list) -> LetterAttachment:
    attachment = LetterAttachment(
        letter=letter, role=role, name=nfc(name)[:255], content_type=content_type[:100],
        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        description=nfc(description)[:300])
    attachment.file.save(_storage_name(name), ContentFile(data), save=False)
    saved.append(attachment.file.name)
    attachment.save()
    return attachment


def _create_letter(package: edxml.Package, actor) -> Letter:
    signer = package.signer
    in_charge = package.sender.in_charge
    letter = Letter.objects.create(
        issuer=None, issuer_name=package.sender.name,
        header_parent=in_charge if in_charge != package.sender.name else "",
        kind=_kind_in(package),
        style=Style.PARTY if classify_symbol(package.notation).party else Style.STATE,
        status=LetterStatus.EXTERNAL, source=LetterSource.EDXML, number=package.number,
        symbol=package.notation, place=package.place, date=package.date,
        subject=_subject_in(package.subject),
        addressee_texts=list(package.to_places) or [r.name for r in package.receivers if r.name],
        body=_body_in(package.content),
        signature=({"authority": [line for line in signer.competence.splitlines() if line],
                    "title": signer.position, "name": signer.full_name} if signer else {}),
        due_date=package.due_date, created_by=actor)
    # A letter from outside heads its own cascade here: the units it reaches implement it.
    letter.cascade_root = letter
    letter.save(update_fields=["cascade_root"])
    units = [unit for unit in (unit_for(r.organ_id) for r in package.receivers) if unit]
    letter.addressee_units.set(units)
    for position, ref in enumerate(package.references):
        target = _find_letter(ref)
        relation = ref.relation if ref.relation in Relation.values else Relation.IMPLEMENTS
        LetterReference.objects.create(
            letter=letter, position=position, relation=relation, target=target,
            kind=(ref.kind or "Công văn")[:60], number=ref.number, symbol=ref.notation[:60],
            date=ref.date,
            issuer_name=(ref.organ_name or (target.issuer_name if target else ""))[:300],
            subject=ref.subject[:500])
    return letter


def import_package(data: bytes, *, actor, receiving_unit: OrganisationUnit | None = None,
                   ) -> Letter:
    """Take in a received package as an external letter (source edXML) with its references and
    attached files, and deliver it to `receiving_unit`. The same package (or the same document
    in a new envelope) taken in again gives back the letter already here."""
    return receive_package(data, actor=actor, receiving_unit=receiving_unit).letter


def _check_receiver(actor, receiving_unit: OrganisationUnit | None) -> None:
    if receiving_unit is None:
        if not (actor is not None and actor.is_authenticated and actor.has_role(Role.ORGANISER)):
            raise ReceiverMissing(gettext_lazy(
                "Choose the unit that received the package: only organisers register a letter "
                "without one."))
    elif not can_act_for(actor, receiving_unit):
        raise PermissionError(format_lazy(gettext_lazy("You are not an officer of {unit}."),
                                          unit=receiving_unit.name))


def receive_package(data: bytes, *, actor, receiving_unit: OrganisationUnit | None = None,
                    package: edxml.Package | None = None) -> Received:
    _check_receiver(actor, receiving_unit)
    package = package or edxml.parse_package(data, max_bytes=MAX_PACKAGE_BYTES)
    if package.business != edxml.BusinessType.NEW:
        raise ExchangeError(gettext_lazy(
            "This package revokes, updates or replaces a document (BussinessDocType 1–3); only "
            "new documents are taken in here. Ask the sender for the new document instead."))
    digest = hashlib.sha256(data).hexdigest()
    saved: list[str] = []
    try:
        with transaction.atomic():
            _lock(package.document_id)
            letter, created = _existing(package, digest), False
            if letter is None:
                created = True
                letter = _create_letter(package, actor)
                stem = slugify(f"{package.number} {package.notation} {package.date}").upper()
                _save_file(letter, AttachmentRole.SOURCE, f"{stem}.edxml", XML, data,
                           "Gói tin edXML đã nhận", saved)
                for item in package.attachments:
                    _save_file(letter, AttachmentRole.ATTACHMENT, item.name, item.content_type,
                               item.data, item.description, saved)
                audit.record("letter.received_edxml", actor=actor, target=letter, after={
                    "document_id": package.document_id, "sender": package.sender.organ_id,
                    "number": package.number, "symbol": package.notation,
                    "date": package.date.isoformat(),
                    "attachments": [[a.name, a.sha256] for a in package.attachments]})
            delivery = (_deliver(letter, receiving_unit, package, actor)
                        if receiving_unit is not None else None)
    except Exception:
        for name in saved:  # the rows are gone with the transaction; so go their files
            LetterAttachment.file.field.storage.delete(name)
        raise
    return Received(letter=letter, created=created, delivery=delivery)


# Status messages -----------------------------------------------------------------------------

def _origin(letter: Letter) -> tuple[str, str]:
    """The sender's organ identifier and DocumentId of a letter taken in from a package."""
    source = letter.attachments.filter(role=AttachmentRole.SOURCE,
                                       content_type=XML).order_by("id").first()
    if source is None:
        return "", ""
    try:
        with source.file.open("rb") as handle:
            package = edxml.parse_package(handle.read(), max_bytes=MAX_PACKAGE_BYTES)
    except (OSError, edxml.EdxmlError):
        return "", ""
    return package.sender.organ_id, package.document_id


def _letter_ref(letter: Letter) -> edxml.DocumentRef:
    organ, doc_id = "", ""
    if letter.issuer_id:
        organ = organ_id(letter.issuer)
    elif letter.source == LetterSource.EDXML:
        organ, doc_id = _origin(letter)
    if not doc_id and organ and letter.date and letter.number is not None:
        doc_id = edxml.document_id(organ, letter.date, letter.number, letter.symbol)
    return edxml.DocumentRef(number=letter.number, notation=letter.symbol, date=letter.date,
                             organ_id=organ, document_id=doc_id)


_STATE_STAMP = {DeliveryState.RECEIVED: "received_at", DeliveryState.REFUSED: "refused_at",
                DeliveryState.ACKNOWLEDGED: "acknowledged_at",
                DeliveryState.ASSIGNED: "assigned_at", DeliveryState.IN_PROGRESS: "started_at",
                DeliveryState.DONE: "done_at"}


def status_message(delivery: Delivery) -> edxml.StatusMessage:
    code = EDXML_STATUS[DeliveryState(delivery.state)]
    assignee = delivery.assignee
    return edxml.StatusMessage(
        response_for=_letter_ref(delivery.letter), sender=organ(delivery.unit), code=code,
        timestamp=(getattr(delivery, _STATE_STAMP[DeliveryState(delivery.state)])
                   or delivery.received_at),
        description=delivery.refusal_reason or edxml.STATUS_CODES[code],
        staff=(edxml.Staff(name=assignee.full_name or assignee.get_username(),
                           email=assignee.email) if assignee else None))


def status_package(delivery: Delivery) -> bytes:
    """The status message a unit sends back about a letter it received (01–06)."""
    return edxml.build_status(status_message(delivery))


def status_file_name(delivery: Delivery) -> str:
    return f"trang-thai-{file_stem(delivery.letter)}-{delivery.unit_id}.edxml"


def apply_status(data: bytes, actor, *, message: edxml.StatusMessage | None = None) -> Delivery:
    """Move a delivery as a received status message says (01 arrived … 06 done; 02 refused),
    through the letter services. A status already reflected changes nothing."""
    message = message or edxml.parse_status(data)
    unit = unit_for(message.sender.organ_id)
    if unit is None:
        raise ExchangeError(format_lazy(gettext_lazy(
            "The status comes from {organ} ({id}), which is not a unit in this system."),
            organ=message.sender.name or "?", id=message.sender.organ_id))
    letter = _find_letter(message.response_for)
    if letter is None:
        raise ExchangeError(format_lazy(gettext_lazy(
            "The status is about letter {code}, which is not in this system."),
            code=message.response_for.code or message.response_for.document_id))
    delivery = Delivery.objects.filter(letter=letter, unit=unit).select_related(
        "letter", "unit").first()
    if delivery is None:
        raise ExchangeError(format_lazy(gettext_lazy(
            "Letter {code} was not sent to {unit}."), code=message.response_for.code,
            unit=unit.name))
    if not can_act_for(actor, unit):
        raise PermissionError(format_lazy(gettext_lazy("You are not an officer of {unit}."),
                                          unit=unit.name))
    code = message.code
    if code == "02":
        if delivery.state != DeliveryState.REFUSED:
            delivery = services.refuse(delivery, actor=actor, reason=(
                message.description or edxml.STATUS_CODES["02"]))
    elif code in _FORWARD:
        if delivery.state == DeliveryState.REFUSED:
            raise LetterConflict(gettext_lazy("This delivery is closed: it was done or refused."))
        delivery = services.advance(delivery, actor=actor, state=_FORWARD[code])
    elif code != "01":  # 13/15/16: recalls and updates are the sender's business
        raise ExchangeError(format_lazy(gettext_lazy(
            "Status {code} (recall or update) is not handled here."), code=code))
    audit.record("delivery.status_received", actor=actor, target=delivery, after={
        "code": code, "timestamp": message.timestamp.isoformat(),
        "description": message.description, "state": delivery.state})
    return delivery


def receive(data: bytes, *, actor, receiving_unit: OrganisationUnit | None = None) -> Received:
    """Whatever arrived: a document package is taken in, a status message applied."""
    message = edxml.parse_message(data, max_bytes=MAX_PACKAGE_BYTES)
    if isinstance(message, edxml.StatusMessage):
        delivery = apply_status(data, actor, message=message)
        return Received(letter=delivery.letter, delivery=delivery, status_code=message.code)
    return receive_package(data, actor=actor, receiving_unit=receiving_unit, package=message)
