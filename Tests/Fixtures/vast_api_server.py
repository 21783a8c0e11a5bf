#!/usr/bin/env python3
"""A loopback stand-in for the Vast.ai REST API, for tests without the internet.

It speaks the endpoints sota and the real `vastai` CLI (1.9.1) use, with the same paths, bodies and answers:

  POST   /api/v0/bundles/          search offers (query as JSON body)  -> {"offers": [...]}
  PUT    /api/v0/asks/{offer}/     create an instance                  -> {"success": true, "new_contract": ID}
  GET    /api/v1/instances/        list instances                      -> {"instances": [...], "next_token": null, ...}
  GET    /api/v0/instances/{id}/   one instance                        -> {"instances": {...} | null}
  PUT    /api/v0/instances/{id}/   {"state": "stopped"|"running"}      -> {"success": true}
  DELETE /api/v0/instances/{id}/   destroy                             -> {"success": true}

Instances live in memory. Every request is logged (method, path, query, authorization, JSON body) and served back
by GET /_test/requests, so tests can check what a client really sent. PUT /_test/instances/{id} lets a test set an
instance's fields (`{"fields": {...}}`, e.g. a stop the host made) or the raw `instances` value GET answers for it
(`{"answer": ...}`, e.g. the `[]` or `{}` Vast gives for an instance being destroyed). The server prints `PORT <n>` on its first
line of output, listens on 127.0.0.1 only, and exits when its standard input closes (its parent test is gone) or
after --lifetime seconds, so it never outlives a test run.

With --files DIR it also serves that folder's files at GET /files/NAME (logged like API calls, no key asked): the
release download an onstart script fetches, next to the API that script shuts its instance down through.

Usage: vast_api_server.py [--api-key KEY] [--offers offers.json] [--lifetime SECONDS] [--files DIR]
"""
import argparse
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_OFFERS = [
    {"id": 1001, "gpu_name": "RTX 4090", "num_gpus": 1, "dph_total": 0.42, "reliability": 0.991, "reliability2": 0.991,
     "disk_space": 120.0, "geolocation": "Norway, NO", "machine_id": 501},
    {"id": 1002, "gpu_name": "RTX 4090", "num_gpus": 1, "dph_total": 0.35, "reliability": 0.999, "reliability2": 0.999,
     "disk_space": 80.0, "geolocation": "Canada, CA", "machine_id": 502},
    {"id": 1003, "gpu_name": "RTX 4090", "num_gpus": 1, "dph_total": 0.35, "reliability": 0.970, "reliability2": 0.970,
     "disk_space": 200.0, "geolocation": "Poland, PL", "machine_id": 503},
    {"id": 1004, "gpu_name": "RTX 4090", "num_gpus": 1, "dph_total": 0.21, "reliability": 0.80, "reliability2": 0.80,
     "disk_space": 60.0, "geolocation": "Spain, ES", "machine_id": 504},
    {"id": 2001, "gpu_name": "A100 SXM4", "num_gpus": 1, "dph_total": 1.10, "reliability": 0.995, "reliability2": 0.995,
     "disk_space": 300.0, "geolocation": "Texas, US", "machine_id": 601},
    {"id": 2002, "gpu_name": "A100 SXM4", "num_gpus": 2, "dph_total": 2.05, "reliability": 0.995, "reliability2": 0.995,
     "disk_space": 500.0, "geolocation": "Texas, US", "machine_id": 602},
    {"id": 3001, "gpu_name": "H100 SXM", "num_gpus": 1, "dph_total": 2.40, "reliability": 0.998, "reliability2": 0.998,
     "disk_space": 400.0, "geolocation": "Iceland, IS", "machine_id": 701},
]

