"""Charts of the report as inline SVG text, drawn with matplotlib, offline and reproducible.

No pyplot and no global state: each chart is a bare :class:`matplotlib.figure.Figure` saved
inside an ``rc_context`` with a fixed ``svg.hashsalt`` and no date, so the same plan gives the
same bytes. Text stays text (``svg.fonttype: none``): smaller files, searchable labels, and the
browser's fonts for Polish letters. Labels from the instance (place, helper names) are plain
text to matplotlib (``text.parse_math`` off, so a ``$`` is not TeX) and the SVG writer escapes
them as XML.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib is an optional extra, imported where used
    from matplotlib.typing import RcKeyType

_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "cus_match-report",
    "svg.fonttype": "none",
    "svg.id": None,
    "text.parse_math": False,
    "font.size": 9,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_CMAP = "RdYlGn"  # red for poorly served, green for well served
MAX_BARS = 40  # bars per chart; tables list everything
_MIN_MARKER, _MAX_MARKER = 20.0, 600.0


@contextmanager
def _figure(width: float, height: float) -> Any:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(_RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        yield fig


def _svg(fig: Any, key: str) -> str:
    """The figure as an ``<svg>`` element for inline use, its ids prefixed with ``key``."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                bbox_inches="tight", pad_inches=0.05)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    # Several charts share one HTML document: ids must not clash across them. Only inside
    # tags: labels are text between tags (their "<" escaped), left as written.
    def prefix(tag: re.Match[str]) -> str:
        t = re.sub(r'(\s)id="([^"]+)"', rf'\1id="{key}-\2"', tag.group(0))
        return t.replace("url(#", f"url(#{key}-").replace('href="#', f'href="#{key}-')

    text = re.sub(r"<[^<>]+>", prefix, text)
    # The page sets the size (CSS); the viewBox keeps the proportions.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    return text.replace("<svg", f'<svg class="chart" role="img" aria-label="{key}"', 1)


def share_bars(key: str, labels: Sequence[str], shares: Sequence[float | None],
               notes: Sequence[str], xlabel: str) -> str:
    """Horizontal bars of shares (0-1), coloured like the map, each with a note (``3/5``)."""
    from matplotlib import colormaps

    n = len(labels)
    # Sized for half the page's width: the page shows two of them side by side.
    with _figure(5.5, 0.7 + 0.26 * max(n, 1)) as fig:
        ax = fig.add_subplot()
        cmap = colormaps[_CMAP]
        ys = list(range(n))[::-1]  # first label on top
        values = [s if s is not None else 0.0 for s in shares]
        ax.barh(ys, values, color=[cmap(v) for v in values], edgecolor="#555555",
                linewidth=0.5, height=0.7)
        for y, v, note in zip(ys, values, notes, strict=True):
            ax.text(min(v, 1.0) + 0.01, y, note, va="center", fontsize=8)
        ax.set_yticks(ys, list(labels), fontsize=8)
        ax.set_xlim(0, 1.15)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        return _svg(fig, key)


