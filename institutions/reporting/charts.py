"""Charts of the statistics, drawn once as SVG and used by both the dashboard and the PDF report.

Each function returns a ``data:`` URI for an ``<img>``: no script runs in the page, and the PDF
renderer (which fetches nothing but ``data:`` URIs) draws the same picture. Every chart has its
numbers beside it in a table, for screen readers and for people who prefer numbers.
"""

import base64
import io

import matplotlib

matplotlib.use("Agg")

import pandas as pd
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

# Text stays text in the SVG, drawn by the viewer's fonts; the CJK family comes from Debian's
# fonts-noto-cjk, which the project's set-up installs.
matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"],
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=["#1b5e8c", "#d9822b", "#3d8b5a", "#8c3d6e"]),
    }
)

WIDTH, HEIGHT = 5.6, 3.0


def _uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _empty(figure: Figure, axes) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", color="#777")


def completion_trend(trend: pd.DataFrame) -> str:
    figure = Figure(figsize=(WIDTH, HEIGHT))
    axes = figure.subplots()
    series = {
        "courses_completed": _("Courses completed"),
        "assignments_completed": _("Required training done"),
        "certificates_issued": _("Certificates issued"),
    }
    if trend.empty:
        _empty(figure, axes)
        return _uri(figure)
    positions = list(range(len(trend)))
    for column, label in series.items():
        axes.plot(positions, trend[column], marker="o", linewidth=1.5, label=label)
    axes.set_xticks(positions, labels=list(trend.month), rotation=45)
    axes.set_ylabel(_("per month"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(1, int(trend[list(series)].to_numpy().max())) * 1.15)
    axes.legend(frameon=False, fontsize=9)
    return _uri(figure)


def _horizontal_bars(labels, values, xlabel: str, *, limit: float | None = 100) -> str:
    height = max(1.6, 0.32 * len(labels) + 0.8)
    figure = Figure(figsize=(WIDTH, height))
    axes = figure.subplots()
    if not len(labels):
        _empty(figure, axes)
        return _uri(figure)
    positions = range(len(labels))
    axes.barh(positions, values, color="#1b5e8c")
    axes.set_yticks(list(positions), labels=labels)
    axes.invert_yaxis()
    for position, value in zip(positions, values, strict=True):
        axes.text(value, position, f" {value:g}", va="center", fontsize=8)
    if limit is not None:
        axes.set_xlim(0, limit * 1.08)
    axes.set_xlabel(xlabel)
    return _uri(figure)


def completion_by_unit(units: pd.DataFrame) -> str:
    """Completion % of required training (or of courses, where nothing is required) per unit."""
    shown = units.assign(pct=units.compliance_pct.fillna(units.completion_pct)).dropna(
        subset=["pct"]
    )
    return _horizontal_bars(list(shown.label), list(shown.pct), _("completed (%)"))


def weak_points(points: pd.DataFrame) -> str:
    labels = [f"{code} {name}"[:28] for code, name in zip(points.code, points.name, strict=True)]
    return _horizontal_bars(labels, list(points.correct_pct), _("points earned (%)"))


def score_distribution(bands: pd.DataFrame) -> str:
    figure = Figure(figsize=(WIDTH, HEIGHT))
    axes = figure.subplots()
    if not bands.attempts.sum():
        _empty(figure, axes)
        return _uri(figure)
    positions = list(range(len(bands)))
    axes.bar(positions, bands.attempts, color="#3d8b5a")
    axes.set_xticks(positions, labels=list(bands.band), rotation=45)
    axes.set_xlabel(_("mock exam score (%)"))
    axes.set_ylabel(_("attempts"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _uri(figure)