# Fields every offer carries in the real API that the CLI's filters and tables read.
OFFER_DEFAULTS = {"verified": True, "external": False, "rentable": True, "rented": False, "verification": "verified",
                  "cuda_max_good": 12.4, "pcie_bw": 24.5, "cpu_ghz": 3.5, "cpu_cores_effective": 16.0,
                  "cpu_ram": 64000.0, "gpu_ram": 24000.0, "dlperf": 80.0, "dlperf_per_dphtotal": 200.0, "score": 100.0,
                  "driver_version": "550.54.14", "inet_up": 800.0, "inet_down": 900.0, "duration": 2592000.0,
                  "host_id": 42, "direct_port_count": 16}


class State:
    def __init__(self, offers, api_key):
        self.lock = threading.Lock()
        self.offers = [dict(OFFER_DEFAULTS, **offer) for offer in offers]
        self.instances = {}
        self.answers = {}
        self.next_id = 7000001
        self.requests = []
        self.api_key = api_key
        self.files = None


def compare(actual, op, wanted):
    """One query condition; the CLI sends numbers as strings (`num_gpus=1` -> "1"), sota as numbers."""
    def number(value):
        if isinstance(value, bool) or value is None:
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    if op in ("in", "notin"):
        found = actual in wanted or number(actual) in [number(w) for w in wanted]
        return found if op == "in" else not found
    a, w = (number(actual), number(wanted)) if not isinstance(actual, str) else (actual, wanted)
    try:
        return {"eq": a == w, "neq": a != w, "gt": a is not None and a > w, "gte": a is not None and a >= w,
                "lt": a is not None and a < w, "lte": a is not None and a <= w}[op]
    except TypeError:
        return False


def search(state, query):
    offers = [o for o in state.offers if not o["rented"]]
    for field, conditions in query.items():
        if field in ("order", "type", "limit", "allocated_storage", "disable_bundling") or not isinstance(conditions, dict):
            continue
        for op, wanted in conditions.items():
            offers = [o for o in offers if field in o and compare(o[field], op, wanted)]
    for field, direction in reversed(query.get("order") or []):
        offers.sort(key=lambda o: (o.get(field) is None, o.get(field)), reverse=(direction == "desc"))
    limit = query.get("limit")
    return offers[: int(limit)] if limit else offers


