"""Robustness: malformed frames, bad or missing signatures, replays, wrong types, unknown
msg_types, oversized messages and raw garbage sent to every socket of a flowlab kernel (pyzmq +
jupyter_client's Session for signing). Messages that fail authentication must not execute: each
carries a side effect (a global) that is checked afterwards. The kernel must keep answering.
"""
import json
import socket
import sys
import time
import unittest
import uuid

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

DELIM = b"<IDS|MSG>"
TIMEOUT = 30


class RobustnessTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="flowlab", startup_timeout=60)
        cls.info = cls.km.get_connection_info()
        cls.session = Session(key=cls.info["key"], signature_scheme=cls.info["signature_scheme"])
        cls.ctx = zmq.Context()

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        cls.ctx.destroy(linger=0)

    def addr(self, channel):
        return f"tcp://{self.info['ip']}:{self.info[channel + '_port']}"

    def dealer(self, channel):
        s = self.ctx.socket(zmq.DEALER)
        s.linger = 0
        s.connect(self.addr(channel))
        return s

    def body(self, msg_type, content, header=None):
        h = header or self.session.msg_header(msg_type)
        parts = [json.dumps(h, default=str).encode(), b"{}", b"{}", json.dumps(content).encode()]
        return h, parts

    def signed(self, msg_type, content):
        h, parts = self.body(msg_type, content)
        return h, [DELIM, self.session.sign(parts)] + parts

    def sign_raw(self, parts):
        return [DELIM, self.session.sign(parts)] + parts

    def check_alive(self, marker_globals=()):
        """The kernel answers kernel_info, executes correctly, and none of the side effects ran."""
        msg_id = self.kc.kernel_info()
        while True:
            r = self.kc.get_shell_msg(timeout=TIMEOUT)
            if r["parent_header"].get("msg_id") == msg_id:
                break
        self.assertEqual(r["content"]["status"], "ok")
        names = json.dumps(list(marker_globals))
        code = f"{names}.map((n) => String(globalThis[n])).join(',') + '|' + (20 + 22)"
        msg_id = self.kc.execute(code)
        while True:
            r = self.kc.get_shell_msg(timeout=TIMEOUT)
            if r["parent_header"].get("msg_id") == msg_id:
                break
        self.assertEqual(r["content"]["status"], "ok", r["content"])
        result = None
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "execute_result":
                result = m["content"]["data"]["text/plain"]
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        expected = ",".join(["undefined"] * len(marker_globals)) + "|42"
        self.assertEqual(result, repr(expected))

    def malformed_frames(self, marker):
        h, good = self.body("execute_request", {"code": f"globalThis.{marker} = 1", "silent": False})
        wrong_key = Session(key=b"not-the-key")
        return [
            [b"garbage"],
            [DELIM],
            [DELIM, b"", b"", b"", b""],
            [DELIM, b""] + good,  # missing signature
            [DELIM, b"0" * 64] + good,  # bad signature
            [DELIM, b"zz"] + good,  # bad signature of the wrong length
            [DELIM, wrong_key.sign(good)] + good,  # signed with another key
            [DELIM, self.session.sign(good).upper()] + good,
            self.sign_raw([b"{not json", b"{}", b"{}", b"{}"]),
            self.sign_raw([b"[1, 2]", b"{}", b"{}", b'"a string"']),
            self.sign_raw([b"\xff\xfe\xfd", b"{}", b"{}", b"{}"]),
            self.sign_raw([json.dumps({"msg_id": "x"}).encode(), b"{}", b"{}", b"{}"]),  # no msg_type
            self.sign_raw([json.dumps({"msg_id": 5, "msg_type": 7}).encode(), b"{}", b"{}", b"{}"]),
            self.sign_raw([json.dumps(self.session.msg_header("execute_request"), default=str).encode(), b"null", b"[]", b"{}"]),
            [DELIM, self.session.sign(good)] + good[:3],  # too few frames
            [b"id1", b"id2", DELIM, b"0" * 64] + good + [b"buffer"],
        ]

    def test_shell_control_stdin_survive_malformed(self):
        markers = []
        for channel in ("shell", "control", "stdin"):
            s = self.dealer(channel)
            marker = f"pwned_{channel}"
            markers.append(marker)
            for frames in self.malformed_frames(marker):
                s.send_multipart(frames)
            time.sleep(0.3)
            s.close()
        self.check_alive(markers)

    def test_wrong_types_and_unknown_types(self):
        s = self.dealer("shell")
        for msg_type, content in [
            ("execute_request", {"code": 5, "silent": "no"}),
            ("complete_request", {"code": None, "cursor_pos": "x"}),
            ("inspect_request", {"code": ["a"], "cursor_pos": -4, "detail_level": 9}),
            ("is_complete_request", {"code": {"a": 1}}),
            ("history_request", {"hist_access_type": "tail", "n": "many", "output": "yes"}),
            ("history_request", {"hist_access_type": "search", "pattern": "[", "n": -1}),
            ("comm_open", {"comm_id": 3, "target_name": None}),
            ("comm_msg", {"comm_id": "nope", "data": 1}),
            ("comm_close", {}),
            ("flowlab_nonsense_request", {"x": 1}),
            ("", {}),
        ]:
            s.send_multipart(self.signed(msg_type, content)[1])
        replies = {}
        deadline = time.time() + 20
        while time.time() < deadline and len(replies) < 7:
            if s.poll(500):
                frames = s.recv_multipart()
                i = frames.index(DELIM)
                header = json.loads(frames[i + 2])
                replies[header["msg_type"]] = json.loads(frames[i + 5])
        s.close()
        self.assertEqual(replies["execute_reply"]["status"], "error")
        for t in ("complete_reply", "inspect_reply", "is_complete_reply", "history_reply"):
            self.assertIn(t, replies)
        for channel in ("control", "stdin"):
            s = self.dealer(channel)
            s.send_multipart(self.signed("flowlab_nonsense_request", {})[1])
            s.send_multipart(self.signed("input_reply", {"value": 42})[1])
            s.close()
        self.check_alive()

    def test_replayed_message_runs_once(self):
        s = self.dealer("shell")
        _, frames = self.signed("execute_request", {"code": "globalThis.replays = (globalThis.replays ?? 0) + 1", "silent": False, "store_history": False, "allow_stdin": False, "user_expressions": {}, "stop_on_error": False})
        s.send_multipart(frames)
        s.send_multipart(frames)
        time.sleep(1.0)
        s.close()
        msg_id = self.kc.execute("globalThis.replays")
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_result":
                self.assertEqual(m["content"]["data"]["text/plain"], "1")
                break

    def test_oversized_message_dropped(self):
        s = self.dealer("shell")
        code = "globalThis.pwned_big = 1 // " + "x" * (110 * 1024 * 1024)
        _, frames = self.signed("execute_request", {"code": code, "silent": False})
        s.send_multipart(frames)
        time.sleep(1.0)
        s.close()
        self.check_alive(["pwned_big"])

    def test_heartbeat_and_raw_garbage_on_every_port(self):
        hb = self.ctx.socket(zmq.REQ)
        hb.linger = 0
        hb.connect(self.addr("hb"))
        hb.send_multipart([b"a", b"", b"\x00" * 100000])
        self.assertTrue(hb.poll(5000))
        self.assertEqual(hb.recv_multipart(), [b"a", b"", b"\x00" * 100000])
        hb.close()
        for channel in ("shell", "control", "stdin", "iopub", "hb"):
            for payload in (b"\x00" * 64, b"GET / HTTP/1.1\r\n\r\n", bytes(range(256)) * 40, b"\xff" + b"\x00" * 8 + b"\x7f"):
                with socket.create_connection((self.info["ip"], self.info[channel + "_port"]), timeout=5) as raw:
                    raw.sendall(payload)
        # wrong socket types talking to the iopub PUB and the hb REP
        for channel, kind in (("iopub", zmq.DEALER), ("iopub", zmq.PUB), ("hb", zmq.ROUTER)):
            s = self.ctx.socket(kind)
            s.linger = 0
            s.connect(self.addr(channel))
            try:
                s.send_multipart([b"junk", b"more"], flags=zmq.NOBLOCK)
            except zmq.ZMQError:
                pass
            time.sleep(0.1)
            s.close()
        time.sleep(0.3)
        self.check_alive()
        hb = self.ctx.socket(zmq.REQ)
        hb.linger = 0
        hb.connect(self.addr("hb"))
        hb.send(b"still there?")
        self.assertTrue(hb.poll(5000))
        self.assertEqual(hb.recv(), b"still there?")
        hb.close()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() and not result.skipped else 1)
