"""App A: prints which Python it runs on."""

import platform

print(f"app A runs on Python {platform.python_version()}")
