"""Render the app icon (packaging/icons/campusnet.svg) into the PNG sizes and the Windows .ico the installers use.

Run it after changing the SVG, then commit the results::

    uv run python packaging/make_icons.py

Writes ``packaging/icons/campusnet-<N>.png`` for each size in :data:`PNG_SIZES` (the Linux icon theme's
``hicolor/<N>x<N>/apps/campusnet.png``) and ``packaging/icons/campusnet.ico`` (Windows executable, installer and
shortcuts) with :data:`ICO_SIZES`: the small sizes as 32-bit bitmaps, 256 px as PNG, as Windows expects.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
SVG = ICONS / "campusnet.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> object:
    """The SVG drawn on a transparent ``size`` x ``size`` QImage (ARGB32, not premultiplied)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"error: {SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: object) -> bytes:
    """``image`` encoded as PNG."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[attr-defined]
        raise SystemExit("error: Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def bmp_entry(image: object) -> bytes:
    """An ICO image entry as a 32-bit bitmap: header, BGRA rows bottom-up, then the 1-bit transparency mask."""
    width = image.width()  # type: ignore[attr-defined]
    height = image.height()  # type: ignore[attr-defined]
    rows = [bytes(image.constScanLine(y))[: width * 4] for y in range(height)]  # type: ignore[attr-defined]
    mask_stride = (width + 31) // 32 * 4
    mask_rows = []
    for row in rows:
        bits = bytearray(mask_stride)
        for x in range(width):
            if row[x * 4 + 3] == 0:  # fully transparent
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    pixels = b"".join(reversed(rows))
    mask = b"".join(reversed(mask_rows))
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0)
    return header + pixels + mask


def ico_bytes(images: dict[int, object]) -> bytes:
    """A Windows .ico holding ``images`` ({size: QImage}); 256 px and larger as PNG, smaller as bitmaps."""
    entries = [(size, png_bytes(img) if size >= 256 else bmp_entry(img)) for size, img in sorted(images.items())]
    offset = 6 + 16 * len(entries)
    directory = struct.pack("<HHH", 0, 1, len(entries))
    blobs = b""
    for size, blob in entries:
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return directory + blobs


def write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def main() -> int:
    """Render every size and the .ico next to the SVG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    images = {size: render(size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    for size in PNG_SIZES:
        write(ICONS / f"campusnet-{size}.png", png_bytes(images[size]))
    write(ICONS / "campusnet.ico", ico_bytes({size: images[size] for size in ICO_SIZES}))
    print(f"wrote {len(PNG_SIZES)} PNG sizes and campusnet.ico in {ICONS.name}/")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
