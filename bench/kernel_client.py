"""Times one Jupyter kernel from outside, with jupyter_client's Session (signing, serialisation)
over plain pyzmq sockets: the client half of bench/kernel.ts, which writes the plan as JSON on
stdin and reads the timings as JSON from stdout.

Plan: {"argv": [...], "cwd": str, "env": {...}, "connection": {...connection file...}, "settle": seconds,
       "warmup": [code...], "rounds": [[code...] per round], "names": [name per code in a round],
       "filler": [code...], "after": [code...], "probe": {"code": str, "expect": regex} | null}

Measures: startup (spawn -> first kernel_info_reply); how many of the client's reconnect attempts
on shell and IOPub the kernel missed (ZeroMQ retries a refused connect every 100-200 ms: each miss
costs the first cell that much, and one that binds before the first retry has missed none); then
every cell's round trip:
execute_request sent -> execute_reply received and status idle seen on IOPub; and the CPU time
the kernel process spent (all its threads, from /proc/PID/task/*/schedstat, nanoseconds) while
the measured cells ran, which a busy machine inflates far less than wall-clock times.
Usage: python3 bench/kernel_client.py < plan.json
"""
import json
import re
import os
import signal
import subprocess
import sys
import time

import zmq
import zmq.utils.monitor
from jupyter_client.session import Session


def cpu_ms(pid):
    """CPU time of every live thread of process `pid`, in ms (0 where /proc is unavailable)."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        return 0.0
    return total / 1e6


def main():
    plan = json.load(sys.stdin)
    conn = plan["connection"]
    ctx = zmq.Context()
    session = Session(key=conn["key"].encode(), signature_scheme=conn["signature_scheme"], username="bench")

    def sock(kind, port, monitored=False):
        """A connected socket; a monitored one records its connect attempts (read after the first cell)."""
        s = ctx.socket(kind)
        s.linger = 0
        if monitored:
            monitors.append((s, s.get_monitor_socket(zmq.EVENT_CONNECT_RETRIED | zmq.EVENT_CONNECTED)))
        s.connect(f"tcp://127.0.0.1:{port}")
        return s

    def missed_reconnects():
        """Refused attempts after the first (refused before the kernel existed), over shell and IOPub."""
        missed = 0
        for s, m in monitors:
            retries = 0
            while m.poll(0):
                event = zmq.utils.monitor.recv_monitor_message(m)["event"]
                retries += event == zmq.EVENT_CONNECT_RETRIED
            missed += max(0, retries - 1)
            s.disable_monitor()
            m.close(0)
        return missed

    monitors = []
    shell = sock(zmq.DEALER, conn["shell_port"], monitored=True)
    control = sock(zmq.DEALER, conn["control_port"])
    iopub = sock(zmq.SUB, conn["iopub_port"], monitored=True)
    iopub.setsockopt(zmq.SUBSCRIBE, b"")
    poller = zmq.Poller()
    poller.register(shell, zmq.POLLIN)
    poller.register(iopub, zmq.POLLIN)

    def request(msg_type, content, wait_idle=True, timeout=60.0):
        """Sends a shell request; returns (reply, iopub messages) once the reply (and idle) arrived."""
        msg_id = session.send(shell, msg_type, content)["header"]["msg_id"]
        reply, idle, outputs = None, not wait_idle, []
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{msg_type}: no reply within {timeout} s")
            for s, _ in poller.poll(left * 1000):
                _, msg = session.recv(s, mode=0)
                if msg is None or msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if s is shell:
                    reply = msg
                elif msg["msg_type"] == "status":
                    idle = idle or msg["content"]["execution_state"] == "idle"
                else:
                    outputs.append(msg)
        return reply, outputs

    def execute(code):
        t0 = time.perf_counter()
        reply, outputs = request("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        ms = (time.perf_counter() - t0) * 1000
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cell failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}\n{code}")
        return ms, outputs

    result = {"startup": None, "first": None, "missed": None, "cells": {}, "after": [], "probe": None, "cpu_per_cell": None}
    t0 = time.perf_counter()
    child = subprocess.Popen(plan["argv"], cwd=plan["cwd"], env={**os.environ, **plan["env"]}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        session.send(shell, "kernel_info_request", {})  # queued by ZeroMQ until the kernel binds
        if not shell.poll(60_000) or session.recv(shell, mode=0)[1] is None:
            raise TimeoutError("no kernel_info_reply within 60 s")
        result["startup"] = (time.perf_counter() - t0) * 1000
        # PUB/SUB drops what was published before the subscription was live: wait for IOPub,
        # asking every 50 ms (a coarser retry would add up to its own period to 'first').
        while True:
            try:
                request("kernel_info_request", {}, timeout=0.05)
                break
            except TimeoutError:
                pass
        for i, code in enumerate(plan["warmup"]):
            ms, _ = execute(code)
            if i == 0:
                result["first"] = (time.perf_counter() - t0) * 1000
                result["missed"] = missed_reconnects()
        time.sleep(plan.get("settle", 0))  # a person reading the first output (--settle)
        cpu0 = cpu_ms(child.pid)
        for rnd in plan["rounds"]:
            for name, code in zip(plan["names"], rnd):
                result["cells"].setdefault(name, []).append(execute(code)[0])
        cells = sum(len(rnd) for rnd in plan["rounds"])
        result["cpu_per_cell"] = (cpu_ms(child.pid) - cpu0) / cells if cells else None
        for code in plan["filler"]:
            execute(code)
        result["after"] = [execute(code)[0] for code in plan["after"]]
        probe = plan.get("probe")
        if probe:
            time.sleep(1.5)  # a quiet moment: the background checker gets its turn
            def text_of(msg):
                c = msg["content"]
                return c.get("text", "") + c.get("evalue", "") + "".join(c.get("traceback", []))

            reply, outputs = request("execute_request", {"code": probe["code"], "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            text = text_of(reply) + "".join(text_of(m) for m in outputs)
            deadline = time.monotonic() + 30
            while not re.search(probe["expect"], text) and time.monotonic() < deadline:
                for s, _ in poller.poll(200):  # a check that finished after the reply arrives late
                    _, msg = session.recv(s, mode=0)
                    if msg is not None and s is iopub:
                        text += text_of(msg)
            result["probe"] = bool(re.search(probe["expect"], text))
        session.send(control, "shutdown_request", {"restart": False})
        control.poll(3000)
    except Exception as err:  # reported in the table, the other kernels still run
        result["error"] = str(err).splitlines()[0]
    finally:
        time.sleep(0.3)
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
        ctx.destroy(linger=0)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
