"""Root pytest configuration: notebooks run as in the book build.

LSTMLIB_BOOK=1 makes lstmlib emit the static figures the book shows, so that
nbval compares fresh outputs with the stored ones. Kernels inherit the variable.
"""
import os

os.environ["LSTMLIB_BOOK"] = "1"
os.environ.setdefault("PYTHONHASHSEED", "0")
