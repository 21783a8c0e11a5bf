"""A stand-in trainer: reads the resolved config and writes a 'model' whose quality follows lr and depth."""
import argparse, json, math, os

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
with open(args.config) as handle:
    config = json.load(handle)
lr = config["optimizer"]["lr"]
depth = config["model"]["depth"]
steps = config["training"]["max_steps"]
# Best near lr = 3e-3; deeper and longer helps a little.
quality = 0.55 + 0.25 * math.exp(-abs(math.log10(lr) - math.log10(3e-3))) + 0.05 * min(depth, 50) / 50 + 0.05 * min(steps, 400) / 400
# Per-step metrics, as a training loop logs them, where sota asks (SOTA_STEP_METRICS_FILE): one line per step.
history_file = os.environ.get("SOTA_STEP_METRICS_FILE")
if history_file:
    with open(history_file, "a") as handle:
        for step in range(0, steps + 1, 10):
            progress = step / max(steps, 1)
            loss = 2.3 * math.exp(-4 * progress * quality) + 0.05
            handle.write(json.dumps({"step": step, "loss": round(loss, 5), "accuracy": round(quality * (1 - math.exp(-5 * progress)), 5)}) + "\n")
os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "model.pt"), "w") as handle:
    json.dump({"quality": quality}, handle)
print(f"trained {config['model']['name']} for {steps} steps at lr {lr}")
# As a tracker's client would: the run's page, where sota asks for it (credentials included, which sota drops).
url_file = os.environ.get("SOTA_TRACKER_URL_FILE")
if url_file:
    with open(url_file, "w") as handle:
        handle.write(f"https://ci-bot:s3cret@wandb.ai/vision-team/cls-demo/runs/{os.environ['SOTA_RUN_ID']}\n")
