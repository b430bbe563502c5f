"""Duplicate detection after submit: the same file, the same text, or a near copy (also retyped
without diacritics) across the edition's live entries is flagged once per pair and audited;
drafts, withdrawn entries and shared evidence are not; intake dismisses or confirms a flag."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.common.models import AuditEvent
from giaithuong.entries import duplicates, services, similarity
from giaithuong.entries.errors import EntryError, EntryPermissionDenied
from giaithuong.entries.models import (
    DuplicateFlag,
    DuplicateReason,
    DuplicateStatus,
    Entry,
    FileRole,
    SimilarityKey,
)
from tests.entries.conftest import NOW, PDF, complete_draft, finished_upload, new_participant
from tests.entries.files import pdf_bytes

pytestmark = pytest.mark.django_db

TITLE = "Hà Nội – điểm hẹn của bạn bè quốc tế"
SUMMARY = ("Loạt bài phản ánh hình ảnh đất nước, con người Việt Nam qua các hoạt động giao lưu văn "
           "hóa với bạn bè quốc tế tại Thủ đô; được độc giả trong và ngoài nước đón nhận tích cực, "
           "nhiều bài được các báo nước ngoài dẫn lại.")
OTHER_TITLE = "Cà phê Buôn Ma Thuột chinh phục thị trường châu Âu"
OTHER_SUMMARY = ("Phóng sự về hành trình đưa hạt cà phê Tây Nguyên đến các nhà rang xay ở Berlin, "
                 "Paris và Rome, kể bằng lời những người nông dân và thương nhân hai bên.")


@pytest.fixture
def alice(edition):
    return new_participant(edition, "Nguyễn Thị An")


@pytest.fixture
def bob(edition):
    return new_participant(edition, "Phạm Văn Bình")


def submit(entry, owner, capture, key=None):
    with capture(execute=True):
        return services.submit_entry(entry, owner, key or f"k-{entry.pk}", now=NOW).entry


def flags():
    return list(DuplicateFlag.objects.order_by("pk"))


def test_the_same_text_from_two_participants_is_flagged_once(
        edition, alice, bob, django_capture_on_commit_callbacks):
    first = submit(complete_draft(alice, edition, title=TITLE, summary_vi=SUMMARY), alice,
                   django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.similarity_signature["v"] == similarity.VERSION
    assert SimilarityKey.objects.filter(entry=first).count() == similarity.BANDS + 1
    assert not flags()
    # The same work, typed again with other spacing and punctuation.
    second = submit(complete_draft(bob, edition, title=f"  {TITLE.upper()}!",
                                   summary_vi=SUMMARY.replace(",", " ,")), bob,
                    django_capture_on_commit_callbacks)
    (flag,) = flags()
    assert (flag.entry_a_id, flag.entry_b_id) == (first.pk, second.pk)
    assert (flag.reason, flag.score, flag.status) == (DuplicateReason.SAME_TEXT, 1.0,
                                                      DuplicateStatus.OPEN)
    assert flag.edition_id == edition.pk
    audited = AuditEvent.objects.filter(action="entry.duplicate_flagged")
    assert audited.count() == 1 and audited.get().after["entry_b"] == second.pk
    # Again (a retried hook, the catch-up command): nothing new.
    assert [f.pk for f in duplicates.flag_duplicates(second.pk)] == [flag.pk]
    assert [f.pk for f in duplicates.flag_duplicates(first.pk)] == [flag.pk]
    assert len(flags()) == 1 and audited.count() == 1


def test_a_near_copy_retyped_without_diacritics_is_similar(
        edition, alice, bob, django_capture_on_commit_callbacks):
    from giaithuong.entries.similarity import fold

    submit(complete_draft(alice, edition, title=TITLE, summary_vi=SUMMARY), alice,
           django_capture_on_commit_callbacks)
    retyped = fold(SUMMARY).replace("tich cuc", "rat tich cuc va nhiet tinh")
    submit(complete_draft(bob, edition, title=fold(TITLE), summary_vi=retyped), bob,
           django_capture_on_commit_callbacks)
    (flag,) = flags()
    assert flag.reason == DuplicateReason.SIMILAR_TEXT
    assert similarity.THRESHOLD <= flag.score < 1


def test_unrelated_works_are_not_flagged(edition, alice, bob,
                                         django_capture_on_commit_callbacks):
    submit(complete_draft(alice, edition, title=TITLE, summary_vi=SUMMARY), alice,
           django_capture_on_commit_callbacks)
    submit(complete_draft(bob, edition, title=OTHER_TITLE, summary_vi=OTHER_SUMMARY), bob,
           django_capture_on_commit_callbacks)
    assert not flags()


def test_the_same_file_is_flagged_but_shared_evidence_is_not(
        edition, alice, bob, storage, django_capture_on_commit_callbacks):
    work, evidence = pdf_bytes(pages=2), PDF
    entries = []
    for owner, title, summary in ((alice, TITLE, SUMMARY), (bob, OTHER_TITLE, OTHER_SUMMARY)):
        entry = complete_draft(owner, edition, title=title, summary_vi=summary)
        services.attach_file(entry, owner, finished_upload(owner, evidence, "trang-bao.pdf").key,
                             FileRole.EVIDENCE, now=NOW)
        entries.append(entry)
    services.attach_file(entries[0], alice, finished_upload(alice, work, "bai.pdf").key,
                         FileRole.MAIN, now=NOW)
    for entry, owner in zip(entries, (alice, bob), strict=True):
        submit(entry, owner, django_capture_on_commit_callbacks)
    assert not flags()  # the same front-page scan is evidence, not the work
    third = complete_draft(bob, edition, title="Một tiêu đề khác hẳn",
                           summary_vi="Một tóm tắt hoàn toàn khác về đề tài biển đảo.")
    services.attach_file(third, bob, finished_upload(bob, work, "ban-sao.pdf").key,
                         FileRole.MAIN, now=NOW)
    submit(third, bob, django_capture_on_commit_callbacks)
    (flag,) = flags()
    assert (flag.entry_a_id, flag.entry_b_id) == (entries[0].pk, third.pk)
    assert flag.reason == DuplicateReason.SAME_FILE
    assert flag.files == [hashlib.sha256(work).hexdigest()]


def test_one_participant_entering_one_work_twice_is_flagged(
        edition, alice, django_capture_on_commit_callbacks):
    submit(complete_draft(alice, edition, title=TITLE, summary_vi=SUMMARY), alice,
           django_capture_on_commit_callbacks)
    submit(complete_draft(alice, edition, code="bao-tap-chi-tieng-nuoc-ngoai", title=TITLE,
                          summary_vi=SUMMARY, language="en", translation_present=True), alice,
           django_capture_on_commit_callbacks)
    assert [f.reason for f in flags()] == [DuplicateReason.SAME_TEXT]


def test_drafts_and_withdrawn_entries_are_not_compared(
        edition, alice, bob, django_capture_on_commit_callbacks):
    complete_draft(alice, edition, title=TITLE, summary_vi=SUMMARY)  # never submitted
    withdrawn = submit(complete_draft(alice, edition, title=TITLE, summary_vi=SUMMARY), alice,
                       django_capture_on_commit_callbacks)
    services.withdraw_entry(withdrawn, alice, now=NOW)
    submit(complete_draft(bob, edition, title=TITLE, summary_vi=SUMMARY), bob,
           django_capture_on_commit_callbacks)
    assert not flags()


def test_find_duplicates_catches_up_with_entries_never_indexed(
        edition, alice, bob, django_capture_on_commit_callbacks):
    for owner in (alice, bob):  # submitted without the hook (as before this existed)
        services.submit_entry(complete_draft(owner, edition, title=TITLE, summary_vi=SUMMARY),
                              owner, "k", now=NOW)
    assert not flags() and not SimilarityKey.objects.exists()
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    assert "indexed 2 entries; 1 possible duplicate pair(s)" in out.getvalue()
    assert len(flags()) == 1
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    assert "indexed 0 entries" in out.getvalue() and len(flags()) == 1


# --- intake's decision ----------------------------------------------------------------------------

@pytest.fixture
def flag(edition, alice, bob, django_capture_on_commit_callbacks):
    for owner in (alice, bob):
        submit(complete_draft(owner, edition, title=TITLE, summary_vi=SUMMARY), owner,
               django_capture_on_commit_callbacks)
    return DuplicateFlag.objects.get()


def test_intake_confirms_or_dismisses_and_it_is_audited(flag, people):
    officer = people[str(Role.INTAKE_OFFICER)]
    decided = services.decide_duplicate(flag, officer, "confirmed", note="Cùng một bài báo",
                                        now=NOW)
    assert (decided.status, decided.decided_by, decided.decided_at) == (
        DuplicateStatus.CONFIRMED, officer, NOW)
    again = services.decide_duplicate(flag, officer, "confirmed", note="Cùng một bài báo")
    assert again.decided_at == NOW  # the same decision twice changes nothing
    services.decide_duplicate(flag, people[str(Role.ORGANISER)], "dismissed")
    actions = list(AuditEvent.objects.filter(action__startswith="entry.duplicate_")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["entry.duplicate_flagged", "entry.duplicate_confirmed",
                       "entry.duplicate_dismissed"]
    assert Entry.objects.filter(status="submitted").count() == 2  # entries are decided apart


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.JUROR, Role.UNIT_OFFICER])
def test_only_intake_decides_on_duplicates(flag, people, role):
    with pytest.raises(EntryPermissionDenied):
        services.decide_duplicate(flag, people[str(role)], "dismissed")
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.OPEN


def test_nobody_decides_on_a_pair_with_their_own_entry(flag, alice, edition):
    from giaithuong.accounts.services import grant_role

    grant_role(alice, Role.INTAKE_OFFICER, edition=edition)
    with translation.override("en"), pytest.raises(EntryPermissionDenied, match="of your own"):
        services.decide_duplicate(flag, alice, "dismissed")


def test_a_decision_must_be_one_of_the_two(flag, people):
    with pytest.raises(EntryError) as caught:
        services.decide_duplicate(flag, people[str(Role.INTAKE_OFFICER)], "maybe")
    assert caught.value.field == "decision"
    with pytest.raises(EntryError) as caught:
        services.decide_duplicate(flag, people[str(Role.INTAKE_OFFICER)], "dismissed",
                                  note="x" * 5001)
    assert caught.value.field == "note"