def load_bars(key: str, labels: Sequence[str], hours: Sequence[float],
              caps: Sequence[float], xlabel: str, cap_label: str,
              number_text: Callable[[float], str] | None = None) -> str:
    """Horizontal bars of hours with a tick at each helper's cap.

    ``number_text`` writes the axis' numbers (a decimal comma in Polish); matplotlib's own
    formatter writes a point.
    """
    n = len(labels)
    with _figure(7.0, 1.0 + 0.2 * max(n, 1)) as fig:
        ax = fig.add_subplot()
        ys = list(range(n))[::-1]
        over = [h > c + 1e-9 for h, c in zip(hours, caps, strict=True)]
        ax.barh(ys, list(hours), height=0.7, edgecolor="#555555", linewidth=0.5,
                color=["#c0392b" if o else "#4a7fb5" for o in over])
        ax.scatter(list(caps), ys, marker="|", s=140, color="#222222", linewidths=1.5,
                   label=cap_label, zorder=3)
        ax.set_yticks(ys, list(labels), fontsize=8)
        ax.set_xlim(0, max([*hours, *caps, 1.0]) * 1.08)
        if number_text is not None:
            from matplotlib.ticker import FuncFormatter

            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: number_text(x)))
        ax.set_xlabel(xlabel)
        # Outside the axes: inside, it would hide a bar or a cap.
        fig.legend(loc="outside upper right", fontsize=8, frameon=False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        return _svg(fig, key)


Line = Sequence[tuple[float, float]]  # (longitude, latitude) vertices


def place_map(key: str, points: Sequence[tuple[str, float, float, float, float | None]],
              size_label: str, colour_label: str, hours_text: Callable[[float], str], *,
              lines: Sequence[Line] = (), areas: Sequence[Line] = (),
              km_text: Callable[[float], str] | None = None) -> str:
    """A map of places: ``(label, lat, lon, unmet_hours, share)`` per place, no tiles.

    Marker area grows with unmet hours; colour shows the share met (grey when the place has no
    visits). Longitude is scaled by ``cos(latitude)`` so distances look right. Labels of places
    close together are moved apart (a greedy search over a few offsets).

    ``lines`` (roads, rivers) and ``areas`` (boundaries, as closed rings) are a base layer the
    coordinator supplies, drawn in grey under the points; the map's extent stays that of the
    places. Vertices closer together than the drawing can show are dropped, so a detailed file
    does not make a heavy page. ``km_text`` labels a scale bar (no bar without it).
    """
    from matplotlib import colormaps
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import Normalize

    lats = [p[1] for p in points]
    lons = [p[2] for p in points]
    mid = math.radians((min(lats) + max(lats)) / 2)
    span_x = (max(lons) - min(lons)) * math.cos(mid) or 0.01
    span_y = (max(lats) - min(lats)) or 0.01
    width = 7.5
    height = min(max(width * 0.8 * span_y / span_x, 3.0), 7.5)
    top = max((p[3] for p in points), default=0.0)
    pad_x, pad_y = span_x / math.cos(mid) * 0.08, span_y * 0.1
    x0, x1 = min(lons) - pad_x, max(lons) + pad_x * 3
    y0, y1 = min(lats) - pad_y, max(lats) + pad_y
    # About a point of the drawing, in degrees: finer detail cannot be seen.
    step = max((x1 - x0) / (width * 72), (y1 - y0) / (height * 72))
    with _figure(width, height) as fig:
        ax = fig.add_subplot()
        extent = (x0, y0, x1, y1)
        rings = [r for r in (_thin(a, step, extent) for a in areas) if len(r) >= 3]
        if rings:
            ax.add_collection(PolyCollection(rings, facecolors="#f1f1ec", edgecolors="#9a9a90",
                                             linewidths=0.7, zorder=0))
        paths = [ln for ln in (_thin(ln, step, extent) for ln in lines) if len(ln) >= 2]
        if paths:
            ax.add_collection(LineCollection(paths, colors="#a8a8a8", linewidths=0.6,
                                             zorder=1))
        cmap, norm = colormaps[_CMAP], Normalize(0.0, 1.0)
        # Largest first, so small markers stay visible on top of large ones.
        for _label, lat, lon, unmet, share in sorted(points, key=lambda p: (-p[3], p[0])):
            size = _MIN_MARKER + (_MAX_MARKER - _MIN_MARKER) * (unmet / top if top else 0.0)
            colour = "#bbbbbb" if share is None else cmap(norm(share))
            ax.scatter([lon], [lat], s=size, color=colour, edgecolors="#333333",
                       linewidths=0.6, alpha=0.9, zorder=2)
        # Points per unit of the plot, roughly (axes ~80 % of the figure's height).
        scale = height * 72 * 0.8 / (span_y * 1.3)
        placed: list[tuple[float, float, float, float]] = []
        for label, lat, lon, _unmet, _share in sorted(points, key=lambda p: (-p[1], p[2], p[0])):
            x = (lon - min(lons)) * math.cos(mid) * scale
            y = (lat - min(lats)) * scale
            w, h = 4.2 * len(label) + 4, 9.0
            dx, dy = _free_offset(x, y, w, h, placed)
            placed.append((x + dx, y + dy, x + dx + w, y + dy + h))
            ax.annotate(label, (lon, lat), xytext=(dx, dy), textcoords="offset points",
                        fontsize=7.5, zorder=3,
                        arrowprops=None if abs(dy) <= 6 and dx > 0 else
                        {"arrowstyle": "-", "color": "#888888", "linewidth": 0.5})
        ax.set_aspect(1 / math.cos(mid))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        # Degrees of latitude and longitude mean nothing to a coordinator: a scale bar does.
        ax.set_xticks([])
        ax.set_yticks([])
        if km_text is not None:
            _scale_bar(ax, x0, x1, y0, y1, mid, km_text)
        bar = fig.colorbar(_scalar_mappable(cmap, norm), ax=ax, shrink=0.6, pad=0.02)
        bar.set_label(colour_label, fontsize=8)
        bar.set_ticks([0, 0.5, 1.0], labels=["0%", "50%", "100%"])
        if top:
            # A legend of marker sizes: what a large circle means in hours.
            for frac in (1.0, 0.5):
                ax.scatter([], [], s=_MIN_MARKER + (_MAX_MARKER - _MIN_MARKER) * frac,
                           color="white", edgecolors="#333333",
                           label=f"{hours_text(top * frac)} h")
            # Tall handles: the largest marker must fit its row.
            fig.legend(title=size_label, loc="outside lower center", ncols=2, fontsize=7,
                       title_fontsize=7, frameon=False, handleheight=4.0, handlelength=4.0,
                       columnspacing=2.0)
        return _svg(fig, key)


_KM_PER_DEGREE = 111.32  # along a meridian, and along the equator


def _scale_bar(ax: Any, x0: float, x1: float, y0: float, y1: float, mid: float,
               km_text: Callable[[float], str]) -> None:
    """A bar of a round length (1, 2, 5 x 10^k km) near a fifth of the map's width."""
    km_wide = (x1 - x0) * math.cos(mid) * _KM_PER_DEGREE
    target = km_wide / 5
    exp = 10 ** math.floor(math.log10(target))
    km = max((m * exp for m in (1, 2, 5) if m * exp <= target), default=exp)
    length = km / (_KM_PER_DEGREE * math.cos(mid))
    bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.04
    ax.plot([bx, bx + length], [by, by], color="#333333", linewidth=2.0,
            solid_capstyle="butt", zorder=4)
    ax.text(bx + length / 2, by + (y1 - y0) * 0.015, km_text(km), ha="center", va="bottom",
            fontsize=7, zorder=4)


def _thin(line: Line, step: float, extent: tuple[float, float, float, float]) -> list[
        tuple[float, float]]:
    """``line`` less the vertices within ``step`` of the last kept; empty if off the map."""
    if not line:
        return []
    xs = [p[0] for p in line]
    ys = [p[1] for p in line]
    x0, y0, x1, y1 = extent
    if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
        return []
    kept = [line[0]]
    for p in line[1:-1]:
        q = kept[-1]
        if abs(p[0] - q[0]) >= step or abs(p[1] - q[1]) >= step:
            kept.append(p)
    if len(line) > 1:
        kept.append(line[-1])
    return [(float(x), float(y)) for x, y in kept]


_OFFSETS = [(5.0, 4.0), (5.0, -11.0), (5.0, 14.0), (5.0, -21.0), (5.0, 24.0), (5.0, -31.0),
            (5.0, 34.0), (5.0, -41.0)]


def _free_offset(x: float, y: float, w: float, h: float,
                 placed: Sequence[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The first label offset (points) whose box overlaps none placed; else the first."""
    for dx, dy in _OFFSETS:
        box = (x + dx, y + dy, x + dx + w, y + dy + h)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                   for b in placed):
            return dx, dy
    return _OFFSETS[0]


def _scalar_mappable(cmap: Any, norm: Any) -> Any:
    from matplotlib.cm import ScalarMappable

    sm = ScalarMappable(norm=norm, cmap=cmap)
    sm.set_array([])
    return sm
