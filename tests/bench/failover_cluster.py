# failover_cluster.py: the failover checker's hands on a running `zrun cluster` (imported, not run):
# start and stop it, read /cluster and every node's /metrics, find, kill, pause and restart nodes.
import json
import os
import random
import re
import signal
import subprocess
import time
import urllib.request

HTTP_TIMEOUT_S = 2


def http_get(url, accept=None):
    """The body of GET url as text, or None when there is no 200 answer."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            return response.read().decode("utf-8", "replace")
    except Exception:
        return None


def free_base_port():
    """A base port whose block (base .. base + 99) no socket uses, as tests/system/lib.sh picks it."""
    used = subprocess.run(["ss", "-Htuan"], capture_output=True, text=True).stdout
    ports = {int(m) for m in re.findall(r":(\d+)\s", used + " ")}
    for _ in range(50):
        base = random.randrange(120) * 100 + 20000
        if not any(base <= port < base + 100 for port in ports):
            return base
    raise SystemExit("failover_checker: no free port block found")


def parse_metrics(text):
    """{family name: sum over every label set} of a Prometheus text page."""
    sums = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        family = name.split("{", 1)[0]
        try:
            sums[family] = sums.get(family, 0.0) + float(value)
        except ValueError:
            pass
    return sums


def wait_until(seconds, what, condition, poll_s=0.1):
    """condition()'s first true value, polled until the deadline; raises TimeoutError naming what."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(poll_s)


class Cluster:
    """One `zrun cluster` of nodes 1..N and a gateway (id 0), plus the nodes restarted by hand."""

    def __init__(self, zrun, nodes, base, work):
        self.zrun, self.nodes, self.base, self.work = zrun, nodes, base, work
        self.url = f"http://127.0.0.1:{base + 99}"
        self.config = os.path.join(work, "logs", "cluster.zpl")
        self.process = None
        self.restarted = []

    def start(self):
        out = open(os.path.join(self.work, "cluster.out"), "w")
        self.process = subprocess.Popen(
            [self.zrun, "cluster", "--nodes", str(self.nodes), "--base-port", str(self.base),
             "--http-port", str(self.base + 99), "--log-dir", os.path.join(self.work, "logs"),
             "--log-level", "debug"], stdout=out, stderr=subprocess.STDOUT)

    def stop(self):
        live = [p for p in self.restarted + [self.process] if p and p.poll() is None]
        for process in live:
            process.send_signal(signal.SIGCONT)
            process.terminate()
        for process in live:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def view(self):
        """The gateway's /cluster as {id: (role, incarnation)}, or None while it has no leader."""
        text = http_get(self.url + "/cluster", "application/json")
        try:
            nodes = json.loads(text)["nodes"]
        except (TypeError, ValueError, KeyError):
            return None
        return {n["id"]: (n["role"], n.get("incarnation")) for n in nodes}

    def healthy(self, view):
        """Every node listed, exactly one of them LEADER."""
        if not view:
            return False
        roles = [view.get(i, (None,))[0] for i in range(1, self.nodes + 1)]
        return None not in roles and roles.count("LEADER") == 1 and set(roles) <= {"LEADER", "FOLLOWER"}

    def leader(self, view):
        return next((i for i, (role, _) in view.items() if role == "LEADER"), None)

    def metrics(self, node):
        text = http_get(f"http://127.0.0.1:{self.base + 10 * node + 3}/metrics")
        return parse_metrics(text) if text else None

    def pid_of(self, node):
        """The live process of `zrun node --config FILE --id node`, and its command line."""
        wanted = ["node", "--config", self.config, "--id", str(node)]
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    argv = f.read().decode().split("\0")[:-1]
            except OSError:
                continue
            if argv[1:] == wanted:
                return int(entry), argv
        return None, None

    def restart(self, node, argv):
        """The node again, with the command line it had (a new incarnation)."""
        out = open(os.path.join(self.work, f"restarted-{node}.out"), "a")
        self.restarted.append(subprocess.Popen([self.zrun] + argv[1:], stdout=out, stderr=subprocess.STDOUT))

    def alive(self):
        return self.process.poll() is None
