"""Charts of item statistics: SVG as ``data:`` URIs for an ``<img>``, numbers always in a table too.

The quizzes app draws its own (imports run one way: it may not use institutions' reporting).
"""

import base64
import io

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _
from matplotlib.figure import Figure

STYLE = {
    "svg.fonttype": "none",  # text stays text, drawn by the viewer's (CJK) fonts
    "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BLUE, ORANGE = "#1b5e8c", "#d9822b"


def _uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _figure(width=5.6, height=3.2):
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height))
        return figure, figure.subplots()


def facility_discrimination(points: list[tuple[str, float, float | None]]) -> str:
    """Facility (%) against discrimination index, one labelled point per question; the
    flag thresholds drawn as dashed lines."""
    from quizzes import item_statistics as stats

    with matplotlib.rc_context(STYLE):
        figure, axes = _figure()
        shown = [(label, f, d) for label, f, d in points if d is not None]
        if not shown:
            axes.set_axis_off()
            axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", color="#777")
            return _uri(figure)
        xs = [100 * f for _l, f, _d in shown]
        ys = [d for _l, _f, d in shown]
        colours = [ORANGE if d < stats.LOW_DISCRIMINATION else BLUE for d in ys]
        axes.scatter(xs, ys, c=colours, s=18)
        for (label, _f, _d), x, y in zip(shown, xs, ys, strict=True):
            axes.annotate(label, (x, y), fontsize=7, xytext=(2, 2), textcoords="offset points")
        for x in (100 * stats.TOO_HARD_FACILITY, 100 * stats.TOO_EASY_FACILITY):
            axes.axvline(x, color="#999", linestyle="--", linewidth=0.8)
        axes.axhline(stats.LOW_DISCRIMINATION, color="#999", linestyle="--", linewidth=0.8)
        axes.axhline(0, color="#555", linewidth=0.8)
        axes.set_xlim(0, 100)
        axes.set_ylim(min(-20, min(ys) - 5), 100)
        axes.set_xlabel(_("Facility index (%)"))
        axes.set_ylabel(_("Discrimination index"))
        return _uri(figure)


def score_histogram(scores: list[float], max_score: float | None) -> str:
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure(height=2.8)
        if not scores:
            axes.set_axis_off()
            axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", color="#777")
            return _uri(figure)
        top = max_score or max(scores) or 1
        axes.hist(scores, bins=min(20, max(5, len(set(scores)))), range=(0, top), color=BLUE)
        axes.set_xlabel(_("Score"))
        axes.set_ylabel(_("Attempts"))
        axes.yaxis.get_major_locator().set_params(integer=True)
        return _uri(figure)
