"""The registry client's way of sending S3 multipart parts, with the standard library: a pool of
threads, each reading its whole part into memory and PUTting it (the client does this with httpx,
five workers), then CompleteMultipartUpload. Usage: python3 registry_client_upload.py FILE DETAILS.json
Prints peak RSS (KiB) as JSON on stdout."""
import http.client
import json
import resource
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor


def request(method, url, body=None, headers=None):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    conn.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    conn.close()
    if res.status >= 300:
        raise RuntimeError(f"{method} {u.path}: {res.status} {data[:200]!r}")
    return res, data


def main():
    path, details_path = sys.argv[1], sys.argv[2]
    with open(details_path) as f:
        details = json.load(f)

    def put_part(part):
        with open(path, "rb") as f:
            f.seek(part["start_byte"])
            data = f.read(part["end_byte"] - part["start_byte"] + 1)
        res, _ = request("PUT", part["url"], body=data)
        return part["part_number"], res.getheader("ETag")

    with ThreadPoolExecutor(max_workers=5) as pool:
        etags = sorted(pool.map(put_part, details["parts"]))
    xml = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>" for n, e in etags
    ) + "</CompleteMultipartUpload>"
    request("POST", details["complete_url"], body=xml.encode(), headers={"Content-Type": "application/xml"})
    print(json.dumps({"rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


main()
