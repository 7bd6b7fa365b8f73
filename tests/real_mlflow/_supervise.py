"""Runs one command (an MLflow server) in its own process group, its output appended to a log
file, until standard input closes; then ends the whole group (the server's workers and job
runners included): SIGTERM, and SIGKILL after ten seconds. If the test process dies, its end of
the pipe closes too, so no server outlives the tests.

Usage: python _supervise.py <log file> <command> [args...]
"""

import os
import signal
import subprocess
import sys


def main() -> None:
    log_path, command = sys.argv[1], sys.argv[2:]
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        try:
            sys.stdin.read()
        finally:
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(child.pid, sig)
                    child.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break
            # The group may outlive its leader (uvicorn workers): end what is left.
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    main()
