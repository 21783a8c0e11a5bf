#!/usr/bin/env python3
"""Train the latent Burgers surrogate for the sota demo, in four stages.

    python3 scripts/train.py --config RESOLVED.json [--stage NAME] --output-dir DIR [--epochs N]

The config is the JSON that `sota train` resolves from the YAML. Stages, in
order (each writes DIR/<stage>.json atomically):

  operator             POD basis of the training snapshots (latent.dim modes) and
                       a linear latent operator z' = A z by ridge least squares.
  diff_residual        least-squares correction of the residual z' - A z with
                       quadratic features (the decoded field squared), giving the
                       teacher z' = A z + B (Phi^T z)^2 + c.
  consistency_distill  mini-batch gradient descent (batch_size = rollout windows
                       per batch) on a multi-step rollout-consistency loss,
                       starting from the teacher.
  steady_prior         late-time steady state, relaxation and contraction bound
                       for long rollouts; also writes the final checkpoint.

Without --stage all configured stages run in order; with --stage only that one
runs and earlier stages' outputs are read from DIR. Exit codes: 0 success,
1 training failure (missing inputs, divergence, bad data), 2 usage error.
"""

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from operator import sub

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import burgers_lib as lib  # noqa: E402
from burgers_lib import DemoError, LatentModel, UsageError, number, positive  # noqa: E402

STAGE_ORDER = ("operator", "diff_residual", "consistency_distill", "steady_prior")
REQUIRES = {
    "operator": (),
    "diff_residual": ("operator",),
    "consistency_distill": ("operator", "diff_residual"),
    "steady_prior": ("operator", "diff_residual", "consistency_distill"),
}
TRAIN_SPLIT = "u_train"
ROLLOUT_STEPS = 4  # length of a consistency window (steps rolled out before matching data)
WINDOW_STRIDE = 16  # one window start every 16 snapshots; each trajectory's offset advances per epoch
LATE_FRACTION = 0.75  # snapshots after this fraction of the horizon define the steady state
MAX_RELAXATION = 0.5  # never pull more than half-way to the steady state in one step
CONTRACTION_MARGIN = 1.05  # slack on the largest contraction ratio seen in the data
FORMAT = "sota-burgers-latent/1"


class TrainingFailure(DemoError):
    """Training could not complete (exit code 1)."""


# --------------------------------------------------------------------------
# Settings and context
# --------------------------------------------------------------------------


class Settings:
    """The config keys this program uses, validated once."""

    def __init__(self, config):
        get = lib.config_get
        self.seed = number(get(config, "seed"), "seed", int)
        self.data_path = str(get(config, "data.path"))
        self.array_specs = get(config, "data.arrays", None) or {}
        if not isinstance(self.array_specs, dict):
            raise UsageError("data.arrays must be a mapping of array name -> {dtype, shape}")
        self.latent_dim = positive(get(config, "latent.dim"), "latent.dim", int)
        input_dim = positive(get(config, "operator.pdet.input_dim"), "operator.pdet.input_dim", int)
        if input_dim != self.latent_dim:
            raise UsageError(f"operator.pdet.input_dim ({input_dim}) must equal latent.dim ({self.latent_dim})")
        self.ridge = positive(get(config, "operator.pdet.ridge"), "operator.pdet.ridge")
        self.epochs = positive(get(config, "training.epochs"), "training.epochs", int)
        self.learning_rate = positive(get(config, "training.learning_rate"), "training.learning_rate")
        self.batch_size = positive(get(config, "training.batch_size"), "training.batch_size", int)
        self.checkpoint = os.path.basename(str(get(config, "training.checkpoint", "checkpoint.json")))
        self.stages = self._stages(get(config, "training.stages"))
        canonical = json.dumps(config, sort_keys=True, separators=(",", ":"))
        self.config_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def _stages(self, stages):
        if not isinstance(stages, list) or not stages:
            raise UsageError("training.stages must be a non-empty list")
        parsed = []
        for entry in stages:
            name = entry.get("name") if isinstance(entry, dict) else None
            if name not in STAGE_ORDER:
                raise UsageError(f"unknown stage {name!r} in training.stages (known: {', '.join(STAGE_ORDER)})")
            epochs = entry.get("epochs")
            parsed.append({
                "name": name,
                "epochs": self.epochs if epochs is None else positive(epochs, f"stages.{name}.epochs", int),
                "outputs": list(entry.get("outputs") or []),
            })
        names = [s["name"] for s in parsed]
        for name in names:
            for dep in REQUIRES[name]:
                if dep in names and names.index(dep) > names.index(name):
                    raise UsageError(f"stage {name} needs {dep}, which comes later in training.stages")
        return parsed


