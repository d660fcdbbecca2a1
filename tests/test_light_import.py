import subprocess
import sys


def test_import_sourcecheck_loads_no_heavy_library():
    code = (
        "import sys, sourcecheck, sourcecheck.types, sourcecheck.cli;"
        "heavy = [m for m in ('spacy', 'onnxruntime', 'torch', 'tokenizers', 'numpy', 'pypdf', 'selectolax') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
