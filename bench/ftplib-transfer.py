# One transfer through Python's ftplib, in a process of its own, for the benchmarks.
# Usage: ftplib-transfer.py HOST PORT USER PASSWORD JOB_JSON (jobs.ts: large-down, large-up)
# Prints {"ms": ..., "bytes": ...}: from before connecting to after QUIT, as the others.
# Blocks of 64 KiB (ftplib's default is 8 KiB), so that Python is not held back by it.
import ftplib
import json
import sys
import time

BLOCK = 64 * 1024


class Zeros:
    """A file-like source of `size` bytes from memory."""

    def __init__(self, size):
        self.left = size
        self.block = bytes(BLOCK)

    def read(self, n=BLOCK):
        n = min(n, self.left, BLOCK)
        self.left -= n
        return self.block if n == BLOCK else self.block[:n]


def main():
    host, port, user, password, job_json = sys.argv[1:6]
    job = json.loads(job_json)
    started = time.perf_counter()
    ftp = ftplib.FTP()
    ftp.connect(host, int(port), timeout=60)
    ftp.login(user, password)
    received = 0
    if job['kind'] == 'large-down':
        if job['local'] is None:
            def count(block):
                nonlocal received
                received += len(block)
            ftp.retrbinary('RETR ' + job['remote'], count, blocksize=BLOCK)
        else:
            with open(job['local'], 'wb') as out:
                ftp.retrbinary('RETR ' + job['remote'], out.write, blocksize=BLOCK)
            received = job['size']
    elif job['kind'] == 'large-up':
        if job['local'] is None:
            ftp.storbinary('STOR ' + job['remote'], Zeros(job['size']), blocksize=BLOCK)
        else:
            with open(job['local'], 'rb') as source:
                ftp.storbinary('STOR ' + job['remote'], source, blocksize=BLOCK)
        received = job['size']
    else:
        raise SystemExit('ftplib-transfer.py: unknown job ' + job['kind'])
    ftp.quit()
    print(json.dumps({'ms': (time.perf_counter() - started) * 1000, 'bytes': received}))


main()
