"""nbclient executes a notebook on the flowlab kernel: state across cells, a display that is
then updated in place (update_display_data), an error cell under allow_errors, and the cells
after it still running with the earlier state.
"""
import sys

import nbformat
from nbclient import NotebookClient

cells = [
    "let base = 20;\nfunction twice(x: number): number { return 2 * x; }",
    "twice(base) + 2",
    'const handle = display(html`<b>first</b>`, { id: "live" });\nhandle.update(html`<b>second</b>`);\nconsole.log("printed");',
    'throw new Error("expected failure")',
    "interface P { x: number }\nconst p: P = { x: base };\np.x + 1",
]
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
nb.metadata["kernelspec"] = {"name": "flowlab", "display_name": "TypeScript (flowlab)", "language": "typescript"}

client = NotebookClient(nb, kernel_name="flowlab", timeout=60, startup_timeout=60, allow_errors=True)
client.execute()

out = [c.outputs for c in nb.cells]
problems = []


def expect(cond, what):
    if not cond:
        problems.append(what)


expect(out[0] == [], f"cell 1 should print nothing, got {out[0]}")
expect([o.get("output_type") for o in out[1]] == ["execute_result"] and out[1][0]["data"]["text/plain"] == "42", f"cell 2: {out[1]}")
expect(out[1] and out[1][0].get("execution_count") == 2, "cell 2 execution_count 2")
displays = [o for o in out[2] if o["output_type"] == "display_data"]
expect(len(displays) == 1 and displays[0]["data"]["text/html"] == "<b>second</b>", f"cell 3 display updated in place: {out[2]}")
expect(any(o["output_type"] == "stream" and "printed" in o["text"] for o in out[2]), "cell 3 stream")
errs = [o for o in out[3] if o["output_type"] == "error"]
expect(len(errs) == 1 and errs[0]["ename"] == "Error" and errs[0]["evalue"] == "expected failure", f"cell 4 error: {out[3]}")
expect([o.get("data", {}).get("text/plain") for o in out[4] if o["output_type"] == "execute_result"] == ["21"], f"cell 5: {out[4]}")
expect(nb.metadata.get("language_info", {}).get("name") == "typescript", "language_info in notebook metadata")

print(nbformat.writes(nb)[:2000])
if problems:
    print("PROBLEMS:\n" + "\n".join(problems))
    sys.exit(1)
print("nbclient OK")
