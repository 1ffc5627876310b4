#!/usr/bin/env python3
"""Regenerates the ImageNet-1k class names in models/src/main/resources.

Writes the 1,000 class names of torchvision (Debian's python3-torchvision:
apt-get install python3-torchvision), index order, one per line, UTF-8, to
io/github/fastvision/models/runtime/imagenet-1k.txt. `fastvision predict` labels
1000-class weights that record no class names of their own with them.
"""
import os

try:
    from torchvision.models._meta import _IMAGENET_CATEGORIES as CATEGORIES
except ImportError:  # older layouts kept the list beside the weights enums
    from torchvision.models._api import _IMAGENET_CATEGORIES as CATEGORIES

DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "src", "main",
                   "resources", "io", "github", "fastvision", "models", "runtime",
                   "imagenet-1k.txt")


def main():
    if len(CATEGORIES) != 1000:
        raise SystemExit("expected 1000 ImageNet categories, torchvision has %d" % len(CATEGORIES))
    for name in CATEGORIES:
        if not name.strip() or "\n" in name:
            raise SystemExit("unexpected category name %r" % name)
    os.makedirs(os.path.dirname(DST), exist_ok=True)
    with open(DST, "w", encoding="utf-8", newline="\n") as f:
        for name in CATEGORIES:
            f.write(name + "\n")
    print("wrote %d names to %s" % (len(CATEGORIES), os.path.normpath(DST)))


if __name__ == "__main__":
    main()
