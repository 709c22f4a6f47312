#!/usr/bin/python3
# status_page_check: drives the status page in headless Chromium (Debian's chromium-driver and
# python3-selenium) against the mock gateway (--mock) or a real one (--gateway); saves screenshots.
"""Checks the gateway's status page in a real browser.

--mock     the URL is tests/system/status_page_mock.py: every phase (healthy, no leader,
           connection lost, new leader, no /status) is driven through its /mock/phase control.
--gateway  the URL is a real zrun gateway: only what holds on any live cluster is checked
           (the page is self-contained, the ring matches /cluster, a Java class runs, and the
           gateway's /status gives worker figures, traffic and at least one event).
Prints one "ok:" line per check; on failure saves failure.png and the browser's console log.
"""
import argparse
import base64
import json
import os
import re
import sys
import tempfile
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# Without these Chromium tries to reach Google's services, which this machine's network refuses.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1360,900"]
DEADLINE_S = 30          # generous: the machine is shared and the page polls once a second

# One read of everything the checks look at, in a single script so that no element can be
# replaced by the page's next render between two reads.
SNAPSHOT_JS = r"""
const text = (selector) => { const e = document.querySelector(selector); return e ? e.textContent.trim() : null; };
const all = (selector) => [...document.querySelectorAll(selector)];
const chart = (id) => { const e = document.getElementById(id); return {
  samples: Number(e.dataset.samples || 0),
  series: all('#' + id + ' path.series').map((p) => ({ name: p.classList[1],
                                                       points: ((p.getAttribute('d') || '').match(/[ML]/g) || []).length,
                                                       runs: ((p.getAttribute('d') || '').match(/M/g) || []).length })) }; };
return {
  ring: all('#ring g.node').map((g) => ({ id: g.dataset.id, role: g.dataset.role, state: g.dataset.state,
        incarnation: g.dataset.incarnation, leader: g.classList.contains('leader'),
        label: g.querySelector('text.label') ? g.querySelector('text.label').textContent : '' })),
  ringCentre: text('#ring-centre'),
  leaderPill: text('#leader-pill'), epochPill: text('#epoch-pill'),
  connection: document.getElementById('conn').className, connectionText: text('#conn'),
  notices: all('#notices .notice').map((n) => ({ kind: n.dataset.kind, text: n.textContent })),
  rows: all('#members-table tbody tr[data-id]').map((r) => ({ id: r.dataset.id,
        cells: [...r.cells].map((c) => c.textContent.trim()) })),
  rps: chart('chart-rps'), latency: chart('chart-latency'),
  rpsNow: text('#rps-now'), latencyNow: text('#latency-now'),
  events: all('#events li[data-kind]').map((li) => ({ kind: li.dataset.kind, t: Number(li.dataset.t), text: li.textContent })),
  run: { http: text('#run-http-status'), status: text('#run-status'), requestId: text('#run-request-id'),
         worker: text('#run-worker'), result: text('#run-result'), error: text('#run-error'),
         stdout: text('#run-stdout'), stderr: text('#run-stderr') },
  title: document.title,
  resources: performance.getEntriesByType('resource').map((r) => r.name),
  origin: location.origin,
};
"""

GREETER = """public class Greeter {
    public String run() {
        System.out.println("greeting from the browser test");
        return "Hello, Selenium";
    }
}"""

NO_CLASS = "class Hidden { public String run() { return \"x\"; } }"


