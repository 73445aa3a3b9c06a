"""Run with the Python of a fresh venv the wheel was installed into (scripts/python-package.sh):
the installed package screens calls, classifies numbers and reads its version."""

import importlib.metadata
import os
import sys

import callguard as cg

# The package, not a source tree on the path.
assert "site-packages" in cg.__file__, cg.__file__
assert os.path.exists(os.path.join(os.path.dirname(cg.__file__), "libcallguard_ffi.so"))

guard = cg.CallGuard(None, "JP", "balanced")
police = guard.screen(cg.IncomingCall(number="110"), "en")
assert police.verdict == cg.Verdict.ALLOW, police
abroad = guard.screen(cg.IncomingCall(number="+1 202-555-0143", claims="総務省"), "ja")
assert abroad.verdict in (cg.Verdict.WARN, cg.Verdict.SILENCE, cg.Verdict.BLOCK), abroad
codes = [r.code for r in abroad.reasons]
assert "impersonation" in codes and "international" in codes, codes
assert guard.classify("090-1234-5678", "en").e164 == "+819012345678"
assert guard.classify("+81 90 1234 5678", "en").e164 == "+819012345678"
version = importlib.metadata.version("callguard")
print(f"callguard {version} from {cg.__file__}: 110 -> {police.verdict.name}, "
      f"+1 202-555-0143 claiming 総務省 -> {abroad.verdict.name} {codes}")
sys.exit(0)
