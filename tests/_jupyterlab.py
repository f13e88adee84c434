"""A throw-away JupyterLab server on the loopback interface, for the browser tests.

Fresh settings and workspace folders (autosave off, every cell painted: ``windowingMode``
``none``), a random token, a free port, ``--allow-root`` when root. Kernels get one torch
thread and inline figures.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _chromium import patient

SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "jupyterlab-rise/plugin": {"theme": "white"},  # "simple", the default, imports web fonts
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    def __init__(self, root: Path, scratch: Path):
        self.root, self.port, self.token = root, free_port(), secrets.token_hex(16)
        settings = scratch / "settings"
        for plugin, values in SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(
            os.environ,
            GENAI_COURSE_THREADS="1",
            OMP_NUM_THREADS="1",
            JUPYTER_CONFIG_DIR=str(scratch / "config"),
            JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        )
        env.pop("MPLBACKEND", None)
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
            "--LabApp.news_url=",
            "--ServerApp.open_browser=False",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = (scratch / "jupyterlab.log").open("w")
        self.process = subprocess.Popen(
            command, cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_ready(scratch / "jupyterlab.log")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"

    def api(self, path: str):
        request = urllib.request.Request(
            f"{self.base}/api/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=patient(10)) as response:
            return json.loads(response.read())

    def _wait_ready(self, log: Path, timeout: float | None = None) -> None:
        timeout = timeout or patient(90)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {self.process.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}"
        )

    def kernel_state(self, notebook: str) -> str | None:
        """The execution state of the kernel of the session for ``notebook`` (None: no session)."""
        for session in self.api("sessions"):
            if session.get("path", "").endswith(notebook) and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
