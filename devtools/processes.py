"""The processes below a process and the CPU time they spent, read from /proc (Linux only)."""

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: state, ppid, ..."""
    # The command name is in parentheses and may hold spaces: split after the last ")".
    text = Path(f"/proc/{pid}/stat").read_text()
    return text.rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat_fields(int(stat.parent.name))[1])
        except (OSError, IndexError, ValueError):
            continue  # The process ended while being read.
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, its live descendants and the children it has reaped."""
    total = 0
    for index, member in enumerate(process_tree(pid)):
        try:
            fields = stat_fields(member)
        except OSError:
            continue
        # After the ")": state is field 3 of proc(5), so utime (14) is index 11 here.
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        total += utime + stime
        if index == 0:
            # Children already reaped by the main process (a replaced pool process) count too.
            total += cutime + cstime
    return total / CLOCK_TICKS
