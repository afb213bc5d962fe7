"""The HTML report in a real headless browser (Chromium): the DOM it builds and what it paints.

Skipped only on a developer's machine without Chromium; under CI (``CI`` set) a missing browser
fails the test, so the check cannot silently vanish.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cus_match.generate import demo_instance
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 60  # seconds per browser run
# For this closed network: no sandbox (containers), no GPU, no background traffic.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Chromium (apt-get install "
                        "chromium) to run the browser test of the HTML report")
        pytest.skip(f"{CHROMIUM} not installed (set CI to make this a failure)")
    return CHROMIUM


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    inst = demo_instance()
    result = solve(inst, method="greedy")
    assert check(inst, result) == []
    assert result.unmet
    assert result.referrals
    assert result.covered
    path = write_report(inst, result, tmp_path_factory.mktemp("report") / "plan.html",
                        lang="pl")
    return inst, result, path


def _run(browser: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    done = subprocess.run([str(browser), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_browser_dom_has_sections_numbers_and_charts(chromium, demo_report, tmp_path):
    _inst, result, path = demo_report
    dom = _run(chromium, tmp_path, "--dump-dom", path.as_uri()).stdout
    assert dom.lstrip().startswith("<html") or "<html" in dom[:200]
    for heading in ("Podsumowanie", "Pokrycie potrzeb według miejsc i rodzajów pomocy",
                    "Obciążenie pomagających", "Mapa miejscowości",
                    "Wizyty bez pomocy i dlaczego", "Diagnoza niedoborów",
                    "Skierowania do usług formalnych", "Wizyty objęte usługami formalnymi",
                    "Harmonogram pomagających", "Zasada doboru i zatwierdzenie planu"):
        assert re.search(rf'<h2 id="[a-z]+">{re.escape(heading)}</h2>', dom), heading
    # The plan's numbers, as the browser parsed them.
    met = len({(a.need, a.date) for a in result.assignments})
    assert f'<span class="n">{met}</span><span class="l">Zaplanowane wizyty</span>' in dom
    assert f'<span class="n">{len(result.unmet)}</span>' in dom
    assert (f'<th scope="row">Przydziały (wizyty pomagających)</th>'
            f"<td>{len(result.assignments)}</td>") in dom
    # An unmet need with its reason text, in one row of the unmet table.
    u = result.unmet[0]
    unmet = dom[dom.index('id="unmet"'):dom.index('id="shortage"')]
    row = next(r for r in re.findall(r"<tr>.*?</tr>", unmet, flags=re.S) if f">{u.need}<" in r)
    assert u.reasons[0].reason.text("pl") in row
    # Inline SVG charts parsed as SVG elements (with their drawing inside).
    for key in ("chart-place", "chart-category", "chart-load", "chart-map"):
        m = re.search(rf'<svg[^>]*aria-label="{key}"[^>]*>(.*?)</svg>', dom, flags=re.S)
        assert m is not None, key
        assert "<path" in m.group(1)
        assert "<text" in m.group(1)
    assert "<script" not in dom


def test_browser_paints_the_report(chromium, demo_report, tmp_path):
    import matplotlib.image as mpimg

    _inst, _result, path = demo_report
    shot = tmp_path / "shot.png"
    _run(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri())
    img = mpimg.imread(shot)  # floats in [0, 1], (rows, columns, channels)
    assert img.shape[:2] == (2000, 1280)
    rgb = img[..., :3]
    assert float(rgb.std()) > 0.05, "the page is a single colour"
    # Content in the top region: the header band, headings, cards, tables and charts.
    top = rgb[:1000]
    non_white = (top < 0.94).any(axis=-1).mean()
    assert 0.10 < non_white < 0.95, f"share of painted pixels at the top: {non_white:.3f}"
    # The header band is the accent colour (dark blue), not white.
    header = rgb[20:80, 20:1260].reshape(-1, 3).mean(axis=0)
    assert header[2] > header[0] + 0.1, header
    assert header.mean() < 0.6, header
    # Many distinct colours: text, charts and the map's colour scale rendered.
    colours = np.unique((rgb[:2000] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 200
