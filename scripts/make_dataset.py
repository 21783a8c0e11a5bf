#!/usr/bin/env python3
"""Generate the 1D viscous Burgers dataset used by the sota demo.

Solves u_t + u u_x = nu u_xx on a periodic grid of 64 points on [0, 2*pi)
with a conservative finite-difference scheme (SSP-RK3 in time) from random
low-mode Fourier initial conditions, and writes

    u_train  float32 (24, 41, 64)   training trajectories, 41 snapshots each
    u_test   float32 (8, 41, 64)    held-out trajectories
    x        float64 (64,)          grid

to a deterministic NPZ (byte-identical on every run), plus a `sha256sum`
style manifest next to it. Usage:

    python3 scripts/make_dataset.py [--output data/burgers_1d.npz] [--seed 0]
"""

import argparse
import hashlib
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import burgers_lib as lib  # noqa: E402

N_GRID = 64
N_SNAPSHOTS = 41
N_TRAIN = 24
N_TEST = 8
NU = 0.07
T_FINAL = 4.0
MAX_MODE = 3  # initial conditions use Fourier modes 1..MAX_MODE
AMPLITUDE = (0.6, 1.1)  # range of max|u0|; keeps the cell Reynolds number |u| dx / nu < 2


def random_initial_condition(rng, x):
    """A zero-mean sum of low Fourier modes with a random peak amplitude.

    Mode k gets a random phase and an amplitude ~ 1/k, so energy sits in the
    largest scales and the nonlinearity steepens it into smooth shocks.
    """
    u = [0.0] * len(x)
    for k in range(1, MAX_MODE + 1):
        amp = rng.gauss(0.0, 1.0) / k
        phase = rng.uniform(0.0, 2.0 * math.pi)
        u = [a + amp * math.sin(k * xi + phase) for a, xi in zip(u, x)]
    peak = max(abs(a) for a in u) or 1.0
    target = rng.uniform(*AMPLITUDE)
    return [a * target / peak for a in u]


def simulate(rng, count, x):
    """Solve ``count`` trajectories from fresh random initial conditions."""
    dx = 2.0 * math.pi / N_GRID
    # Explicit limits with safety margins: viscous dt <= 0.2 dx^2 / nu and an
    # advective CFL of 0.3 (max|u| never exceeds the initial peak in Burgers).
    max_dt = min(0.2 * dx * dx / NU, 0.3 * dx / AMPLITUDE[1])
    return [lib.solve_burgers(random_initial_condition(rng, x), NU, T_FINAL, N_SNAPSHOTS, dx, max_dt)
            for _ in range(count)]


def write_manifest(npz_path, blob):
    """Record the NPZ's sha256 in SHA256SUMS next to it (`sha256sum -c` format).

    The path is relative to the manifest's folder; lines for other files
    already in the manifest are kept, so several datasets can share a folder.
    """
    digest = hashlib.sha256(blob).hexdigest()
    name = os.path.basename(npz_path)
    manifest = os.path.join(os.path.dirname(os.path.abspath(npz_path)), "SHA256SUMS")
    entries = {name: digest}
    if os.path.exists(manifest):
        with open(manifest, "r", encoding="ascii") as handle:
            for line in handle:
                other_digest, _, other = line.rstrip("\n").partition("  ")
                if other and other != name:
                    entries[other] = other_digest
    text = "".join(f"{entries[n]}  {n}\n" for n in sorted(entries))
    lib.write_bytes_atomic(manifest, text.encode("ascii"))
    return digest


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default="data/burgers_1d.npz", help="NPZ path (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="random seed for the initial conditions (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    x = [2.0 * math.pi * i / N_GRID for i in range(N_GRID)]
    rng = random.Random(args.seed)
    # Train first, then test, from one stream: the split is fixed by the seed.
    train = simulate(rng, N_TRAIN, x)
    test = simulate(rng, N_TEST, x)
    blob = lib.npz_bytes([
        ("u_train", train, (N_TRAIN, N_SNAPSHOTS, N_GRID), "<f4"),
        ("u_test", test, (N_TEST, N_SNAPSHOTS, N_GRID), "<f4"),
        ("x", x, (N_GRID,), "<f8"),
    ])
    try:
        lib.write_bytes_atomic(args.output, blob)
        digest = write_manifest(args.output, blob)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"make_dataset.py: error: cannot write {args.output}: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    print(f"wrote {args.output}: u_train {N_TRAIN}x{N_SNAPSHOTS}x{N_GRID}, u_test {N_TEST}x{N_SNAPSHOTS}x{N_GRID}, "
          f"nu={NU}, T={T_FINAL} ({len(blob)} bytes, {elapsed:.2f}s)")
    print(f"sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
