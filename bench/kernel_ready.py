"""Starts one Jupyter kernel the way Jupyter's own tools do and times it: jupyter_client's
KernelManager.start_kernel(), then client.wait_for_ready() (the handshake nbclient, jupyter
console and jupyter_server's kernel start go through: kernel_info requests until a reply and an
IOPub message arrive, then 0.2 s of IOPub quiet), then a first `1 + 1`-style cell. The other half
of bench/kernel.ts's start-up columns, which time the kernel with bench/kernel_client.py's own
minimal handshake.

Plan on stdin (JSON): {"argv": [... with "{connection_file}"], "env": {...}, "cwd": str, "code": str}
Prints {"ready": ms, "first": ms} (both from the start_kernel call) or {"error": str}.
Usage: python3 bench/kernel_ready.py < plan.json
"""
import json
import os
import shutil
import sys
import tempfile
import time


def main():
    plan = json.load(sys.stdin)
    home = tempfile.mkdtemp(prefix="flowlab-ready-")
    spec_dir = os.path.join(home, "kernels", "bench")
    os.makedirs(spec_dir)
    with open(os.path.join(spec_dir, "kernel.json"), "w") as f:
        json.dump({"argv": plan["argv"], "display_name": "bench", "language": "bench", "env": plan["env"]}, f)
    # Only this spec is visible, and nothing is written to the user's Jupyter folders.
    os.environ.update({"JUPYTER_PATH": home, "JUPYTER_DATA_DIR": home, "JUPYTER_RUNTIME_DIR": os.path.join(home, "runtime")})
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="bench")
    # The client's one-time set-up is not the kernel's: finding the kernelspec folders imports
    # IPython on the first start in a process (~0.4 s here), so it happens before the clock starts.
    km.kernel_spec  # noqa: B018 (read for its side effect)
    result = {}
    kc = None
    try:
        t0 = time.perf_counter()
        km.start_kernel(cwd=plan["cwd"])
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        result["ready"] = (time.perf_counter() - t0) * 1000
        msg_id = kc.execute(plan["code"])
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        result["first"] = (time.perf_counter() - t0) * 1000
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"first cell failed: {reply['content'].get('evalue')}")
    except Exception as err:  # reported in the table; the other kernels still run
        result = {"error": str(err).splitlines()[0] if str(err) else type(err).__name__}
    finally:
        if kc is not None:
            kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(home, ignore_errors=True)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
