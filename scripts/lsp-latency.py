#!/usr/bin/env python3
"""Latency of `claimlint lsp` from a didChange to the publishDiagnostics for that version.

    scripts/lsp-latency.py [--bin target/release/claimlint] [--kb 50] [--runs 60]

Writes a Markdown page of about --kb KB (our own generated clinic copy, seeded: the same bytes
every run), opens it, then measures two cases:

  * an edit after a pause (the server checks at once: this is the figure for typing a word);
  * the last edit of a burst of ten, 20 ms apart (debounced: the check waits for the document to
    be quiet for 100 ms, so this figure includes that wait).

Each edit is an incremental change that swaps one word in the middle of the page between a
flagged one ("groundbreaking") and a plain one ("new"), so every check has work to do and every
result differs from the last. Prints median, 95th percentile and maximum in milliseconds.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue
from pathlib import Path

PARAGRAPHS = [
    "Our clinic offers ketamine-assisted therapy for adults whose depression has not eased with "
    "two or more antidepressants. Sessions take place in a quiet room with a nurse present.",
    "Before a first session we review your medical history, current medicines and blood "
    "pressure. Some people are not suited to this treatment, and we will tell you why.",
    "Side effects during a session can include dizziness, nausea, raised blood pressure and a "
    "sense of detachment. These usually fade within two hours.",
    "Esketamine nasal spray is approved for some adults with treatment-resistant depression; "
    "ketamine infusions for depression are an off-label use.",
    "Results vary from person to person. Some patients notice a change within days, others after "
    "several weeks, and some do not respond at all.",
    "Ask your own doctor whether this treatment suits you and what other options you have.",
    "## Getting here\n\nThe clinic is on the second floor, with step-free access from the car park.",
    "- Bring a list of your medicines\n- Arrange a lift home\n- Eat lightly beforehand",
]


def page(kb: int, seed: int) -> str:
    rng = random.Random(seed)
    parts = ["# Ketamine-assisted therapy at our clinic\n"]
    size = 0
    while size < kb * 1000:
        p = rng.choice(PARAGRAPHS)
        parts.append(p + "\n")
        size += len(p) + 2
    # The word the benchmark toggles, in the middle of the page.
    mid = len(parts) // 2
    parts.insert(mid, "We think this is a new approach for some adults.\n")
    return "\n".join(parts)


class Server:
    def __init__(self, binary: str, cwd: str):
        self.p = subprocess.Popen(
            [binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd
        )
        self.q: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0

    def _read(self):
        out = self.p.stdout
        while True:
            n = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
            msg = json.loads(out.read(n))
            self.q.put((time.perf_counter(), msg))

    def send(self, msg: dict):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            _, m = self.q.get(timeout=60)
            if m.get("id") == self.next_id and "method" not in m:
                return m.get("result")

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def published(self, version: int) -> float:
        """The time the diagnostics for `version` arrived."""
        while True:
            t, m = self.q.get(timeout=60)
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get(
                "version"
            ) == version:
                return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/claimlint")
    ap.add_argument("--kb", type=int, default=50)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    text = page(args.kb, args.seed)
    work = tempfile.mkdtemp(prefix="claimlint-lsp-")
    path = Path(work) / "page.md"
    path.write_text(text)
    uri = path.as_uri()
    line_no = next(i for i, l in enumerate(text.split("\n")) if l.startswith("We think this is a new"))
    col = len("We think this is a ")

    s = Server(str(Path(args.bin).resolve()), work)
    s.request("initialize", {"capabilities": {}, "rootUri": Path(work).as_uri(), "processId": None})
    s.notify("initialized", {})
    s.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
    )
    s.published(1)

    state = {"version": 1, "word": "new"}

    def change():
        old, new = state["word"], ("groundbreaking" if state["word"] == "new" else "new")
        state["version"] += 1
        state["word"] = new
        rng = {
            "start": {"line": line_no, "character": col},
            "end": {"line": line_no, "character": col + len(old)},
        }
        sent = time.perf_counter()
        s.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": state["version"]},
                "contentChanges": [{"range": rng, "text": new}],
            },
        )
        return sent

    def report(name, ms):
        ms.sort()
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        print(
            f"{name}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
            f"max {ms[-1]:.1f} ms ({len(ms)} runs)"
        )

    single = []
    for _ in range(args.runs):
        time.sleep(0.25)
        sent = change()
        single.append((s.published(state["version"]) - sent) * 1000)

    burst = []
    for _ in range(max(5, args.runs // 4)):
        time.sleep(0.25)
        for _ in range(10):
            sent = change()
            time.sleep(0.02)
        burst.append((s.published(state["version"]) - sent) * 1000)

    s.request("shutdown", None)
    s.notify("exit", None)
    s.p.wait(timeout=10)

    print(f"page: {len(text.encode())} bytes of Markdown, {args.bin}")
    report("didChange -> publishDiagnostics, edit after a pause", single)
    report("last edit of a 10-edit burst (includes the 100 ms debounce)", burst)


if __name__ == "__main__":
    sys.exit(main())
