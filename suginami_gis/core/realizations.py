"""One meaning of REALIZATIONS for every model, and one upper bound.

``0`` asks for the deterministic result where the method has one: exact expected values for
damage, the median ground motion, routing on expected (unsampled) street states. Fire spread has
no deterministic form (ignitions are sampled), so it needs at least one realization.
"""

from __future__ import annotations

from .errors import InputError

# Upper bound of REALIZATIONS in every algorithm (memory grows with it: one raster band or one
# sampled state per realization).
MAX_REALIZATIONS = 100_000
# The seed every algorithm starts from unless told otherwise, so two runs give the same numbers.
DEFAULT_SEED = 42


def check_realizations(realizations: int, minimum: int = 0, parameter: str = "REALIZATIONS") -> int:
    """``realizations`` as an int within [minimum, MAX_REALIZATIONS], or an InputError naming the bounds."""
    if isinstance(realizations, bool) or int(realizations) != realizations:
        raise InputError(f"the number of realizations must be a whole number, got {realizations!r}", parameter)
    value = int(realizations)
    if not minimum <= value <= MAX_REALIZATIONS:
        if minimum >= 1 and value == 0:
            raise InputError(
                "this model has no deterministic form (REALIZATIONS = 0): give at least 1 realization", parameter
            )
        raise InputError(
            f"the number of realizations must be between {minimum} and {MAX_REALIZATIONS}, got {value}", parameter
        )
    return value
