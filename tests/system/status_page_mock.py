#!/usr/bin/env python3
# status_page_mock: a stand-in gateway for the status page's browser test. Serves the page file at /,
# canned /cluster and /status JSON that changes every poll and by phase, and a canned /compileandrun.
"""A mock of the gateway's HTTP API as the status page uses it.

Phases (switched with POST /mock/phase, body = the name):
  healthy              leader 4 (epoch 3); node 2 suspected, node 5 failed; jobs_done grows every poll
  no-leader            /cluster answers 503 "no leader", /status has "leader": null; node 4 failed
  down                 /status and /cluster close the connection unanswered (the page still loads)
  new-leader           node 6 leads epoch 4; node 4 failed
  no-status            as new-leader, but /status answers 404, as from a gateway that lacks it
  no-status-no-leader  /status 404 and /cluster 503: all the page learns is that there is no leader
GET /mock/last-run returns what the last POST /compileandrun sent (headers and body), as JSON.

Run by hand while working on the page (it re-reads the file on every GET /):
  python3 tests/system/status_page_mock.py --page actors/gateway/status_page.html --port 41000
"""
import argparse
import json
import math
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# phase -> (the cluster it shows, whether /status exists); "down" answers nothing at all.
PHASES = {"healthy": ("healthy", True), "no-leader": ("no-leader", True), "down": ("healthy", True),
          "new-leader": ("new-leader", True), "no-status": ("new-leader", False),
          "no-status-no-leader": ("no-leader", False)}
SAMPLE_COUNT = 300            # five minutes of one-second samples
GAP_SECONDS_AGO = (200, 190)  # samples missing in this range, to draw a gap


class MockState:
    """What the mock says, guarded by one lock (the server answers on several threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "healthy"
        self.polls = 0
        self.started_ms = int(time.time() * 1000)
        self.request_id = 1000
        self.last_run = None

    def next_request_id(self):
        with self.lock:
            self.request_id += 1
            return self.request_id

    def count_poll(self):
        with self.lock:
            self.polls += 1
            return self.phase, self.polls


STATE = MockState()

# id, role, state, incarnation, heartbeat age (ms), JVMs; the healthy cluster (gateway is 0).
HEALTHY_MEMBERS = [
    (0, "OBSERVER", "ALIVE", 1, 310, 0),
    (1, "FOLLOWER", "ALIVE", 1, 420, 2),
    (2, "FOLLOWER", "SUSPECT", 2, 1850, 2),
    (3, "FOLLOWER", "ALIVE", 1, 260, 2),
    (4, "LEADER", "ALIVE", 1, 150, 2),
    (5, "FOLLOWER", "FAILED", 1, 12400, 2),
    (6, "FOLLOWER", "ALIVE", 3, 380, 2),
    (7, "FOLLOWER", "ALIVE", 1, 590, 2),
]


def role_in(phase, node_id, role):
    if node_id == 0:
        return "OBSERVER"
    if phase == "no-leader":
        return "LOOKING"
    if phase == "new-leader":
        return "LEADER" if node_id == 6 else "FOLLOWER"
    return role


def state_in(phase, node_id, state):
    return "FAILED" if phase in ("no-leader", "new-leader") and node_id == 4 else state


def member(phase, polls, row):
    node_id, role, state, incarnation, age_ms, jvms = row
    if state_in(phase, node_id, state) != state:
        state, age_ms = "FAILED", 2600   # failed in this phase: silent for a while
    entry = {"id": node_id, "role": role_in(phase, node_id, role), "state": state,
             "incarnation": incarnation, "heartbeat_age_ms": age_ms + (polls * 37) % 200}
    if jvms:
        entry.update(jobs_done=100 * node_id + 3 * polls if state != "FAILED" else 100 * node_id,
                     jvms_busy=(polls + node_id) % (jvms + 1) if state != "FAILED" else 0,
                     jvms_total=jvms)
    return entry


def leader_of(phase):
    return {"healthy": 4, "new-leader": 6}.get(phase)


def epoch_of(phase):
    return 4 if phase == "new-leader" else 3


def traffic_sample(t_ms):
    seconds = t_ms / 1000.0
    rps = 42 + 14 * math.sin(seconds / 31) + 5 * math.sin(seconds / 7)
    p50 = 6.5 + 2 * math.sin(seconds / 47)
    p99 = 38 + 11 * math.sin(seconds / 19) + (30 if int(seconds) % 97 == 0 else 0)
    return {"t": t_ms, "rps": round(rps, 2), "p50_ms": round(p50, 2),
            "p99_ms": None if int(seconds) % 61 == 0 else round(p99, 2)}


def traffic(now_ms):
    last = now_ms - now_ms % 1000
    samples = []
    for ago in range(SAMPLE_COUNT - 1, -1, -1):
        if GAP_SECONDS_AGO[1] <= ago < GAP_SECONDS_AGO[0]:
            continue
        samples.append(traffic_sample(last - 1000 * ago))
    return {"interval_ms": 1000, "samples": samples}


def events(phase):
    """Newest last, as the gateway sends them; times are fixed offsets from the mock's start."""
    start = STATE.started_ms
    history = [
        (-240_000, 1, "ELECTION", "election started for epoch 3"),
        (-238_500, 4, "LEADER", "node 4 leads epoch 3"),
        (-121_000, 2, "SUSPECT", "no heartbeat from node 2 for 900 ms"),
        (-118_000, 2, "STATE", "node 2 refuted the suspicion (incarnation 2)"),
        (-61_000, 5, "FAILED", "no heartbeat from server 5 - SERVER FAILED"),
        (-30_000, 6, "REJOINED", "node 6 rejoined with incarnation 3"),
        (-9_000, 2, "SUSPECT", "no heartbeat from node 2 for 1200 ms"),
    ]
    if phase in ("no-leader", "new-leader"):
        history += [(2_000, 4, "FAILED", "no heartbeat from server 4 - SERVER FAILED"),
                    (2_100, 1, "ELECTION", "election started for epoch 4")]
    if phase == "new-leader":
        history.append((3_000, 6, "LEADER", "node 6 leads epoch 4"))
    return [{"t": start + offset, "node": node, "kind": kind, "text": text}
            for offset, node, kind, text in history]


