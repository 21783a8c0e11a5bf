#!/usr/bin/env python3
"""Evaluate a trained latent Burgers surrogate by rolling it out on held-out data.

    python3 scripts/evaluate.py --checkpoint CKPT.json --config RESOLVED_EVAL.json --output METRICS.json

The config is the JSON that sota resolves from an eval YAML; it uses
`evaluation.split` (NPZ array, e.g. u_test), `evaluation.trajectories` (first
N trajectories) and `evaluation.horizon` (rollout steps). For each trajectory
the state at t=0 is encoded, rolled forward in latent space, decoded and
compared with the true snapshots:

    nrmse = sqrt(sum (pred - true)^2) / sqrt(sum true^2)   over steps 1..horizon

Writes METRICS.json atomically with nrmse, per-step nrmse, mse and a
persistence baseline (u(t) = u(0)). Exit codes: 0 success, 1 bad checkpoint or
data, 2 usage error.
"""

import argparse
import math
import os
import sys
import time
from operator import sub

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import burgers_lib as lib  # noqa: E402
from burgers_lib import DemoError, LatentModel, UsageError  # noqa: E402

FORMAT = "sota-burgers-latent/1"


class BadCheckpoint(DemoError):
    """The checkpoint is missing fields or has inconsistent shapes."""


def matrix_shape_ok(matrix, rows, cols):
    """True if ``matrix`` is a list of ``rows`` lists of ``cols`` entries each."""
    return (isinstance(matrix, list) and len(matrix) == rows
            and all(isinstance(r, list) and len(r) == cols for r in matrix))


def load_model(path):
    """Read the checkpoint and build the LatentModel, validating every shape."""
    ckpt = lib.read_json(path, "checkpoint")
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise BadCheckpoint(f"{path} is not a {FORMAT} checkpoint (written by scripts/train.py)")
    try:
        dim, grid = int(ckpt["latent_dim"]), int(ckpt["grid_size"])
        basis, model, prior = ckpt["basis"], ckpt["model"], ckpt["prior"]
        a_matrix, b_matrix, bias = model["A"], model["B"], model["c"]
        data_path = str(ckpt["data_path"])
        checks = {
            "basis": matrix_shape_ok(basis, dim, grid),
            "model.A": matrix_shape_ok(a_matrix, dim, dim),
            "model.B": matrix_shape_ok(b_matrix, dim, grid),
            "model.c": isinstance(bias, list) and len(bias) == dim,
            "prior.mean": isinstance(prior["mean"], list) and len(prior["mean"]) == dim,
            "prior": all(isinstance(prior[k], (int, float)) for k in ("relaxation", "contraction")),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise BadCheckpoint(f"{path} is missing or has a malformed field: {exc}") from None
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        raise BadCheckpoint(f"{path}: wrong shape for {', '.join(bad)} (latent_dim={dim}, grid_size={grid})")
    values = [v for row in basis + a_matrix + b_matrix for v in row] + bias + prior["mean"]
    values += [prior["relaxation"], prior["contraction"]]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
        raise BadCheckpoint(f"{path} contains non-numeric or non-finite weights")
    return LatentModel(basis, a_matrix, b_matrix, bias, prior=prior), data_path, grid


def read_eval_settings(config):
    """(split, trajectories, horizon) from the resolved eval config."""
    get = lib.config_get
    split = get(config, "evaluation.split")
    if not isinstance(split, str) or not split:
        raise UsageError("evaluation.split must be an array name such as u_test")
    trajectories = lib.positive(get(config, "evaluation.trajectories"), "evaluation.trajectories", int)
    horizon = lib.positive(get(config, "evaluation.horizon"), "evaluation.horizon", int)
    return split, trajectories, horizon


def evaluate(model, trajectories, horizon):
    """Roll out each trajectory and accumulate squared errors per step."""
    sq_err = [0.0] * horizon
    sq_true = [0.0] * horizon
    sq_base = 0.0
    for traj in trajectories:
        states = model.rollout(model.encode(traj[0]), horizon)
        for step, z in enumerate(states):
            truth = traj[step + 1]
            pred = model.decode(z)
            diff = list(map(sub, pred, truth))
            base = list(map(sub, traj[0], truth))
            sq_err[step] += lib.dot(diff, diff)
            sq_true[step] += lib.dot(truth, truth)
            sq_base += lib.dot(base, base)
    return sq_err, sq_true, sq_base


def main(argv=None):
    parser = argparse.ArgumentParser(description="Evaluate the latent Burgers surrogate (sota demo).")
    parser.add_argument("--checkpoint", required=True, help="checkpoint.json written by train.py")
    parser.add_argument("--config", required=True, help="resolved JSON eval config (from sota)")
    parser.add_argument("--output", required=True, help="metrics JSON to write")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        split, n_traj, horizon = read_eval_settings(lib.load_resolved_config(args.config, "evaluate"))
        model, data_path, grid = load_model(args.checkpoint)
        data = lib.load_trajectories(data_path, split)
        if len(data[0][0]) != grid:
            raise DemoError(f"{data_path}:{split} has {len(data[0][0])} grid points, the checkpoint expects {grid}")
        if n_traj > len(data):
            raise DemoError(f"evaluation.trajectories={n_traj} but {data_path}:{split} has only {len(data)}")
        if horizon > len(data[0]) - 1:
            raise DemoError(f"evaluation.horizon={horizon} is too long: {data_path}:{split} has "
                            f"{len(data[0])} snapshots, so at most {len(data[0]) - 1} steps")
        sq_err, sq_true, sq_base = evaluate(model, data[:n_traj], horizon)
        if not all(math.isfinite(v) for v in sq_err):
            raise DemoError("the rollout produced non-finite values")
        total_true = sum(sq_true)
        if min(sq_true) <= 0.0:
            raise DemoError(f"{data_path}:{split} has an all-zero snapshot; nrmse is undefined")
        metrics = {
            "nrmse": math.sqrt(sum(sq_err) / total_true),
            "nrmse_per_step": [math.sqrt(e / t) for e, t in zip(sq_err, sq_true)],
            "mse": sum(sq_err) / (n_traj * horizon * grid),
            "baseline_nrmse": math.sqrt(sq_base / total_true),
            "trajectories": n_traj,
            "horizon": horizon,
            "split": split,
            "latent_dim": model.dim,
        }
        lib.write_json_atomic(args.output, metrics)
    except UsageError as exc:
        print(f"evaluate.py: usage error: {exc}", file=sys.stderr)
        return 2
    except (DemoError, OSError) as exc:
        print(f"evaluate.py: error: {exc}", file=sys.stderr)
        return 1
    print(f"{split}: {n_traj} trajectories x {horizon} steps, latent dim {model.dim}: "
          f"nrmse {metrics['nrmse']:.5f} (persistence baseline {metrics['baseline_nrmse']:.5f}), "
          f"mse {metrics['mse']:.3e} [{time.perf_counter() - start:.2f}s] -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
