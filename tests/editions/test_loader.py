"""Loading an edition file into the database: all or nothing, in place on reload, audited."""

import pytest
from django.core.management import CommandError, call_command

from giaithuong.common.models import AuditEvent
from giaithuong.editions.models import Category, Edition, Milestone, PrizeTier
from giaithuong.editions.rules import EditionFileInvalid
from giaithuong.editions.services import load_edition_text
from tests.conftest import EDITION_FILE

TEXT = EDITION_FILE.read_text(encoding="utf-8")
pytestmark = pytest.mark.django_db


def test_first_load_creates_the_edition_with_everything():
    result = load_edition_text(TEXT, source_name="ttdn-xii-2026.toml")
    edition = result.edition
    assert result.created and result.changed
    assert edition.is_current and edition.revision == 1 and edition.roman == "XII"
    assert edition.categories.count() == 8
    assert edition.criteria.count() == 3
    assert PrizeTier.objects.get(edition=edition, code="dac-biet").overall == 1
    assert PrizeTier.objects.get(edition=edition, code="khuyen-khich").per_category == 5
    assert Milestone.objects.filter(edition=edition).count() == 6
    assert edition.rules.rules.max_entries_per_author == 10
    event = AuditEvent.objects.get(action="edition.loaded")
    assert event.before is None and event.after["revision"] == 1


def test_loading_the_same_file_again_changes_nothing():
    first = load_edition_text(TEXT, source_name="a.toml").edition
    again = load_edition_text(TEXT, source_name="a.toml")
    assert not again.created and not again.changed
    assert again.edition.pk == first.pk and again.edition.revision == 1
    assert AuditEvent.objects.filter(action="edition.loaded").count() == 1


def test_reload_updates_in_place():
    first = load_edition_text(TEXT, source_name="a.toml").edition
    photo_pk = Category.objects.get(edition=first, code="anh").pk
    changed = (TEXT.replace('name = { vi = "Ảnh", en = "Photography" }',
                            'name = { vi = "Ảnh báo chí và phong cảnh", en = "Photos" }')
                   .replace("deadline = 2026-07-31T23:59:59+07:00\n# deadline_extended",
                            "deadline = 2026-07-31T23:59:59+07:00\ndeadline_extended"
                            " = 2026-09-15T23:59:59+07:00\n# was"))
    result = load_edition_text(changed, source_name="a.toml")
    assert result.changed and not result.created
    edition = Edition.objects.get()
    assert edition.pk == first.pk and edition.revision == 2
    photo = Category.objects.get(edition=edition, code="anh")
    assert photo.pk == photo_pk and photo.name_vi == "Ảnh báo chí và phong cảnh"
    assert edition.effective_deadline.month == 9
    event = AuditEvent.objects.filter(action="edition.loaded").first()
    assert event.before["revision"] == 1 and event.after["revision"] == 2


def test_a_dropped_category_is_closed_and_a_new_one_added():
    load_edition_text(TEXT, source_name="a.toml")
    start = TEXT.index('[[categories]]\ncode = "sang-kien-san-pham"')
    end = TEXT.index("# Criteria")
    replacement = TEXT[start:end].replace('code = "sang-kien-san-pham"', 'code = "giao-luu"')
    load_edition_text(TEXT[:start] + replacement + TEXT[end:], source_name="a.toml")
    old = Category.objects.get(code="sang-kien-san-pham")
    assert old.is_active is False
    assert Category.objects.get(code="giao-luu").is_active is True


def test_a_broken_file_loads_nothing_and_keeps_what_was_there():
    load_edition_text(TEXT, source_name="a.toml")
    broken = TEXT.replace('name = { vi = "Ảnh", en = "Photography" }',
                          'name = { vi = "Ảnh mới", en = "New" }')
    broken = broken.replace("number = 4", "number = 1")
    with pytest.raises(EditionFileInvalid):
        load_edition_text(broken, source_name="a.toml")
    assert Edition.objects.get().revision == 1
    assert Category.objects.get(code="anh").name_vi == "Ảnh"


def test_broken_file_never_creates_an_edition():
    with pytest.raises(EditionFileInvalid):
        load_edition_text("schema_version = 1\n[award]\nslug = 'x'\n", source_name="x.toml")
    assert not Edition.objects.exists()


def test_text_is_stored_in_nfc():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", TEXT)
    edition = load_edition_text(decomposed, source_name="a.toml").edition
    assert unicodedata.is_normalized("NFC", edition.title_vi)
    assert edition.title_vi == "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII"


def test_command_reports_each_problem_with_file_line_and_field(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(TEXT.replace("max_duration_minutes = 120", "max_duration_minutes = -1"),
                    encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_edition", str(path))
    message = str(caught.value)
    assert "nothing was loaded" in message
    assert f"{path}:" in message and "categories[3].max_duration_minutes" in message
    assert not Edition.objects.exists()


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_edition", str(tmp_path / "nope.toml"))


def test_command_loads_and_reloads(capsys):
    call_command("load_edition", str(EDITION_FILE))
    call_command("load_edition", str(EDITION_FILE))
    out = capsys.readouterr().out
    assert "created, revision 1, 8 categories" in out
    assert "unchanged, revision 1" in out
