"""The supervisor's workbench (``analyzer serve``): a local web application over a workspace.

``create_app(workspace, …)`` builds it; ``store`` keeps the workspace's SQLite
file and uploads, ``workbench`` runs the analysis in the background and holds
the derived views, ``views`` gives each page its data, ``decisions`` applies
a supervisor's decisions before the score is computed again, ``exports``
builds the downloads with the analyzer's own writers, ``security`` guards it.
"""

from analyzer.serve.app import create_app

__all__ = ["create_app"]
