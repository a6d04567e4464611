#!/usr/bin/env python3
"""c2_tasks.py <LogCompilation file> [from_s] [min_ms]: what the JIT compiled after a point in the
VM's life, and the uncommon traps that sent it there.

Lists every compilation task that ended after from_s seconds of VM uptime (default 25: the end of
bench/windows.sh's warm-up) and took at least min_ms (default 5), with its start, duration, tier
(C2 is the one without a level) and method; then every uncommon trap after from_s with its
reason and the inline chain of the trapping bytecode (innermost first), which names the branch
and the compiled method it sits in. Write the log with
OPTS_A="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/tmp/a.xml".
"""
import re
import sys

log = open(sys.argv[1], errors="replace").read()
since = float(sys.argv[2]) if len(sys.argv) > 2 else 25.0
min_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
total = 0.0
for m in re.finditer(r"<task compile_id='(\d+)'([^>]*)>(.*?)<task_done([^>]*)>", log, re.S):
    attrs, done = m.group(2), m.group(4)
    start = float(re.search(r"stamp='([\d.]+)'", attrs).group(1))
    end = float(re.search(r"stamp='([\d.]+)'", done).group(1))
    if end < since:
        continue
    level = re.search(r"level='(\d)'", attrs)
    tier = "C1 L" + level.group(1) if level else "C2"
    if tier == "C2":
        total += (end - max(start, since)) * 1000
    if (end - start) * 1000 < min_ms:
        continue
    osr = " OSR" if "osr_bci" in attrs else ""
    method = re.search(r"method='([^']*)'", attrs).group(1)
    print("%8.3f s %7.1f ms %s%s %s" % (start, (end - start) * 1000, tier, osr, method[:120]))
print("C2 busy after %.1f s: %.0f ms" % (since, total))
print("uncommon traps after %.1f s:" % since)
for m in re.finditer(r"<uncommon_trap thread='\d+' ([^>]*)>(.*?)</uncommon_trap>", log, re.S):
    stamp = float(re.search(r"stamp='([\d.]+)'", m.group(1)).group(1))
    if stamp < since:
        continue
    reason = re.search(r"reason='(\w+)'", m.group(1)).group(1)
    chain = re.findall(r"<jvms bci='(\d+)' method='([^ ]*) ([^ ']+)", m.group(2))
    where = " <- ".join("%s.%s@%s" % (k.rsplit(".", 1)[-1], meth, bci) for bci, k, meth in chain)
    print("  %8.3f s %s %s" % (stamp, reason, where))
