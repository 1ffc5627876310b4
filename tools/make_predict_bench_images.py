#!/usr/bin/env python3
"""Writes N RGB PNG files for measuring `fastvision predict` throughput (default 1,000, 256x256).

The pictures are Fashion-MNIST test images (Debian's dataset-fashion-mnist) upscaled with
bicubic resampling and tinted per image, so that they compress like photographs rather than
flat colour. Output: a directory given on the command line (nothing is committed). Needs
Debian's python3-pil.

    tools/make_predict_bench_images.py target/predict-bench [N] [SIDE]
"""
import gzip
import os
import struct
import sys

from PIL import Image

SRC = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    side = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    with gzip.open(SRC, "rb") as f:
        data = f.read()
    count, rows, cols = struct.unpack(">III", data[4:16])
    pixels = data[16:]
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        k = i % count
        gray = Image.frombytes("L", (cols, rows), pixels[k * rows * cols:(k + 1) * rows * cols])
        big = gray.resize((side, side), Image.BICUBIC)
        tint = ((37 * i) % 256, (91 * i) % 256, (151 * i) % 256)
        rgb = Image.merge("RGB", [big.point(lambda v, t=t: (v * (255 - t)) // 255 + t // 2)
                                  for t in tint])
        rgb.save(os.path.join(out, "img_%04d.png" % i))
    print("wrote %d %dx%d PNG files to %s" % (n, side, side, out))


if __name__ == "__main__":
    main()
