#!/usr/bin/env python3
"""The disk alone, as PostgreSQL's commits use it: an 8 KB write plus fdatasync, paced at RATE per
second for SECONDS, in a preallocated file in DIR (the database's directory, so the same disk).
Prints one line: percentiles of one write+flush, the number that took over 20 ms, and the time
spent in those. Usage: disk_probe.py DIR RATE SECONDS"""
import os
import sys
import time

directory, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
path = os.path.join(directory, "disk_probe.bin")
span = 16 << 20  # written round and round, as a WAL segment of PostgreSQL's default size
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
try:
    os.posix_fallocate(fd, 0, span)
    os.fsync(fd)
    block = os.urandom(8192)
    took, offset = [], 0
    start = time.monotonic()
    next_write = start
    while next_write - start < seconds:
        now = time.monotonic()
        if now < next_write:
            time.sleep(next_write - now)
        next_write += 1.0 / rate
        t = time.monotonic()
        os.pwrite(fd, block, offset)
        os.fdatasync(fd)
        took.append(time.monotonic() - t)
        offset = (offset + len(block)) % span
finally:
    os.close(fd)
    os.unlink(path)
took.sort()
n = len(took)
def ms(q):
    return took[min(n - 1, int(q * n))] * 1000
slow = [t for t in took if t > 0.020]
print(f"RESULT writes={n} p50_ms={ms(0.5):.2f} p99_ms={ms(0.99):.2f} p999_ms={ms(0.999):.2f} "
      f"max_ms={took[-1] * 1000:.1f} over_20ms={len(slow)} stalled_ms={sum(slow) * 1000:.0f}")
