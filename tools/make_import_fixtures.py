#!/usr/bin/python3
"""Regenerates the weight-import fixtures in models/src/test/resources/import/.

Run on a machine with Debian's PyTorch (the script installs it when missing):

    tools/make_import_fixtures.py                 # every case
    tools/make_import_fixtures.py --only pit      # some groups (names below), the rest untouched

Groups: resnet, convnext, fasternet, rexnet, pfresnet, vit, forbidden (the fixtures that existed
first) and pit, fasternet_timm (added later; generating them leaves the others byte-identical).

For each case it writes a random-initialised PyTorch model's checkpoint in one or more formats
(.pth via torch.save, .safetensors, .npz), an input and the output PyTorch computed for it. Weights
are rounded to float16 first, so every encoding (float32 or float16) holds identical values and
one reference output serves all of them. Batch-norm statistics, affine parameters and layer
scales are randomised so that a wrong mapping changes the output.

References:
- torchvision's own ResNet (Bottleneck) and ConvNeXt classes, small configurations;
- FasterNet and ReXNet written here after the authors' repositories (JierunChen/FasterNet
  models/fasternet.py, clovaai/rexnet rexnetv1.py), with their module names;
- FasterNet in timm's layout (timm/models/fasternet.py: one stages.N per stage with its merging
  layer as stages.N.downsample, conv_head, classifier), written here after that file;
- PiT written here after the PiT authors' pit.py (naver-ai/pit), PfLayer's pit_pf.py (max-pool
  PiT: no class token, GAP head) and timm's pit.py (pooling layer as transformers.N.pool: older
  timm at the end of the stage before, current timm at the start of the stage it feeds).
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys


TORCHVISION_GROUPS = ("resnet", "convnext")


def ensure_torch(need_torchvision):
    """Installs Debian's PyTorch when missing; torchvision only when a selected group uses it."""
    try:
        import torch  # noqa: F401
        import numpy  # noqa: F401
        if need_torchvision:
            import torchvision  # noqa: F401
    except ImportError:
        packages = ["python3-torch", "python3-numpy"] + (["python3-torchvision"] if need_torchvision else [])
        subprocess.check_call(["apt-get", "install", "-y"] + packages)


def parse_args():
    parser = argparse.ArgumentParser(description="Regenerates the weight-import fixtures.")
    parser.add_argument("--only", default="", help="comma-separated groups to write (default: all)")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else argparse.Namespace(only="")
SELECTED = [g for g in ARGS.only.split(",") if g]
ensure_torch(not SELECTED or any(g in TORCHVISION_GROUPS for g in SELECTED))
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "src", "test", "resources", "import")


# ---------------------------------------------------------------- FasterNet (official layout)
class PartialConv3(nn.Module):
    def __init__(self, dim, n_div):
        super().__init__()
        self.dim_conv3 = dim // n_div
        self.dim_untouched = dim - self.dim_conv3
        self.partial_conv3 = nn.Conv2d(self.dim_conv3, self.dim_conv3, 3, 1, 1, bias=False)

    def forward(self, x):
        x1, x2 = torch.split(x, [self.dim_conv3, self.dim_untouched], dim=1)
        return torch.cat((self.partial_conv3(x1), x2), 1)


class MLPBlock(nn.Module):
    def __init__(self, dim, n_div, mlp_ratio, act):
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.spatial_mixing = PartialConv3(dim, n_div)
        self.mlp = nn.Sequential(nn.Conv2d(dim, hidden, 1, bias=False), nn.BatchNorm2d(hidden), act(),
                                 nn.Conv2d(hidden, dim, 1, bias=False))

    def forward(self, x):
        return x + self.mlp(self.spatial_mixing(x))


