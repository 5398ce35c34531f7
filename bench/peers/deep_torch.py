#!/usr/bin/python3
"""ptlab's deep models written in PyTorch-Python (same layers and widths as
src/ptlab/model/deep/models.cpp), timed the same way as build/bench/ptlab_deep_bench: SGD with
momentum on random inputs, images/s after 3 warm-up batches.

Usage: deep_torch.py ARCH [--batches 20] [--batch-size 128] [--threads 0] [--channels 1] [--size 28]
"""
import argparse
import json
import os
import time

import torch
from torch import nn
import torch.nn.functional as F


def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv1, self.bn1 = conv3x3(i, o, stride), nn.BatchNorm2d(o)
        self.conv2, self.bn2 = conv3x3(o, o), nn.BatchNorm2d(o)
        self.shortcut = nn.Sequential()
        if stride != 1 or i != o:
            self.shortcut = nn.Sequential(nn.Conv2d(i, o, 1, stride=stride, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, c, classes, widths, depths):
        super().__init__()
        self.stem = nn.Sequential(conv3x3(c, widths[0]), nn.BatchNorm2d(widths[0]), nn.ReLU())
        i, stages = widths[0], []
        for s, (w, d) in enumerate(zip(widths, depths)):
            blocks = []
            for b in range(d):
                blocks.append(BasicBlock(i, w, 2 if b == 0 and s > 0 else 1))
                i = w
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        self.head = nn.Linear(i, classes)

    def forward(self, x):
        return self.head(F.adaptive_avg_pool2d(self.stages(self.stem(x)), 1).flatten(1))


class Vgg(nn.Module):
    def __init__(self, c, classes, cfg, size):
        super().__init__()
        layers, i = [], c
        for v in cfg:
            if v == 0:
                if size >= 4:
                    layers.append(nn.MaxPool2d(2))
                    size //= 2
                continue
            layers += [conv3x3(i, v), nn.BatchNorm2d(v), nn.ReLU()]
            i = v
        self.features, self.head = nn.Sequential(*layers), nn.Linear(i, classes)

    def forward(self, x):
        return self.head(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


class Block(nn.Module):
    def __init__(self, w, heads):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(w), nn.MultiheadAttention(w, heads)
        self.norm2, self.fc1, self.fc2 = nn.LayerNorm(w), nn.Linear(w, 4 * w), nn.Linear(4 * w, w)

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Vit(nn.Module):
    def __init__(self, c, classes, size, w=96, depth=4, heads=3, patch=4):
        super().__init__()
        tokens = (size // patch) ** 2
        self.proj = nn.Conv2d(c, w, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, w))
        self.pos_embed = nn.Parameter(0.02 * torch.randn(1, tokens + 1, w))
        self.blocks = nn.Sequential(*[Block(w, heads) for _ in range(depth)])
        self.norm, self.head = nn.LayerNorm(w), nn.Linear(w, classes)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.size(0), -1, -1), x], 1) + self.pos_embed
        x = self.blocks(x.transpose(0, 1))
        return self.head(self.norm(x[0]))


def make(arch, c, classes, size):
    if arch == "resnet8":
        return ResNet(c, classes, [16, 32, 64], [1, 1, 1])
    if arch == "resnet20":
        return ResNet(c, classes, [16, 32, 64], [3, 3, 3])
    if arch == "resnet18":
        return ResNet(c, classes, [64, 128, 256, 512], [2, 2, 2, 2])
    if arch == "vgg11":
        return Vgg(c, classes, [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0], size)
    if arch == "vgg16":
        return Vgg(c, classes, [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0], size)
    if arch == "vit":
        return Vit(c, classes, size)
    raise SystemExit(f"deep_torch.py: unknown architecture {arch}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("arch")
    p.add_argument("--batches", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--size", type=int, default=28)
    a = p.parse_args()
    threads = a.threads or os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = make(a.arch, a.channels, 10, a.size)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(a.batch_size, a.channels, a.size, a.size)
    y = torch.randint(0, 10, (a.batch_size,))
    model.train()

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(a.batches):
        step()
    s = time.perf_counter() - t0
    print(json.dumps({"impl": "PyTorch-Python " + torch.__version__, "arch": a.arch, "threads": threads,
                      "batch_size": a.batch_size, "images_per_s": round(a.batches * a.batch_size / s, 1)}))


if __name__ == "__main__":
    main()