class Handler(BaseHTTPRequestHandler):
    state = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, code, payload):
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve_file(self, name):
        path = os.path.join(self.state.files, name)
        if "/" in name or name.startswith(".") or not os.path.isfile(path):
            return self.answer(404, {"success": False, "error": "not_found", "msg": f"no file {name}"})
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self.answer(400, {"success": False, "error": "invalid_json", "msg": "body is not JSON"})
        state = self.state
        if parts.path == "/_test/requests":
            with state.lock:
                return self.answer(200, state.requests)
        match = re.fullmatch(r"/_test/instances/(\d+)/?", parts.path)
        if match and method == "PUT":
            with state.lock:
                instance_id = int(match.group(1))
                if "answer" in (body or {}):
                    state.answers[instance_id] = body["answer"]
                if instance_id in state.instances:
                    state.instances[instance_id].update((body or {}).get("fields") or {})
                return self.answer(200, {"success": True})
        with state.lock:
            state.requests.append({"method": method, "path": parts.path, "query": parse_qs(parts.query),
                                   "authorization": self.headers.get("Authorization"), "body": body})
        if method == "GET" and state.files and parts.path.startswith("/files/"):
            return self.serve_file(parts.path[len("/files/"):])
        if state.api_key is not None and parts.path != "/api/v0/bundles/":
            if self.headers.get("Authorization") != "Bearer " + state.api_key:
                return self.answer(401, {"success": False, "error": "invalid_api_key", "msg": "Invalid user key"})
        with state.lock:
            return self.route(method, parts.path, body or {})

    def route(self, method, path, body):
        state = self.state
        if method == "POST" and path == "/api/v0/bundles/":
            return self.answer(200, {"offers": search(state, body)})
        match = re.fullmatch(r"/api/v0/asks/(\d+)/", path)
        if method == "PUT" and match:
            offer = next((o for o in state.offers if o["id"] == int(match.group(1))), None)
            if offer is None or offer["rented"]:
                return self.answer(404, {"success": False, "error": "no_such_ask", "msg": "Offer is no longer available"})
            if not body.get("image"):
                return self.answer(400, {"success": False, "error": "invalid_args", "msg": "image is required"})
            offer["rented"] = True
            instance_id = state.next_id
            state.next_id += 1
            env = body.get("env") or {}
            state.instances[instance_id] = {
                "id": instance_id, "machine_id": offer["machine_id"], "actual_status": "loading", "cur_state": "running",
                "intended_status": "running", "num_gpus": offer["num_gpus"], "gpu_name": offer["gpu_name"],
                "gpu_util": 0.0, "cpu_cores_effective": offer["cpu_cores_effective"], "cpu_ram": offer["cpu_ram"],
                "disk_space": body.get("disk"), "ssh_host": "127.0.0.1", "ssh_port": 22000 + instance_id % 1000,
                "dph_total": offer["dph_total"], "storage_total_cost": round((body.get("disk") or 10) * 0.15 / 720, 6),
                "image_uuid": body["image"], "inet_up": offer["inet_up"],
                "inet_down": offer["inet_down"], "reliability2": offer["reliability2"], "label": body.get("label"),
                "start_date": time.time(), "uptime_mins": 0.0, "status_msg": "", "onstart": body.get("onstart"),
                "extra_env": [[k, v] for k, v in env.items()], "geolocation": offer["geolocation"],
            }
            return self.answer(200, {"success": True, "new_contract": instance_id})
        if method == "GET" and path == "/api/v1/instances/":
            rows = [state.instances[k] for k in sorted(state.instances)]
            return self.answer(200, {"instances": rows, "next_token": None, "total_instances": len(rows), "label_counts": {}})
        if method == "GET" and path == "/api/v0/users/current":
            return self.answer(200, {"id": 1, "username": "loopback", "email": "loopback@example.com", "credit": 25.0})
        if method == "GET" and path == "/api/v0/instances/filters/":
            return self.answer(200, {"filters": []})
        match = re.fullmatch(r"/api/v0/instances/(\d+)/", path)
        if match:
            instance_id = int(match.group(1))
            instance = state.instances.get(instance_id)
            if method == "GET":
                if instance_id in state.answers:
                    return self.answer(200, {"instances": state.answers[instance_id]})
                return self.answer(200, {"instances": instance})
            if instance is None:
                return self.answer(404, {"success": False, "error": "no_such_instance", "msg": "Instance not found"})
            if method == "PUT":
                if "state" in body:
                    if body["state"] not in ("running", "stopped"):
                        return self.answer(400, {"success": False, "error": "invalid_args", "msg": "bad state"})
                    instance["cur_state"] = instance["intended_status"] = body["state"]
                    instance["actual_status"] = "running" if body["state"] == "running" else "exited"
                if "label" in body:
                    instance["label"] = body["label"]
                return self.answer(200, {"success": True})
            if method == "DELETE":
                del state.instances[instance_id]
                return self.answer(200, {"success": True})
        return self.answer(404, {"success": False, "error": "not_found", "msg": f"no route for {method} {path}"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-key", help="the only key accepted (default: any)")
    parser.add_argument("--offers", help="JSON file with a list of offers (default: a built-in market)")
    parser.add_argument("--lifetime", type=float, default=600, help="seconds before the server exits on its own")
    parser.add_argument("--files", help="a folder whose files GET /files/NAME serves")
    args = parser.parse_args()
    offers = DEFAULT_OFFERS
    if args.offers:
        with open(args.offers) as f:
            offers = json.load(f)
    Handler.state = State(offers, args.api_key)
    Handler.state.files = args.files
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)

    closed = threading.Event()

    def watch_stdin():
        try:
            sys.stdin.read()
        finally:
            closed.set()
    threading.Thread(target=watch_stdin, daemon=True).start()
    closed.wait(timeout=args.lifetime)
    server.shutdown()
    server.server_close()

if __name__ == "__main__":
    main()