class Context:
    """Settings, output folder, lazily loaded data and stage outputs."""

    def __init__(self, settings, out_dir):
        self.settings = settings
        self.out_dir = out_dir
        self.outputs = {}
        self._train = None

    @property
    def train(self):
        """Training trajectories [traj][t] -> list of grid values (loaded once)."""
        if self._train is None:
            self._train = load_training_data(self.settings)
        return self._train

    def require(self, name):
        """Output of an earlier stage: from this process, else from DIR/<name>.json."""
        if name not in self.outputs:
            path = os.path.join(self.out_dir, name + ".json")
            if not os.path.exists(path):
                raise TrainingFailure(f"prerequisite output {path} is missing; run the `{name}` stage first "
                                      f"(or run all stages without --stage)")
            result = lib.read_json(path, f"{name} output")
            self._check_compatible(name, result)
            self.outputs[name] = result
        return self.outputs[name]

    def _check_compatible(self, name, result):
        s = self.settings
        if result.get("stage") != name:
            raise TrainingFailure(f"{name}.json in {self.out_dir} is not a `{name}` stage output")
        if result.get("latent_dim") != s.latent_dim or result.get("data_path") != s.data_path:
            raise TrainingFailure(
                f"{name}.json was trained with latent_dim={result.get('latent_dim')} on {result.get('data_path')}, "
                f"but the config has latent.dim={s.latent_dim} on {s.data_path}; rerun the `{name}` stage")
        if result.get("config_hash") != s.config_hash:
            print(f"warning: {name}.json came from a different config (hash {result.get('config_hash')}, "
                  f"now {s.config_hash})", file=sys.stderr)

    def header(self, name):
        """Fields every stage output carries."""
        s = self.settings
        return {"stage": name, "latent_dim": s.latent_dim, "data_path": s.data_path,
                "seed": s.seed, "config_hash": s.config_hash}


def load_training_data(settings):
    """Load u_train and check its shape against the config and the grid."""
    path = settings.data_path
    shape, _ = lib.load_npz_array(path, "x")
    trajectories = lib.load_trajectories(path, TRAIN_SPLIT)
    actual = [len(trajectories), len(trajectories[0]), len(trajectories[0][0])]
    expected = (settings.array_specs.get(TRAIN_SPLIT) or {}).get("shape")
    if expected is not None and list(expected) != actual:
        raise TrainingFailure(f"{path}:{TRAIN_SPLIT} has shape {tuple(actual)}, "
                              f"config data.arrays expects {tuple(expected)}")
    if list(shape) != [actual[2]]:
        raise TrainingFailure(f"{path}: grid x has shape {tuple(shape)} but {TRAIN_SPLIT} has {actual[2]} points")
    if actual[1] < ROLLOUT_STEPS + 2:
        raise TrainingFailure(f"{path}:{TRAIN_SPLIT} needs at least {ROLLOUT_STEPS + 2} snapshots, has {actual[1]}")
    if settings.latent_dim > actual[2]:
        raise UsageError(f"latent.dim {settings.latent_dim} exceeds the grid size {actual[2]}")
    return trajectories


# --------------------------------------------------------------------------
# Shared numerics
# --------------------------------------------------------------------------


def pairs(latents):
    """One-step (z_t, z_{t+1}) pairs of all trajectories."""
    inputs, targets = [], []
    for traj in latents:
        inputs.extend(traj[:-1])
        targets.extend(traj[1:])
    return inputs, targets


