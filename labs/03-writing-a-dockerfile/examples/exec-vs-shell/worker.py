"""A long-running worker that shuts down cleanly when it is asked to."""

import signal
import sys
import time


def stop(signum: int, _frame: object) -> None:
    print(f"worker got signal {signum}: finishing up and exiting", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
print("worker started", flush=True)
while True:
    time.sleep(1)
