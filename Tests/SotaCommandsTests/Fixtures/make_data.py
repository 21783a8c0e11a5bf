#!/usr/bin/env python3
"""Regenerates the binary data fixtures (stdlib only, deterministic).

  project/data/tiny.npz            valid NPZ: u_train float32 (2,3,4), x float64 (4,)
  project/data/SHA256SUMS          sha256sum manifest for tiny.npz
  project/invalid/data/truncated.npz   tiny.npz cut in the middle of u_train's data
  project/invalid/data/truncated.npy   u_train.npy cut in the middle of its data
  project/invalid/data/x.npy           a valid .npy (x float64 (4,)), listed with a wrong sum in BADSUMS
  project/invalid/data/huge_shape.npy  header claims shape (2**62, 4) float32, no data (size overflows Int64)
  project/invalid/data/overflow_shape.npy  header claims shape (2**61,) float32, no data (bytes = 2**63)
  project/invalid/data/SHA256SUMS  correct sums for truncated.*, huge_shape.npy, overflow_shape.npy (not x.npy)
  project/invalid/data/BADSUMS     a wrong sum for x.npy
  project/invalid/data/UPSUMS      a wrong sum for ../../data/tiny.npz (an entry pointing up a folder)
"""
import hashlib, os, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "project")


def npy(descr, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, "(%s,)" % shape[0] if len(shape) == 1 else "(%s)" % ", ".join(map(str, shape)))
    preamble = 10  # magic (6) + version (2) + header length (2)
    total = preamble + len(header) + 1
    padded = (total + 63) // 64 * 64
    header = header + " " * (padded - total) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + payload


u_train = npy("<f4", (2, 3, 4), struct.pack("<24f", *[i * 0.25 for i in range(24)]))
x = npy("<f8", (4,), struct.pack("<4d", 0.0, 0.25, 0.5, 0.75))


def write_npz(path):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in (("u_train.npy", u_train), ("x.npy", x)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


tiny = os.path.join(PROJECT, "data", "tiny.npz")
write_npz(tiny)
with open(os.path.join(PROJECT, "data", "SHA256SUMS"), "w") as f:
    f.write("%s  tiny.npz\n" % sha(tiny))

invalid = os.path.join(PROJECT, "invalid", "data")
os.makedirs(invalid, exist_ok=True)
blob = open(tiny, "rb").read()
# Local header (30 bytes + name) + NPY header, then cut halfway through u_train's data.
first_data = 30 + len("u_train.npy") + (len(u_train) - 24 * 4)
with open(os.path.join(invalid, "truncated.npz"), "wb") as f:
    f.write(blob[: first_data + 24 * 4 // 2])
with open(os.path.join(invalid, "truncated.npy"), "wb") as f:
    f.write(u_train[: len(u_train) - 24 * 4 // 2])
with open(os.path.join(invalid, "x.npy"), "wb") as f:
    f.write(x)
with open(os.path.join(invalid, "huge_shape.npy"), "wb") as f:
    f.write(npy("<f4", (2**62, 4), b""))
with open(os.path.join(invalid, "overflow_shape.npy"), "wb") as f:
    f.write(npy("<f4", (2**61,), b""))
with open(os.path.join(invalid, "SHA256SUMS"), "w") as f:
    for name in ("huge_shape.npy", "overflow_shape.npy", "truncated.npy", "truncated.npz"):
        f.write("%s  %s\n" % (sha(os.path.join(invalid, name)), name))
with open(os.path.join(invalid, "BADSUMS"), "w") as f:
    f.write("%s  x.npy\n" % hashlib.sha256(b"not the data").hexdigest())
with open(os.path.join(invalid, "UPSUMS"), "w") as f:
    f.write("%s  ../../data/tiny.npz\n" % hashlib.sha256(b"not the data").hexdigest())
