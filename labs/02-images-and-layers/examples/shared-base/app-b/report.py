"""App B: prints where its interpreter lives."""

import sys

print(f"app B runs {sys.executable}")
