"""Exact integer kernels: polynomial powers, convolutions and ranked selection.

A distribution is handled here as a dense list of integer weights: index `i` is the weight of
the `i`-th outcome from some offset the caller keeps. Probabilities are weights over a common
denominator that the caller also keeps; nothing here uses fractions or floats.
"""

from __future__ import annotations

from math import comb

__all__ = ("convolve", "keep_ranked", "power", "runs")

_NAIVE_PRODUCT = 4096
"""Below this many coefficient products a plain double loop beats packing into integers."""

_WIDEN_BYTES = 4096
"""`keep_ranked` packs its states narrower than the result once the result is this large."""

_PRODUCT_BYTES = 512
"""`keep_ranked` raises its states to powers by multiplication up to this many bytes."""

_SQUARING_RUNS = 4
"""`power` squares instead when the weights have more runs than this times the bits of `n`."""


def runs(weights: list[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero weights from index 1: `(first, last, weight)`."""
    found: list[tuple[int, int, int]] = []
    start = 1
    size = len(weights)
    while start < size:
        value = weights[start]
        end = start
        while end + 1 < size and weights[end + 1] == value:
            end += 1
        if value:
            found.append((start, end, value))
        start = end + 1
    return found


def power(weights: list[int], n: int, limit: int | None = None) -> list[int]:
    """Coefficients of `P(x) ** n` for `P` given by `weights` (`weights[0]` must be non-zero).

    J.C.P. Miller's recurrence `P * A' = n * P' * A` gives each coefficient from the previous
    `len(weights)` ones; runs of equal weights are summed through prefix sums, so a uniform die
    costs a few big-integer operations per coefficient. Weights with many distinct runs (an
    exploding die) and few copies go by repeated squaring of one packed integer instead. With
    `limit`, only coefficients up to that degree are computed.
    """
    degree = len(weights) - 1
    if n == 0:
        return [1]
    if degree == 0:
        return [weights[0] ** n]
    blocks = runs(weights)
    if len(blocks) > _SQUARING_RUNS * n.bit_length():
        result = _squaring(weights, n)
        return result if limit is None else result[: limit + 1]
    size = degree * n + 1
    end = size if limit is None else min(size, limit + 1)
    symmetric = limit is None and weights == weights[::-1]
    if symmetric:
        end = min(end, size // 2 + 1)
    first = weights[0]
    coefficients = [first**n]
    sums = [0, coefficients[0]]
    moments = [0, 0]
    n1 = n + 1
    for k in range(1, end):
        total = 0
        nk = n * k
        for low, high, value in blocks:
            top = k - low
            if top < 0:
                break
            bottom = k - high
            bottom = max(bottom, 0)
            s0 = sums[top + 1] - sums[bottom]
            s1 = moments[top + 1] - moments[bottom]
            term = nk * s0 - n1 * s1
            total += term if value == 1 else value * term
        coefficient = total // (k * first)
        coefficients.append(coefficient)
        sums.append(sums[-1] + coefficient)
        moments.append(moments[-1] + k * coefficient)
    if symmetric:
        mirrored = coefficients[: size - len(coefficients)]
        coefficients.extend(reversed(mirrored))
    return coefficients


def _squaring(weights: list[int], n: int) -> list[int]:
    """`P ** n` by repeated squaring, packed once into slots wide enough for the result."""
    width = _slot_bytes(sum(weights) ** n)
    base = _pack(weights, width)
    result = 1
    exponent = n
    while True:
        if exponent & 1:
            result *= base
        exponent >>= 1
        if not exponent:
            return _unpack(result, width, (len(weights) - 1) * n + 1)
        base *= base


def _slot_bytes(largest: int) -> int:
    return largest.bit_length() // 8 + 1


def _pack(weights: list[int], width: int) -> int:
    return int.from_bytes(b"".join(w.to_bytes(width, "little") for w in weights), "little")


def _unpack(packed: int, width: int, count: int) -> list[int]:
    data = packed.to_bytes(width * count, "little")
    read = int.from_bytes
    return [read(data[i : i + width], "little") for i in range(0, width * count, width)]


def convolve(left: list[int], right: list[int]) -> list[int]:
    """Coefficients of the product of two polynomials with non-negative coefficients."""
    if len(left) * len(right) <= _NAIVE_PRODUCT:
        out = [0] * (len(left) + len(right) - 1)
        for i, a in enumerate(left):
            if a:
                for j, b in enumerate(right):
                    out[i + j] += a * b
        return out
    width = _slot_bytes(sum(left) * sum(right))
    packed = _pack(left, width) * _pack(right, width)
    return _unpack(packed, width, len(left) + len(right) - 1)


def keep_ranked(ranked: list[tuple[int, int]], n: int, k: int) -> tuple[int, list[int]]:
    """Score of the best `k` of `n` independent dice, best outcome first.

    `ranked` lists `(weight, score)` for each outcome from the best to the worst (`score` is
    what a kept die adds: its value, or its success count). Returns `(low, weights)` where
    `weights[i]` is the weight of a kept score of `low + i`, over the denominator
    `sum(weight) ** n`.

    A descending-outcome dynamic programme: `state[m]` holds, as one integer with a slot per
    partial score, the weight of `m` dice (`m < k`) landing on the outcomes seen so far (the
    `m`-th power of their polynomial); when an outcome completes the `k` best dice the rest of
    the pool is summed out in closed form. States never exceed `total ** (k - 1)`, so for a
    large result they use narrower slots and are widened only when added in.
    """
    if not 0 < k <= n:
        raise ValueError("keep between 1 and the pool size")
    ranked = [(weight, score) for weight, score in ranked if weight]
    lowest = highest = ranked[0][1]
    total = 0
    for weight, score in ranked:
        total += weight
        lowest = min(lowest, score)
        highest = max(highest, score)
    if k == 1:
        return lowest, _keep_best(ranked, n, total, lowest, highest)
    width = _slot_bytes(total**n)
    bits = 8 * width
    spread = highest - lowest
    narrow = width
    if width * (k * spread + 1) > _WIDEN_BYTES:
        narrow = _slot_bytes(total ** (k - 1))
    narrow_bits = 8 * narrow
    choose = [comb(n, m) for m in range(k)]
    rising = [comb(n - m, k - m) for m in range(k)]
    # Small states are powers of the seen outcomes' polynomial, larger ones are extended term
    # by term with the binomial theorem (cheaper than multiplying long integers).
    by_product = narrow * (k * spread + 1) <= _PRODUCT_BYTES
    pascal = [] if by_product else [[comb(j, c) for c in range(j + 1)] for j in range(k)]
    state = [0] * k
    state[0] = 1
    seen = 0
    result = 0
    below = total
    exponent = n - k + 1
    for weight, score in ranked:
        below -= weight
        offset = score - lowest
        at_or_below = weight + below
        tail = below**exponent
        # Weight of at least `k - m` of the `n - m` remaining dice landing here, the others
        # below, for `m` from `k - 1` down: each step adds one die (Pascal's rule).
        here = at_or_below**exponent - tail
        for m in range(k - 1, -1, -1):
            current = state[m]
            if current and here:
                if narrow != width:
                    current = _widen(current, narrow, width, m * spread + 1)
                result += (current * (choose[m] * here)) << (bits * (k - m) * offset)
            if m:
                tail *= weight
                here = at_or_below * here - rising[m] * tail
        if below == 0:
            break
        shift = narrow_bits * offset
        if by_product:
            seen += weight << shift
            power = 1
            for m in range(1, k):
                power *= seen
                state[m] = power
            continue
        for j in range(k - 1, 0, -1):
            acc = state[j]
            row = pascal[j]
            factor = 1
            for c in range(1, j + 1):
                factor *= weight
                source = state[j - c]
                if source:
                    scale = row[c] * factor
                    moved = source if scale == 1 else source * scale
                    acc += moved << (shift * c) if shift else moved
            state[j] = acc
    span = k * spread + 1
    return k * lowest, _unpack(result, width, span)


def _keep_best(ranked: list[tuple[int, int]], n: int, total: int, low: int, high: int) -> list[int]:
    """`keep_ranked` for one kept die: it lands on an outcome when all `n` dice land there or
    below, but not all below."""
    weights = [0] * (high - low + 1)
    below = total
    for weight, score in ranked:
        at_or_below = below
        below -= weight
        weights[score - low] += at_or_below**n - below**n
    return weights


def _widen(packed: int, narrow: int, width: int, count: int) -> int:
    """`packed` with `count` slots of `narrow` bytes, re-packed into slots of `width` bytes."""
    data = packed.to_bytes(narrow * count, "little")
    out = bytearray(width * count)
    for byte in range(narrow):
        out[byte::width] = data[byte::narrow]
    return int.from_bytes(out, "little")
