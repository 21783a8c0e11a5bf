"""Shared code for the 1D Burgers demo: solver, NPY/NPZ I/O and small linear algebra.

Everything here is pure Python 3 standard library (no numpy), so the demo runs
anywhere `python3` does. Arrays are plain nested lists; matrices are lists of
rows. The hot loops use ``sum(map(mul, a, b))`` dot products, which keep the
per-element cost in C and are fast enough for the small sizes used here.
"""

import ast
import io
import json
import math
import os
import random
import struct
import sys
import tempfile
import zipfile
from array import array
from operator import mul

# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class DemoError(Exception):
    """A failure the scripts report on stderr (bad input, missing file, ...)."""


class UsageError(DemoError):
    """A command-line or config mistake (exit code 2)."""


# --------------------------------------------------------------------------
# Atomic file writing
# --------------------------------------------------------------------------


def write_bytes_atomic(path, data):
    """Write ``data`` to ``path`` via a temp file in the same folder + os.replace.

    Readers never see a half-written file, and a crash leaves the old file intact.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json_atomic(path, obj):
    """Write ``obj`` as pretty JSON (sorted keys, trailing newline) atomically."""
    text = json.dumps(obj, indent=1, sort_keys=True, allow_nan=False) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def read_json(path, what="file"):
    """Read a JSON file, turning I/O and syntax errors into DemoError."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise DemoError(f"{what} not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise DemoError(f"cannot read {what} {path}: {exc}") from None


# --------------------------------------------------------------------------
# Resolved configs
# --------------------------------------------------------------------------

YAML_HINT = {
    "train": "sota train --config {path}",
    "evaluate": "sota evaluate ... --config {path}",
}


def load_resolved_config(path, tool):
    """Load the resolved JSON config that sota hands to its children.

    Python's standard library cannot parse YAML, so a YAML file is a usage
    error: the user should go through sota, which resolves it to JSON.
    """
    if path.lower().endswith((".yaml", ".yml")):
        hint = YAML_HINT[tool].format(path=path)
        raise UsageError(
            f"{path} is a YAML config; this script reads resolved JSON configs only. "
            f"Run `{hint}` instead, which resolves the YAML and passes JSON."
        )
    try:
        config = read_json(path, "config")
    except DemoError as exc:
        raise UsageError(str(exc)) from None
    if not isinstance(config, dict):
        raise UsageError(f"config {path} must be a JSON object")
    return config


_REQUIRED = object()


def config_get(config, dotted, default=_REQUIRED):
    """Look up ``a.b.c`` in a nested dict; without a default, a missing key is a UsageError."""
    node = config
    for part in dotted.split("."):
        if not (isinstance(node, dict) and part in node):
            if default is _REQUIRED:
                raise UsageError(f"config is missing required key `{dotted}`")
            return default
        node = node[part]
    return node


