"""A private sshd on 127.0.0.1 at an ephemeral port, for running the reader over `ssh -t`.

Keys, config and the authorized key live in the test's tmp dir; the server runs in the
foreground (-D) as the current user and is killed at the end. `skip_reason()` says why it cannot
run here (no sshd or ssh, or no privilege-separation directory when run as root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def skip_reason() -> str:
    if not Path(SSHD).exists() or not shutil.which("ssh") or not shutil.which("ssh-keygen"):
        return "needs sshd, ssh and ssh-keygen (openssh-server, openssh-client)"
    if os.geteuid() == 0 and not Path("/run/sshd").is_dir():
        try:
            Path("/run/sshd").mkdir(mode=0o755)
        except OSError:
            return "sshd as root needs /run/sshd"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ssh_server(tmp: Path) -> Iterator[list[str]]:
    """Start sshd; yields the `ssh -t …` argument list (add the remote command)."""
    tmp.mkdir(parents=True, exist_ok=True)
    host_key, user_key = tmp / "host_key", tmp / "user_key"
    for key in (host_key, user_key):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
            check=True,
            capture_output=True,
        )
    authorized = tmp / "authorized_keys"
    authorized.write_text((tmp / "user_key.pub").read_text())
    authorized.chmod(0o600)
    port = _free_port()
    options = {
        "ListenAddress": f"127.0.0.1:{port}",
        "HostKey": str(host_key),
        "AuthorizedKeysFile": str(authorized),
        "PidFile": str(tmp / "sshd.pid"),
        "StrictModes": "no",
        "UsePAM": "no",
        "PasswordAuthentication": "no",
        "KbdInteractiveAuthentication": "no",
        "PermitRootLogin": "prohibit-password",
        "PermitTTY": "yes",
    }
    command = [SSHD, "-D", "-e", "-f", "/dev/null"]
    for name, value in options.items():
        command += ["-o", f"{name}={value}"]
    log = (tmp / "sshd.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until it listens (or has died)
            if server.poll() is not None:
                raise RuntimeError(f"sshd exited: {(tmp / 'sshd.log').read_text()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield [
            "ssh",
            "-t",
            "-p",
            str(port),
            "-i",
            str(user_key),
            "-F",
            "/dev/null",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={tmp / 'known_hosts'}",
            "-o",
            "LogLevel=ERROR",
            "127.0.0.1",
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
