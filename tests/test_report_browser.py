"""The HTML report in a real headless browser (Chromium): the DOM it builds, what it paints,
how tall it is on screen and how it prints.

Skipped only on a developer's machine without Chromium; under CI (``CI`` set) a missing browser
fails the test, so the check cannot silently vanish.

Layout and print are measured over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in a NUL byte on file descriptors 3 and 4), so no websocket library and no
network port are needed; the report's own page runs no script (its Content-Security-Policy
forbids it) — the protocol evaluates from outside the page.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cus_match.generate import demo_instance, generate
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 60  # seconds per browser run
# For this closed network: no sandbox (containers), no GPU, no background traffic.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAX_HEIGHT = 8000  # px at 1280 px wide: the issue's bound for the rural seed 3 report


class _DevTools:
    """A headless Chromium driven over the DevTools protocol on a pipe; one page."""

    def __init__(self, browser: Path, profile: Path) -> None:
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()

        def fds() -> None:  # in the child: the pipe ends on 3 and 4, inheritable
            a, b = os.dup(to_child), os.dup(from_child)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [str(browser), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "about:blank"], preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self._buf = b""
        self._n = 0
        self._events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=True)

    def _read(self) -> dict[str, Any]:
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._r], [], [], TIMEOUT)
            assert ready, "Chromium did not answer in time"
            chunk = os.read(self._r, 1 << 20)
            assert chunk, "Chromium closed the pipe"
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return dict(json.loads(msg))

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             session: bool = False) -> dict[str, Any]:
        self._n += 1
        msg: dict[str, Any] = {"id": self._n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._n:
                assert "error" not in answer, (method, answer["error"])
                return dict(answer["result"])
            self._events.append(answer)

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=True)
        self._events.clear()
        self.send("Page.navigate", {"url": url}, session=True)
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events):
            self._events.append(self._read())

    def eval(self, expression: str) -> Any:
        out = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                        session=True)
        assert "exceptionDetails" not in out, out
        return out["result"].get("value")

    def media(self, media: str) -> None:
        self.send("Emulation.setEmulatedMedia", {"media": media}, session=True)

    def pdf(self) -> bytes:
        out = self.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                        session=True)
        return base64.b64decode(out["data"])

    def close(self) -> None:
        try:
            self.send("Browser.close")
        finally:
            try:
                self.proc.wait(TIMEOUT)
            finally:
                os.close(self._w)
                os.close(self._r)


def _pdf_pages(pdf: bytes) -> list[int]:
    """Text-showing operators on each page of a PDF (Chromium's: plain objects, Flate)."""
    objs = {int(m.group(1)): m.group(2)
            for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}
    out = []
    for body in objs.values():
        if not re.search(rb"/Type\s*/Page\b(?!s)", body):
            continue
        ref = re.search(rb"/Contents\s+(\d+) 0 R", body)
        assert ref is not None
        stream = re.search(rb"stream\r?\n(.*)endstream", objs[int(ref.group(1))], re.S)
        assert stream is not None
        out.append(len(re.findall(rb"T[jJ]\b", zlib.decompress(stream.group(1)))))
    return out


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
                    "Tydzień po tygodniu", "Harmonogram pomagających",
                    "Zasada doboru i zatwierdzenie planu"):
        assert re.search(rf'<h2 id="[a-z]+">{re.escape(heading)}</h2>', dom), heading
    # The plan's numbers, as the browser parsed them.
    met = len({(a.need, a.date) for a in result.assignments})
    assert f'<span class="n">{met}</span><span class="l">Zaplanowane wizyty</span>' in dom
    assert f'<span class="n">{len(result.unmet)}</span>' in dom
    assert (f'<th scope="row">Przydziały (wizyty pomagających)</th>'
            f"<td>{len(result.assignments)}</td>") in dom
    # An unmet need with its main reason, in its collapsed line of the unmet section.
    unmet = dom[dom.index('id="unmet"'):dom.index('id="shortage"')]
    need = re.search(r'<details class="need" id="unmet-([^"]+)">', unmet).group(1)
    line = unmet[unmet.index(f'id="unmet-{need}"'):]
    line = line[:line.index("</details>")]
    u = next(u for u in result.unmet if u.need == need)
    assert u.main_reason.text("pl") in line
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


@pytest.fixture(scope="module")
def rural_report(tmp_path_factory):
    """The issue's case: ``generate --profile rural --seed 3``, ``solve``, ``report``."""
    inst = generate("rural", seed=3)
    result = solve(inst)
    assert check(inst, result) == []
    assert len(result.unmet) > 100  # a report that used to be over 24,000 px tall
    path = write_report(inst, result, tmp_path_factory.mktemp("rural") / "plan.html",
                        lang="pl")
    return inst, result, path


@pytest.mark.slow
def test_rural_report_is_short_on_screen_and_prints_one_helper_a_page(chromium, rural_report,
                                                                      tmp_path):
    _inst, result, path = rural_report
    helpers = sorted({a.helper for a in result.assignments})
    page = _DevTools(chromium, tmp_path / "profile")
    try:
        page.open(path.as_uri(), width=1280)
        height = page.eval("document.documentElement.scrollHeight")
        assert 2000 < height < MAX_HEIGHT, height
        # On screen the schedules are collapsed: their tables are not rendered.
        tables = "[...document.querySelectorAll('details.helper-page table')]"
        assert page.eval(f"{tables}.length") == len(helpers)
        assert page.eval(f"{tables}.filter(t => t.checkVisibility()).length") == 0
        ids = page.eval("[...document.querySelectorAll('details.helper-page')].map(e => e.id)")
        assert sorted(ids) == sorted(f"helper-{h}" for h in helpers)

        page.media("print")
        # Printed, each schedule starts a page and shows its table though collapsed.
        assert page.eval("[...document.querySelectorAll('details.helper-page')].filter(e => "
                         "getComputedStyle(e).breakBefore === 'page').length") == len(helpers)
        assert page.eval(f"{tables}.filter(t => t.checkVisibility()).length") == len(helpers)
        full = _pdf_pages(page.pdf())
        # The same print without the helpers' pages: the difference is one page per helper.
        page.eval("document.querySelectorAll('details.helper-page').forEach(e => e.remove())")
        front = _pdf_pages(page.pdf())
    finally:
        page.close()
    assert len(full) - len(front) == len(helpers), (len(full), len(front), len(helpers))
    # Each helper's page carries its table's text, not the summary line alone.
    assert min(full[len(front):]) > 100, full[len(front):]
