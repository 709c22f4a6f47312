# failover_analysis.py: the failover checker's verdict (imported, not run): reads the workers' and
# runners' debug logs, sorts every request under the fault it lived through, and prints the table.
import calendar
import glob
import os
import re
import time

STAMP = r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z\s+\w+\s+(\d+)\s+"
START = re.compile(STAMP + r"worker: request (\d+) \(gateway -?\d+\): started on the runner pool "
                   r"for leader (-?\d+) epoch (\d+)")
FINISH = re.compile(STAMP + r"runner: request (\d+) \(job \d+\): (\S+)")
ASSIGN = re.compile(STAMP + r"leader: request (\d+): (?:re)?assigned to worker (\d+)")
NO_FAULT = "no fault"


def stamp_of(match):
    seconds = calendar.timegm(time.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S"))
    return seconds + int(match.group(2)) / 1000.0


def scan(pattern, paths):
    """{request id: [(time, node, rest of the groups...)]} of every line matching pattern."""
    found = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = pattern.match(line)
                if m:
                    found.setdefault(m.group(4), []).append((stamp_of(m), int(m.group(3))) + m.groups()[4:])
    return found


def log_executions(log_dir):
    """(starts, finishes, assignments): per request id, its starts on runner pools, its runners'
    outcomes, and the leaders' (re)assignments of it (time, leader, worker)."""
    logs = lambda actor: glob.glob(os.path.join(log_dir, f"node-*-{actor}.log"))
    return scan(START, logs("worker")), scan(FINISH, logs("runner")), scan(ASSIGN, logs("leader"))


class Timeline:
    """The faults as the analysis needs them: when each node lost an incarnation (a kill, or a
    pause past the failure timeout: the woken node rejoins as a new one), and its pauses."""

    def __init__(self, events):
        self.ends = [(e["node"], e["at"], "killed" if e["kind"].startswith("kill") else "paused") for e in events]
        self.pauses = [(e["node"], e["at"], e["resumed"]) for e in events if "resumed" in e]

    def lost_incarnation(self, node, after, before):
        return next((how for (n, at, how) in self.ends if n == node and after <= at <= before), None)

    def woken(self, node, assigned, started):
        """node was paused after it was assigned the job and before it started it: the job was
        addressed to the incarnation the pause ended (it ran it from its inbox on waking)."""
        return any(n == node and assigned <= resumed and at <= started for (n, at, resumed) in self.pauses)


def classify_repeats(starts, assigned, timeline):
    """How each start beyond a request's first is explained: 'woken' for every start by a paused
    node on waking of a job assigned to it before its pause ended (whenever it came: the job was
    meant for the incarnation the pause ended); of the other starts, in time order, 'killed' or
    'paused' when an earlier one's node lost its incarnation between it and this one, else
    'surviving'."""
    ordered = sorted(starts)
    woken = [s for s in ordered if is_woken(s, assigned, timeline)]
    rest = [s for s in ordered if s not in woken]
    verdicts = ["woken"] * (len(woken) - (0 if rest else 1))
    return verdicts + [explain(rest[:j], rest[j], timeline) for j in range(1, len(rest))]


def is_woken(start, assigned, timeline):
    t, node = start[0], start[1]
    last = max((a for a in assigned if a[2] == str(node) and a[0] <= t), default=None)
    return bool(last) and timeline.woken(node, last[0], t)


def explain(earlier, start, timeline):
    for (t0, node0, *_) in earlier:
        how = timeline.lost_incarnation(node0, t0, start[0])
        if how:
            return how
    return "surviving"


def fault_of(record, events):
    """The kind of the first fault the request was in flight during (sent .. answered overlaps
    the fault's start .. healed), else NO_FAULT."""
    for e in events:
        if record["sent"] <= e.get("healed", float("inf")) and record["answered"] >= e["at"]:
            return e["kind"]
    return NO_FAULT


def verdict(record):
    if record["status"] != 200:
        return "lost"
    return "ok" if record["body"] == record["expected"] else "wrong"


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))]


def gaps_after(kind, records, events):
    """Seconds from each fault of kind to the next answer any client received."""
    answers = sorted(r["answered"] for r in records if r["status"] != 0)
    gaps = []
    for e in (e for e in events if e["kind"] == kind):
        later = next((t for t in answers if t > e["at"]), None)
        if later is not None:
            gaps.append(later - e["at"])
    return gaps
