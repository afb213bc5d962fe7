#!/usr/bin/env python3
"""Set up the project virtualenv and run the demo or the tests — standard library only.

    python3 dev.py demo      # install into .venv (all extras), then solve and print the demo
    python3 dev.py test      # install into .venv (with test tools), then ruff, mypy and the tests
    python3 dev.py test --fast   # the same, without the tests marked slow, for a quick loop

``test`` is the full suite, what CI runs. ``--fast`` leaves out the tests marked ``slow`` (over
~2 s each) and uses the Hypothesis profile ``dev`` (fewer examples) even where CI is set, unless
HYPOTHESIS_PROFILE says otherwise. Extra arguments go to the command (``python3 dev.py test -k
json``). The virtualenv is re-installed when pyproject.toml changes, so a missing dependency fails
here, not later.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
    """Echo and run a command in the project folder (``env`` added to ours); raise if it fails."""
    shown = [f"{k}={v}" for k, v in (env or {}).items()] + [str(c) for c in cmd]
    print("+", shlex.join(shown), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env={**os.environ, **(env or {})})


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (with ``extras``) unless already up to date."""
    stamp = VENV / f".installed-{extras or 'core'}"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want and PY.exists():
        return
    if not PY.exists():
        try:
            run(sys.executable, "-m", "venv", VENV)
        except subprocess.CalledProcessError:
            # Some distributions ship python3 without ensurepip; virtualenv needs only pip.
            run(sys.executable, "-m", "pip", "install", "--user", "virtualenv")
            run(sys.executable, "-m", "virtualenv", VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "--editable", target)
    stamp.write_text(want)


def main(argv: list[str]) -> int:
    """Run ``demo`` or ``test``; return the exit code."""
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "demo":
            # Everything a coordinator uses (spreadsheets, reports, calendars), not only the core.
            ensure_venv("all")
            run(PY, "-m", "cus_match", "demo", *rest)
        else:
            ensure_venv("test")
            fast = "--fast" in rest
            rest = [a for a in rest if a != "--fast"]
            run(PY, "-m", "ruff", "check", ".")
            run(PY, "-m", "mypy")  # what it checks and how strictly: [tool.mypy] in pyproject.toml
            if fast:
                run(PY, "-m", "pytest", "-m", "not slow", *rest,
                    env={"HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "dev")})
            else:
                run(PY, "-m", "pytest", *rest)
    except subprocess.CalledProcessError as e:
        return e.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
