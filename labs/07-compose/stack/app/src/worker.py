"""The worker: takes jobs from the store's `jobs` list, does them (upper-cases the text and
counts its words) and keeps the last ten results in `done`. It has no port and no state of
its own, so you can run several (`up --scale worker=3`)."""

import signal
import sys
import time

from store import Store, StoreError

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("worker: started", flush=True)
while True:
    try:
        with Store(timeout=10) as store:
            while True:
                store.call("SET", "worker:seen", time.strftime("%H:%M:%S"))
                job = store.call("BLPOP", "jobs", 2)  # wait up to 2 s for a job, then say hello again
                if isinstance(job, list) and len(job) == 2:
                    text = str(job[1])
                    store.call("LPUSH", "done", f"{text.upper()} ({len(text.split())} words)")
                    store.call("LTRIM", "done", 0, 9)
                    print(f"worker: did {text!r}", flush=True)
    except StoreError as e:  # the store restarted, or is not up yet: try again shortly
        print(f"worker: {e}; retrying", flush=True)
        time.sleep(1)
