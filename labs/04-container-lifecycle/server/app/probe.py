"""A health probe for server.py: exit 0 when /healthz answers 200 within 2 s, else 1.

The image has no curl or wget, and the probe runs inside the container, so Python it is.
It asks 127.0.0.1: a health probe checks this container's own server, over loopback.
"""

import http.client
import os
import sys

try:
    conn = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8080")), timeout=2)
    conn.request("GET", "/healthz")
    status = conn.getresponse().status
except OSError as e:
    print(f"unhealthy: {e}")
    sys.exit(1)
print(f"/healthz answered {status}")
sys.exit(0 if status == 200 else 1)
