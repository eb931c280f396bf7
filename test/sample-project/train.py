#!/usr/bin/env python3
"""A stand-in for a real training script (standard library only), for trainyard's tests.

It prints `step N loss X`, saves numbered checkpoints OUTPUT/checkpoint-N/ (a state.json and a
fake model.safetensors; OUTPUT is --output, trainyard's {run_dir}), resumes from --resume PATH,
and can fail on demand:
  - a file named crash-at-step in the working directory holding N: crash (traceback, exit 1)
    when step N is reached; the file is removed first, so the restarted run goes on;
  - CRASH_AT_STEP=N in the environment, or --crash-at N: the same, every time;
  - --fail oom|nan|exit: a CUDA-OOM-like traceback, a NaN loss, or exit code 3 at the first step.
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--steps", type=int, default=40, help="total steps")
    p.add_argument("--epochs", type=int, default=None, help="epochs of --steps-per-epoch steps (overrides --steps)")
    p.add_argument("--steps-per-epoch", type=int, default=10)
    p.add_argument("--subset", type=int, default=None, help="accepted like a real script's; only printed")
    p.add_argument("--step-seconds", type=float, default=0.05)
    p.add_argument("--save-every", type=int, default=10)
    p.add_argument("--output", default="outputs", help="where metrics and checkpoints go: trainyard passes {run_dir}")
    p.add_argument("--tag", action="append", default=[], help="any text; each printed as JSON (tests of parameters as data)")
    p.add_argument("--crash-at", type=int, default=0, help="crash when this step is reached, every time (0: never)")
    p.add_argument("--show-run", action="store_true", help="print TRAINYARD_RUN_DIR, TRAINYARD_RUN and TRAINYARD_PARAMS")
    p.add_argument("--resume", default=None, help="a checkpoint directory to resume from")
    p.add_argument("--fail", choices=["none", "oom", "nan", "exit"], default="none")
    p.add_argument("--print-env", action="append", default=[], help="print this variable's value (tests of secret masking)")
    p.add_argument("--check-env", action="append", default=[], help="print whether this variable is set, and its length (not its value)")
    return p.parse_args()


def crash_step():
    try:
        with open("crash-at-step") as f:
            return int(f.read().strip() or "0"), True
    except (OSError, ValueError):
        pass
    env = os.environ.get("CRASH_AT_STEP")
    return (int(env), False) if env else (None, False)


def save_checkpoint(output, step, loss):
    d = os.path.join(output, f"checkpoint-{step}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "state.json"), "w") as f:
        json.dump({"step": step, "loss": loss}, f)
    with open(os.path.join(d, "model.safetensors"), "wb") as f:
        f.write(os.urandom(4096))


def main():
    args = parse_args()
    total = args.epochs * args.steps_per_epoch if args.epochs else args.steps
    for name in args.print_env:
        print(f"{name}={os.environ.get(name, '')}")
    for name in args.check_env:
        value = os.environ.get(name)
        print(f"{name} is {'set (%d chars)' % len(value) if value else 'NOT set'}")
    for tag in args.tag:
        print("tag=" + json.dumps(tag))
    if args.show_run:
        print("run_dir=" + os.environ.get("TRAINYARD_RUN_DIR", ""))
        print("run=" + os.environ.get("TRAINYARD_RUN", ""))
        print("params=" + json.dumps(json.loads(os.environ.get("TRAINYARD_PARAMS", "null")), sort_keys=True, separators=(",", ":")))
    start = 1
    if args.resume:
        with open(os.path.join(args.resume, "state.json")) as f:
            start = json.load(f)["step"] + 1
        print(f"resumed from {args.resume} at step {start}")
    print(f"training {total} steps (subset={args.subset}) cuda_visible_devices={os.environ.get('CUDA_VISIBLE_DEVICES', 'all')}")
    os.makedirs(args.output, exist_ok=True)
    at, from_file = crash_step()
    for step in range(start, total + 1):
        if args.fail == "oom":
            raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB (GPU 0; 79.18 GiB total capacity)")
        if args.fail == "exit":
            print("giving up", file=sys.stderr)
            sys.exit(3)
        if args.crash_at and step >= args.crash_at:
            raise RuntimeError(f"simulated crash at step {step} (--crash-at)")
        if at is not None and step >= at:
            if from_file:
                os.remove("crash-at-step")
            raise RuntimeError(f"simulated crash at step {step}")
        loss = float("nan") if args.fail == "nan" else 2.5 * math.exp(-step / 15.0) + 0.01
        print(f"step {step} loss {loss:.4f}", flush=True)
        with open(os.path.join(args.output, "metrics.jsonl"), "a") as f:
            f.write(json.dumps({"step": step, "loss": loss}) + "\n")
        if step % args.save_every == 0:
            save_checkpoint(args.output, step, loss)
        time.sleep(args.step_seconds)
    with open(os.path.join(args.output, "final.json"), "w") as f:
        json.dump({"steps": total, "loss": loss}, f)
    with open(os.path.join(args.output, "model.pt"), "wb") as f:
        f.write(os.urandom(4096))
    print("done")


if __name__ == "__main__":
    main()
