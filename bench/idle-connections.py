#!/usr/bin/env python3
"""Memory cost of idle keep-alive client connections (reliability catalogue F-17).

Starts bin/aralez with a plain listener in front of a tiny local backend, opens N client
connections (default 10,000), sends one request on each and keeps them open and idle, then reads
the proxy's RSS (/proc/PID/status), heap and direct memory (admin /metrics), and checks that a
control client is still served. Prints one line per stage and a per-connection cost.

  bench/idle-connections.py [N]        # needs `ulimit -n` above N + 100 (raised here up to the hard limit)
"""
import asyncio, os, re, resource, signal, socket, subprocess, sys, tempfile, time, urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def backend(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head:
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
    except (Exception, asyncio.CancelledError):
        writer.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def metric(admin, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics", timeout=30).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def open_idle(port, n, conns):
    for i in range(0, n, 200):
        batch = []
        for _ in range(min(200, n - i)):
            batch.append(asyncio.open_connection("127.0.0.1", port))
        for r, w in await asyncio.gather(*batch):
            w.write(b"GET / HTTP/1.1\r\nHost: idle.test\r\n\r\n")
            conns.append((r, w))
        await asyncio.gather(*(w.drain() for _, w in conns[-len(batch):]))
        for r, _ in conns[-len(batch):]:
            await r.readuntil(b"ok")


async def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < N + 200:
        sys.exit(f"the open-file limit ({hard}) is too low for {N} connections")
    bport, port, admin = free_port(), free_port(), free_port()
    server = await asyncio.start_server(backend, "127.0.0.1", bport, backlog=4096)
    work = tempfile.mkdtemp(prefix="aralez-idle-")
    with open(f"{work}/upstreams.yaml", "w") as f:
        f.write(f'provider: file\nidle.test:\n  paths:\n    "/": {{healthcheck: false, servers: ["127.0.0.1:{bport}"]}}\n')
    with open(f"{work}/main.yaml", "w") as f:
        f.write(f"proxy_address_http: 127.0.0.1:{port}\nupstreams_conf: upstreams.yaml\n"
                f"config_address: 127.0.0.1:{admin}\nmax_client_connections: {N + 1000}\n"
                "client_keepalive_timeout: 1h\nlog_level: warn\n")
    proc = subprocess.Popen([f"{REPO}/bin/aralez", "-c", "main.yaml"], cwd=work)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # The launcher execs java: the JVM is the launched process itself.
        pid = proc.pid
        conns = []
        await open_idle(port, 100, conns)  # warm-up: code loaded, pools allocated
        time.sleep(2)
        base = rss_kib(pid)
        base_heap = metric(admin, 'jvm_memory_used_bytes{area="heap"')
        t0 = time.time()
        await open_idle(port, N, conns)
        took = time.time() - t0
        time.sleep(5)
        after = rss_kib(pid)
        heap = metric(admin, 'jvm_memory_used_bytes{area="heap"')
        direct = metric(admin, "aralez_netty_direct_memory_bytes")
        open_now = metric(admin, "aralez_active_connections")
        t1 = time.time()
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"GET / HTTP/1.1\r\nHost: idle.test\r\n\r\n")
        await w.drain()
        await r.readuntil(b"ok")
        control_ms = (time.time() - t1) * 1000
        print(f"connections: {int(open_now)} open ({N} idle + warm-up), opened in {took:.1f} s")
        print(f"RSS: {base / 1024:.0f} MiB before, {after / 1024:.0f} MiB with them: "
              f"{(after - base) / N:.1f} KiB per idle connection")
        print(f"heap used: {base_heap / 2**20:.0f} -> {heap / 2**20:.0f} MiB; direct: {direct / 2**20:.1f} MiB")
        print(f"control request while they idle: {control_ms:.1f} ms")
        for _, w in conns:
            w.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        server.close()


asyncio.run(main())
