"""Chapter 3's layer-order example: the source file that you edit between builds."""

import sys

print("hello from the layer-order example, on Python", sys.version.split()[0])
