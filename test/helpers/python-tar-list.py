"""Lists tar archives with Python's tarfile, one per line: base64 in, one JSON line out.

Kept running for many archives so a property test pays Python's start-up once.
"""
import base64, io, json, sys, tarfile

def kind(m):
    if m.isfile(): return "file"
    if m.isdir(): return "directory"
    if m.issym(): return "symlink"
    return "other"

for line in sys.stdin:
    data = base64.b64decode(line)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as t:
            members = [[m.name, kind(m), m.offset, m.offset_data, m.size] for m in t.getmembers()]
        out = {"ok": True, "members": members}
    except Exception as e:  # any refusal counts: tarfile raises more than ReadError on garbage
        out = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
