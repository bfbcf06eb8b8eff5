"""Public-API fuzz suite (issue 11, CONVENTIONS item 18).

- ``core``: how a call is specified (``Spec``, ``Arg``, ``Scalar``) and how each argument is
  mutated into cases;
- ``classify``: how the outcome of one case is judged;
- ``runner``: runs an area's cases in a worker process with a per-case time limit;
- ``specs_<area>``: the valid call of every public name of ``statlearn.<area>``;
- ``allowlist/<area>.txt``: the reviewed exceptions, one ``case-id-glob  # reason`` a line.

Fuzz one area or one name from the repository root::

    .venv/bin/python -m tests.fuzz --area calibration [--name brier_score] [--all] [--prune]

Full how-to for area helpers: /work/coord/fuzz/HOWTO.md.
"""
