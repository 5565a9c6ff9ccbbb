"""IOPub and reply ordering over overlapping cells, through jupyter_client (a real client).

The Jupyter messaging spec: a kernel handles shell requests one at a time, in arrival order; for
each request it publishes status `busy` (parent = the request) first, `execute_input` before any
output, the outputs (stream, display_data, execute_result, error), and status `idle` last, after
every output of the request and after its execute_reply was sent. So when a client submits many
cells without waiting, each cell's IOPub messages form the sequence

    busy, execute_input, outputs..., idle

the sequences do not interleave, the replies come back in submission order, and the execution
counts of execute_input, execute_result and execute_reply agree and grow by one per cell.

Run by tests/kernel/ordering.test.ts with a temporary JUPYTER_PATH holding the kernelspec.
"""
import sys
import time
import unittest

from jupyter_client.manager import start_new_kernel

TIMEOUT = 60
OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error"}


def cell(i):
    """The i-th cell and what it must output: a mix of results, streams, displays, errors, awaits."""
    kind = i % 5
    if kind == 0:
        return f"{i} * 3", [("execute_result", str(i * 3))]
    if kind == 1:
        return f'console.log("out {i}"); console.error("err {i}")', [("stream", f"out {i}\n"), ("stream", f"err {i}\n")]
    if kind == 2:
        return f'display(html`<i>{i}</i>`); "{i}"', [("display_data", f"<i>{i}</i>"), ("execute_result", f"'{i}'")]
    if kind == 3:
        return f'await new Promise((r) => setTimeout(r, 5)); console.log("awaited {i}"); {i}', [("stream", f"awaited {i}\n"), ("execute_result", str(i))]
    return f'throw new Error("boom {i}")', [("error", f"boom {i}")]


def payload(msg):
    """The part of an output message that `cell` predicts."""
    c = msg["content"]
    if msg["msg_type"] == "stream":
        return c["text"]
    if msg["msg_type"] == "display_data":
        return c["data"].get("text/html")
    if msg["msg_type"] == "execute_result":
        return c["data"]["text/plain"]
    return c["evalue"]


class OrderingTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="flowlab", startup_timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def submit_and_collect(self, n):
        """Submits n cells at once; returns (ids, expected outputs, replies in arrival order, IOPub messages)."""
        ids, expected, info = [], [], []
        for i in range(n):
            code, out = cell(i)
            ids.append(self.kc.execute(code, stop_on_error=False))
            expected.append(out)
            if i % 4 == 3:  # other shell requests queue behind the cells, in order, too
                info.append(self.kc.kernel_info())
        wanted = set(ids) | set(info)
        total = len(wanted)
        replies, iopub, idle = [], [], set()
        deadline = time.monotonic() + TIMEOUT
        while len(replies) < total or len(idle) < total:
            self.assertLess(time.monotonic(), deadline, f"only {len(replies)} replies and {len(idle)} idles after {TIMEOUT} s")
            while len(replies) < total:
                try:
                    m = self.kc.get_shell_msg(timeout=0.05)
                except Exception:
                    break
                if m["parent_header"].get("msg_id") in wanted:
                    replies.append(m)
            try:
                m = self.kc.get_iopub_msg(timeout=0.05)
            except Exception:
                continue
            parent = m["parent_header"].get("msg_id")
            if parent not in wanted:
                continue
            iopub.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle.add(parent)
        # Anything late for these parents (after their idle) would break the spec: wait a little for it.
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            try:
                m = self.kc.get_iopub_msg(timeout=0.1)
            except Exception:
                continue
            if m["parent_header"].get("msg_id") in wanted:
                iopub.append(m)
        return ids, info, expected, replies, iopub

    def test_overlapping_cells_keep_the_spec_order(self):
        n = 20
        ids, info, expected, replies, iopub = self.submit_and_collect(n)
        order = []  # every request in submission order
        for i, msg_id in enumerate(ids):
            order.append(msg_id)
            if i % 4 == 3:
                order.append(info[i // 4])

        # Replies: one per request, in submission order; cells' status as the cell implies.
        self.assertEqual([r["parent_header"]["msg_id"] for r in replies], order)
        cell_replies = [r for r in replies if r["msg_type"] == "execute_reply"]
        for i, r in enumerate(cell_replies):
            self.assertEqual(r["content"]["status"], "error" if i % 5 == 4 else "ok", (i, r["content"]))

        # IOPub: each request's messages are contiguous (no interleaving), in submission order.
        runs = []
        for m in iopub:
            parent = m["parent_header"]["msg_id"]
            if not runs or runs[-1][0] != parent:
                runs.append((parent, []))
            runs[-1][1].append(m)
        self.assertEqual([p for p, _ in runs], order, "IOPub messages of different requests interleave or come out of order")
        for parent, msgs in runs:
            if parent in info:
                self.assertEqual([(m["msg_type"], m["content"].get("execution_state")) for m in msgs], [("status", "busy"), ("status", "idle")])
        runs = [r for r in runs if r[0] not in info]
        replies = cell_replies

        first_count = replies[0]["content"]["execution_count"]
        for i, (parent, msgs) in enumerate(runs):
            types = [m["msg_type"] for m in msgs]
            states = [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"]
            self.assertEqual(states, ["busy", "idle"], (i, types))
            self.assertEqual(types[0], "status", (i, types))
            self.assertEqual(msgs[0]["content"]["execution_state"], "busy", (i, types))
            self.assertEqual(types[1], "execute_input", (i, types))
            self.assertEqual(types[-1], "status", (i, types))
            self.assertEqual(msgs[-1]["content"]["execution_state"], "idle", (i, types))
            outputs = msgs[2:-1]
            self.assertTrue(all(m["msg_type"] in OUTPUT_TYPES for m in outputs), (i, types))
            got = [(m["msg_type"], payload(m)) for m in outputs]
            # Streams may be merged when they follow each other on the same channel name: compare
            # per stream name, in order, and everything else exactly.
            self.assertEqual([g for g in got if g[0] != "stream"], [e for e in expected[i] if e[0] != "stream"], (i, got))
            for name in ("stdout", "stderr"):
                text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)
                want = "".join(t for k, t in expected[i] if k == "stream" and (("err " in t) == (name == "stderr")))
                self.assertEqual(text, want, (i, name))
            # Execution counts: execute_input, execute_result and execute_reply agree, +1 per cell.
            count = first_count + i
            self.assertEqual(msgs[1]["content"]["execution_count"], count, i)
            self.assertEqual(replies[i]["content"]["execution_count"], count, i)
            for m in outputs:
                if m["msg_type"] == "execute_result":
                    self.assertEqual(m["content"]["execution_count"], count, i)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
