"""With production values, `manage.py check --deploy` must be silent."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_prints_no_warnings_with_production_values():
    result = _run({"DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "0",
                   "SECRET_KEY": "k8#Vq2!pL9zR4w@Xn7$Tb1^Hc6&Jm3*Fd5(Gs0)Ye8-Ua2+Wi4=Ok7_Ql1",
                   "ALLOWED_HOSTS": "concord.example.com"}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_missing_secret_key_with_debug_off_stops_start_up():
    result = _run({"DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "0"}, "check")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_setting_fails_loudly():
    result = _run({"DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "maybe"}, "check")
    assert result.returncode != 0 and "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_retired_environment_name_stops_start_up_naming_the_new_one():
    result = _run({"DJANGO_SETTINGS_MODULE": "pmo_site.settings", "DEBUG": "1", "CONCORD_SCAN_BATCH_SIZE": "8"},
                  "check")
    assert result.returncode != 0 and "CONCORD_SCAN_BATCH_SIZE was renamed CONFLICTS_SCAN_BATCH" in result.stderr
