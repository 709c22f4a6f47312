#!/usr/bin/env python3
# slowloris.py: test_slowloris.sh's attacker and client. Opens N connections from one loopback
# address that each send a request line and then nothing, then times a normal client (GET /healthz
# and one job) from 127.0.0.1 while they are held; reports how the server dealt with them.
# Usage: slowloris.py PORT CONNECTIONS ATTACKER_IP HEADER_TIMEOUT_MS
import resource
import select
import socket
import sys
import time
import urllib.request

port, count, attacker, header_timeout_ms = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

JOB = b'public class Slowloris { public String run() { return "served"; } }'


def timed(request):
    """(status, body, ms); status 0 and the error as body if the server could not be reached."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body = response.status, response.read().decode()
    except OSError as error:
        status, body = 0, str(error)
    return status, body, (time.monotonic() - start) * 1000


def client():
    healthz = timed(urllib.request.Request(f"http://127.0.0.1:{port}/healthz"))
    job = timed(urllib.request.Request(f"http://127.0.0.1:{port}/compileandrun", data=JOB,
                                       headers={"Content-Type": "text/x-java-source"}))
    return healthz, job


def open_half_sent():
    held = []
    refused = 0
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((attacker, 0))
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"POST /compileandrun HTTP/1.1\r\n")   # and then nothing
            held.append(s)
        except OSError:
            refused += 1
            s.close()
    return held, refused


def closed_by_server(sockets, deadline):
    """Waits (until deadline) for the server to close each open socket; returns how many it closed."""
    poller, by_fd, closed = select.poll(), {}, 0
    for s in sockets:
        if s.fileno() >= 0:
            poller.register(s, select.POLLIN | select.POLLHUP | select.POLLERR)
            by_fd[s.fileno()] = s
    while by_fd and time.monotonic() < deadline:
        for fd, _ in poller.poll(100):
            try:
                data = by_fd[fd].recv(4096)
            except OSError:
                data = b""
            if not data:
                closed += 1
                poller.unregister(fd)
                by_fd.pop(fd).close()
    return closed


start = time.monotonic()
held, refused = open_half_sent()
opened_ms = (time.monotonic() - start) * 1000
(h_status, h_body, h_ms), (j_status, j_body, j_ms) = client()
print(f"{len(held)} half-sent connections from {attacker} opened in {opened_ms:.0f} ms ({refused} failed to connect)")
print(f"meanwhile from 127.0.0.1: GET /healthz {h_status} '{h_body}' in {h_ms:.1f} ms, "
      f"a job {j_status} '{j_body}' in {j_ms:.1f} ms")
at_once = closed_by_server(held, time.monotonic() + 0.5)
later = closed_by_server(held, time.monotonic() + header_timeout_ms / 1000 + 3)
print(f"the server closed {at_once} of them at once (connections per client) and "
      f"{later} more within the header timeout ({header_timeout_ms} ms)")
ok = h_status == 200 and h_body == "ok" and j_status == 200 and j_body == "served" and h_ms < 1000 and j_ms < 1000
ok = ok and at_once + later == len(held)
print("slowloris: the client was served within a second" if ok else "slowloris: FAILED")
sys.exit(0 if ok else 1)
