# failover_faults.py: the failover checker's fault cycles (imported, not run): kill -9 or SIGSTOP the
# leader or a follower, restart what was killed, and wait until every node is listed again.
import os
import signal
import time

from failover_cluster import wait_until

KINDS = ("kill leader", "kill follower", "pause leader", "pause follower")
HEAL_S = 90          # a fault must be healed (every node listed, one leader) within this
BUSY_S = 10          # how long to wait for work in flight at the target before the fault anyway


def runner_jobs(metrics):
    return int(metrics.get("zrun_runner_jobs_total", 0)) if metrics else None


class Faults:
    """Runs fault cycles on a cluster; events[] holds one dict per fault."""

    def __init__(self, cluster, rng, pause_s, say):
        self.cluster, self.rng, self.pause_s, self.say = cluster, rng, pause_s, say
        self.events = []

    def healthy_view(self):
        view = self.cluster.view()
        return view if self.cluster.healthy(view) else None

    def cycle(self, index):
        kind = KINDS[index % len(KINDS)]
        view = wait_until(HEAL_S, "every node listed with one leader", self.healthy_view)
        node = self.target(kind, view)
        event = {"cycle": index + 1, "kind": kind, "node": node, "incarnation": view[node][1]}
        self.wait_busy(kind, node)
        self.events.append(event)
        (self.kill if kind.startswith("kill") else self.pause)(event)
        event["healed"] = wait_until(HEAL_S, f"node {node} back and one leader", lambda: self.healed(event))
        self.say(f"cycle {event['cycle']:3d}: {kind:14s} node {node}, healed after "
                 f"{event['healed'] - event['at']:.1f} s; leader now {self.cluster.leader(self.cluster.view())}")

    def target(self, kind, view):
        leader = self.cluster.leader(view)
        if kind.endswith("leader"):
            return leader
        return self.rng.choice(sorted(i for i in view if i != leader and i > 0))

    def wait_busy(self, kind, node):
        """Best effort: the target has work in flight (its gauges refresh every second)."""
        gauge = "zrun_leader_in_flight" if kind.endswith("leader") else "zrun_worker_running"
        busy = lambda: (self.cluster.metrics(node) or {}).get(gauge, 0) > 0
        try:
            wait_until(BUSY_S, "work in flight", busy, poll_s=0.2)
        except TimeoutError:
            pass

    def process(self, event):
        pid, argv = self.cluster.pid_of(event["node"])
        if pid is None:
            raise RuntimeError(f"node {event['node']} has no process (it died on its own?)")
        return pid, argv

    def kill(self, event):
        """kill -9, after reading its runner counter; started again once the gateway dropped it."""
        pid, argv = self.process(event)
        event["jobs_before"] = runner_jobs(self.cluster.metrics(event["node"]))
        os.kill(pid, signal.SIGKILL)
        event["at"] = time.time()
        gone = lambda: (lambda v: v is not None and event["node"] not in v)(self.cluster.view())
        wait_until(HEAL_S, f"node {event['node']} to leave /cluster", gone)
        self.cluster.restart(event["node"], argv)
        event["restarted"] = time.time()

    def pause(self, event):
        """SIGSTOP for pause_s (past the failure timeout), then SIGCONT."""
        pid, _ = self.process(event)
        os.kill(pid, signal.SIGSTOP)
        event["at"] = time.time()
        time.sleep(self.pause_s)   # the fault's duration, not a synchronisation
        os.kill(pid, signal.SIGCONT)
        event["resumed"] = time.time()

    def healed(self, event):
        view = self.healthy_view()
        if view and view[event["node"]][1] != event["incarnation"]:
            return time.time()
        return None
