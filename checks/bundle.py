"""placeholder"""
from __future__ import annotations
def command(args, console):  # noqa
    return 0
