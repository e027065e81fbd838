#!/usr/bin/env python3
"""Load test of `claimlint serve` on loopback (issue 21): bounded, standard library only.

Starts the server on a free loopback port, then runs one scenario and prints what the clients
saw (statuses, resets, p50/p99 latency) and the server's peak memory (VmHWM from /proc). The
server is stopped by its process id at the end.

  scripts/serve-load.py drafts  [--clients 200] [--size 50000]   # concurrent drafts
  scripts/serve-load.py dense   [--clients 60]  [--size 1048000] # drafts dense with claims
  scripts/serve-load.py slowloris [--clients 200]                # slow heads + one real request
  scripts/serve-load.py sequential [--clients 64]                # one after another

Options: --bin PATH (default target/release/claimlint), --rounds N (repeat the scenario).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

CALM = "Our clinic is open on weekdays and our nurses answer the phone. "
DENSE = "A miracle cure, guaranteed and 100% safe, a revolutionary breakthrough. "


def start_server(binary):
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()
    url = line.strip().rsplit(" ", 1)[-1]
    port = int(url.rstrip("/").rsplit(":", 1)[-1])
    return proc, port


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def draft(size, dense):
    unit = DENSE if dense else CALM
    text = (unit * (size // len(unit) + 1))[:size]
    return json.dumps({"text": text, "format": "text"}).encode()


def post(port, body, timeout=60):
    """One request; returns (status or error name, seconds, response bytes)."""
    head = (
        f"POST /api/lint HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(head + body)
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        data = b"".join(chunks)
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else "garbled"
        return status, time.monotonic() - started, len(data)
    except ConnectionResetError:
        return "reset", time.monotonic() - started, 0
    except BrokenPipeError:
        return "broken-pipe", time.monotonic() - started, 0
    except socket.timeout:
        return "timeout", time.monotonic() - started, 0
    except OSError as e:
        return type(e).__name__, time.monotonic() - started, 0


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(name, results, proc):
    counts = {}
    for status, _, _ in results:
        counts[status] = counts.get(status, 0) + 1
    lat = [t * 1000 for _, t, _ in results]
    ok = [t * 1000 for s, t, _ in results if s == 200]
    biggest = max((n for _, _, n in results), default=0)
    print(
        f"{name}: {len(results)} requests; statuses {dict(sorted(counts.items(), key=str))}; "
        f"all p50 {pct(lat, 50):.0f} ms, p99 {pct(lat, 99):.0f} ms; "
        f"200s p50 {pct(ok, 50):.0f} ms, p99 {pct(ok, 99):.0f} ms; "
        f"largest answer {biggest / 1e6:.2f} MB; server peak {peak_kib(proc.pid) / 1024:.1f} MiB"
    )


def concurrent(port, clients, body):
    results = [None] * clients
    barrier = threading.Barrier(clients)

    def run(i):
        barrier.wait()
        results[i] = post(port, body)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def slowloris(port, clients):
    """`clients` connections send a partial head and a byte now and then; meanwhile one normal
    request is timed. Returns the normal request's result and how many slow ones the server
    closed."""
    socks = []
    for _ in range(clients):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /api/lint HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(s)
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for s in socks:
                try:
                    s.sendall(b"y")
                except OSError:
                    pass
            stop.wait(1.0)

    t = threading.Thread(target=trickle)
    t.start()
    time.sleep(0.5)
    normal = post(port, draft(5000, True))
    # Keep trickling past the server's deadline (10 s), then count the connections it closed.
    time.sleep(12)
    stop.set()
    t.join()
    closed = 0
    for s in socks:
        s.settimeout(0.5)
        try:
            if s.recv(1) == b"":
                closed += 1
        except ConnectionResetError:
            closed += 1
        except OSError:
            pass
        s.close()
    return normal, closed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=["drafts", "dense", "slowloris", "sequential"])
    ap.add_argument("--bin", default="target/release/claimlint")
    ap.add_argument("--clients", type=int)
    ap.add_argument("--size", type=int)
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args()
    proc, port = start_server(a.bin)
    try:
        for r in range(a.rounds):
            if a.scenario == "drafts":
                n, size = a.clients or 200, a.size or 50_000
                report(f"{n} concurrent {size // 1000} KB drafts", concurrent(port, n, draft(size, False)), proc)
            elif a.scenario == "dense":
                n, size = a.clients or 60, a.size or 1_048_000
                report(f"{n} concurrent {size // 1000} KB dense drafts", concurrent(port, n, draft(size, True)), proc)
            elif a.scenario == "sequential":
                n = a.clients or 64
                report(f"{n} sequential drafts", [post(port, draft(5000, True)) for _ in range(n)], proc)
            else:
                n = a.clients or 200
                normal, closed = slowloris(port, n)
                print(
                    f"slowloris: {n} slow connections; the normal request got {normal[0]} in "
                    f"{normal[1] * 1000:.0f} ms; {closed} of {n} slow connections closed by the "
                    f"server after 12 s; server peak {peak_kib(proc.pid) / 1024:.1f} MiB"
                )
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())