def relative_error(predictions, targets):
    """sqrt(sum ||p - y||^2 / sum ||y||^2) over a list of vectors."""
    num = den = 0.0
    for pv, yv in zip(predictions, targets):
        diff = list(map(sub, pv, yv))
        num += lib.dot(diff, diff)
        den += lib.dot(yv, yv)
    return math.sqrt(num / den)


def rollout_error(model, latents):
    """Relative latent error of full-horizon rollouts from each trajectory's first state."""
    preds, truth = [], []
    for traj in latents:
        preds.extend(model.rollout(traj[0], len(traj) - 1))
        truth.extend(traj[1:])
    return relative_error(preds, truth)


def model_from(operator, weights):
    """LatentModel from the operator's basis and a stage's A, B, c."""
    return LatentModel(operator["basis"], weights["A"], weights["B"], weights["c"])


def check_finite(values, what):
    """Fail the stage if any value is nan/inf."""
    if not all(math.isfinite(v) for v in values):
        raise TrainingFailure(f"{what} is not finite (nan/inf); training diverged")


# --------------------------------------------------------------------------
# Stage 1: POD basis + linear operator
# --------------------------------------------------------------------------


def stage_operator(ctx, epochs):
    """POD basis of all training snapshots, then A from z_{t+1} ~ A z_t (ridge)."""
    s = ctx.settings
    snapshots = [u for traj in ctx.train for u in traj]
    n_grid = len(snapshots[0])
    covariance = [[v / len(snapshots) for v in row] for row in lib.gram(lib.transpose(snapshots))]
    total = sum(covariance[i][i] for i in range(n_grid))
    eigenvalues, basis = lib.symmetric_eigh(covariance, s.latent_dim, seed=s.seed)
    energy = sum(eigenvalues) / total
    print(f"[operator] POD of {len(snapshots)} snapshots: {s.latent_dim} modes keep {100 * energy:.3f}% "
          f"of the energy (closed form; epochs={epochs} unused)")

    encoder = LatentModel.linear(basis)
    latents = [[encoder.encode(u) for u in traj] for traj in ctx.train]
    inputs, targets = pairs(latents)
    a_matrix = lib.ridge_regression(lib.transpose(inputs), lib.transpose(targets), s.ridge)
    check_finite([v for row in a_matrix for v in row], "operator A")
    err = relative_error([lib.matvec(a_matrix, z) for z in inputs], targets)
    print(f"[operator] ridge least squares on {len(inputs)} pairs: one-step relative error {err:.5f}")
    return dict(ctx.header("operator"), grid_size=n_grid, basis=basis, eigenvalues=eigenvalues,
                energy_captured=energy, A=a_matrix, ridge=s.ridge, pairs=len(inputs), one_step_rel_error=err)


# --------------------------------------------------------------------------
# Stage 2: quadratic residual correction (the teacher)
# --------------------------------------------------------------------------


def stage_diff_residual(ctx, epochs):
    """Fit r = z_{t+1} - A z_t ~ D z + B (Phi^T z)^2 + c; the teacher is (A + D, B, c)."""
    s = ctx.settings
    operator = ctx.require("operator")
    a_matrix = operator["A"]
    encoder = LatentModel.linear(operator["basis"], a_matrix)
    latents = [[encoder.encode(u) for u in traj] for traj in ctx.train]
    inputs, targets = pairs(latents)
    residuals = [[y - p for y, p in zip(yv, lib.matvec(a_matrix, z))] for z, yv in zip(inputs, targets)]
    # The linear part of the correction lets A re-balance against the quadratic term.
    features = [encoder.features(z) for z in inputs]
    corr = lib.ridge_regression(lib.transpose(features), lib.transpose(residuals), s.ridge)
    check_finite([v for row in corr for v in row], "residual correction")
    d = s.latent_dim
    teacher = {
        "A": [[a + b for a, b in zip(arow, crow[:d])] for arow, crow in zip(a_matrix, corr)],
        "B": [crow[d:-1] for crow in corr],
        "c": [crow[-1] for crow in corr],
    }
    model = model_from(operator, teacher)
    err = relative_error([model.raw_step(z) for z in inputs], targets)
    roll = rollout_error(model, latents)
    print(f"[diff_residual] quadratic residual fit ({len(features[0])} features): one-step relative error "
          f"{operator['one_step_rel_error']:.5f} -> {err:.5f} (closed form; epochs={epochs} unused)")
    print(f"[diff_residual] teacher full-horizon training rollout error {roll:.5f}")
    return dict(ctx.header("diff_residual"), **teacher, one_step_rel_error=err, train_rollout_rel_error=roll)


