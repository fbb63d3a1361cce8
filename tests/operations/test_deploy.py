"""The production files in deploy/ are what nginx and systemd accept: checked with their own tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = [
    "matchmaker-web.service",
    "matchmaker-worker.service",
    "matchmaker-backup.service",
    "matchmaker-backup.timer",
]


def _tool(name: str, *fallbacks: Path) -> str:
    found = shutil.which(name) or next((str(path) for path in fallbacks if path.exists()), None)
    if found is None:
        unavailable(f"{name} is not installed (make test installs it: make deploytools)")
    return found


def test_systemd_accepts_the_units(tmp_path):
    analyze = _tool("systemd-analyze")
    env = tmp_path / "matchmaker.env"
    env.write_text((DEPLOY / "matchmaker.env.example").read_text())
    for unit in UNITS:
        text = (DEPLOY / unit).read_text()
        # Where the checkout and its venv really are on this machine, so ExecStart paths exist.
        text = text.replace("/opt/matchmaker/.venv/bin", str(Path(sys.executable).parent))
        text = text.replace("/opt/matchmaker", str(ROOT)).replace("/etc/matchmaker/matchmaker.env", str(env))
        (tmp_path / unit).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *[str(tmp_path / unit) for unit in UNITS]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # warnings (unknown values) count too


def test_systemd_verify_catches_a_broken_unit(tmp_path):
    analyze = _tool("systemd-analyze")
    broken = tmp_path / "matchmaker-web.service"
    broken.write_text(
        (DEPLOY / "matchmaker-web.service").read_text().replace("Restart=on-failure", "Restart=often")
    )
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(broken)], capture_output=True, text=True, check=False
    )
    assert "Restart" in result.stderr or "restart" in result.stderr  # the check above is not blind


def _nginx_test(tmp_path: Path, site: str) -> subprocess.CompletedProcess[str]:
    nginx = _tool("nginx", ROOT / "build" / "nginx" / "usr" / "sbin" / "nginx")
    openssl = _tool("openssl")
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=matchmaker.example.kr",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    site = site.replace("/etc/letsencrypt/live/matchmaker.example.kr/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/matchmaker.example.kr/privkey.pem", str(key))
    site = site.replace("/opt/matchmaker", str(ROOT))
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi"))
    temp += " " + " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  {temp}\n  include {tmp_path}/site.conf;\n}}\n"
    )
    return subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_nginx_accepts_the_site(tmp_path):
    result = _nginx_test(tmp_path, (DEPLOY / "nginx-matchmaker.conf").read_text())
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_nginx_test_catches_a_broken_site(tmp_path):
    broken = (
        (DEPLOY / "nginx-matchmaker.conf")
        .read_text()
        .replace("proxy_pass http://127.0.0.1:8000;", "proxy_pass;")
    )
    assert _nginx_test(tmp_path, broken).returncode != 0


def test_gunicorn_reads_its_configuration():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "--check-config",
            "wsgi:app",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MATCHMAKER_SECRET_KEY": "x" * 64},
    )
    assert result.returncode == 0, result.stderr
