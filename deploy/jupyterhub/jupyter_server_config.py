"""Each person's single-user server: Jupyter Server with the Voilà extension, for workbooks.

Used by jupyterhub_config.py (passed with --config) and, in a Kubernetes image, copied to
/etc/jupyter/jupyter_server_config.py (see README.md in this folder).
"""

c = get_config()  # type: ignore[name-defined]  # noqa: F821

# This server is for the workbooks: no terminals, and Voilà pages with the coach's template
# (found through JUPYTER_PATH, which the hub or the image sets).
c.ServerApp.terminals_enabled = False
c.VoilaConfiguration.template = "mentor"
c.VoilaConfiguration.show_tracebacks = False
# A page's kernel is stopped once nobody has used it for 10 minutes (pages also stop it when
# they close); a person's whole server is stopped by the hub's idle culler.
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
