"""The files in deploy/ say what an administrator relies on.

The https end-to-end test (tests/e2e/test_deploy_caddy_e2e.py) runs start.sh and
Caddyfile.lan for real; here: both Caddyfiles are valid for Debian's caddy (the public
one asks for ACME certificates, the LAN one for the internal CA), the systemd unit runs
start.sh as its own user with the data folder, the environment file and the hardening
options, and start.sh keeps Streamlit on 127.0.0.1 with the settings for a proxy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a systemd unit (keys may repeat)."""
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def adapt(caddyfile: str, **env: str) -> dict:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy ist nicht installiert: `make test` installiert Debians Paket caddy.")
    result = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "caddy" / caddyfile), "--adapter", "caddyfile"],
        capture_output=True, text=True, check=False, env={**os.environ, **env}, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_service_runs_the_start_script_as_its_own_user_with_hardening() -> None:
    service = unit("zugangsatlas.service")
    assert service["ExecStart"] == ["/opt/zugangsatlas/deploy/start.sh"]
    assert service["User"] == ["zugangsatlas"] and service["Group"] == ["zugangsatlas"]
    assert service["EnvironmentFile"] == ["/etc/zugangsatlas/zugangsatlas.env"]
    assert service["StateDirectory"] == ["zugangsatlas"]
    assert service["StateDirectoryMode"] == ["0700"] and service["UMask"] == ["0077"]
    for option in (
        "NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectControlGroups", "RestrictNamespaces", "RestrictSUIDSGID",
        "LockPersonality",
    ):  # fmt: skip
        assert service[option] == ["yes"], option
    assert service["ProtectSystem"] == ["strict"]
    assert service["CapabilityBoundingSet"] == [""]
    # Nothing leaves the machine: connections only with localhost (Caddy).
    assert service["IPAddressDeny"] == ["any"] and service["IPAddressAllow"] == ["localhost"]


def test_the_environment_file_keeps_the_data_in_the_services_data_folder() -> None:
    env = dict(
        line.split("=", 1)
        for line in (DEPLOY / "zugangsatlas.env").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert env["ZUGANGSATLAS_DB"].startswith("/var/lib/zugangsatlas/")
    assert env["ZUGANGSATLAS_PUBLIC_URL"].startswith("https://")


def test_the_start_script_keeps_streamlit_behind_the_proxy() -> None:
    script = (DEPLOY / "start.sh").read_text(encoding="utf-8")
    assert os.access(DEPLOY / "start.sh", os.X_OK)
    assert script.count(' run "$APP"') == 1  # the one start command
    for flag in (
        "--server.address 127.0.0.1",
        "--server.enableCORS true",
        "--server.enableXsrfProtection true",
        "--server.enableWebsocketCompression false",
        "--browser.gatherUsageStats false",
    ):
        assert flag in script, flag
    shell = shutil.which("sh") or "/bin/sh"
    assert subprocess.run([shell, "-n", str(DEPLOY / "start.sh")], check=False).returncode == 0


def test_the_backup_timer_runs_the_backup_nightly() -> None:
    backup = unit("zugangsatlas-backup.service")
    assert "zugangsatlas backup --out" in backup["ExecStart"][0]
    assert "/var/lib/zugangsatlas/sicherungen/" in backup["ExecStart"][0]
    assert unit("zugangsatlas-backup.timer")["OnCalendar"] == ["*-*-* 02:30:00"]


def test_the_lan_caddyfile_uses_the_internal_ca_and_proxies_to_streamlit() -> None:
    config = adapt("Caddyfile.lan", ZUGANGSATLAS_SITE="zugangsatlas.jobcenter.lan")
    http = config["apps"]["http"]["servers"]["srv0"]
    route = http["routes"][0]
    assert route["match"] == [{"host": ["zugangsatlas.jobcenter.lan"]}]
    assert '"dial":"127.0.0.1:8501"' in json.dumps(route, separators=(",", ":"))
    policies = config["apps"]["tls"]["automation"]["policies"]
    assert policies[0]["issuers"] == [{"module": "internal"}]
    assert config["apps"]["pki"]["certificate_authorities"]["local"]["install_trust"] is False
    assert "Strict-Transport-Security" not in json.dumps(config)  # a warning stays clickable


def test_the_public_caddyfile_gets_acme_certificates_with_hsts() -> None:
    config = adapt("Caddyfile.public", ZUGANGSATLAS_SITE="zugangsatlas.example.org")
    text = json.dumps(config)
    assert "zugangsatlas.example.org" in text
    assert '"module": "internal"' not in text  # no internal CA: Caddy's ACME default
    assert "Strict-Transport-Security" in text
    assert config["apps"]["tls"]["automation"]["policies"][0]["issuers"][0]["module"] == "acme"


def test_systemd_accepts_every_line_of_the_units(tmp_path: Path) -> None:
    """``systemd-analyze verify`` finds no unknown option and no bad value (a typo would
    silently drop a hardening line). The programs are pointed at ones that exist here."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze fehlt (kein systemd auf diesem Rechner).")
    start = str(DEPLOY / "start.sh")
    units = ("zugangsatlas.service", "zugangsatlas-backup.service", "zugangsatlas-backup.timer")
    for name in units:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        text = text.replace("/opt/zugangsatlas/deploy/start.sh", start)
        text = text.replace("/opt/zugangsatlas/.venv/bin/zugangsatlas", "/bin/true")
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.stdout + result.stderr == "", result.stdout + result.stderr
