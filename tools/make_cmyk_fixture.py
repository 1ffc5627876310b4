#!/usr/bin/env python3
"""Writes the CMYK JPEG fixture of ImageDecoderHostileTest and what Pillow decodes it to.

cmyk.jpg: 32x8 pixels, four flat 8x8 patches of CMYK ink, saved by Pillow (Adobe marker,
inverted samples, as Photoshop writes CMYK). cmyk-expected.txt: per patch, the ink written and
the RGB Pillow gives for the patch's centre pixel after Image.open(...).convert("RGB") (naive
conversion, no colour management), which ImageDecoder must reproduce. Needs Debian's python3-pil.

    /usr/bin/python3 tools/make_cmyk_fixture.py models/src/test/resources/io/github/fastvision/models/inference
"""
import os
import sys

from PIL import Image

INKS = [(0, 0, 0, 0), (255, 0, 0, 0), (100, 50, 20, 40), (30, 200, 90, 128)]


def main():
    out = sys.argv[1]
    image = Image.new("CMYK", (8 * len(INKS), 8))
    for i, ink in enumerate(INKS):
        image.paste(ink, (8 * i, 0, 8 * i + 8, 8))
    path = os.path.join(out, "cmyk.jpg")
    image.save(path, quality=100)
    rgb = Image.open(path).convert("RGB")
    lines = ["# c m y k -> r g b at the patch centre, Pillow " + Image.__version__]
    for i, ink in enumerate(INKS):
        r, g, b = rgb.getpixel((8 * i + 4, 4))
        lines.append(" ".join(str(v) for v in ink + (r, g, b)))
    with open(os.path.join(out, "cmyk-expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
