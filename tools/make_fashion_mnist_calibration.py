#!/usr/bin/env python3
"""Writes the last N (default 512) Fashion-MNIST training images as 28x28 grayscale PNGs, the
calibration set of docs/results/int8.md (`quantize --calibration DIR --samples 512`).

Source: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). The last images of
the training file are not among the bundled subset's (the first 300 of each class), so the
calibration set does not overlap the training data of `--dataset fashion-mnist-subset`. Output:
the directory given on the command line, img_000.png ... (nothing is committed). Needs PIL.

    tools/make_fashion_mnist_calibration.py /tmp/fmnist-calib [N]
"""
import gzip
import os
import struct
import sys

from PIL import Image

SRC = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 512
    with gzip.open(SRC, "rb") as f:
        data = f.read()
    count, rows, cols = struct.unpack(">III", data[4:16])
    pixels = data[16:]
    size = rows * cols
    os.makedirs(out, exist_ok=True)
    for i, k in enumerate(range(count - n, count)):
        Image.frombytes("L", (cols, rows), pixels[k * size:(k + 1) * size]).save(
            os.path.join(out, "img_%03d.png" % i))
    print("wrote %d %dx%d PNG files (training images %d..%d) to %s" % (n, cols, rows, count - n, count - 1, out))


if __name__ == "__main__":
    main()
