"""JupyterHub for Mentor Workbook: each person logs in and gets their own single-user
server, which opens the workbooks in Voilà; everyone's records live in one shared
PostgreSQL database and the corpus index in one shared chroma server.

Run it from the repository (after `make hub-install`, see deploy/jupyterhub/README.md):

    COACH_DATABASE_URL=postgresql://mentor:...@db:5432/mentor \\
    COACH_CHROMA_URL=http://chroma:8000 \\
    .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Everything below is read from the environment, so the same file serves a trial on one
machine and a real deployment:

- ``COACH_DATABASE_URL`` / ``COACH_CHROMA_URL`` / ``OPENAI_*`` / other ``COACH_*``: passed on
  to every single-user server (and never written to a notebook or a log).
- ``MW_HUB_AUTHENTICATOR``: ``pam`` (default: the machine's own accounts, with servers
  started as those users), or ``dummy`` for a trial: any name logs in with the shared
  password ``MW_HUB_PASSWORD`` and servers run as the hub's own user. Any other value is an
  authenticator class by import name (e.g. ``oauthenticator.GenericOAuthenticator``),
  configured further in a file of your own that loads this one.
- ``MW_HUB_HOME``: where each person's folder is made when servers run as the hub's user
  (``{username}`` is replaced); default ``~/mentor-hub/{username}``.
- ``MW_HUB_BIND_URL``: the public address (default ``http://127.0.0.1:8000``).
- ``MW_HUB_IDLE_MINUTES``: stop a person's server after this many idle minutes (default 30).
"""

# ruff: noqa: F821  (get_config is provided by JupyterHub when it loads this file)

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from coach.cli.serve import voila_env

c = get_config()  # type: ignore[name-defined]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORKBOOKS = Path(os.environ.get("MW_WORKBOOKS", REPO / "workbooks")).resolve()
PYTHON_BIN = Path(sys.executable).parent
# The node proxy installed by `make hub-install` (npm install configurable-http-proxy).
LOCAL_PROXY = REPO / ".venv" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"

# --- the hub ------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("MW_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
if LOCAL_PROXY.exists() and not shutil.which("configurable-http-proxy"):
    c.ConfigurableHTTPProxy.command = [str(LOCAL_PROXY)]
# Open the workbook app after login rather than the hub's home page.
c.JupyterHub.default_url = "/hub/user-redirect/voila/render/app.ipynb"

# --- who may log in -----------------------------------------------------------------------
auth = os.environ.get("MW_HUB_AUTHENTICATOR", "pam")
if auth == "dummy":
    # A trial or a test: one shared password, anyone may pick a name. Never on the internet.
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ.get("MW_HUB_PASSWORD", "")
    if not c.DummyAuthenticator.password:
        raise SystemExit("MW_HUB_AUTHENTICATOR=dummy needs MW_HUB_PASSWORD (a shared password).")
    c.Authenticator.allow_all = True
    # servers run as the hub's user, each in its own folder
    c.JupyterHub.spawner_class = "simple"
    home = os.environ.get("MW_HUB_HOME", str(Path.home() / "mentor-hub" / "{username}"))
    c.SimpleLocalProcessSpawner.home_dir_template = home
elif auth == "pam":
    c.JupyterHub.authenticator_class = "pam"
    c.JupyterHub.spawner_class = "localprocess"  # as the person's own system account
else:
    c.JupyterHub.authenticator_class = auth

# --- each person's single-user server -----------------------------------------------------
# Jupyter Server with the Voilà extension, rooted at the workbooks, set up for workbooks only
# by jupyter_server_config.py beside this file.
c.Spawner.cmd = [str(PYTHON_BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = str(WORKBOOKS)
c.Spawner.default_url = "/voila/render/app.ipynb"
c.Spawner.args = [f"--config={HERE / 'jupyter_server_config.py'}"]
if auth == "dummy" and os.geteuid() == 0:
    # a trial hub started as root (a container, CI) runs the servers as root too
    c.Spawner.args.append("--ServerApp.allow_root=True")
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
# What the workbooks need: the shared stores and keys, never written into a page or a log.
# JupyterHub sets JUPYTERHUB_USER, which the workbooks use as the owner of every record.
c.Spawner.env_keep = [
    "PATH",
    "LANG",
    "LC_ALL",
    "VIRTUAL_ENV",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    *sorted(k for k in os.environ if k.startswith("COACH_") and k != "COACH_HOME"),
]


# Each person's COACH_HOME (logs, any local fallback) is under their own HOME, which the
# spawner sets; the page template comes from the installed package.
c.Spawner.environment = {
    "JUPYTER_PATH": voila_env({})["JUPYTER_PATH"],
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

# Stop idle servers (the hub's own service; its API token stays inside the hub).
idle = int(os.environ.get("MW_HUB_IDLE_MINUTES", "30"))
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle * 60}"],
    }
]
