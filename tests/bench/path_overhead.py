#!/usr/bin/env python3
# path_overhead.py: one client (c=1) sends N distinct classes (nothing cached) with Accept:
# application/json and prints the medians of the latency and of the latency less the JVM's own
# compile_ms and run_ms: the time the request spends in the cluster's path, without the JVM.
# Usage: path_overhead.py URL N
import json
import statistics
import sys
import time
import urllib.request

url, count = sys.argv[1], int(sys.argv[2])
tag = time.monotonic_ns()
totals, paths = [], []
for i in range(count):
    source = f'public class Path{tag}_{i} {{ public String run() {{ return "p{i}"; }} }}'.encode()
    request = urllib.request.Request(f"{url}/compileandrun", data=source, headers={
        "Content-Type": "text/x-java-source", "Accept": "application/json"})
    start = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    total = (time.monotonic() - start) * 1000
    if answer["result"] != f"p{i}":
        sys.exit(f"path_overhead: wrong answer {answer}")
    totals.append(total)
    paths.append(total - answer["compile_ms"] - answer["run_ms"])
print(f"{statistics.median(totals):.3f} {statistics.median(paths):.3f}")
