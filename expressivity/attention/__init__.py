"""Lightning self-attention: coefficient tensors, dimension, invariant families, implicitization.

See ``docs/lightning.md``; papers ADM26 and HMK25 of ``docs/references.bib``.  Submodules: :mod:`.model`
(parametrisation, tensors T and P, counts N(d,t)), :mod:`.families` (the invariant families),
:mod:`.verification` (symbolic / numeric / non-triviality checks), :mod:`.dimension`
(Jacobian ranks and the exact dimension certificate), :mod:`.implicitization` (graded mod-p
implicitisation and family coverage), :mod:`.check_point` (membership tests for coefficient files),
:mod:`.cost` (size estimates made before anything large is built), :mod:`.cross_rows` (invariants
coupling output rows that share A), :mod:`.weights` (``(V, Q, K)`` from ``.npz`` / ``.safetensors``).
"""

from .check_point import *  # noqa: F401,F403
from .check_point import __all__ as _cp_all
from .cost import *  # noqa: F401,F403
from .cost import __all__ as _cost_all
from .cross_rows import *  # noqa: F401,F403
from .cross_rows import __all__ as _rows_all
from .dimension import *  # noqa: F401,F403
from .dimension import __all__ as _dim_all
from .families import *  # noqa: F401,F403
from .families import __all__ as _fam_all
from .implicitization import *  # noqa: F401,F403
from .implicitization import __all__ as _imp_all
from .model import *  # noqa: F401,F403
from .model import __all__ as _model_all
from .verification import *  # noqa: F401,F403
from .verification import __all__ as _ver_all
from .weights import *  # noqa: F401,F403
from .weights import __all__ as _w_all

__all__ = [*_model_all, *_fam_all, *_ver_all, *_dim_all, *_imp_all, *_cp_all, *_cost_all, *_rows_all, *_w_all]
