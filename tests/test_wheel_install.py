"""#8.8: installed the way Python apps are installed, `pos` finds its fixtures.

Builds the wheel from a copy of the source (so the checkout gets no build/ folder), installs it
into a fresh venv outside the checkout and runs `pos db reset`, `pos db check` and `pos settle`
with a policy id from a directory that has no fixtures/ beside it. The dependencies come from
this test run's own environment through a path entry (not the project itself: the editable
install's finder is not loaded there), so the test needs no network and stays well under a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "engine", "pos", "screens", "fixtures")
REQUEST = {
    "policy": "bortala-2025",
    "insutype": "310",
    "psn_type": "1101",
    "med_type": "11",
    "hosp_lv": "2",
    "items": [{"name": "阿莫西林胶囊", "chrgitm_lv": "02", "pric": "12.50", "cnt": "2"}],
}


@pytest.mark.slow
def test_the_wheel_carries_its_fixtures(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if not path.exists():
            continue
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(dist), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("hospital_pos-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The pinned dependencies: this environment's site-packages as a plain path entry.
    Path(fresh_site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "POS_DATABASE_URL")}
    pos = [str(python), "-m", "pos.cli"]
    url = f"sqlite:///{work / 'pos.sqlite3'}"

    def run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*pos, *argv],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=120,
        )

    reset = run("db", "reset", "--yes", "--db", url)
    assert reset.returncode == 0, reset.stderr
    check = run("db", "check", "--db", url)
    assert check.returncode == 0 and check.stdout.startswith("OK"), check.stdout + check.stderr
    settle = run("settle", stdin=json.dumps(REQUEST, ensure_ascii=False))
    assert settle.returncode == 0, settle.stderr
    assert json.loads(settle.stdout)["setlinfo"]["medfee_sumamt"] == "25.00"
    scenarios = run("train", "--list", "--json")  # the training scenarios ship too
    assert scenarios.returncode == 0, scenarios.stderr
    assert len(json.loads(scenarios.stdout)) >= 20
    # `python -m pos` (what `pos serve` runs per browser) works from the wheel, and so do the cards.
    cards = subprocess.run(
        [str(python), "-m", "pos", "cards", "--pdf", str(work / "cards.pdf")],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=120,
    )
    assert cards.returncode == 0, cards.stderr
    assert (work / "cards.pdf").read_bytes().startswith(b"%PDF")
    where = subprocess.run(
        [str(python), "-c", "import engine.fixtures as f; print(f.__file__, f.fixtures_dir())"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    module, fixtures = where.stdout.split()
    assert Path(module).is_relative_to(env_dir), "imported the checkout, not the wheel"
    assert Path(fixtures).is_relative_to(env_dir) and Path(fixtures, "catalog.toml").is_file()
