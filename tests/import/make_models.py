#!/usr/bin/env python3
"""Builds the test models of `duet import` (tests/import/) as build artefacts.

    make_models.py OUT_DIR

For each model NAME: NAME.pt (TorchScript), NAME.shapes (one input shape per
line, as `--shape` takes it), NAME.in<i>.npy (inputs) and NAME.ref<i>.npy
(PyTorch's outputs, from the eager module). Random weights from fixed seeds,
no downloads. unsupported.pt uses ops duet does not import (error test).
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision


def transformer_layer():
    # Traced with gradients enabled and weights requiring them, so PyTorch's
    # fused inference fast path (aten::_transformer_encoder_layer_fwd) is not
    # taken and the trace records plain aten ops. Dropout is identity in eval.
    return torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128,
                                            dropout=0.1, activation="gelu", batch_first=True)


class ConvOps(torch.nn.Module):
    """Conv/pool/norm arguments the torchvision models do not use."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)
        self.bn = torch.nn.BatchNorm2d(6)
        self.same = torch.nn.Conv2d(6, 6, 3, padding="same", bias=False)
        self.fc = torch.nn.Linear(6 * 3 * 2, 5)

    def forward(self, x):
        y = F.relu6(self.bn(self.conv(x)))
        y = F.leaky_relu(self.same(y), 0.2)
        y = F.max_pool2d(y, 3, stride=2, padding=1, ceil_mode=True)
        y = F.avg_pool2d(y, 2, stride=1, padding=1, count_include_pad=False)
        y = F.adaptive_avg_pool2d(y, (3, 2))
        y = F.dropout(torch.flatten(y, 1), 0.5, self.training)
        return self.fc(y)


class ElementwiseOps(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(5)

    def forward(self, x, y):
        a = torch.add(x, y, alpha=2.0) - y * 0.5 + (3 - x) / (y.abs() + 1)
        b = F.hardtanh(a, -1.5, 1.5) + torch.sigmoid(x) * torch.tanh(y) + F.gelu(a)
        c = F.silu(b) + F.hardswish(x) + F.hardsigmoid(y) + torch.clamp(x, min=-0.5)
        d = torch.exp(-x.abs()) + torch.sqrt(y.abs()) + torch.rsqrt(x.abs() + 1)
        d = d + torch.log(y.abs() + 1) + torch.pow(x, 2) + torch.maximum(x, y)
        e = F.softmax(self.norm(c + d), dim=-1) + F.log_softmax(c, dim=0)
        return e, e.mean(dim=1, keepdim=True) + torch.sum(d)


class ShapeOps(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(5, 3))
        self.b = torch.nn.Parameter(torch.randn(3))

    def forward(self, x):
        n = x.size(0)
        t = x.transpose(1, 2).permute(0, 2, 3, 1).contiguous()  # [2,4,5,3]
        r = t.reshape(n, -1, 3).view(n * 20, 3).unsqueeze(0).squeeze(0)  # [40,3]
        q, k, v = torch.chunk(x, 3, dim=1)  # each [2,1,4,5]
        s = torch.cat([q, k * 2, v], dim=3)[:, 0, 1:3, ::2]  # [2,2,8]
        m = torch.matmul(x, self.w)  # [2,3,4,3]
        m = torch.bmm(m.flatten(0, 1), m.flatten(0, 1).transpose(1, 2))  # [6,4,4]
        m = torch.baddbmm(m, m, m, beta=0.5, alpha=2.0).select(0, 2)  # [4,4]
        a = torch.addmm(self.b, x[0, 0], self.w) + torch.matmul(x[1, 1, 0], self.w)
        e = self.b.expand(4, 3) + a.t().t()
        return r.sum(0) + e.sum(0), s, m @ x[0, 0, :, :4], torch.split(x, 2, dim=3)[1]


class Unsupported(torch.nn.Module):
    def forward(self, x):
        y = torch.sin(x) + torch.cumsum(x, 1)
        return torch.relu(y) * torch.sin(y)


def resnet18():
    return torchvision.models.resnet18(weights=None, num_classes=100)


def mobilenet_v2():
    return torchvision.models.mobilenet_v2(weights=None, num_classes=100)


MODELS = {
    # name: (constructor, input shapes, how to make TorchScript)
    "resnet18": (resnet18, [(1, 3, 64, 64)], "trace"),
    "mobilenet_v2": (mobilenet_v2, [(1, 3, 64, 64)], "trace"),
    "transformer_layer": (transformer_layer, [(2, 16, 64)], "trace"),
    "conv_ops": (ConvOps, [(2, 4, 17, 15)], "script"),
    "elementwise_ops": (ElementwiseOps, [(3, 5), (3, 5)], "script"),
    "shape_ops": (ShapeOps, [(2, 3, 4, 5)], "trace"),
}


def randomize_norm_stats(model, gen):
    # Fresh norms have mean 0, var 1, weight 1, bias 0: a wrong mapping would hide.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.rand(m.num_features, generator=gen) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) * 0.5 + 0.75)
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.LayerNorm)):
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=gen) * 0.5 + 0.75)
            m.bias.data.copy_(torch.rand(m.bias.shape, generator=gen) * 0.2 - 0.1)


def save_model(out, name, make, shapes, how, gen):
    model = make().eval()
    with torch.no_grad():
        randomize_norm_stats(model, gen)
    xs = [torch.randn(*s, generator=gen) for s in shapes]
    if how == "trace":
        with torch.enable_grad():
            ts = torch.jit.trace(model, tuple(xs), check_trace=False)
    else:
        ts = torch.jit.script(model)
    with torch.no_grad():
        refs = model(*xs)
    refs = list(refs) if isinstance(refs, (tuple, list)) else [refs]
    ts.save(os.path.join(out, name + ".pt"))
    for i, x in enumerate(xs):
        np.save(os.path.join(out, f"{name}.in{i}.npy"), x.numpy())
    for i, r in enumerate(refs):
        np.save(os.path.join(out, f"{name}.ref{i}.npy"), r.detach().numpy())
    with open(os.path.join(out, name + ".shapes"), "w") as f:
        f.writelines("x".join(str(d) for d in s) + "\n" for s in shapes)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    for name, (make, shapes, how) in MODELS.items():
        save_model(out, name, make, shapes, how, gen)
    torch.jit.script(Unsupported()).save(os.path.join(out, "unsupported.pt"))


if __name__ == "__main__":
    main()
