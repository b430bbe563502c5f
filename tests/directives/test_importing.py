"""Reading existing letters into the cascade: references resolved to letters in the system or to
placeholders filled in later, idempotent imports, issuer matching, and the seeds' graph."""

import dataclasses
import datetime as dt

import pytest

from giaithuong.accounts.roles import Role
from giaithuong.common.models import AuditEvent
from giaithuong.directives import letters
from giaithuong.directives.extract import extract_bytes
from giaithuong.directives.importing import (
    LetterImportError,
    Outcome,
    SourceFile,
    import_fields,
    import_letter_doc,
    import_parsed,
)
from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    AttachmentRole,
    CascadeProgress,
    Letter,
    LetterReference,
    LetterSource,
    LetterStatus,
    Relation,
)
from giaithuong.directives.parser import parse_letter_text
from giaithuong.directives.samples import SEED_000, SEED_004
from tests.directives.import_data import (
    LETTER_783,
    LETTER_897,
    build_tree,
    make_user,
    needs_seeds,
    seed_bytes,
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tree(db, media):
    return build_tree()


@pytest.fixture
def organiser(edition):
    return make_user("bantochuc", Role.ORGANISER, edition=edition)


def read_file(name: str, data: bytes, actor, **extra) -> Letter:
    parsed = parse_letter_text(extract_bytes(data, name))
    return import_parsed(parsed, actor=actor, source_file=SourceFile(name, data), **extra)


def refs(letter: Letter) -> list[tuple[str, str, int | None]]:
    return [(ref.relation, ref.symbol, ref.target_id)
            for ref in LetterReference.objects.filter(letter=letter).order_by("position")]


def cited(number: int) -> Letter:
    return Letter.objects.get(number=number)


# The seeds ------------------------------------------------------------------------------------

@needs_seeds
def test_the_two_seeds_build_the_cascade_graph(tree, organiser):
    ward_letter = read_file("004.txt", seed_bytes("004"), organiser)
    assert ward_letter.import_outcome == Outcome.CREATED
    assert (ward_letter.number, ward_letter.symbol, ward_letter.date) == (
        31, "MTTQ-BTT", dt.date(2026, 6, 18))
    assert ward_letter.status == LetterStatus.EXTERNAL and ward_letter.source == "parsed"
    assert ward_letter.issuer == tree["ward"]
    assert ward_letter.issuer_name == "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng"
    assert (ward_letter.header_name, ward_letter.header_parent) == (
        "BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG")
    assert ward_letter.place == "Nam Đồng" and ward_letter.series == "2026"
    assert ward_letter.addressee_texts[0] == "Ban Công tác Mặt trận các Tổ dân phố"
    assert ward_letter.signature == {"authority": ["TM. BAN THƯỜNG TRỰC"], "title": "CHỦ TỊCH",
                                     "name": "Đoàn Trung Thu"}
    assert ward_letter.recipients[-1] == "Lưu: VT"
    assert ward_letter.confidence["number"] > 0.9 and ward_letter.read_problems == []
    source = ward_letter.attachments.get()
    assert source.role == AttachmentRole.SOURCE and len(source.sha256) == 64
    assert source.file.read() == seed_bytes("004")

    # The three letters it cites are placeholders until they are read in; body citations
    # (Kết luận 57-KL/TW, Nghị quyết 59-NQ/TW) are not references.
    city_front, central_front, city_party = cited(783), cited(379), cited(897)
    assert {p.source for p in (city_front, central_front, city_party)} == {LetterSource.CITED}
    assert refs(ward_letter) == [
        (Relation.IMPLEMENTS, "", city_front.pk),
        (Relation.BASED_ON, "MTTW-BTT", central_front.pk),
        (Relation.BASED_ON, "CV/BTGDVTU", city_party.pk)]
    # "Công văn số 783" names no symbol; the city Front unit's own code gives it.
    assert city_front.symbol == "MTTQ-BTT" and city_front.confidence == {"symbol": 0.5}
    assert city_front.issuer is None  # a citation does not link a unit's register
    assert city_front.issuer_name == "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng"
    assert (city_front.date, city_front.status) == (dt.date(2026, 6, 10), LetterStatus.EXTERNAL)
    assert city_party.style == Style.PARTY and central_front.style == Style.STATE
    assert ward_letter.implements == city_front and ward_letter.cascade_root == city_front

    ministry_letter = read_file("000.txt", seed_bytes("000"), organiser)
    assert (ministry_letter.number, ministry_letter.symbol, ministry_letter.date) == (
        None, "CV/BTGDV", None)
    assert ministry_letter.style == Style.PARTY and ministry_letter.series == "2026"
    assert ministry_letter.issuer is None  # no "Đảng ủy Bộ" unit in this tree
    assert ministry_letter.issuer_name == "Ban Tuyên giáo và Dân vận Đảng ủy Bộ"
    central_party = cited(1390)
    assert (central_party.symbol, central_party.date) == ("CV/BTGDVTW", dt.date(2026, 6, 2))
    assert ministry_letter.implements == central_party
    assert ministry_letter.cascade_root == central_party == central_party.cascade_root

    # The city Front letter is read in: the placeholder becomes it, in place.
    real_783 = read_file("783.txt", LETTER_783.encode(), organiser)
    assert real_783.pk == city_front.pk and real_783.import_outcome == Outcome.FILLED
    real_783.refresh_from_db()
    assert real_783.source == LetterSource.PARSED and real_783.issuer == tree["city"]
    assert real_783.signature["name"] == "Nguyễn Văn Tùng"
    assert real_783.implements == central_front and real_783.cascade_root == central_front
    ward_letter.refresh_from_db()
    assert ward_letter.implements == real_783 and ward_letter.cascade_root == central_front

    real_897 = read_file("897.txt", LETTER_897.encode(), organiser)
    assert real_897.pk == city_party.pk and real_897.issuer == tree["city_party"]
    assert real_897.implements == central_party and real_897.cascade_root == central_party

    assert Letter.objects.count() == 6  # 31, 000, 783, 379, 897, 1390: nothing duplicated
    assert set(Letter.objects.filter(cascade_root=central_front)) == {
        central_front, real_783, ward_letter}
    assert set(Letter.objects.filter(cascade_root=central_party)) == {
        central_party, ministry_letter, real_897}


@needs_seeds
def test_the_seed_files_read_back_as_the_samples(tree, organiser):
    """The demo imports `samples.SEED_004`; the file of the same letter is then already there."""
    sample = import_letter_doc(SEED_004, actor=organiser)
    from_file = read_file("004.txt", seed_bytes("004"), organiser)
    assert from_file == sample and from_file.import_outcome == Outcome.PRESENT
    assert not sample.attachments.exists()


# References ------------------------------------------------------------------------------------

def test_a_reference_resolves_to_the_letter_issued_in_the_system(tree):
    city_officer = make_user("haiphong", unit=tree["city"])
    draft = letters.create_draft(
        actor=city_officer, issuer=tree["city"], symbol="MTTQ-BTT",
        subject="tuyên truyền, triển khai, hưởng ứng Giải thưởng",
        addressee_units=[tree["ward"]], recipients=["Như trên", "Lưu: VT"])
    issued = letters.issue_letter(draft, actor=city_officer, on=dt.date(2026, 6, 10), number=783)

    ward_letter = import_letter_doc(SEED_004, actor=None)
    target = ward_letter.references.get(relation=Relation.IMPLEMENTS).target
    assert target == issued
    assert ward_letter.implements == issued and ward_letter.cascade_root == issued
    assert not Letter.objects.filter(number=783, source=LetterSource.CITED).exists()


def test_placeholders_are_shared_and_filled_whichever_letter_comes_first(tree):
    # The city letter first: the ward letter's bare "Công văn số 783" finds it by number, date
    # and issuer.
    city_letter = import_parsed(parse_letter_text(LETTER_783), actor=None)
    assert city_letter.import_outcome == Outcome.CREATED
    central = city_letter.implements
    assert central.source == LetterSource.CITED and central.symbol == "MTTW-BTT"

    ward_letter = import_letter_doc(SEED_004, actor=None)
    assert ward_letter.implements == city_letter and ward_letter.cascade_root == central
    # 379 is cited by both: one placeholder.
    assert Letter.objects.filter(number=379).count() == 1
    assert ward_letter.references.get(symbol="MTTW-BTT").target == central

    ministry = import_letter_doc(SEED_000, actor=None)
    party_city = import_parsed(parse_letter_text(LETTER_897), actor=None)
    assert party_city.import_outcome == Outcome.FILLED  # the ward letter cited it
    assert ministry.implements == party_city.implements == Letter.objects.get(number=1390)
    assert Letter.objects.count() == 6


def test_filling_a_placeholder_moves_the_progress_kept_under_it(tree):
    """Progress kept under a placeholder at the top of a cascade joins the real top when the
    placeholder is filled; a unit counted under both keeps its earliest date."""
    central = import_parsed(parse_letter_text(LETTER_783), actor=None).implements  # 379
    ward_letter = import_fields(
        dataclasses.replace(_fields(SEED_004), references=[
            _ref("implements", 790, "", dt.date(2026, 6, 12))]), actor=None)
    top = ward_letter.implements
    assert top.source == LetterSource.CITED and ward_letter.cascade_root == top
    early, late = dt.datetime(2026, 6, 11, tzinfo=dt.UTC), dt.datetime(2026, 6, 12, tzinfo=dt.UTC)
    ward, other = tree["ward"], tree["other_ward"]
    CascadeProgress.objects.create(cascade_root=top, unit=ward, unit_path=ward.path,
                                   depth=ward.depth, received_at=late, audience=5)
    CascadeProgress.objects.create(cascade_root=top, unit=other, unit_path=other.path,
                                   depth=other.depth, received_at=late)
    CascadeProgress.objects.create(cascade_root=central, unit=ward, unit_path=ward.path,
                                   depth=ward.depth, received_at=early, audience=3)

    text = LETTER_783.replace("783/MTTQ-BTT", "790/MTTQ-BTT").replace("ngày 10 tháng",
                                                                      "ngày 12 tháng")
    filled = import_parsed(parse_letter_text(text), actor=None)
    assert filled.pk == top.pk and filled.cascade_root == central
    ward_letter.refresh_from_db()
    assert ward_letter.cascade_root == central
    rows = {row.unit_id: row for row in CascadeProgress.objects.all()}
    assert set(rows) == {ward.pk, other.pk}
    assert {row.cascade_root_id for row in rows.values()} == {central.pk}
    assert rows[ward.pk].received_at == early and rows[ward.pk].audience == 8


def _fields(doc):
    from giaithuong.directives.import_fields import fields_from_doc

    return fields_from_doc(doc)


def _ref(relation, number, symbol, date, issuer="Ban Thường trực Ủy ban MTTQ Việt Nam thành "
                                                "phố Hải Phòng"):
    from giaithuong.directives.import_fields import ImportReference

    return ImportReference(relation=relation, number=number, symbol=symbol, date=date,
                           issuer=issuer)


def test_references_that_cannot_be_identified_stay_unlinked(tree):
    fields = dataclasses.replace(_fields(SEED_004), references=[
        _ref("according_to", None, "", dt.date(2026, 6, 1)),
        _ref("based_on", 12, "", None)])
    letter = import_fields(fields, actor=None)
    assert [ref.target for ref in letter.references.all()] == [None, None]
    assert letter.implements is None and letter.cascade_root == letter
    assert Letter.objects.count() == 1


# Idempotency -----------------------------------------------------------------------------------

def test_importing_the_same_letter_again_changes_nothing(tree, organiser):
    data = LETTER_783.encode()
    first = read_file("783.txt", data, organiser)
    counts = (Letter.objects.count(), LetterReference.objects.count(),
              AuditEvent.objects.count(), first.attachments.count())

    again = read_file("copy of 783.txt", data, organiser)  # the same file
    same_letter = read_file("783-crlf.txt", data.replace(b"\n", b"\r\n"), organiser)
    by_fields = import_parsed(parse_letter_text(LETTER_783), actor=organiser)
    for letter in (again, same_letter, by_fields):
        assert letter == first and letter.import_outcome == Outcome.PRESENT
    assert (Letter.objects.count(), LetterReference.objects.count(),
            AuditEvent.objects.count(), first.attachments.count()) == counts


def test_a_draft_without_number_is_known_by_issuer_date_and_subject(tree):
    first = import_letter_doc(SEED_000, actor=None)
    assert import_letter_doc(SEED_000, actor=None) == first
    other = import_letter_doc(dataclasses.replace(SEED_000, subject="một việc khác"), actor=None)
    assert other != first and other.import_outcome == Outcome.CREATED


# Issuers and numbers ---------------------------------------------------------------------------

def test_the_issuer_is_matched_by_its_header_in_any_case_and_tone_placement(tree):
    doc = dataclasses.replace(SEED_004, issuer="Ban thường trực",
                              issuer_parent="Uỷ ban MTTQ Việt Nam phường  Nam Đồng")
    letter = import_letter_doc(doc, actor=None)
    assert letter.issuer == tree["ward"]
    assert letter.header_parent == "UỶ BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG"


def test_an_unknown_issuer_is_left_unlinked_with_its_name(tree):
    doc = dataclasses.replace(SEED_004, issuer_parent="ỦY BAN MTTQ VIỆT NAM PHƯỜNG HÒA BÌNH",
                              place="Hòa Bình", body=())
    letter = import_letter_doc(doc, actor=None)
    assert letter.issuer is None
    assert letter.issuer_name == "BAN THƯỜNG TRỰC ỦY BAN MTTQ VIỆT NAM PHƯỜNG HÒA BÌNH"


def test_two_units_of_the_same_name_are_not_guessed_between(tree):
    from giaithuong.directives.models import UnitKind
    from giaithuong.directives.services import ensure_unit

    ensure_unit(name=tree["ward"].name, kind=UnitKind.FRONT, parent=tree["front"],
                code="MTTQ-BTT", seat="Nam Đồng")
    letter = import_letter_doc(SEED_004, actor=None)
    assert letter.issuer is None and letter.issuer_name == tree["ward"].name


def test_the_officer_may_name_the_issuer(tree):
    letter = import_letter_doc(dataclasses.replace(SEED_004, issuer="", issuer_parent=None),
                               actor=None, issuer_unit=tree["other_ward"])
    assert letter.issuer == tree["other_ward"] and letter.header_name == tree[
        "other_ward"].name.upper()


def test_the_number_is_kept_and_the_register_moves_past_it(tree):
    import_letter_doc(SEED_004, actor=None)
    officer = make_user("namdong", unit=tree["ward"])
    draft = letters.create_draft(actor=officer, issuer=tree["ward"], symbol="MTTQ-BTT",
                                 subject="Kế hoạch tuyên truyền", addressee_texts=["Các tổ"])
    issued = letters.issue_letter(draft, actor=officer, on=dt.date(2026, 6, 25))
    assert issued.number == 32


def test_a_number_taken_by_another_letter_of_the_issuer_is_refused(tree):
    officer = make_user("namdong", unit=tree["ward"])
    draft = letters.create_draft(actor=officer, issuer=tree["ward"], symbol="MTTQ-BTT",
                                 subject="Một việc khác", addressee_texts=["Các tổ"])
    letters.issue_letter(draft, actor=officer, on=dt.date(2026, 6, 2), number=31)
    before = Letter.objects.count()
    with pytest.raises(LetterImportError, match="already has letter 31/MTTQ-BTT in 2026"):
        import_letter_doc(SEED_004, actor=officer)
    assert Letter.objects.count() == before  # the placeholders went with the transaction


def test_a_letter_needs_a_subject_or_a_number_and_an_issuer(tree):
    with pytest.raises(LetterImportError, match="identifies a letter"):
        import_parsed(parse_letter_text("Kính gửi: các đơn vị.\n\nXin cảm ơn."), actor=None)
    with pytest.raises(LetterImportError, match="issuer"):
        import_letter_doc(dataclasses.replace(SEED_004, issuer="", issuer_parent=None, body=()),
                          actor=None)
    assert not Letter.objects.exists()


# Who may import --------------------------------------------------------------------------------

def test_only_organisers_and_unit_officers_import(tree, edition):
    participant = make_user("tacgia", Role.PARTICIPANT, edition=edition)
    with pytest.raises(PermissionError):
        import_letter_doc(SEED_004, actor=participant)
    assert not Letter.objects.exists()


def test_a_unit_officer_names_issuers_only_along_their_own_line(tree):
    ward_officer = make_user("namdong", unit=tree["ward"])
    other_officer = make_user("lechan", unit=tree["other_ward"])
    with pytest.raises(PermissionError):
        import_letter_doc(SEED_004, actor=other_officer, issuer_unit=tree["ward"])
    # The header names Nam Đồng, outside Lê Chân's line: kept as a name only.
    letter = import_letter_doc(SEED_004, actor=other_officer)
    assert letter.issuer is None and letter.created_by == other_officer
    # The city letter the ward received: the unit above is along the ward's line.
    city_letter = import_parsed(parse_letter_text(LETTER_783), actor=ward_officer)
    assert city_letter.issuer == tree["city"]


def test_every_change_is_audited(tree):
    import_letter_doc(SEED_004, actor=None)
    import_parsed(parse_letter_text(LETTER_783), actor=None)
    actions = list(AuditEvent.objects.filter(action__startswith="letter.")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["letter.placeholder_created"] * 3 + [
        "letter.imported", "letter.cascade_rerooted", "letter.placeholder_filled"]
