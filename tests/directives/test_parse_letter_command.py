"""`giaithuong parse_letter FILE … [--json]`."""

import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from giaithuong.directives.parser import JSON_KEYS
from tests.conftest import SEEDS
from tests.directives.test_parser_seeds import SEED_000, SEED_004

CORPUS = Path(__file__).parent / "corpus"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the seed letters are not here ({SEEDS}); CI provides them")


def seed_paths() -> list[str]:
    return [str(next(SEEDS.glob(f"{prefix}_*.txt"))) for prefix in ("000", "004")]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("parse_letter", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@needs_seeds
def test_json_for_the_two_seeds():
    out, err = run(*seed_paths(), "--json")
    lines = out.splitlines()
    assert len(lines) == 2 and err == ""
    for line, expected in zip(lines, (SEED_000, SEED_004), strict=True):
        assert unicodedata.is_normalized("NFC", line)
        assert "\\u" not in line  # Vietnamese as written, not escaped
        data = json.loads(line)
        assert list(data) == list(JSON_KEYS)
        assert data == expected


def test_json_for_the_corpus_matches_the_expected_files():
    paths = sorted(CORPUS.glob("*.txt"))
    out, _ = run(*map(str, paths), "--json")
    for path, line in zip(paths, out.splitlines(), strict=True):
        assert json.loads(line) == json.loads(path.with_suffix(".json").read_text("utf-8"))


def test_readable_summary():
    path = CORPUS / "13_hoa_toc_no_header.txt"
    out, _ = run(str(path))
    assert f"== {path}" in out
    assert "MTTQ-BTT" in out and "Nguyễn Văn Phúc" in out
    assert "[0.60] Ban Thường trực" in out
    assert "Công văn số 379/MTTW-BTT, 2026-06-08" in out
    out, _ = run(str(CORPUS / "10_cut_off.txt"))
    assert "Nơi nhận        [0.00] —" in out


def test_unreadable_files_are_reported_and_the_others_still_printed(tmp_path):
    scan = tmp_path / "bad.docx"
    scan.write_bytes(b"PK\x03\x04 not a zip")
    good = CORPUS / "01_ubnd_tinh.txt"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 of 3 file"):
        call_command("parse_letter", str(scan), str(good), str(tmp_path / "missing.txt"),
                     "--json", stdout=out, stderr=err)
    assert len(out.getvalue().splitlines()) == 1
    assert json.loads(out.getvalue())["number"] == 1234
    errors = err.getvalue().splitlines()
    assert errors[0].startswith(f"{scan}: The file is not a valid DOCX")
    assert errors[1].startswith(f"{tmp_path / 'missing.txt'}: No such file")


def test_the_console_entry_point():
    entry = Path(sys.executable).parent / "giaithuong"
    files = seed_paths() if SEEDS.is_dir() else [str(CORPUS / "01_ubnd_tinh.txt")]
    completed = subprocess.run([str(entry), "parse_letter", *files, "--json"],
                               capture_output=True, text=True, encoding="utf-8", check=False,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == len(files)
    if SEEDS.is_dir():
        assert [json.loads(line) for line in lines] == [SEED_000, SEED_004]
    failed = subprocess.run([str(entry), "parse_letter", "/nonexistent/letter.pdf"],
                            capture_output=True, text=True, encoding="utf-8", check=False,
                            timeout=120)
    assert failed.returncode != 0
    assert "/nonexistent/letter.pdf: No such file" in failed.stderr
