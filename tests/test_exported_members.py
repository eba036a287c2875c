"""The public API is exactly what ``coach.__all__`` lists (as httpx tests its own)."""

import types

import coach


def _public(namespace: dict[str, object]) -> set[str]:
    """The public names a namespace holds, submodules (imported as a side effect) aside."""
    return {
        n
        for n, v in namespace.items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }


def test_all_lists_every_public_member_and_nothing_else():
    # the package's real namespace, not dir() (which coach._lazy answers with __all__)
    assert _public(vars(coach)) <= set(coach.__all__), "public but not in __all__"
    for name in coach.__all__:  # every listed name loads...
        getattr(coach, name)
    # ...and once all have loaded, the namespace holds exactly those
    assert _public(vars(coach)) == set(coach.__all__) - {"__version__"}


def test_every_exported_name_has_a_docstring():
    for name in coach.__all__:
        if name == "__version__":
            continue
        assert (getattr(coach, name).__doc__ or "").strip(), name


def test_importing_coach_does_not_import_heavy_libraries():
    import subprocess
    import sys

    code = (
        "import sys, coach; heavy = [m for m in ('chromadb', 'openai', 'langchain_core', "
        "'bm25s') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