def number(value, key, kind=float):
    """A config number as int/float; strings, booleans and fractional ints are usage errors."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"config key `{key}` must be a number, got {value!r}")
    if kind is int and value != int(value):
        raise UsageError(f"config key `{key}` must be an integer, got {value!r}")
    return kind(value)


def positive(value, key, kind=float):
    """Like number(), and require the value to be > 0."""
    result = number(value, key, kind)
    if not result > 0:
        raise UsageError(f"config key `{key}` must be positive, got {value!r}")
    return result


# --------------------------------------------------------------------------
# NPY / NPZ
# --------------------------------------------------------------------------

NPY_MAGIC = b"\x93NUMPY"
NPY_ALIGN = 64  # numpy pads headers so the data starts on a 64-byte boundary
TYPECODES = {"<f4": "f", "<f8": "d", "<i4": "i", "<i8": "q"}


def _flatten(values):
    """Flatten nested lists into one list (C order)."""
    if not isinstance(values, (list, tuple)):
        return [values]
    if values and isinstance(values[0], (list, tuple)):
        out = []
        for item in values:
            out.extend(_flatten(item))
        return out
    return list(values)


def npy_bytes(values, shape, descr):
    """Serialise nested lists ``values`` as an NPY v1.0 file with the given dtype."""
    flat = _flatten(values)
    if len(flat) != math.prod(shape):
        raise ValueError(f"{len(flat)} values do not fill shape {shape}")
    shape_text = "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}"
    # magic (6) + version (2) + header length (2) + header + '\n' -> multiple of 64
    unpadded = len(NPY_MAGIC) + 2 + 2 + len(header) + 1
    header += " " * (-unpadded % NPY_ALIGN) + "\n"
    data = array(TYPECODES[descr], flat)
    if sys.byteorder != "little":
        data.byteswap()
    return NPY_MAGIC + b"\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + data.tobytes()


def parse_npy(blob, name="array"):
    """Parse an NPY (v1/v2/v3) blob into (shape, flat list of numbers, descr)."""
    if blob[:6] != NPY_MAGIC:
        raise DemoError(f"{name}: not an NPY file (bad magic)")
    major = blob[6]
    if major == 1:
        (hlen,), start = struct.unpack("<H", blob[8:10]), 10
    elif major in (2, 3):
        (hlen,), start = struct.unpack("<I", blob[8:12]), 12
    else:
        raise DemoError(f"{name}: unsupported NPY version {major}")
    try:
        header = ast.literal_eval(blob[start:start + hlen].decode("latin1"))
        descr, fortran, shape = header["descr"], header["fortran_order"], tuple(header["shape"])
    except (ValueError, SyntaxError, KeyError, TypeError) as exc:
        raise DemoError(f"{name}: malformed NPY header ({exc})") from None
    if fortran:
        raise DemoError(f"{name}: Fortran-ordered arrays are not supported")
    typecode = TYPECODES.get(descr)
    if typecode is None:
        raise DemoError(f"{name}: unsupported dtype {descr!r} (need one of {sorted(TYPECODES)})")
    data = array(typecode)
    payload = blob[start + hlen:]
    count = math.prod(shape)
    if len(payload) != count * data.itemsize:
        raise DemoError(f"{name}: data is {len(payload)} bytes, shape {shape} needs {count * data.itemsize}")
    data.frombytes(payload)
    if sys.byteorder != "little":
        data.byteswap()
    return shape, data.tolist(), descr


def npz_bytes(arrays):
    """Build a deterministic NPZ (ZIP_STORED) from [(name, values, shape, descr), ...].

    Fixed timestamps, permissions and member order make the bytes reproducible.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, values, shape, descr in arrays:
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, so external_attr means the same everywhere
            info.external_attr = (0o100644 & 0xFFFF) << 16
            archive.writestr(info, npy_bytes(values, shape, descr))
    return buffer.getvalue()