def status_json(phase, polls):
    now_ms = int(time.time() * 1000)
    return {"gateway": 0, "now_ms": now_ms, "leader": leader_of(phase), "epoch": epoch_of(phase),
            "members": [member(phase, polls, row) for row in HEALTHY_MEMBERS],
            "traffic": traffic(now_ms), "events": events(phase)}


def cluster_json(phase):
    """Only members that are not failed, with their addresses, as the real /cluster lists them."""
    nodes = []
    for row in HEALTHY_MEMBERS:
        entry = member(phase, 0, row)
        if entry["state"] == "FAILED":
            continue
        port = 20000 + 10 * entry["id"]
        nodes.append({"id": entry["id"], "role": entry["role"], "udp": f"127.0.0.1:{port}",
                      "tcp": f"127.0.0.1:{port + 1}", "http": f"127.0.0.1:{port + 2}",
                      "state": entry["state"], "incarnation": entry["incarnation"]})
    return {"leader": leader_of(phase), "epoch": epoch_of(phase), "nodes": nodes}


JAVA_STRING = r'"((?:[^"\\]|\\.)*)"'


def run_answer(source):
    """A canned answer in the contract's JSON form: run() 'returns' its first string literal."""
    class_name = re.search(r"public\s+class\s+(\w+)", source)
    if not class_name:
        return 400, {"status": "COMPILE_ERROR", "result": None, "error": "No class name found in code",
                     "stdout": "", "stderr": "", "worker": 3, "compile_ms": 2, "run_ms": 0}
    returned = re.search(r"return\s+" + JAVA_STRING, source)
    printed = re.findall(r"System\.out\.println\(" + JAVA_STRING + r"\)", source)
    return 200, {"status": "OK", "result": returned.group(1) if returned else "null", "error": None,
                 "stdout": "".join(line + "\n" for line in printed), "stderr": "",
                 "worker": 3, "compile_ms": 4, "run_ms": 1}


class Handler(BaseHTTPRequestHandler):
    page_path = None
    log_file = None

    def log_message(self, format, *args):
        if self.log_file:
            self.log_file.write("%s %s\n" % (self.address_string(), format % args))
            self.log_file.flush()

    def send(self, status, body, content_type, request_id=None):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Request-Id", str(request_id or STATE.next_request_id()))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, value, request_id=None):
        self.send(status, json.dumps(value), "application/json", request_id)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode("utf-8", "replace")

    def do_GET(self):
        if self.path == "/":
            with open(self.page_path, encoding="utf-8") as page:
                self.send(200, page.read(), "text/html; charset=utf-8")
        elif self.path in ("/status", "/cluster"):
            self.answer_poll()
        elif self.path == "/mock/last-run":
            with STATE.lock:
                last_run = dict(STATE.last_run or {})
            self.send_json(200, last_run)
        else:
            self.send(404, "not found", "text/plain; charset=utf-8")

    do_HEAD = do_GET

    def answer_poll(self):
        phase, polls = STATE.count_poll() if self.path == "/status" else (STATE.phase, 0)
        if phase == "down":
            self.close_connection = True   # no answer at all: the browser sees a dropped connection
            return
        phase, has_status = PHASES[phase]
        if self.path == "/status" and not has_status:
            self.send(404, "not found", "text/plain; charset=utf-8")
        elif self.path == "/cluster" and phase == "no-leader":
            self.send(503, "no leader\n", "text/plain; charset=utf-8")
        elif self.path == "/cluster":
            self.send_json(200, cluster_json(phase))
        else:
            self.send_json(200, status_json(phase, polls))

    def do_POST(self):
        body = self.read_body()
        if self.path == "/mock/phase" and body.strip() in PHASES:
            with STATE.lock:
                STATE.phase = body.strip()
            self.send(200, body.strip() + "\n", "text/plain; charset=utf-8")
        elif self.path == "/compileandrun":
            self.answer_run(body)
        else:
            self.send(404, "not found", "text/plain; charset=utf-8")

    def answer_run(self, source):
        request_id = STATE.next_request_id()
        with STATE.lock:
            STATE.last_run = {"content_type": self.headers.get("Content-Type"),
                              "accept": self.headers.get("Accept"), "body": source,
                              "request_id": request_id}
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "text/x-java-source":
            self.send(400, "Content-Type must be text/x-java-source", "text/plain; charset=utf-8", request_id)
            return
        status, answer = run_answer(source)
        self.send_json(status, dict(answer, request_id=request_id), request_id)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", required=True, help="the status page HTML file served at /")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", help="written with the bound port once listening")
    parser.add_argument("--log", help="request log file")
    args = parser.parse_args()
    Handler.page_path = args.page
    Handler.log_file = open(args.log, "a", encoding="utf-8") if args.log else None
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as port_file:
            port_file.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"status_page_mock: listening on http://127.0.0.1:{port}/", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
