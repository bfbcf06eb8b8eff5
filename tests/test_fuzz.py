"""Public-API fuzz suite (CONVENTIONS item 18; harness in tests/fuzz/, HOWTO in tests/fuzz/__init__.py).

Every name in an area's ``__all__`` has a call spec in ``tests/fuzz/specs_<area>.py`` or a
"not fuzzable" reason. Each array (or scalar) argument is mutated; an outcome that is an obscure
error, a silent NaN/inf, an accepted invalid input or a changed valid variant fails the test
unless ``tests/fuzz/allowlist/<area>.txt`` lists it with a reason. Cases run in a worker process
with a per-case time limit, so a hang fails instead of blocking.
"""

import importlib

import pytest

from tests.fuzz.runner import AREAS, load_specs, read_allowlist, run_area, triage


@pytest.mark.parametrize("area", AREAS)
def test_every_public_name_has_a_spec(area):
    public = set(importlib.import_module(f"statlearn.{area}").__all__)
    mod = importlib.import_module(f"tests.fuzz.specs_{area}")
    specs = load_specs(area)
    ids = [s.id for s in specs]
    assert len(ids) == len(set(ids)), f"duplicate spec ids in specs_{area}.py"
    covered = {s.name for s in specs}
    skipped = mod.NOT_FUZZABLE
    assert all(isinstance(r, str) and r.strip() for r in skipped.values()), "every entry needs a reason"
    missing = sorted(public - covered - set(skipped))
    assert not missing, f"statlearn.{area}: public names with no fuzz spec (add one to specs_{area}.py, " \
                        f"or a NOT_FUZZABLE reason): {missing}"
    unknown = sorted((covered | set(skipped)) - public)
    assert not unknown, f"specs_{area}.py covers names not in statlearn.{area}.__all__: {unknown}"


@pytest.mark.parametrize("area", AREAS)
def test_fuzz(area):
    outcomes = run_area(area)
    bad, stale = triage(outcomes, read_allowlist(area))
    lines = [f"{o.kind} {o.id}: {o.message[:240]}" for o in bad]
    lines += [f"stale allow-list entry (no longer fails; delete it) allowlist/{area}.txt:{n}: {g}"
              for g, _, n in stale]
    assert not lines, (f"{len(bad)} fuzz failures, {len(stale)} stale allow-list entries in {area} "
                       f"(reproduce: .venv/bin/python -m tests.fuzz --area {area}):\n" + "\n".join(lines))