class Page:
    """The status page open in Chromium, and what the checks need from it."""

    def __init__(self, driver, url, out_dir):
        self.driver, self.url, self.out_dir = driver, url.rstrip("/"), out_dir
        self.checks = 0

    def open(self):
        self.driver.get(self.url + "/")

    def snapshot(self):
        return self.driver.execute_script(SNAPSHOT_JS)

    def wait_until(self, description, predicate):
        """Waits until predicate(snapshot) is true; fails with the last snapshot's relevant part."""
        seen = {}

        def probe(_driver):
            seen["snapshot"] = self.snapshot()
            return predicate(seen["snapshot"])
        try:
            WebDriverWait(self.driver, DEADLINE_S, poll_frequency=0.2).until(probe)
        except TimeoutException:
            raise AssertionError(f"timed out after {DEADLINE_S}s waiting for: {description}\n"
                                 f"last seen: {json.dumps(seen.get('snapshot'), indent=1)[:4000]}")
        self.passed(description)
        return seen["snapshot"]

    def passed(self, description):
        self.checks += 1
        print(f"ok: {description}", flush=True)

    def screenshot(self, name):
        """The whole page, not just the window (Chromium's DevTools protocol captures beyond it)."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot",
                                           {"format": "png", "captureBeyondViewport": True, "clip": clip})
        path = os.path.join(self.out_dir, name)
        with open(path, "wb") as png:
            png.write(base64.b64decode(shot["data"]))
        print(f"screenshot: {path}", flush=True)

    def run_java(self, source):
        box = self.driver.find_element(By.ID, "source")
        box.clear()
        box.send_keys(source)
        previous_id = self.snapshot()["run"]["requestId"]
        self.driver.find_element(By.ID, "run").click()
        return previous_id


# ---------- helpers on snapshots ----------

def ring_ids(snapshot):
    return [node["id"] for node in snapshot["ring"]]


def ring_node(snapshot, node_id):
    return next((node for node in snapshot["ring"] if node["id"] == str(node_id)), None)


def row_cells(snapshot, node_id):
    return next((row["cells"] for row in snapshot["rows"] if row["id"] == str(node_id)), None)


def leaders(snapshot):
    return [node["id"] for node in snapshot["ring"] if node["leader"]]


def has_notice(snapshot, kind):
    return any(notice["kind"] == kind for notice in snapshot["notices"])


def http_get(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def http_post(url, body):
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


# ---------- checks that hold for any gateway ----------

def check_served_page(page):
    status, headers, body = http_get(page.url + "/")
    assert status == 200, f"GET / answered {status}"
    assert headers.get("Content-Type", "").startswith("text/html"), f"GET / is {headers.get('Content-Type')}"
    assert re.search(r"https?://", body) is None, "the page names an absolute URL"
    assert re.search(r"\b(src|href)\s*=|@import|url\(", body) is None, "the page loads something"
    page.passed("GET / is one text/html page that names no URL and loads nothing")


def check_loaded_nothing_else(page):
    snapshot = page.snapshot()
    foreign = [name for name in snapshot["resources"] if not name.startswith(snapshot["origin"] + "/")]
    assert not foreign, f"the page fetched from elsewhere: {foreign}"
    page.passed(f"everything the page fetched came from its own origin ({len(snapshot['resources'])} requests)")


def check_run(page, source, want_http, predicate, description):
    previous_id = page.run_java(source)
    return page.wait_until(description, lambda s: s["run"]["http"] == want_http and s["run"]["requestId"]
                           not in (None, "\u2014", previous_id) and predicate(s["run"]))


# ---------- the mock: every phase ----------

def check_healthy(page):
    want_roles = {"0": "OBSERVER", "4": "LEADER"}
    page.wait_until("the ring shows nodes 0..7 with their roles, node 4 marked leader", lambda s:
                    ring_ids(s) == [str(i) for i in range(8)] and leaders(s) == ["4"]
                    and all(node["role"] == want_roles.get(node["id"], "FOLLOWER") for node in s["ring"])
                    and "leader 4" in s["leaderPill"] and s["ringCentre"] == "node 4")
    page.wait_until("state and incarnation are shown (node 2 SUSPECT inc 2, node 5 FAILED)", lambda s:
                    ring_node(s, 2)["state"] == "SUSPECT" and "SUSPECT \u00b7 inc 2" in ring_node(s, 2)["label"]
                    and ring_node(s, 5)["state"] == "FAILED" and ring_node(s, 6)["incarnation"] == "3"
                    and row_cells(s, 5)[2] == "FAILED" and "LEADER" in row_cells(s, 4)[1])
    page.wait_until("both charts are drawn from five minutes of samples, with the gap left open", lambda s:
                    s["rps"]["samples"] >= 280 and s["rps"]["series"][0]["points"] >= 280
                    and [series["name"] for series in s["latency"]["series"]] == ["p50", "p99"]
                    and s["latency"]["series"][1]["points"] >= 250
                    and s["rps"]["series"][0]["points"] == s["rps"]["samples"] and s["rps"]["series"][0]["runs"] == 2
                    and re.search(r"now \d+(\.\d)? req/s", s["rpsNow"]) is not None
                    and re.search(r"p50 \d+(\.\d)? ms.*p99", s["latencyNow"]) is not None)
    events = page.wait_until("the seven events are listed newest first", lambda s:
                             len(s["events"]) == 7 and [e["t"] for e in s["events"]] ==
                             sorted((e["t"] for e in s["events"]), reverse=True)).get("events")
    assert events[0]["kind"] == "SUSPECT" and events[-1]["kind"] == "ELECTION", events
    first = page.snapshot()
    jobs = int(row_cells(first, 1)[5])
    page.wait_until("worker figures update with each poll (jobs done grows; JVMs busy is x / 2)", lambda s:
                    int(row_cells(s, 1)[5]) > jobs and re.match(r"\d / 2", row_cells(s, 1)[6]) is not None)


def check_runs(page, mock_url):
    check_run(page, GREETER, "HTTP 200", lambda run: run["result"] == "Hello, Selenium"
              and run["status"] == "OK" and run["worker"] == "node 3"
              and run["stdout"] == "greeting from the browser test" and run["requestId"].isdigit(),
              "pasted Java runs: result, status, worker, stdout and request id are shown")
    _, _, last = http_get(mock_url + "/mock/last-run")
    sent = json.loads(last)
    assert sent["content_type"] == "text/x-java-source", sent
    assert sent["accept"] == "application/json", sent
    assert sent["body"] == GREETER, sent
    page.passed("the run box POSTed the source as text/x-java-source with Accept: application/json")
    check_run(page, NO_CLASS, "HTTP 400", lambda run: run["error"] == "No class name found in code"
              and run["status"] == "COMPILE_ERROR", "an error answer shows its HTTP status and error")
    check_run(page, GREETER, "HTTP 200", lambda run: run["result"] == "Hello, Selenium",
              "a second run replaces the error with the new answer")


def check_no_leader(page):
    page.wait_until("no leader: notice, header, ring centre; nobody marked leader; node 4 failed", lambda s:
                    has_notice(s, "no-leader") and s["leaderPill"] == "no leader"
                    and s["ringCentre"] == "no leader" and leaders(s) == []
                    and ring_node(s, 4)["state"] == "FAILED" and ring_node(s, 1)["role"] == "LOOKING"
                    and "no leader" in s["title"])
    page.wait_until("the failure and the election are the newest events", lambda s:
                    [e["kind"] for e in s["events"][:2]] == ["ELECTION", "FAILED"])


def check_down(page):
    before = page.snapshot()
    snapshot = page.wait_until("connection lost: the error is shown and the last data is kept", lambda s:
                               has_notice(s, "lost") and "lost" in s["connection"]
                               and ring_ids(s) == ring_ids(before) and len(s["events"]) == len(before["events"])
                               and s["rps"]["samples"] > 0)
    assert "/status: unreachable" in next(n["text"] for n in snapshot["notices"] if n["kind"] == "lost")


def check_new_leader(page):
    page.wait_until("back again: node 6 leads epoch 4, notices gone", lambda s:
                    leaders(s) == ["6"] and s["ringCentre"] == "node 6" and s["epochPill"] == "epoch 4"
                    and not has_notice(s, "lost") and not has_notice(s, "no-leader") and "live" in s["connection"])


def check_without_status(page):
    before = page.snapshot()
    page.wait_until("a gateway without /status: the ring comes from /cluster, worker figures are kept", lambda s:
                    has_notice(s, "info") and ring_ids(s) == ["0", "1", "2", "3", "6", "7"] and leaders(s) == ["6"]
                    and "live" in s["connection"] and row_cells(s, 1)[5] == row_cells(before, 1)[5])


def check_without_status_no_leader(page):
    page.wait_until("/cluster's 503 alone shows no leader, and the members stay", lambda s:
                    has_notice(s, "no-leader") and s["leaderPill"] == "no leader" and leaders(s) == []
                    and ring_ids(s) == ["0", "1", "2", "3", "6", "7"] and ring_node(s, 6)["role"] == "former leader")


def set_phase(mock_url, phase):
    http_post(mock_url + "/mock/phase", phase)
    print(f"-- mock phase: {phase}", flush=True)


def check_mock(page):
    check_served_page(page)
    set_phase(page.url, "healthy")
    page.open()
    check_healthy(page)
    check_runs(page, page.url)
    page.screenshot("status-page.png")
    set_phase(page.url, "no-leader")
    check_no_leader(page)
    page.screenshot("status-page-no-leader.png")
    set_phase(page.url, "down")
    check_down(page)
    page.screenshot("status-page-connection-lost.png")
    set_phase(page.url, "new-leader")
    check_new_leader(page)
    set_phase(page.url, "no-status")
    check_without_status(page)
    set_phase(page.url, "no-status-no-leader")
    check_without_status_no_leader(page)
    page.screenshot("status-page-without-status.png")
    check_loaded_nothing_else(page)


# ---------- a real gateway ----------

def cluster_view(url):
    """(ids, leader) from the gateway's own /cluster JSON; leader None when it has none."""
    status, _, body = http_get(url + "/cluster", "application/json")
    if status == 503:
        return None, None
    data = json.loads(body)
    return sorted((str(node["id"]) for node in data["nodes"]), key=int), str(data["leader"])


