#!/usr/bin/env python3
"""Regenerates the bundled Fashion-MNIST subset in training/src/main/resources.

Takes the first 300 training and the first 100 test images of each class, in file order, from
Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) and writes them
as gzip-compressed IDX files with the same names as the full set. Standard library only.
"""
import gzip
import os
import struct
import sys

SRC = "/usr/share/datasets/fashion-mnist"
DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training", "src", "main", "resources",
                   "io", "github", "fastvision", "training", "data", "fashion-mnist-subset")
PER_CLASS = {"train": 300, "t10k": 100}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def write_idx(path, shape, payload):
    header = struct.pack(">I", 0x0800 | len(shape)) + struct.pack(">" + "I" * len(shape), *shape)
    # mtime=0 keeps the output byte-identical across runs
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(header + payload)


def main():
    if not os.path.isdir(SRC):
        sys.exit(SRC + " is missing: apt-get install dataset-fashion-mnist")
    os.makedirs(DST, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        (n, h, w), images = read_idx(os.path.join(SRC, split + "-images-idx3-ubyte.gz"))
        (n2,), labels = read_idx(os.path.join(SRC, split + "-labels-idx1-ubyte.gz"))
        assert n == n2
        taken = [0] * 10
        picked = []
        for i in range(n):
            c = labels[i]
            if taken[c] < per_class:
                taken[c] += 1
                picked.append(i)
        size = h * w
        out_images = b"".join(images[i * size:(i + 1) * size] for i in picked)
        out_labels = bytes(labels[i] for i in picked)
        write_idx(os.path.join(DST, split + "-images-idx3-ubyte.gz"), (len(picked), h, w), out_images)
        write_idx(os.path.join(DST, split + "-labels-idx1-ubyte.gz"), (len(picked),), out_labels)
        print(split, len(picked), "images")


if __name__ == "__main__":
    main()
