"""Where :mod:`expressivity.proofs` and :mod:`expressivity.paper_figures` come from.

The repository keeps the claim registry and the paper figures in the top-level folders
``proofs/`` and ``paper_figures/`` (the project's layout).  They are *installed* as the
subpackages ``expressivity.proofs`` and ``expressivity.paper_figures`` (the wheel maps the
folders there, see ``pyproject.toml``), so that no generic top-level name such as ``proofs``
is installed where another distribution could shadow or overwrite it.  In a source tree (a
clone, or an editable install) those subpackages are not inside ``expressivity/``; this module
adds an import finder that serves exactly these two names from the repository folders, so the
code imports one name, ``expressivity.proofs``, everywhere.

``python -m proofs.certificate_check`` keeps working from a clone (the checker is a standalone,
standard-library-only file); an installed copy runs it as
``python -m expressivity.proofs.certificate_check``.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys

__all__ = ["REPOSITORY_FOLDERS", "install_repository_finder"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_PACKAGE_DIR)

#: installed subpackage -> repository folder
REPOSITORY_FOLDERS = {"expressivity.proofs": "proofs", "expressivity.paper_figures": "paper_figures"}


class _RepositoryFolders(importlib.abc.MetaPathFinder):
    """Serve ``expressivity.proofs`` / ``expressivity.paper_figures`` from the repository folders."""

    def find_spec(self, fullname, path=None, target=None):
        folder = REPOSITORY_FOLDERS.get(fullname)
        if folder is None:
            return None
        location = os.path.join(_ROOT, folder)
        return importlib.util.spec_from_file_location(
            fullname, os.path.join(location, "__init__.py"), submodule_search_locations=[location])


def _is_source_tree() -> bool:
    installed = os.path.isdir(os.path.join(_PACKAGE_DIR, "proofs"))
    return (not installed and os.path.isfile(os.path.join(_ROOT, "pyproject.toml"))
            and all(os.path.isfile(os.path.join(_ROOT, f, "__init__.py")) for f in REPOSITORY_FOLDERS.values()))


def install_repository_finder() -> None:
    """Add the finder once, in a source tree only (an installed wheel has the real subpackages)."""
    if _is_source_tree() and not any(isinstance(f, _RepositoryFolders) for f in sys.meta_path):
        sys.meta_path.append(_RepositoryFolders())
