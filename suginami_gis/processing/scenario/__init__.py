"""The parts of suginami:scenario by job: input checks (settings.py), the children's parameters
(wiring.py), the chain runner (chain.py), the comparison (comparison.py; its arithmetic is in
core/comparison.py) and the packaging of the folder (packaging.py). The algorithm itself,
processing/algorithms/scenario.py, declares the parameters and delegates.
"""
