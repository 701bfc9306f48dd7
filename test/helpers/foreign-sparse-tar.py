"""Writes a tar whose big members are holes, so a 9 GiB member costs no disk and no write time.

Python's tarfile makes every header (TarInfo.tobuf), so the size encodings are a foreign
writer's: a PAX `size` record (PAX) or a GNU base-256 size field (GNU) past 8 GiB.

usage: python3 foreign-sparse-tar.py OUT FORMAT < spec.json
spec: a JSON list of {"name", "text"} (data), {"name", "hole": N} (N bytes never written) or
{"copy": "other.tar"} (every regular file of that tar, in its order); copy entries may carry
"first": [names] to move those members to the front.
"""
import json
import sys
import tarfile

out, fmt = sys.argv[1], getattr(tarfile, sys.argv[2] + "_FORMAT")
spec = json.load(sys.stdin)


def header(name, size):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, 1700000000, 0o644
    return info.tobuf(format=fmt, encoding="utf-8", errors="surrogateescape")


def members(item):
    if "copy" not in item:
        yield item["name"], item.get("text", "").encode(), item.get("hole")
        return
    with tarfile.open(item["copy"]) as t:
        files = [m for m in t.getmembers() if m.isfile()]
        first = item.get("first", [])
        files.sort(key=lambda m: first.index(m.name) if m.name in first else len(first))
        for m in files:
            yield m.name, t.extractfile(m).read(), None


with open(out, "wb") as f:
    for item in spec:
        for name, data, hole in members(item):
            size = len(data) if hole is None else hole
            f.write(header(name, size))
            if hole is None:
                f.write(data)
            else:
                f.seek(hole, 1)
            f.seek(-size % 512, 1)
    f.write(b"\0" * 1024)
    f.truncate()