# --------------------------------------------------------------------------
# Stage 3: rollout-consistency distillation
# --------------------------------------------------------------------------


def window_offsets(rng, n_traj):
    """Per-trajectory start offsets, spread evenly over 0..WINDOW_STRIDE-1 and shuffled."""
    offsets = [k % WINDOW_STRIDE for k in range(n_traj)]
    rng.shuffle(offsets)
    return offsets


def epoch_windows(offsets, epoch, n_time):
    """Consistency windows (trajectory, start) of one epoch: one every WINDOW_STRIDE snapshots.

    Each trajectory's offset advances by one per epoch, so every window start
    is visited once per WINDOW_STRIDE epochs at a fixed cost per epoch, and
    since the trajectories' offsets are spread out, every epoch mixes early
    steep fronts with late smooth decay.
    """
    last_start = n_time - 1 - ROLLOUT_STEPS
    windows = []
    for k, base in enumerate(offsets):
        first = (base + epoch) % WINDOW_STRIDE
        windows.extend((k, t) for t in range(first, last_start + 1, WINDOW_STRIDE))
    return windows


class WindowData:
    """Encoded training trajectories plus per-state caches used by every epoch."""

    def __init__(self, model, trajectories):
        self.latents = [[model.encode(u) for u in traj] for traj in trajectories]
        # Features of the data states: the first step of every window and the
        # preconditioner both use them, so compute them once.
        self.features = [[model.features(z) for z in traj] for traj in self.latents]
        self.sq_norms = [[lib.dot(z, z) for z in traj] for traj in self.latents]


def batch_gradient(model, data, batch):
    """Roll each window out ROLLOUT_STEPS steps and return (gradient, sq. error, sq. target).

    Every step is matched to the data; the rolled-out state feeds the next
    step without back-propagating through it (a stop-gradient rollout), so
    the model learns to correct its own drift at the cost of one-step
    gradients.
    """
    psis, errs = [], []
    sq_err = sq_ref = 0.0
    for k, t in batch:
        psi = data.features[k][t]
        for step in range(1, ROLLOUT_STEPS + 1):
            pred = [sum(map(lib.mul, row, psi)) for row in model.weights]
            err = list(map(sub, pred, data.latents[k][t + step]))
            psis.append(psi)
            errs.append(err)
            sq_err += sum(map(lib.mul, err, err))
            sq_ref += data.sq_norms[k][t + step]
            if step < ROLLOUT_STEPS:
                psi = model.features(pred)  # continue from the model's own state
    n = len(psis)
    grad = [[g / n for g in row] for row in lib.cross_products(lib.transpose(errs), lib.transpose(psis))]
    return grad, sq_err, sq_ref


