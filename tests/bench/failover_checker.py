#!/usr/bin/env python3
# failover_checker.py: a fail-over checker in the spirit of Jepsen's total-queue checker: clients keep
# sending jobs through a zrun cluster while its leader and followers are killed and paused in turn; then
# every request is checked (lost, wrong, run more than once) and the figures are printed per fault kind.
"""Usage: failover_checker.py ZRUN [--cycles N] [--clients C] [--nodes N] [--base-port B]
       [--pause-ms MS] [--max-minutes M] [--seed S] [--work DIR]

Starts `ZRUN cluster --log-level debug` (N nodes and a gateway) on a free port block, keeps C clients
sending distinct short jobs and 1-3 s jobs, and runs fault cycles in turn: kill -9 of the leader,
kill -9 of a follower, SIGSTOP of the leader for MS ms then SIGCONT, the same for a follower. A killed
node is started again with its command line; each cycle waits until /cluster lists every node with
one LEADER. Prints the table and exits 1 if a request was lost or answered wrongly, or a job ran
again on a worker that survived (a repeat after its first worker was killed or paused past the
failure timeout is allowed, and counted apart). Records, faults and evidence stay in the work dir."""
import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from failover_analysis import Timeline, log_executions                 # noqa: E402
from failover_clients import Clients                                    # noqa: E402
from failover_cluster import Cluster, free_base_port, wait_until       # noqa: E402
from failover_faults import Faults, runner_jobs                         # noqa: E402
from failover_report import Report, counted_lines, write_evidence       # noqa: E402


def say(text):
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


def options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("zrun")
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--base-port", type=int, default=0, help="default: a free block")
    parser.add_argument("--pause-ms", type=int, default=2500, help="how long a paused node stays stopped")
    parser.add_argument("--max-minutes", type=float, default=0, help="no new cycle after this long (0: none)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--work", default=None, help="default: a new temporary directory (kept)")
    parser.add_argument("--analyse", action="store_true", help="only print the table of the run saved in --work")
    return parser.parse_args()


def warm_up(cluster, clients, count):
    wait_until(120, "every node listed with one leader", lambda: cluster.healthy(cluster.view()))
    clients.start()
    wait_until(180, f"{count} right answers (the JVMs warm)", lambda: clients.answered_ok() >= count, poll_s=0.5)


def run_cycles(args, cluster, faults):
    """As many cycles as asked, or as fit in --max-minutes; returns (cycles run, error or None)."""
    started = time.monotonic()
    for index in range(args.cycles):
        if args.max_minutes and time.monotonic() - started > args.max_minutes * 60:
            say(f"time is up after {index} cycles")
            return index, None
        try:
            faults.cycle(index)
        except (TimeoutError, RuntimeError) as error:
            return index, f"cycle {index + 1} ({faults.events[-1]['kind'] if faults.events else '?'}): {error}"
    return args.cycles, None


def settled_jobs(cluster):
    """The live nodes' runner jobs, once no worker runs one and two reads a second apart agree."""
    def total():
        snapshots = [cluster.metrics(i) for i in range(1, cluster.nodes + 1)]
        if any(m is None or m.get("zrun_worker_running", 1) > 0 for m in snapshots):
            return None
        return sum(runner_jobs(m) for m in snapshots)
    last = [None]

    def stable():
        now = total()
        agreed = now is not None and now == last[0]
        last[0] = now
        return (now,) if agreed else None
    return wait_until(90, "the workers to be idle and their counters steady", stable, poll_s=1.2)[0]


def report(args, work, records, events, live_jobs):
    logged = log_executions(os.path.join(work, "logs"))
    result = Report(records, events, logged, Timeline(events))
    print()
    print(result.table())
    for text in counted_lines(result, events, live_jobs, logged[1]) + result.gap_lines():
        print(text)
    for text in write_evidence(result, os.path.join(work, "logs"), os.path.join(work, "evidence")):
        print(text)
    return result


def save(work, records, events, live_jobs):
    with open(os.path.join(work, "counters.json"), "w") as f:
        json.dump({"live_jobs": live_jobs}, f)
    with open(os.path.join(work, "records.jsonl"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in sorted(records, key=lambda r: r["sent"]))
    with open(os.path.join(work, "faults.jsonl"), "w") as f:
        f.writelines(json.dumps(e) + "\n" for e in events)


def analyse_saved(args):
    """The table of a finished run from its work dir (records, faults, counters, logs)."""
    load = lambda name: [json.loads(l) for l in open(os.path.join(args.work, name))]
    counters = os.path.join(args.work, "counters.json")
    live_jobs = json.load(open(counters))["live_jobs"] if os.path.exists(counters) else 0
    return 1 if report(args, args.work, load("records.jsonl"), load("faults.jsonl"), live_jobs).failed() else 0


def on_term(signum, frame):
    raise SystemExit(f"failover_checker: signal {signum}")   # the finally clauses stop the cluster


def main():
    signal.signal(signal.SIGTERM, on_term)
    args = options()
    if args.analyse:
        return analyse_saved(args)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="zrun-failover-")
    os.makedirs(work, exist_ok=True)
    cluster = Cluster(os.path.abspath(args.zrun), args.nodes, args.base_port or free_base_port(), work)
    say(f"work dir {work}, seed {seed}, {args.nodes} nodes from port {cluster.base}, {args.clients} clients")
    clients = Clients(args.clients, cluster.url, rng)
    faults = Faults(cluster, rng, args.pause_ms / 1000.0, say)
    cluster.start()
    error = None
    try:
        warm_up(cluster, clients, 2 * args.clients)
        cycles, error = run_cycles(args, cluster, faults)
        say(f"{cycles} fault cycles done; waiting for the clients' last answers")
        clients.finish()
        try:
            live_jobs = settled_jobs(cluster)
        except TimeoutError as timeout:
            live_jobs, error = 0, error or f"runner counters: {timeout}"
        records = clients.records()
        save(work, records, faults.events, live_jobs)
        result = report(args, work, records, faults.events, live_jobs)
    finally:
        clients.stop.set()
        cluster.stop()
    if error:
        print(f"failover_checker: stopped early: {error}")
    print(f"records, faults and evidence in {work}")
    return 1 if error or result.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