def load_npz_array(path, name):
    """Read one array from an NPZ file: returns (shape, flat list)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
            member = name + ".npy"
            if member not in members:
                available = ", ".join(sorted(m[:-4] for m in members if m.endswith(".npy")))
                raise DemoError(f"{path} has no array `{name}` (available: {available})")
            blob = archive.read(member)
    except FileNotFoundError:
        raise DemoError(f"dataset not found: {path} (run `python3 scripts/make_dataset.py`)") from None
    except zipfile.BadZipFile as exc:
        raise DemoError(f"{path} is not a valid NPZ file: {exc}") from None
    shape, flat, _ = parse_npy(blob, f"{path}:{name}")
    return shape, flat


def load_trajectories(path, name, n_time=None, n_space=None):
    """Load a (trajectories, time, space) array as nested lists [traj][t] -> list of floats."""
    shape, flat = load_npz_array(path, name)
    if len(shape) != 3:
        raise DemoError(f"{path}:{name} must be 3-D (trajectories, time, space), got shape {shape}")
    if (n_time is not None and shape[1] != n_time) or (n_space is not None and shape[2] != n_space):
        raise DemoError(f"{path}:{name} has shape {shape}, expected (*, {n_time}, {n_space})")
    n_traj, n_t, n_x = shape
    return [[flat[(k * n_t + t) * n_x:(k * n_t + t + 1) * n_x] for t in range(n_t)] for k in range(n_traj)]


# --------------------------------------------------------------------------
# Burgers solver
# --------------------------------------------------------------------------


def burgers_rhs(u, nu, dx):
    """du/dt for u_t + (u^2/2)_x = nu u_xx on a periodic grid.

    The convective flux is the energy-conserving (skew-symmetric) average
    (u_i^2 + u_i u_{i+1} + u_{i+1}^2) / 6, so the scheme adds no numerical
    dissipation of its own; the physical viscosity keeps it non-oscillatory
    while the cell Reynolds number |u| dx / nu stays below 2.
    """
    right = u[1:] + u[:1]
    left = u[-1:] + u[:-1]
    flux = [(a * a + a * b + b * b) / 6.0 for a, b in zip(u, right)]  # F_{i+1/2}
    flux_left = flux[-1:] + flux[:-1]  # F_{i-1/2}
    c_adv, c_visc = 1.0 / dx, nu / (dx * dx)
    return [c_visc * (r - 2.0 * m + l) - c_adv * (fr - fl)
            for m, r, l, fr, fl in zip(u, right, left, flux, flux_left)]


def ssp_rk3_step(u, dt, nu, dx):
    """One strong-stability-preserving RK3 step (Shu-Osher form)."""
    k1 = burgers_rhs(u, nu, dx)
    u1 = [a + dt * b for a, b in zip(u, k1)]
    k2 = burgers_rhs(u1, nu, dx)
    u2 = [0.75 * a + 0.25 * (b + dt * c) for a, b, c in zip(u, u1, k2)]
    k3 = burgers_rhs(u2, nu, dx)
    return [a / 3.0 + (2.0 / 3.0) * (b + dt * c) for a, b, c in zip(u, u2, k3)]


def solve_burgers(u0, nu, t_final, n_snapshots, dx, max_dt):
    """Integrate from u0 and return ``n_snapshots`` states evenly spaced on [0, t_final]."""
    interval = t_final / (n_snapshots - 1)
    substeps = max(1, math.ceil(interval / max_dt))
    dt = interval / substeps
    u = list(u0)
    snapshots = [list(u)]
    for _ in range(n_snapshots - 1):
        for _ in range(substeps):
            u = ssp_rk3_step(u, dt, nu, dx)
        snapshots.append(list(u))
    return snapshots


# --------------------------------------------------------------------------
# Linear algebra on lists
# --------------------------------------------------------------------------


def dot(a, b):
    """Inner product of two equal-length sequences."""
    return sum(map(mul, a, b))


def matvec(matrix, vector):
    """Matrix (list of rows) times vector."""
    return [sum(map(mul, row, vector)) for row in matrix]


def transpose(matrix):
    """Transpose a list-of-rows matrix."""
    return [list(col) for col in zip(*matrix)]


def matmul(a, b):
    """Matrix product a @ b for list-of-rows matrices."""
    b_cols = transpose(b)
    return [[sum(map(mul, row, col)) for col in b_cols] for row in a]


def gram(vectors):
    """Symmetric Gram matrix G[i][j] = <v_i, v_j> of a list of vectors."""
    n = len(vectors)
    g = [[0.0] * n for _ in range(n)]
    for i in range(n):
        vi = vectors[i]
        for j in range(i, n):
            g[i][j] = g[j][i] = sum(map(mul, vi, vectors[j]))
    return g


def cross_products(left, right):
    """C[i][j] = <left_i, right_j> for two lists of equal-length vectors."""
    return [[sum(map(mul, a, b)) for b in right] for a in left]


def norm(v):
    """Euclidean norm."""
    return math.sqrt(sum(map(mul, v, v)))


def cholesky(matrix):
    """Lower-triangular L with L L^T = matrix; raises DemoError if not positive definite."""
    n = len(matrix)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        row_i = low[i]
        for j in range(i + 1):
            row_j = low[j]
            s = matrix[i][j] - sum(map(mul, row_i[:j], row_j[:j]))
            if i == j:
                if s <= 0.0:
                    raise DemoError("normal equations are not positive definite; increase operator.pdet.ridge")
                row_i[i] = math.sqrt(s)
            else:
                row_i[j] = s / row_j[j]
    return low


def cholesky_solve(low, rhs, upper=None):
    """Solve (L L^T) x = rhs given the Cholesky factor L (and optionally U = L^T).

    Pass ``upper = transpose(L)`` when solving many right-hand sides, so the
    back substitution also runs on contiguous rows.
    """
    n = len(low)
    upper = upper or transpose(low)
    y = [0.0] * n
    for i in range(n):
        y[i] = (rhs[i] - sum(map(mul, low[i][:i], y[:i]))) / low[i][i]
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        x[i] = (y[i] - sum(map(mul, upper[i][i + 1:], x[i + 1:]))) / low[i][i]
    return x


def ridge_regression(features, targets, ridge):
    """Least squares W minimising sum ||y - W f||^2 + ridge * N * ||W||^2.

    ``features`` is a list of p feature series and ``targets`` a list of m
    target series (each series holds one value per sample, i.e. the data is
    stored feature-major so every Gram entry is a single C-level dot product).
    Solves the normal equations (F F^T / N + ridge I) W^T = F Y^T / N with
    Cholesky. Returns W as m rows of p coefficients.
    """
    n = len(features[0])
    low = cholesky(normal_matrix(features, ridge))
    upper = transpose(low)
    rhs = cross_products(targets, features)
    return [cholesky_solve(low, [v / n for v in r], upper) for r in rhs]


def normal_matrix(features, ridge):
    """F F^T / N + ridge I for feature-major data (p series of N samples)."""
    n = len(features[0])
    matrix = gram(features)
    for i, row in enumerate(matrix):
        for j in range(len(row)):
            row[j] /= n
        row[i] += ridge
    return matrix


def inverse_spd(matrix):
    """Inverse of a symmetric positive definite matrix via its Cholesky factor."""
    low = cholesky(matrix)
    upper = transpose(low)
    n = len(matrix)
    columns = [cholesky_solve(low, [1.0 if i == j else 0.0 for i in range(n)], upper) for j in range(n)]
    return transpose(columns)


def orthonormalize(vectors):
    """Modified Gram-Schmidt (twice, for stability); returns orthonormal copies."""
    basis = []
    for v in vectors:
        w = list(v)
        for _ in range(2):
            for q in basis:
                c = sum(map(mul, q, w))
                w = [a - c * b for a, b in zip(w, q)]
        length = norm(w)
        if length < 1e-300:
            raise DemoError("orthonormalisation failed: vectors are linearly dependent")
        basis.append([a / length for a in w])
    return basis


def jacobi_eigh(matrix, sweeps=50, tol=1e-14):
    """Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations.

    Returns (eigenvalues, eigenvectors) sorted by decreasing eigenvalue; the
    eigenvectors are returned as a list of vectors.
    """
    n = len(matrix)
    a = [list(row) for row in matrix]
    v = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]  # rows = eigenvectors
    for _ in range(sweeps):
        off = sum(a[i][j] ** 2 for i in range(n) for j in range(i + 1, n))
        scale = sum(a[i][i] ** 2 for i in range(n)) or 1.0
        if off <= tol * tol * scale:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if a[p][q] == 0.0:
                    continue
                theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q])
                t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                rp, rq = a[p], a[q]
                a[p] = [c * x - s * y for x, y in zip(rp, rq)]
                a[q] = [s * x + c * y for x, y in zip(rp, rq)]
                for row in a:
                    x, y = row[p], row[q]
                    row[p], row[q] = c * x - s * y, s * x + c * y
                vp, vq = v[p], v[q]
                v[p] = [c * x - s * y for x, y in zip(vp, vq)]
                v[q] = [s * x + c * y for x, y in zip(vp, vq)]
    order = sorted(range(n), key=lambda i: -a[i][i])
    return [a[i][i] for i in order], [v[i] for i in order]


def top_eigenvectors(matrix, k, seed=0, max_iter=200, tol=1e-10):
    """Leading k eigenpairs of a symmetric PSD matrix by orthogonal (subspace) iteration.

    Iterates with the squared matrix (squares the eigenvalue ratios, so it
    converges in a few dozen sweeps), carries a few extra vectors so the k-th
    direction converges even when the spectrum has close pairs (Fourier-like
    cos/sin modes), and finishes with a Rayleigh-Ritz step on the original
    matrix. Returns (eigenvalues, eigenvectors) in decreasing order.
    """
    n = len(matrix)
    block = min(n, k + 4)
    squared = matmul(matrix, matrix)
    rng = random.Random(seed)
    basis = orthonormalize([[rng.gauss(0.0, 1.0) for _ in range(n)] for _ in range(block)])
    for _ in range(max_iter):
        new = orthonormalize([matvec(squared, q) for q in basis])
        # Converged when the new basis lies in the span of the old one.
        residual = 0.0
        for w in new[:k]:
            proj = [sum(map(mul, q, w)) for q in basis]
            residual = max(residual, 1.0 - sum(c * c for c in proj))
        basis = new
        if residual < tol:
            break
    images = [matvec(matrix, q) for q in basis]
    ritz = [[sum(map(mul, q, w)) for w in images] for q in basis]
    values, vectors = jacobi_eigh(ritz)
    eigvecs = [[sum(c * q[i] for c, q in zip(vec, basis)) for i in range(n)] for vec in vectors[:k]]
    return values[:k], eigvecs


def fix_sign(vector):
    """Flip a vector so its largest-magnitude entry is positive (deterministic signs)."""
    pivot = max(vector, key=abs)
    return [-x for x in vector] if pivot < 0 else list(vector)


def symmetric_eigh(matrix, k, seed=0):
    """Leading k eigenpairs of a symmetric PSD matrix, largest first, with fixed signs.

    Subspace iteration is fast when k is a small part of the spectrum; for
    larger k the trailing eigenvalues are close together (numerical noise), so
    a full Jacobi decomposition is both faster and more reliable.
    """
    if k <= len(matrix) // 4:
        values, vectors = top_eigenvectors(matrix, k, seed=seed)
    else:
        values, vectors = jacobi_eigh(matrix)
    return values[:k], [fix_sign(v) for v in vectors[:k]]


# --------------------------------------------------------------------------
# Latent model shared by train.py and evaluate.py
# --------------------------------------------------------------------------


class LatentModel:
    """Linear encoder/decoder plus the latent time stepper.

    encode:  z = Phi u            (Phi: latent_dim orthonormal rows on the grid)
    decode:  u = Phi^T z
    step:    z' = A z + B (Phi^T z)^2 + c

    The quadratic features are the decoded field squared point-wise: Burgers'
    nonlinearity is the flux u^2 / 2, so a linear map of u^2 can represent the
    full quadratic interaction of the latent modes with only grid-size
    features. The optional steady-state prior relaxes each step towards the
    late-time mean state and caps growth of the distance from it.
    """

    def __init__(self, basis, a_matrix, b_matrix, bias, prior=None):
        self.basis = basis
        self.decoder = transpose(basis)
        self.dim = len(basis)
        self.weights = [list(a) + list(b) + [c] for a, b, c in zip(a_matrix, b_matrix, bias)]
        self.prior = prior

    @classmethod
    def linear(cls, basis, a_matrix=None):
        """Model with no quadratic term (identity step unless ``a_matrix`` is given)."""
        dim, grid = len(basis), len(basis[0])
        if a_matrix is None:
            a_matrix = [[float(i == j) for j in range(dim)] for i in range(dim)]
        return cls(basis, a_matrix, [[0.0] * grid for _ in range(dim)], [0.0] * dim)

    def encode(self, u):
        """Latent coordinates of a grid field."""
        return [sum(map(mul, row, u)) for row in self.basis]

    def decode(self, z):
        """Grid field of latent coordinates."""
        return [sum(map(mul, row, z)) for row in self.decoder]

    def features(self, z):
        """[z, (decoded u)^2, 1]: the regression inputs of one step."""
        return z + [v * v for v in self.decode(z)] + [1.0]

    def raw_step(self, z):
        """One step of the learned dynamics, without the prior."""
        psi = self.features(z)
        return [sum(map(mul, row, psi)) for row in self.weights]

    def step(self, z):
        """One rollout step: learned dynamics, then the prior if there is one."""
        nxt = self.raw_step(z)
        return apply_prior(self.prior, z, nxt) if self.prior else nxt

    def rollout(self, z0, steps):
        """Latent states z_1..z_steps starting from z0."""
        states, z = [], z0
        for _ in range(steps):
            z = self.step(z)
            states.append(z)
        return states

    def split_weights(self):
        """(A, B, c) from the packed weight rows."""
        d = self.dim
        return [r[:d] for r in self.weights], [r[d:-1] for r in self.weights], [r[-1] for r in self.weights]


def apply_prior(prior, z_prev, z_next):
    """Steady-state prior: relax towards the steady mean, then bound growth.

    The relaxation pulls a fraction of the way towards the late-time mean
    state. The cap keeps ||z' - mean|| <= rho ||z - mean||, where rho is the
    largest one-step ratio seen in the training data (plus a margin): ordinary
    steps pass untouched, while growth the viscous dynamics never show is cut
    off, so long rollouts cannot blow up even past the training horizon.
    """
    mean, beta, rho = prior["mean"], prior["relaxation"], prior["contraction"]
    z_next = [p + beta * (m - p) for p, m in zip(z_next, mean)]
    before = norm([a - m for a, m in zip(z_prev, mean)])
    after = norm([a - m for a, m in zip(z_next, mean)])
    if after > rho * before > 0.0:
        scale = rho * before / after
        z_next = [m + scale * (a - m) for a, m in zip(z_next, mean)]
    return z_next
