"""Render the program's icon (resources/icons/station-app.svg) to the PNG sizes the .deb's desktop entry and the
window use, and to the .ico the Windows build needs. Run after changing the SVG; the results are committed:

    python installer/render_icons.py
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (48, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> bytes:
    """The SVG drawn at ``size`` × ``size`` pixels, antialiased, on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def main() -> int:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 — QImage text needs one
    svg = ICONS / "station-app.svg"
    for size in PNG_SIZES:
        (ICONS / f"station-app-{size}.png").write_bytes(render(svg, size))
    largest = Image.open(io.BytesIO(render(svg, max(ICO_SIZES))))
    largest.save(ICONS / "station-app.ico", sizes=[(s, s) for s in ICO_SIZES])
    print("wrote", ", ".join(sorted(p.name for p in ICONS.iterdir() if p.suffix in {".png", ".ico"})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
