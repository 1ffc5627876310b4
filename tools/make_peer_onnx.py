#!/usr/bin/python3
"""Exports the peer models that `bench models --peer-onnx DIR` runs on ONNX Runtime (issue 20).

Run on a machine with Debian's PyTorch and torchvision (python3-torch, python3-torchvision):

    tools/make_peer_onnx.py /tmp/peers

It writes, with torch.onnx (opset 17, batch 1, random initialisation, seed 0):
- mobilenet_v2.onnx: torchvision's MobileNetV2 1.0, the FasterNet paper's CPU baseline;
- fasternet_t0_torch_onnx.onnx: FasterNet-T0 in the authors' layout (PConv as split/cat, as their
  models/fasternet.py has it), the class written in tools/make_import_fixtures.py after that file.

The files are large (14-16 MB) and are not committed; the bench reads them from DIR.
"""
import os
import sys

import make_import_fixtures as fixtures  # noqa: E402  (defines the authors' FasterNet layout)
import torch  # noqa: E402
import torchvision  # noqa: E402


def export(model, path):
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, input_names=["input"], opset_version=17)
    print("wrote", path, os.path.getsize(path), "bytes")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tools/make_peer_onnx.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    export(torchvision.models.mobilenet_v2(), os.path.join(out, "mobilenet_v2.onnx"))
    torch.manual_seed(0)
    t0 = fixtures.FasterNet(embed_dim=40, depths=(1, 2, 8, 2), num_classes=1000, feature_dim=1280, act=torch.nn.GELU)
    export(t0, os.path.join(out, "fasternet_t0_torch_onnx.onnx"))


if __name__ == "__main__":
    main()
