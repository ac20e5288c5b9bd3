"""Bar charts painted with QPainter: the same drawing on a widget, an image or paper.

One bar per period, stacked by group. Painted by hand rather than with QtCharts (which
comes only in PySide6's add-on wheel, well over a hundred megabytes) or pyqtgraph (which
brings numpy): a stacked bar chart is a few rectangles, and drawing it ourselves keeps the
desktop package small and the GUI and the PDF identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), then
# darker variants for longer lists of groups.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#005080", "#A07000", "#006E50", "#8E5574", "#3C7EA3", "#953F00")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]
    """Per period; ``None`` (a withheld number) is not drawn."""


def colour(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


def paint_bars(painter: QPainter, rect: QRectF, periods: Sequence[str],
               series: Sequence[Series], *, rtl: bool = False, font: QFont | None = None,
               text_colour: QColor | None = None) -> None:
    """Stacked bars in ``rect``, the legend on the reading side's end."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if font is not None:
        painter.setFont(font)
    ink = text_colour or QColor("#222222")
    metrics = QFontMetricsF(painter.font())
    line = metrics.height()
    shown = [(i, s) for i, s in enumerate(series) if any(v for v in s.values)]
    legend_w = min(rect.width() * 0.38,
                   max((metrics.horizontalAdvance(s.label) for _i, s in shown), default=0)
                   + line * 1.6)
    plot = QRectF(rect.left() + (legend_w if rtl else 0), rect.top() + line * 0.5,
                  rect.width() - legend_w - line * 0.5, rect.height() - line * 2.2)
    totals = [sum(s.values[j] or 0 for s in series) for j in range(len(periods))]
    top = max([*totals, 1])
    step = _nice_step(top)
    top = step * -(-top // step)
    axis_w = metrics.horizontalAdvance(str(top)) + line * 0.4
    if rtl:
        plot.setRight(plot.right() - axis_w)
    else:
        plot.setLeft(plot.left() + axis_w)
    painter.setPen(QPen(QColor("#cccccc"), 1))
    tick = 0
    while tick <= top:
        y = plot.bottom() - plot.height() * tick / top
        painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
        painter.setPen(ink)
        label_rect = QRectF(plot.right() + line * 0.2 if rtl else rect.left()
                            + (legend_w if rtl else 0), y - line / 2, axis_w - line * 0.2, line)
        painter.drawText(label_rect, int((Qt.AlignmentFlag.AlignLeft if rtl
                                          else Qt.AlignmentFlag.AlignRight)
                                         | Qt.AlignmentFlag.AlignVCenter), str(tick))
        painter.setPen(QPen(QColor("#cccccc"), 1))
        tick += step
    n = max(len(periods), 1)
    slot = plot.width() / n
    bar_w = slot * 0.6
    for j, period in enumerate(periods):
        k = (n - 1 - j) if rtl else j
        x = plot.left() + slot * k + (slot - bar_w) / 2
        y = plot.bottom()
        for i, s in enumerate(series):
            value = s.values[j] or 0
            if value <= 0:
                continue
            h = plot.height() * value / top
            painter.fillRect(QRectF(x, y - h, bar_w, h), colour(i))
            y -= h
        painter.setPen(ink)
        painter.drawText(QRectF(plot.left() + slot * k, plot.bottom() + line * 0.2, slot, line),
                         int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), period)
    legend_x = rect.left() if rtl else rect.right() - legend_w + line * 0.4
    y = rect.top() + line * 0.5
    for i, s in reversed(shown):  # top of the stack first, as the bars read
        if y + line > rect.bottom():
            break
        swatch = QRectF(legend_x + (legend_w - line * 1.4 if rtl else 0), y + line * 0.15,
                        line * 0.7, line * 0.7)
        painter.fillRect(swatch, colour(i))
        painter.setPen(ink)
        text_rect = QRectF(legend_x + (0 if rtl else line), y, legend_w - line * 1.7, line)
        painter.drawText(text_rect, int((Qt.AlignmentFlag.AlignRight if rtl
                                         else Qt.AlignmentFlag.AlignLeft)
                                        | Qt.AlignmentFlag.AlignVCenter),
                         metrics.elidedText(s.label, Qt.TextElideMode.ElideRight,
                                            text_rect.width()))
        y += line * 1.1
    painter.restore()


def _nice_step(top: int) -> int:
    raw = max(top / 5, 1)
    base = 1
    while base * 10 <= raw:
        base *= 10
    for mult in (1, 2, 5, 10):
        if base * mult >= raw:
            return int(base * mult)
    return int(base * 10)


def chart_png(periods: Sequence[str], series: Sequence[Series], *, width: int = 1800,
              height: int = 800, rtl: bool = False, point_size: float = 22) -> bytes:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    font = QFont()
    font.setPointSizeF(point_size)
    paint_bars(painter, QRectF(0, 0, width, height), periods, series, rtl=rtl, font=font)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, Qt a str
    buffer.close()
    return bytes(data.data())
