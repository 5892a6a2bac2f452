"""Hostile-input suite, HTTP robustness and resource limits (SECURITY.md §9,
T51-T57), straight to the app: the CI profile has no HAProxy."""

import os
import resource
import socket
import time

from hostile import cpu_ticks, raise_nofile, wait_for


def test_t56_accept_at_descriptor_limit_backs_off(make_daemon):
    """At RLIMIT_NOFILE, accept() fails with EMFILE. libevent's listener
    retried at once, forever: a full CPU and a log line per retry (42 MB
    in 3 s). The worker must pause its listener, log once, and serve
    again when descriptors are free."""
    raise_nofile()
    d = make_daemon()
    pid = d.proc.pid
    soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (64, hard))
    socks = []
    try:
        for _ in range(120):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", d.port))
            except BlockingIOError:
                pass
            socks.append(s)
        time.sleep(0.5)
        log0 = os.path.getsize(d.log_path)
        cpu0 = cpu_ticks(pid)
        time.sleep(3)
        cpu = cpu_ticks(pid) - cpu0
        grew = os.path.getsize(d.log_path) - log0
    finally:
        for s in socks:
            s.close()
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
    assert cpu < 60, "%d CPU ticks in 3 s at the descriptor limit" % cpu
    assert grew < 16384, "%d bytes of log in 3 s at the descriptor limit" % grew
    assert "pausing new connections" in d.log_text()
    assert wait_for(lambda: d.get("/healthz").status_code == 200, timeout=10)
    assert d.stop() == 0
