#!/usr/bin/env python3
"""Whether the installed llama-cpp-python can run a prompt on this CPU (exit 0) or crashes in a child (exit 1).

    .venv/bin/python scripts/check_llama.py MODEL.gguf

A build made with native CPU flags can crash on machines that report instructions they do not enable
(AMX tiles in some virtual machines); the prompt runs in a child process so the crash is reported, not fatal.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=2, verbose=False)
llm("Retention grows when users find value early. " * 8, max_tokens=2)
"""


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_llama.py MODEL.gguf", file=sys.stderr)
        return 2
    result = subprocess.run([sys.executable, "-c", PROBE, sys.argv[1]], capture_output=True, text=True)
    if result.returncode == 0:
        print("llama-cpp-python runs on this CPU")
        return 0
    print(f"llama-cpp-python failed on this CPU (exit {result.returncode}): {result.stderr.strip()[-300:]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
