"""Executes notebooks with nbclient on the installed `flowlab` kernel (a real Jupyter client).

Usage: python3 nbclient_run.py NOTEBOOK... ; prints every PASS/FAIL claim line and exits 1 on a
cell error, a type error reported by the kernel, a FAIL claim, or a notebook that printed no claim.
"""
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

bad = 0
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="flowlab", timeout=600, startup_timeout=120,
                            resources={"metadata": {"path": path.rsplit("/", 1)[0]}})
    t0 = time.time()
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"ERROR {path}: {str(e)[:2000]}")
        bad += 1
        continue
    claims = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                claims += [l.strip() for l in out["text"].splitlines() if l.strip().startswith(("PASS:", "FAIL:"))]
            if out.get("output_type") == "stream" and "error TS" in out.get("text", ""):
                print(f"{path}: type error reported by the kernel: {out['text'][:500]}")
                bad += 1
    for c in claims:
        print(f"{path}: {c}")
    if not claims or any(c.startswith("FAIL:") for c in claims):
        print(f"BAD {path}: {'no claim printed' if not claims else 'a claim FAILed'}")
        bad += 1
    print(f"{path}: {time.time() - t0:.1f} s", flush=True)
sys.exit(1 if bad else 0)
