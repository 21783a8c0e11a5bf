"""A stand-in evaluation: accuracy from the trained 'model', loss its complement."""
import argparse, json

parser = argparse.ArgumentParser()
parser.add_argument("--checkpoint", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
with open(args.checkpoint) as handle:
    quality = json.load(handle)["quality"]
with open(args.out, "w") as handle:
    json.dump({"accuracy": round(quality, 4), "loss": round(1 - quality, 4)}, handle)