class BasicStage(nn.Module):
    def __init__(self, dim, depth, n_div, mlp_ratio, act):
        super().__init__()
        self.blocks = nn.Sequential(*[MLPBlock(dim, n_div, mlp_ratio, act) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(x)


class PatchEmbed(nn.Module):
    def __init__(self, in_chans, dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, 4, 4, bias=False)
        self.norm = nn.BatchNorm2d(dim)

    def forward(self, x):
        return self.norm(self.proj(x))


class PatchMerging(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.reduction = nn.Conv2d(dim, 2 * dim, 2, 2, bias=False)
        self.norm = nn.BatchNorm2d(2 * dim)

    def forward(self, x):
        return self.norm(self.reduction(x))


class FasterNet(nn.Module):
    def __init__(self, embed_dim=16, depths=(1, 1, 2, 1), num_classes=10, feature_dim=1280, act=nn.GELU):
        super().__init__()
        self.patch_embed = PatchEmbed(3, embed_dim)
        layers = []
        for i, depth in enumerate(depths):
            dim = embed_dim * 2 ** i
            layers.append(BasicStage(dim, depth, 4, 2, act))
            if i < len(depths) - 1:
                layers.append(PatchMerging(dim))
        self.stages = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.avgpool_pre_head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(num_features, feature_dim, 1, bias=False), act())
        self.head = nn.Linear(feature_dim, num_classes)

    def forward(self, x):
        x = self.avgpool_pre_head(self.stages(self.patch_embed(x)))
        return self.head(torch.flatten(x, 1))


# ---------------------------------------------------------------- ReXNet v1 (official layout)
class SE(nn.Module):
    def __init__(self, channels, se_ratio=12):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Conv2d(channels, channels // se_ratio, 1), nn.BatchNorm2d(channels // se_ratio),
                                nn.ReLU(inplace=True), nn.Conv2d(channels // se_ratio, channels, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.fc(self.avg_pool(x))


def conv_bn(out, cin, cout, k=1, s=1, p=0, g=1, act=None):
    out.append(nn.Conv2d(cin, cout, k, s, p, groups=g, bias=False))
    out.append(nn.BatchNorm2d(cout))
    if act is not None:
        out.append(act())


class LinearBottleneck(nn.Module):
    def __init__(self, cin, c, t, stride, use_se):
        super().__init__()
        self.use_shortcut = stride == 1 and cin <= c
        self.in_channels = cin
        out = []
        if t != 1:
            dw = cin * t
            conv_bn(out, cin, dw, act=nn.SiLU)
        else:
            dw = cin
        conv_bn(out, dw, dw, 3, stride, 1, g=dw)
        if use_se:
            out.append(SE(dw))
        out.append(nn.ReLU6())
        conv_bn(out, dw, c)
        self.out = nn.Sequential(*out)

    def forward(self, x):
        out = self.out(x)
        if self.use_shortcut:
            out[:, 0:self.in_channels] += x
        return out


class ReXNetV1(nn.Module):
    def __init__(self, width_mult=0.25, num_classes=10, input_ch=16, final_ch=180):
        super().__init__()
        layers = [1, 2, 2, 3, 3, 5]
        strides = [1, 2, 2, 2, 1, 2]
        use_ses = [False, False, True, True, True, True]
        strides = sum([[s] + [1] * (n - 1) for s, n in zip(strides, layers)], [])
        use_ses = sum([[u] * n for u, n in zip(use_ses, layers)], [])
        ts = [1] * layers[0] + [6] * sum(layers[1:])
        depth = sum(layers) * 3
        stem = 32 / width_mult if width_mult < 1.0 else 32
        inplanes = input_ch / width_mult if width_mult < 1.0 else input_ch
        ins, outs = [], []
        for i in range(depth // 3):
            if i == 0:
                ins.append(int(round(stem * width_mult)))
                outs.append(int(round(inplanes * width_mult)))
            else:
                ins.append(int(round(inplanes * width_mult)))
                inplanes += final_ch / (depth // 3 * 1.0)
                outs.append(int(round(inplanes * width_mult)))
        features = []
        conv_bn(features, 3, int(round(stem * width_mult)), 3, 2, 1, act=nn.SiLU)
        for cin, c, t, s, se in zip(ins, outs, ts, strides, use_ses):
            features.append(LinearBottleneck(cin, c, t, s, se))
        pen = int(1280 * width_mult)
        conv_bn(features, outs[-1], pen, act=nn.SiLU)
        features.append(nn.AdaptiveAvgPool2d(1))
        self.features = nn.Sequential(*features)
        self.output = nn.Sequential(nn.Dropout(0.2), nn.Conv2d(pen, num_classes, 1, bias=True))

    def forward(self, x):
        return self.output(self.features(x)).flatten(1)


# ---------------------------------------------------------------- PfLayer hybrid ResNet (official layout)
def pf_conv_bn(cin, cout, k=1, s=1, relu=False, p=None):
    layers = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2 if p is None else p, bias=False), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class EffBottleneck(nn.Module):
    """resnet_pf.py's hybrid block: stride 2 keeps a 3x3 conv after a 2x2 avg-pool, else max-pool."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        width = planes
        self.reduction_block = pf_conv_bn(inplanes, width, relu=True)
        if stride == 2:
            self.conv_block = nn.Sequential(nn.AvgPool2d(2, 2), pf_conv_bn(width, width, 3, 1, relu=True))
        else:
            self.conv_block = nn.MaxPool2d(3, stride, 1)
        self.expansion_block = pf_conv_bn(width, planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.expansion_block(self.conv_block(self.reduction_block(x))) + identity)


class PfResNet(nn.Module):
    def __init__(self, layers=(1, 2, 1, 1), stem=8, num_classes=10):
        super().__init__()
        self.inplanes = stem
        self.conv1 = pf_conv_bn(3, stem, 7, 2, relu=True, p=3)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(stem, layers[0], 1)
        self.layer2 = self._make_layer(stem * 2, layers[1], 2)
        self.layer3 = self._make_layer(stem * 4, layers[2], 2)
        self.layer4 = self._make_layer(stem * 8, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(stem * 32, num_classes)

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = pf_conv_bn(self.inplanes, planes * 4, 1, stride)
        layers = [EffBottleneck(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * 4
        layers += [EffBottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ---------------------------------------------------------------- ViT (timm names) and PfLayer's max-pool ViT
class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1) * (c // self.heads) ** -0.5).softmax(-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class EffLayer(nn.Module):
    """vit_pf.py: Linear(d, 3d), GELU, 3x3 max-pool on the token grid, GELU, Linear(3d, d)."""

    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim * 3, dim)
        self.pool = nn.MaxPool2d(3, 1, 1)
        self.actv = nn.GELU()

    def forward(self, x):
        b, n, _ = x.shape
        side = int(n ** 0.5)
        x = self.actv(self.qkv(x))
        x = x.transpose(1, 2).reshape(b, -1, side, side)
        x = self.pool(x).reshape(b, -1, n).transpose(1, 2)
        return self.proj(self.actv(x))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, eff):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = EffLayer(dim) if eff else Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, dim * 4)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbedViT(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 16, 16)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class ViT(nn.Module):
    """timm's VisionTransformer layout (class token) or, with maxpool=True, vit_pf.py's (GAP)."""

    def __init__(self, dim=48, depth=2, heads=3, img=32, num_classes=10, maxpool=False):
        super().__init__()
        self.maxpool = maxpool
        self.patch_embed = PatchEmbedViT(dim)
        n = (img // 16) ** 2
        if not maxpool:
            self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, n + (0 if maxpool else 1), dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads, maxpool and i % 2 == 1) for i in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.patch_embed(x)
        if not self.maxpool:
            x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        x = self.norm(self.blocks(x + self.pos_embed))
        return self.head(x.mean(1) if self.maxpool else x[:, 0])


# ---------------------------------------------------------------- PiT (naver-ai/pit, pit_pf.py and timm layouts)
class PiTTransformer(nn.Module):
    """One stage: blocks on the flattened map with the class tokens in front (pit.py Transformer)."""

    def __init__(self, dim, depth, heads, maxpool, pool=None):
        super().__init__()
        # Current timm registers the pooling layer first, so it leads the stage's state_dict keys.
        self.pool = pool
        self.pool_first = pool is not None
        # pit_pf.py alternates attention (even) and max-pool (odd) blocks inside every stage.
        self.blocks = nn.ModuleList([Block(dim, heads, maxpool and i % 2 == 1) for i in range(depth)])

    def forward(self, x, cls):
        if self.pool_first:
            x, cls = self.pool(x, cls)
        b, c, h, w = x.shape
        t = x.flatten(2).transpose(1, 2)
        n = 0 if cls is None else cls.shape[1]
        if cls is not None:
            t = torch.cat((cls, t), dim=1)
        for blk in self.blocks:
            t = blk(t)
        cls = None if cls is None else t[:, :n]
        return t[:, n:].transpose(1, 2).reshape(b, c, h, w), cls


class ConvHeadPooling(nn.Module):
    """Depthwise 3x3/2 conv widening the map, and (with a class token) a linear layer for it."""

    def __init__(self, cin, cout, cls):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, 2, 1, groups=cin)
        if cls:
            self.fc = nn.Linear(cin, cout)

    def forward(self, x, cls):
        return self.conv(x), (None if cls is None else self.fc(cls))


class PiT(nn.Module):
    """PoolingTransformer: layout "official" keeps the pooling layers in `pools` (naver-ai/pit, and
    pit_pf.py with maxpool=True: no class token, norm then GAP); "timm" stores the pooling layer
    after stage S as `transformers.S.pool` (older timm, run at the end of stage S); "timm_pool_first"
    stores it as `transformers.(S+1).pool`, the first submodule of the stage it feeds (current
    timm, run at the start of that stage)."""

    def __init__(self, base=16, depths=(1, 2, 1), heads=(1, 2, 4), patch=16, stride=8, img=32, num_classes=10,
                 maxpool=False, layout="official"):
        super().__init__()
        dims = [base * h for h in heads]
        side = (img - patch) // stride + 1
        self.maxpool = maxpool
        self.pos_embed = nn.Parameter(torch.zeros(1, dims[0], side, side))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.patch_embed = nn.Module()
        self.patch_embed.conv = nn.Conv2d(3, dims[0], patch, stride)
        if not maxpool:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dims[0]))
            nn.init.trunc_normal_(self.cls_token, std=0.02)
        if layout == "timm_pool_first":
            pools = [ConvHeadPooling(dims[s], dims[s + 1], not maxpool) for s in range(len(dims) - 1)]
            self.transformers = nn.ModuleList([PiTTransformer(d, n, h, maxpool, pools[s - 1] if s > 0 else None)
                                               for s, (d, n, h) in enumerate(zip(dims, depths, heads))])
        else:
            # The other layouts build the stages first, which fixes their fixtures' random draws.
            self.transformers = nn.ModuleList([PiTTransformer(d, n, h, maxpool)
                                               for d, n, h in zip(dims, depths, heads)])
            pools = [ConvHeadPooling(dims[s], dims[s + 1], not maxpool) for s in range(len(dims) - 1)]
            if layout == "timm":
                for s, p in enumerate(pools):
                    self.transformers[s].pool = p
            else:
                self.pools = nn.ModuleList(pools)
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.head = nn.Linear(dims[-1], num_classes)
        self.layout = layout

    def forward(self, x):
        x = self.patch_embed.conv(x) + self.pos_embed
        cls = None if self.maxpool else self.cls_token.expand(x.shape[0], -1, -1)
        for s, stage in enumerate(self.transformers):
            x, cls = stage(x, cls)
            if s < len(self.transformers) - 1 and self.layout != "timm_pool_first":
                pool = stage.pool if self.layout == "timm" else self.pools[s]
                x, cls = pool(x, cls)
        if self.maxpool:
            return self.head(self.norm(x.flatten(2).transpose(1, 2)).mean(1))
        return self.head(self.norm(cls)[:, 0])


# ---------------------------------------------------------------- FasterNet (timm layout)
class TimmFasterNetStage(nn.Module):
    """timm's fasternet Block: the merging layer first (stages after the first), then the blocks."""

    def __init__(self, dim, depth, act, merge):
        super().__init__()
        self.blocks = nn.Sequential(*[MLPBlock(dim, 4, 2, act) for _ in range(depth)])
        self.downsample = PatchMerging(dim // 2) if merge else nn.Identity()

    def forward(self, x):
        return self.blocks(self.downsample(x))


class TimmFasterNet(nn.Module):
    """timm's FasterNet: patch_embed, stages.N, global pool, conv_head + act, classifier."""

    def __init__(self, embed_dim=16, depths=(1, 1, 2, 1), num_classes=10, feature_dim=1280, act=nn.GELU):
        super().__init__()
        self.patch_embed = PatchEmbed(3, embed_dim)
        self.stages = nn.Sequential(*[TimmFasterNetStage(embed_dim * 2 ** i, d, act, i > 0) for i, d in enumerate(depths)])
        self.conv_head = nn.Conv2d(embed_dim * 2 ** (len(depths) - 1), feature_dim, 1, 1, 0, bias=False)
        self.act = act()
        self.classifier = nn.Linear(feature_dim, num_classes)

    def forward(self, x):
        x = self.stages(self.patch_embed(x)).mean((2, 3), keepdim=True)
        return self.classifier(torch.flatten(self.act(self.conv_head(x)), 1))


# ---------------------------------------------------------------- torchvision models, small
def tv_resnet():
    import torchvision
    from torchvision.models.resnet import Bottleneck
    m = torchvision.models.resnet.ResNet(Bottleneck, [1, 1, 1, 1], num_classes=10)
    # Same torchvision classes, 8x narrower: stem 8 and planes 8/16/32/64, blocks 1/2/1/1
    # (fastvision's test_resnet).
    m.inplanes = 8
    m.conv1 = nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
    m.bn1 = nn.BatchNorm2d(8)
    m.layer1 = m._make_layer(Bottleneck, 8, 1)
    m.layer2 = m._make_layer(Bottleneck, 16, 2, stride=2)
    m.layer3 = m._make_layer(Bottleneck, 32, 1, stride=2)
    m.layer4 = m._make_layer(Bottleneck, 64, 1, stride=2)
    m.fc = nn.Linear(256, 10)
    return m


def tv_convnext():
    import torchvision
    from torchvision.models.convnext import CNBlockConfig
    # fastvision's test_convnext: dims 8/16/32/64, blocks 1/1/2/1.
    cfg = [CNBlockConfig(8, 16, 1), CNBlockConfig(16, 32, 1), CNBlockConfig(32, 64, 2), CNBlockConfig(64, None, 1)]
    return torchvision.models.ConvNeXt(cfg, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=10)


# ---------------------------------------------------------------- helpers
def randomise(model):
    """Random BN statistics/affine and layer scales, then round every tensor to float16 values."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, mod in model.named_modules():
            if isinstance(mod, nn.LayerNorm):
                mod.weight.copy_(torch.rand(mod.weight.shape, generator=g) + 0.5)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.2)
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.copy_(torch.randn(mod.running_mean.shape, generator=g) * 0.2)
                mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) + 0.5)
                mod.weight.copy_(torch.rand(mod.weight.shape, generator=g) + 0.5)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.2)
        for name, p in model.named_parameters():
            if name.endswith("layer_scale") or name.endswith("gamma"):
                p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.5)
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.copy_(t.half().float())
    return model.eval()


def save_safetensors(path, tensors, dtype):
    names = {torch.float32: "F32", torch.float16: "F16"}
    header, blobs, offset = {}, [], 0
    for k, v in tensors.items():
        v = v.detach().to(dtype).contiguous()
        raw = v.numpy().tobytes()
        header[k] = {"dtype": names[dtype], "shape": list(v.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def state(model, half=False):
    sd = model.state_dict()
    return {k: (v.half() if half and v.is_floating_point() else v) for k, v in sd.items()}


def write_case(name, model, formats):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(OUT, name + "_input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, name + "_output.npy"), y.numpy().astype(np.float32))
    for fmt, keys in formats:
        path = os.path.join(OUT, name + "." + fmt.split(":")[0])
        kind = fmt.split(":")[1] if ":" in fmt else "f32"
        sd = keys(state(model))
        if fmt.startswith("pth"):
            obj = {k: (v.half() if kind == "f16" and v.is_floating_point() else v) for k, v in sd.items()}
            if kind == "nested":
                obj = {"model": {k: v.half() if v.is_floating_point() else v for k, v in obj.items()},
                       "epoch": 3, "max_accuracy": 0.5}
            torch.save(obj, path)
        elif fmt.startswith("safetensors"):
            save_safetensors(path, {k: v for k, v in sd.items() if v.is_floating_point()},
                             torch.float16 if kind == "f16" else torch.float32)
        elif fmt.startswith("npz"):
            np.savez(path, **{k: (v.half() if kind == "f16" and v.is_floating_point() else v).numpy() for k, v in sd.items()})
        print("wrote", path, os.path.getsize(path), "bytes")


def identity(sd):
    return sd


def convnext_official(sd):
    out = {}
    for k, v in sd.items():
        p = k.split(".")
        if p[0] == "features":
            f, rest = int(p[1]), p[2:]
            if f % 2 == 0:
                out["downsample_layers.%d.%s" % (f // 2, ".".join(rest))] = v
            else:
                stage, block = (f - 1) // 2, rest[0]
                if rest[1] == "layer_scale":
                    out["stages.%d.%s.gamma" % (stage, block)] = v.reshape(-1)
                else:
                    name = {"0": "dwconv", "2": "norm", "3": "pwconv1", "5": "pwconv2"}[rest[2]]
                    out["stages.%d.%s.%s.%s" % (stage, block, name, rest[3])] = v
        elif p[0] == "classifier":
            out[("norm." if p[1] == "0" else "head.") + p[2]] = v
    return out


def convnext_timm(sd):
    out = {}
    for k, v in convnext_official(sd).items():
        p = k.split(".")
        if p[0] == "downsample_layers":
            i = int(p[1])
            out[("stem.%s.%s" % (p[2], p[3])) if i == 0 else "stages.%d.downsample.%s.%s" % (i, p[2], p[3])] = v
        elif p[0] == "stages":
            name = {"dwconv": "conv_dw", "norm": "norm", "pwconv1": "mlp.fc1", "pwconv2": "mlp.fc2", "gamma": "gamma"}[p[3]]
            out["stages.%s.blocks.%s.%s%s" % (p[1], p[2], name, "" if p[3] == "gamma" else "." + p[4])] = v
        else:
            out["head.norm." + p[1] if p[0] == "norm" else "head.fc." + p[1]] = v
    return out


def rexnet_timm(sd):
    out = {}
    layout = {True: ["conv_exp.conv", "conv_exp.bn", None, "conv_dw.conv", "conv_dw.bn", "se", None, "conv_pwl.conv", "conv_pwl.bn"],
              False: ["conv_exp.conv", "conv_exp.bn", None, "conv_dw.conv", "conv_dw.bn", None, "conv_pwl.conv", "conv_pwl.bn"]}
    first = ["conv_dw.conv", "conv_dw.bn", None, "conv_pwl.conv", "conv_pwl.bn"]
    for k, v in sd.items():
        p = k.split(".")
        if p[0] == "output":
            out["head.fc." + p[2]] = v.reshape(v.shape[0], -1) if p[2] == "weight" else v
            continue
        f = int(p[1])
        if f in (0, 1):
            out[("stem.conv." if f == 0 else "stem.bn.") + p[2]] = v
        elif f in (19, 20):
            out[("features.16.conv." if f == 19 else "features.16.bn.") + p[2]] = v
        else:
            b, kk = f - 3, int(p[3])
            table = first if b == 0 else layout[b >= 3]
            mod = table[kk]
            if mod == "se":
                sub = {"0": "fc1", "1": "bn", "3": "fc2"}[p[5]]
                out["features.%d.se.%s.%s" % (b, sub, p[6])] = v
            else:
                out["features.%d.%s.%s" % (b, mod, p[4])] = v
    return out


def forbidden_global():
    path = os.path.join(OUT, "forbidden_global.pth")
    torch.save({"weight": torch.zeros(2), "args": argparse.Namespace(lr=0.1)}, path)
    print("wrote", path)


def group_resnet():
    torch.manual_seed(0)
    write_case("resnet_torchvision", randomise(tv_resnet()),
               [("pth:f16", identity), ("safetensors:f16", identity), ("npz:f16", identity)])


def group_convnext():
    torch.manual_seed(0)
    convnext = randomise(tv_convnext())
    write_case("convnext_torchvision", convnext, [("pth:f16", identity), ("npz:f16", identity)])
    write_case("convnext_official", convnext, [("pth:nested", convnext_official)])
    write_case("convnext_timm", convnext, [("safetensors:f32", convnext_timm)])


def group_fasternet():
    torch.manual_seed(0)
    write_case("fasternet_official", randomise(FasterNet()), [("pth:f16", identity)])


def group_rexnet():
    torch.manual_seed(0)
    rexnet = randomise(ReXNetV1())
    write_case("rexnet_official", rexnet, [("pth:f16", identity)])
    write_case("rexnet_timm", rexnet, [("safetensors:f16", rexnet_timm)])


def group_pfresnet():
    torch.manual_seed(0)
    write_case("pfresnet_official", randomise(PfResNet()), [("pth:f16", identity)])


def group_vit():
    torch.manual_seed(0)
    write_case("vit_timm", randomise(ViT()), [("safetensors:f16", identity)])
    torch.manual_seed(0)
    write_case("vit_maxpool_official", randomise(ViT(maxpool=True)), [("pth:f16", identity)])


def group_pit():
    # fastvision's test_pit (base 16, depths 1/2/1, heads 1/2/4) and test_pit_maxpool (depths 2/2/2).
    torch.manual_seed(0)
    write_case("pit_official", randomise(PiT()), [("pth:f16", identity)])
    torch.manual_seed(0)
    write_case("pit_timm", randomise(PiT(layout="timm")), [("safetensors:f16", identity)])
    torch.manual_seed(0)
    write_case("pit_timm_pool_first", randomise(PiT(layout="timm_pool_first")), [("safetensors:f16", identity)])
    torch.manual_seed(0)
    write_case("pit_maxpool_official", randomise(PiT(depths=(2, 2, 2), maxpool=True)), [("pth:f16", identity)])


def group_fasternet_timm():
    # fastvision's test_fasternet, as group_fasternet, in timm's layout.
    torch.manual_seed(0)
    write_case("fasternet_timm", randomise(TimmFasterNet()), [("safetensors:f16", identity)])


GROUPS = {
    "resnet": group_resnet,
    "convnext": group_convnext,
    "fasternet": group_fasternet,
    "rexnet": group_rexnet,
    "pfresnet": group_pfresnet,
    "vit": group_vit,
    "forbidden": forbidden_global,
    "pit": group_pit,
    "fasternet_timm": group_fasternet_timm,
}


def main():
    unknown = [g for g in SELECTED if g not in GROUPS]
    if unknown:
        sys.exit("unknown group(s) %s; groups: %s" % (", ".join(unknown), ", ".join(GROUPS)))
    os.makedirs(OUT, exist_ok=True)
    for name, group in GROUPS.items():
        if not SELECTED or name in SELECTED:
            group()


if __name__ == "__main__":
    main()
