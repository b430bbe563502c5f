"""`giaithuong import_letter FILE … [--issuer-unit ID]`: one line per file, exit code 1 when any
file failed, the others saved all the same."""

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from giaithuong.directives.models import Letter, LetterSource
from tests.directives.import_data import LETTER_783, build_tree, needs_seeds, seed_path
from tests.directives.test_extract import build_docx
from tests.directives.test_import_pages import scan_pdf


@pytest.fixture
def tree(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_tree()


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_letter", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_files_are_imported_with_one_line_each(tree, tmp_path):
    docx = tmp_path / "31.docx"
    docx.write_bytes(build_docx())
    city = tmp_path / "783.txt"
    city.write_text(LETTER_783, encoding="utf-8")
    out, err = run(str(docx), str(city), str(docx))
    lines = out.splitlines()
    assert err == "" and len(lines) == 3
    ward_letter, city_letter = Letter.objects.get(number=31), Letter.objects.get(number=783)
    assert lines[0] == (f"{docx}: created: 31/MTTQ-BTT of 2026-06-18, Ban Thường trực Ủy ban "
                        f"MTTQ Việt Nam phường Nam Đồng (letter {ward_letter.pk})")
    assert lines[1].startswith(f"{city}: created (filled in the letter known until now from a "
                               "citation): 783/MTTQ-BTT of 2026-06-10")
    assert lines[2].startswith(f"{docx}: already present: 31/MTTQ-BTT")
    assert city_letter.source == LetterSource.PARSED and ward_letter.implements == city_letter
    assert ward_letter.issuer == tree["ward"] and city_letter.issuer == tree["city"]


def test_failures_are_reported_and_the_others_saved(tree, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scan_pdf())
    good = tmp_path / "783.txt"
    good.write_text(LETTER_783, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 of 3 file") as raised:
        call_command("import_letter", str(scan), str(good), str(tmp_path / "missing.txt"),
                     stdout=out, stderr=err)
    assert raised.value.returncode == 1
    errors = err.getvalue().splitlines()
    assert errors[0].startswith(f"{scan}: error: This PDF has no text layer")
    assert errors[1] == f"{tmp_path / 'missing.txt'}: error: no such file"
    assert out.getvalue().startswith(f"{good}: created: 783/MTTQ-BTT")
    assert Letter.objects.filter(number=783).exists()


def test_the_issuer_unit_can_be_given(tree, tmp_path):
    path = tmp_path / "783.txt"
    path.write_text(LETTER_783, encoding="utf-8")
    run(str(path), "--issuer-unit", str(tree["front"].pk))
    assert Letter.objects.get(number=783).issuer == tree["front"]
    with pytest.raises(CommandError, match="No active unit with id 999999"):
        run(str(path), "--issuer-unit", "999999")


@needs_seeds
def test_the_console_entry_point_exits_1_on_failure(tmp_path):
    """Through the installed `giaithuong` script, as an operator runs it (own database)."""
    env = {"GIAITHUONG_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "giaithuong", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "giaithuong", "import_letter", str(seed_path("004")),
         str(tmp_path / "missing.txt")], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 1, result.stderr
    assert "created: 31/MTTQ-BTT" in result.stdout
    assert "missing.txt: error: no such file" in result.stderr
