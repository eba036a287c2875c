"""The public API is exactly what ``coach.__all__`` lists (as httpx tests its own)."""

import coach


def test_all_lists_every_public_member_and_nothing_else():
    public = {name for name in dir(coach) if not name.startswith("_")}
    # submodules imported as a side effect are not part of the API
    import types

    members = {n for n in public if not isinstance(getattr(coach, n), types.ModuleType)}
    assert members == set(coach.__all__) - {"__version__"}


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