def stage_consistency_distill(ctx, epochs):
    """Fine-tune the teacher's (A, B, c) on ROLLOUT_STEPS-step rollouts against the data."""
    s = ctx.settings
    operator = ctx.require("operator")
    teacher = ctx.require("diff_residual")
    model = model_from(operator, teacher)
    data = WindowData(model, ctx.train)
    # Precondition with the inverse feature covariance: the update becomes a
    # damped Gauss-Newton step, so learning_rate is a fraction of a full
    # least-squares step and stays stable whatever the feature scales.
    features = lib.transpose([psi for traj in data.features for psi in traj[:-1]])
    precond = lib.inverse_spd(lib.normal_matrix(features, s.ridge))
    rng = random.Random(s.seed)
    offsets = window_offsets(rng, len(data.latents))
    history = []
    initial = None
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        windows = epoch_windows(offsets, epoch, len(data.latents[0]))
        rng.shuffle(windows)
        sq_err = sq_ref = 0.0
        for i in range(0, len(windows), s.batch_size):
            grad, e, r = batch_gradient(model, data, windows[i:i + s.batch_size])
            sq_err, sq_ref = sq_err + e, sq_ref + r
            step = [[sum(map(lib.mul, g, col)) for col in precond] for g in grad]  # precond is symmetric
            model.weights = [[w - s.learning_rate * g for w, g in zip(wrow, grow)]
                             for wrow, grow in zip(model.weights, step)]
        loss = sq_err / sq_ref
        if not math.isfinite(loss) or (initial is not None and loss > 1e3 * initial):
            raise TrainingFailure(f"consistency_distill diverged at epoch {epoch} (loss {loss}); "
                                  f"lower training.learning_rate (now {s.learning_rate})")
        initial = loss if initial is None else initial
        history.append(loss)
        # Epochs see different window starts; the mean over one full cycle of
        # offsets covers every start once, so it is the number to compare.
        cycle = history[-WINDOW_STRIDE:]
        cycle_note = ""
        if len(cycle) == WINDOW_STRIDE:
            cycle_note = f", {WINDOW_STRIDE}-epoch mean {sum(cycle) / len(cycle):.6e}"
        print(f"[consistency_distill] epoch {epoch:3d}/{epochs} loss {loss:.6e}{cycle_note} "
              f"({len(windows)} windows x {ROLLOUT_STEPS} steps, {time.perf_counter() - start:.2f}s)", flush=True)
    check_finite([w for row in model.weights for w in row], "distilled weights")
    a_matrix, b_matrix, bias = model.split_weights()
    roll = rollout_error(model, data.latents)
    print(f"[consistency_distill] student full-horizon training rollout error "
          f"{teacher['train_rollout_rel_error']:.5f} (teacher) -> {roll:.5f}")
    return dict(ctx.header("consistency_distill"), A=a_matrix, B=b_matrix, c=bias, epochs=epochs,
                learning_rate=s.learning_rate, batch_size=s.batch_size, rollout_steps=ROLLOUT_STEPS,
                loss_history=history, train_rollout_rel_error=roll)


# --------------------------------------------------------------------------
# Stage 4: steady-state prior + final checkpoint
# --------------------------------------------------------------------------


def fit_prior(model, latents):
    """Late-time mean state, least-squares relaxation factor and contraction bound."""
    n_time = len(latents[0])
    late = int(LATE_FRACTION * (n_time - 1))
    late_states = [z for traj in latents for z in traj[late:]]
    mean = [sum(col) / len(late_states) for col in zip(*late_states)]
    # Relaxation beta minimising sum ||y - p - beta (mean - p)||^2 over late pairs.
    num = den = 0.0
    for traj in latents:
        for z, y in zip(traj[late:-1], traj[late + 1:]):
            p = model.raw_step(z)
            pull = [m - a for m, a in zip(mean, p)]
            num += sum((b - a) * q for b, a, q in zip(y, p, pull))
            den += sum(q * q for q in pull)
    estimate = num / den if den > 0 else 0.0
    beta = min(max(estimate, 0.0), MAX_RELAXATION)  # a negative pull would push away from steady state
    # Largest per-step growth of the distance from the steady state in the data.
    ratios = []
    for traj in latents:
        dist = [lib.norm([a - m for a, m in zip(z, mean)]) for z in traj]
        ratios.extend(b / a for a, b in zip(dist, dist[1:]) if a > 0)
    return {"mean": mean, "relaxation": beta, "contraction": max(ratios) * CONTRACTION_MARGIN,
            "late_start": late, "relaxation_estimate": estimate}


