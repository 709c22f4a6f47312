# failover_report.py: the failover checker's table and evidence (imported, not run): figures per fault
# kind and in total, and every log line about each request found lost, wrong or run twice.
import glob
import json
import os
import re

from failover_analysis import (NO_FAULT, classify_repeats, fault_of, gaps_after, percentile, verdict)
from failover_faults import KINDS

COLUMNS = ("fault kind", "faults", "requests", "lost", "wrong", "extra runs", "after kill",
           "after pause", "woken", "surviving", "longest wait")
WIDTHS = (15, 6, 8, 5, 5, 10, 10, 11, 6, 9, 12)
DEFECTS = ("woken", "surviving")   # repeated runs on workers that survived
LEGEND = [
    "a request is sorted under the first fault it was in flight during; lost: no answer or not 200;",
    "extra runs: starts on a runner pool beyond a request's first (worker logs), split by cause:",
    "  after kill / after pause: an earlier run's node was killed / paused past the failure timeout",
    "  (allowed); woken: run by a paused node on waking, assigned to it before its pause ended;",
    "  surviving: anything else. woken and surviving are runs on surviving workers: defects."]


class Row:
    def __init__(self, name, faults=0):
        self.name, self.faults = name, faults
        self.requests = self.lost = self.wrong = 0
        self.repeats = {"killed": 0, "paused": 0, "woken": 0, "surviving": 0}
        self.longest = 0.0

    def add(self, record, verdict_, repeats):
        self.requests += 1
        self.lost += verdict_ == "lost"
        self.wrong += verdict_ == "wrong"
        for how in repeats:
            self.repeats[how] += 1
        self.longest = max(self.longest, record["answered"] - record["sent"])

    def cells(self):
        extra = sum(self.repeats.values())
        return (self.name, self.faults, self.requests, self.lost, self.wrong, extra, self.repeats["killed"],
                self.repeats["paused"], self.repeats["woken"], self.repeats["surviving"], f"{self.longest:.1f} s")


def line(cells):
    return " ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, WIDTHS)))


class Report:
    """Every request sorted under its fault kind, with its verdict and its repeated runs."""

    def __init__(self, records, events, logged, timeline):
        self.records, self.events = records, events
        self.starts, _, self.assigned = logged
        self.rows = {k: Row(k, sum(e["kind"] == k for e in events)) for k in KINDS + (NO_FAULT,)}
        self.total = Row("total", len(events))
        self.defects = []   # (request id or None, why, record)
        for record in records:
            self.take(record, timeline)
        self.unmatched = self.unmatched_repeats(timeline)

    def repeats_of(self, rid, timeline):
        return classify_repeats(self.starts.get(rid, []), self.assigned.get(rid, []), timeline)

    def take(self, record, timeline):
        repeats = self.repeats_of(record["request_id"], timeline)
        v = verdict(record)
        for row in (self.rows[fault_of(record, self.events)], self.total):
            row.add(record, v, repeats)
        twice = [how for how in repeats if how in DEFECTS]
        if v != "ok" or twice:
            why = v if v != "ok" else f"ran again on a surviving worker ({', '.join(twice)})"
            self.defects.append((record["request_id"], why, record))

    def unmatched_repeats(self, timeline):
        """Repeated runs of request ids no client saw (their answer never came back)."""
        known = {r["request_id"] for r in self.records}
        row = Row("(no answer)")
        for rid in self.starts:
            if rid not in known:
                for how in self.repeats_of(rid, timeline):
                    row.repeats[how] += 1
                    self.total.repeats[how] += 1
        return row

    def failed(self):
        return self.total.lost + self.total.wrong + sum(self.total.repeats[k] for k in DEFECTS) > 0

    def table(self):
        rows = [self.rows[k] for k in KINDS + (NO_FAULT,)]
        if sum(self.unmatched.repeats.values()):
            rows.append(self.unmatched)
        out = [line(COLUMNS), line(["-" * w for w in WIDTHS])]
        out += [line(r.cells()) for r in rows] + [line(["-" * w for w in WIDTHS]), line(self.total.cells())]
        return "\n".join(out + LEGEND)

    def gap_lines(self):
        out = []
        for kind in ("kill leader", "pause leader"):
            gaps = gaps_after(kind, self.records, self.events)
            if gaps:
                out.append(f"gap from a {kind} to the next answer any client received: p50 "
                           f"{percentile(gaps, 50):.2f} s, p99 {percentile(gaps, 99):.2f} s, max {max(gaps):.2f} s "
                           f"({len(gaps)} faults)")
        return out


def counted_lines(report, events, live_jobs, finishes):
    """The runner counters' and the runner logs' executions against the requests."""
    requests = len(report.records)
    before_kills = sum(e.get("jobs_before") or 0 for e in events)
    counted = before_kills + live_jobs
    finished = sum(len(v) for v in finishes.values())
    return [f"runner jobs counted by /metrics: {counted} ({live_jobs} on the live nodes at the end + "
            f"{before_kills} read just before each kill) for {requests} requests: {counted - requests} "
            f"extra executions",
            f"runner jobs finished by the runner logs: {finished}: {finished - requests} extra executions "
            f"(a job whose node was killed while it ran has no line)"]


def write_evidence(report, log_dir, out_dir, limit=5):
    """Every log line about each defective request into out_dir/<id>.log; a summary for the first few."""
    os.makedirs(out_dir, exist_ok=True)
    logs = sorted(glob.glob(os.path.join(log_dir, "node-*.log")))
    out = []
    for rid, why, record in report.defects:
        brief = {k: record[k] for k in ("client", "seq", "status", "error", "sent", "answered")}
        brief["body"] = record["body"][:120]
        out.append(f"defect: request {rid}: {why}: {json.dumps(brief)}")
        if rid and len(out) <= limit * 12:
            lines = lines_about(rid, logs)
            with open(os.path.join(out_dir, f"{rid}.log"), "w") as f:
                f.writelines(lines)
            out += ["    " + l.rstrip() for l in lines[:10]]
    return out


def lines_about(rid, logs):
    pattern = re.compile(rf"request {rid}[: ]")
    found = []
    for path in logs:
        with open(path, errors="replace") as f:
            found += [l for l in f if pattern.search(l)]
    return sorted(found)
