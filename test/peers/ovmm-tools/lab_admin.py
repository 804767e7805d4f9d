# The REST lab's admin hook (test/lab/ovm/admin.ts) as the Manager stubs call it: JSON over plain HTTP on 127.0.0.1.
# Imported by ovmm_stub.py and ovm_cli_stub.py (copied next to each).
import json
import urllib.request


def admin(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None
