"""The embedder's GELU is the tanh form: within 1e-3 of the exact (erf) form everywhere."""

from __future__ import annotations

import math

import numpy as np

from coach.minilm import _gelu


def test_the_tanh_gelu_is_within_a_thousandth_of_the_exact_one():
    x = np.linspace(-8, 8, 4001, dtype=np.float32)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.tolist()])
    assert float(np.max(np.abs(_gelu(x) - exact))) < 1e-3
