"""Stand-ins for the scans and photos the demo uploads (a signed agreement, a receipt): small
PNG images drawn with Pillow, so the demo needs no files of its own and every upload passes
the content check of real ones."""

import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


@cache
def _png(lines: tuple[str, ...], size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    y = 24
    for line in lines:
        draw.text((24, y), line, fill=(40, 40, 40))
        y += 22
    draw.line((24, size[1] - 60, 180, size[1] - 80), fill=(20, 40, 140), width=3)  # a signature
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def scan(name: str, *lines: str) -> SimpleUploadedFile:
    """A 'scanned page' with a few lines of text and a signature stroke."""
    return SimpleUploadedFile(name, _png(tuple(lines), (420, 560)), content_type="image/png")


def receipt(name: str, *lines: str) -> SimpleUploadedFile:
    """A 'photo of a receipt' (nota)."""
    return SimpleUploadedFile(name, _png(tuple(lines), (320, 420)), content_type="image/png")