def check_gateway(page):
    check_served_page(page)
    page.open()

    def matches_gateway(snapshot):
        ids, leader = cluster_view(page.url)
        if ids is None:
            return has_notice(snapshot, "no-leader")
        listed = [node["id"] for node in snapshot["ring"] if node["state"] != "FAILED"]
        return listed == ids and leaders(snapshot) == [leader]
    page.wait_until("the ring matches the gateway's /cluster (ids, leader)", matches_gateway)
    hello = 'public class Hello {\n    public String run() {\n        return "Hello from the status page test";\n    }\n}'
    check_run(page, hello, "HTTP 200", lambda run: run["result"] == "Hello from the status page test",
              "pasted Java runs on the cluster")
    page.wait_until("the gateway's /status feeds the page: worker figures, traffic and events", lambda s:
                    not has_notice(s, "info") and s["rps"]["samples"] > 0 and len(s["events"]) > 0
                    and any(re.match(r"\d+$", row["cells"][5]) for row in s["rows"])
                    and any(re.match(r"\d+ / \d+", row["cells"][6]) for row in s["rows"]))
    page.screenshot("status-page.png")
    check_loaded_nothing_else(page)


# ---------- the browser ----------

def start_browser(args):
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in CHROMIUM_FLAGS + ["--user-data-dir=" + tempfile.mkdtemp(prefix="chromium-", dir=args.out)]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=args.chromedriver, log_path=os.path.join(args.out, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def script_errors(driver, out_dir):
    """Console entries that are JavaScript errors (failed fetches are expected and not counted);
    every entry is also appended to out_dir/console.log."""
    entries = driver.get_log("browser")
    with open(os.path.join(out_dir, "console.log"), "a") as log:
        log.writelines(f"{entry['level']} {entry['message']}\n" for entry in entries)
    return [entry["message"] for entry in entries
            if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="where the page is served (its / )")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--mock", action="store_true", help="the URL is status_page_mock.py")
    target.add_argument("--gateway", action="store_true", help="the URL is a real gateway")
    parser.add_argument("--out", required=True, help="directory for screenshots and logs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    driver = start_browser(args)
    page = Page(driver, args.url, args.out)
    try:
        check_mock(page) if args.mock else check_gateway(page)
        errors = script_errors(driver, args.out)
        assert not errors, f"the page raised script errors: {errors}"
        page.passed("no script errors in the console")
    except Exception as error:   # an assertion, or the browser or the server misbehaving
        driver.save_screenshot(os.path.join(args.out, "failure.png"))
        script_errors(driver, args.out)
        if not isinstance(error, AssertionError):
            traceback.print_exc()
        print(f"FAIL: {error}\n(screenshot: {args.out}/failure.png, console: {args.out}/console.log)",
              file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print(f"status page: {page.checks} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
