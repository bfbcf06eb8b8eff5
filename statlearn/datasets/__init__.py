"""Real data sets shipped inside installable packages, and the papers' synthetic generators.

No function here downloads anything: real data are read from files inside
installed packages (the ``data`` extra) or bundled with statlearn.
"""

from ._real import *  # noqa: F403
from ._real import __all__ as _real_all
from ._synthetic_adaptive import *  # noqa: F403
from ._synthetic_adaptive import __all__ as _adaptive_all
from ._synthetic_bandits import *  # noqa: F403
from ._synthetic_bandits import __all__ as _bandits_all
from ._synthetic_calibration import *  # noqa: F403
from ._synthetic_calibration import __all__ as _calibration_all
from ._synthetic_online import *  # noqa: F403
from ._synthetic_online import __all__ as _online_all
from ._synthetic_ordinal import *  # noqa: F403
from ._synthetic_ordinal import __all__ as _ordinal_all
from ._synthetic_quantile import *  # noqa: F403
from ._synthetic_quantile import __all__ as _quantile_all

__all__ = sorted(
    [*_real_all, *_adaptive_all, *_bandits_all, *_calibration_all, *_online_all,
     *_ordinal_all, *_quantile_all]
)
