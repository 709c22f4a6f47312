# failover_clients.py: the failover checker's clients (imported, not run): threads that each send
# one distinct Java job after another to the gateway and record every request and its answer.
import http.client
import threading
import time
import urllib.parse

REQUEST_TIMEOUT_S = 120
LONG_SHARE = 0.3                 # this share of jobs sleeps 1-3 s; the rest return at once
LONG_SLEEPS_MS = (1000, 2000, 3000)


def job_source(client, seq, sleep_ms):
    """A class of its own (nothing cached) whose run() returns a string naming it."""
    name = f"Chk{client}x{seq}"
    expected = f"chk {client}-{seq}"
    nap = f"Thread.sleep({sleep_ms}); " if sleep_ms else ""
    source = (f"public class {name} {{\n    public String run() throws Exception {{ {nap}"
              f"return \"{expected}\"; }}\n}}\n")
    return source.encode(), expected


def post(url, body):
    """(HTTP status, body, X-Request-Id, error): status 0 and the error when no answer came."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("POST", "/compileandrun", body, {"Content-Type": "text/x-java-source"})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, text, response.getheader("X-Request-Id"), None
    except Exception as error:
        return 0, "", None, f"{type(error).__name__}: {error}"
    finally:
        connection.close()


class Client(threading.Thread):
    """Sends jobs one at a time until stopped; records[] holds one dict per request."""

    def __init__(self, number, url, rng, stop):
        super().__init__(daemon=True)
        self.number, self.url, self.rng, self.stop = number, url, rng, stop
        self.records = []

    def run(self):
        seq = 0
        while not self.stop.is_set():
            seq += 1
            self.records.append(self.one(seq))

    def one(self, seq):
        sleep_ms = self.rng.choice(LONG_SLEEPS_MS) if self.rng.random() < LONG_SHARE else 0
        body, expected = job_source(self.number, seq, sleep_ms)
        record = {"client": self.number, "seq": seq, "sleep_ms": sleep_ms, "expected": expected,
                  "sent": time.time()}
        status, text, request_id, error = post(self.url, body)
        record.update(answered=time.time(), status=status, body=text, request_id=request_id, error=error)
        return record


class Clients:
    """count clients sharing one stop flag."""

    def __init__(self, count, url, rng):
        self.stop = threading.Event()
        self.clients = [Client(i + 1, url, type(rng)(rng.random()), self.stop) for i in range(count)]

    def start(self):
        for client in self.clients:
            client.start()

    def finish(self):
        self.stop.set()
        for client in self.clients:
            client.join(REQUEST_TIMEOUT_S + 10)

    def records(self):
        """Every record so far (list appends are atomic; a request in flight has none yet)."""
        return [r for client in self.clients for r in list(client.records)]

    def answered_ok(self):
        return sum(1 for r in self.records() if r["status"] == 200 and r["body"] == r["expected"])
