# thread_cpu.py: CPU time of a process tree by thread, from /proc, for cpu_per_request.sh: a snapshot
# before and after a measured load, then CPU ms per request by kind of thread, systems side by side.
# Usage: thread_cpu.py snapshot ROOT_PID > FILE
#        thread_cpu.py report LABEL REQUESTS BEFORE AFTER > FILE
#        thread_cpu.py table REPORT...
import os
import sys
from collections import OrderedDict

TICKS = os.sysconf("SC_CLK_TCK")
ENDED = "JVM: threads ended in the run (retired job threads)"


def stat_fields(path):
    """(comm, utime + stime in ticks, parent pid) from a /proc stat file, or None if it is gone."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    rest = text[text.rindex(")") + 2:].split()
    return comm, int(rest[11]) + int(rest[12]), int(rest[1])


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(f"/proc/{entry}/stat")
            if fields:
                children.setdefault(fields[2], []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def snapshot(root):
    for pid in descendants(root):
        process = stat_fields(f"/proc/{pid}/stat")
        if not process:
            continue
        print(f"proc\t{pid}\t{process[0]}\t{process[1]}")
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            thread = stat_fields(f"/proc/{pid}/task/{tid}/stat")
            if thread:
                print(f"task\t{pid}\t{tid}\t{thread[0]}\t{thread[1]}")


def kind(process_comm, thread_comm):
    if process_comm == "java":
        if thread_comm == "java":
            return "JVM: main thread (compiles)"
        if thread_comm.startswith("zrun-job-thread"):
            return "JVM: job threads"
        return "JVM: JIT, GC and VM threads"
    if thread_comm.startswith("ZMQbg/IO"):
        return "ZeroMQ I/O threads"
    if thread_comm.startswith("zr-"):
        return "actor " + thread_comm
    return "other threads"


def load(path):
    procs, tasks = {}, {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "proc":
                procs[parts[1]] = (parts[2], int(parts[3]))
            elif parts[0] == "task":
                tasks[(parts[1], parts[2])] = (parts[3], int(parts[4]))
    return procs, tasks


def report(label, requests, before_path, after_path):
    """CPU ms per request by kind of thread, between two snapshots. A thread that ended in between
    is counted through its process's total (a JVM's retired job threads)."""
    procs0, tasks0 = load(before_path)
    procs1, tasks1 = load(after_path)
    by_kind = {}
    for pid, (process_comm, total1) in procs1.items():
        live = 0
        for (task_pid, tid), (comm, ticks1) in tasks1.items():
            if task_pid != pid:
                continue
            spent = ticks1 - tasks0.get((pid, tid), (comm, 0))[1]
            live += spent
            name = kind(process_comm, comm)
            by_kind[name] = by_kind.get(name, 0) + spent
        ended = total1 - procs0.get(pid, (process_comm, 0))[1] - live
        if ended > 0 and pid in procs0:
            name = ENDED if process_comm == "java" else "other threads"
            by_kind[name] = by_kind.get(name, 0) + ended
    print(f"label\t{label}")
    for name, ticks in by_kind.items():
        print(f"{name}\t{ticks * 1000.0 / TICKS / int(requests):.3f}")


def table(paths):
    columns, rows = [], OrderedDict()
    for path in paths:
        figures = {}
        with open(path) as f:
            for line in f:
                name, value = line.rstrip("\n").split("\t")
                if name == "label":
                    columns.append(value)
                else:
                    figures[name] = float(value)
        for name, value in figures.items():
            rows.setdefault(name, {})[columns[-1]] = value
    order = sorted((name for name in rows if max(rows[name].values()) >= 0.0005),
                   key=lambda name: -max(rows[name].values()))
    width = max(len(name) for name in order + ["CPU ms per request"])
    print(f"{'CPU ms per request':<{width}}" + "".join(f"{c:>18}" for c in columns))
    for name in order:
        print(f"{name:<{width}}" + "".join(f"{rows[name].get(c, 0.0):>18.3f}" for c in columns))
    totals = [sum(rows[name].get(c, 0.0) for name in order) for c in columns]
    print(f"{'total':<{width}}" + "".join(f"{t:>18.3f}" for t in totals))


def main(argv):
    if len(argv) == 3 and argv[1] == "snapshot":
        snapshot(int(argv[2]))
    elif len(argv) == 6 and argv[1] == "report":
        report(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) >= 3 and argv[1] == "table":
        table(argv[2:])
    else:
        sys.stderr.write("usage: thread_cpu.py snapshot PID | report LABEL REQUESTS BEFORE AFTER | table REPORT...\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
