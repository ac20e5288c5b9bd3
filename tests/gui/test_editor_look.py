"""What the eye needs: visible step buttons, check boxes that grow with the font."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QCheckBox, QSpinBox, QStyle, QStyleOptionButton


def _dark_pixels(image, left: int, top: int, width: int, height: int) -> int:
    return sum(1 for x in range(left, left + width) for y in range(top, top + height)
               if image.pixelColor(x, y).lightness() < 110)


def test_spin_boxes_show_their_step_arrows(qtbot, make_window):
    window = make_window()
    spin = QSpinBox(window)
    spin.resize(160, 34)
    spin.show()
    image = spin.grab().toImage()
    # the step buttons sit at the trailing edge: their arrows must be drawn there
    width = spin.width() // 6
    assert _dark_pixels(image, spin.width() - width, 2, width - 2, spin.height() - 4) > 10


def test_check_boxes_grow_with_the_font(qtbot, make_window):
    window = make_window()
    app = QApplication.instance()
    font = app.font()
    base = font.pointSizeF()
    try:
        sizes = {}
        for scale in (1.0, 2.0):
            font.setPointSizeF(base * scale)
            app.setFont(font)
            box = QCheckBox("Consent obtained", window)
            box.show()
            option = QStyleOptionButton()
            option.initFrom(box)
            rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
            sizes[scale] = (rect.height(), box.fontMetrics().height())
        assert sizes[2.0][0] >= 1.7 * sizes[1.0][0], sizes
        assert sizes[2.0][0] >= 0.8 * sizes[2.0][1], "the box is as tall as the text"
    finally:
        font.setPointSizeF(base)
        app.setFont(font)
