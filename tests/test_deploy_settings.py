"""The production profile passes Django's deployment checks with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIAITHUONG = Path(sys.executable).with_name("giaithuong")


def run(env_extra, *args):
    ignored = ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(env_extra)
    return subprocess.run([str(GIAITHUONG), *args], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)


def test_check_deploy_has_no_issues(tmp_path):
    result = run({"GIAITHUONG_PROFILE": "production", "GIAITHUONG_VAR_DIR": str(tmp_path),
                  "SECRET_KEY": "k" * 20 + "ZrT9-q_Pw3xLm8vB2nY6uE1sA4dF7gH0jK5",
                  "ALLOWED_HOSTS": "giaithuong.example.vn"}, "check", "--deploy",
                 "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(tmp_path, missing):
    env = {"GIAITHUONG_PROFILE": "production", "GIAITHUONG_VAR_DIR": str(tmp_path),
           "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "giaithuong.example.vn"}
    env.pop(missing)
    result = run(env, "check")
    assert result.returncode != 0 and missing in result.stderr