def stage_steady_prior(ctx, epochs):
    """Fit the steady-state prior and write steady_prior.json plus the final checkpoint."""
    s = ctx.settings
    operator = ctx.require("operator")
    student = ctx.require("consistency_distill")
    model = model_from(operator, student)
    latents = [[model.encode(u) for u in traj] for traj in ctx.train]
    before = student["train_rollout_rel_error"]
    prior = fit_prior(model, latents)
    late_start, estimate = prior.pop("late_start"), prior.pop("relaxation_estimate")
    model.prior = prior
    after = rollout_error(model, latents)
    print(f"[steady_prior] steady state from t >= {late_start}: |mean| {lib.norm(prior['mean']):.4f}, "
          f"relaxation {prior['relaxation']:.5f} (least-squares estimate {estimate:.5f}, clipped to "
          f"[0, {MAX_RELAXATION}]), contraction bound {prior['contraction']:.4f} (closed form; epochs={epochs} unused)")
    print(f"[steady_prior] training rollout error {before:.5f} -> {after:.5f} with the prior")
    result = dict(ctx.header("steady_prior"), **prior, late_start=late_start, relaxation_estimate=estimate,
                  train_rollout_rel_error=after)
    checkpoint = dict(
        ctx.header("checkpoint"), format=FORMAT, train_split=TRAIN_SPLIT, grid_size=operator["grid_size"],
        basis=operator["basis"], eigenvalues=operator["eigenvalues"],
        model={"A": student["A"], "B": student["B"], "c": student["c"],
               "step": "z' = A z + B (Phi^T z)^2 + c, then the steady prior"},
        prior=prior,
        summary={"energy_captured": operator["energy_captured"],
                 "operator_one_step_rel_error": operator["one_step_rel_error"],
                 "teacher_train_rollout_rel_error": ctx.require("diff_residual")["train_rollout_rel_error"],
                 "student_train_rollout_rel_error": student["train_rollout_rel_error"],
                 "final_train_rollout_rel_error": after},
    )
    del checkpoint["stage"]
    path = os.path.join(ctx.out_dir, s.checkpoint)
    lib.write_json_atomic(path, checkpoint)
    print(f"[steady_prior] wrote checkpoint {path}")
    return result


STAGE_FUNCTIONS = {
    "operator": stage_operator,
    "diff_residual": stage_diff_residual,
    "consistency_distill": stage_consistency_distill,
    "steady_prior": stage_steady_prior,
}


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Train the latent Burgers surrogate (sota demo).")
    parser.add_argument("--config", required=True, help="resolved JSON config (from `sota train`)")
    parser.add_argument("--stage", help="run only this stage (default: all stages in config order)")
    parser.add_argument("--output-dir", required=True, help="folder for stage outputs and the checkpoint")
    parser.add_argument("--epochs", type=int, help="override the stage's epochs")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    return args


def print_run_environment():
    """Echo what sota set for this child (run dir, stage, seed, devices, ...)."""
    for var in sorted(os.environ):
        if var.startswith("SOTA_") or var.endswith("_VISIBLE_DEVICES"):
            print(f"{var}={os.environ[var]}")


def run_stage(ctx, stage, epochs):
    """Run one stage and write DIR/<stage>.json atomically."""
    name = stage["name"]
    start = time.perf_counter()
    result = STAGE_FUNCTIONS[name](ctx, epochs)
    path = os.path.join(ctx.out_dir, name + ".json")
    lib.write_json_atomic(path, result)
    ctx.outputs[name] = result
    declared = stage["outputs"]
    if declared and name + ".json" not in declared:
        print(f"warning: stage {name} writes {name}.json, which is not in its configured outputs {declared}",
              file=sys.stderr)
    print(f"[{name}] wrote {path} ({time.perf_counter() - start:.2f}s)", flush=True)


def main(argv=None):
    args = parse_args(argv)
    try:
        print_run_environment()
        settings = Settings(lib.load_resolved_config(args.config, "train"))
        stages = settings.stages
        if args.stage is not None:
            stages = [s for s in stages if s["name"] == args.stage]
            if not stages:
                known = ", ".join(s["name"] for s in settings.stages)
                raise UsageError(f"stage {args.stage!r} is not in training.stages ({known})")
        os.makedirs(args.output_dir, exist_ok=True)
        ctx = Context(settings, args.output_dir)
        start = time.perf_counter()
        for stage in stages:
            run_stage(ctx, stage, args.epochs or stage["epochs"])
        print(f"done: {len(stages)} stage(s) in {time.perf_counter() - start:.2f}s")
        return 0
    except UsageError as exc:
        print(f"train.py: usage error: {exc}", file=sys.stderr)
        return 2
    except (DemoError, OSError) as exc:
        print(f"train.py: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
