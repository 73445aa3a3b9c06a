"""scripts/check-swift.py finds what it promises to: syntax errors, and FFI calls whose argument
labels the generated Swift does not declare; and it lets through what is fine (uniffi's
`@_documentation` attribute, defaults left out, trailing closures, our own same-named helpers)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check-swift.py"

GENERATED = """
import Foundation
#if canImport(CallGuardFFI)
import CallGuardFFI
#endif

#if swift(>=5.8)
@_documentation(visibility: private)
#endif
public struct FfiConverterThing {}

public protocol DirectoryReaderProtocol {
    func load(`extension`: UInt32, incremental: Bool) throws -> DirectoryLoad
}

open class DirectoryReader: DirectoryReaderProtocol, @unchecked Sendable {
    public static func open(dbPath: String) throws -> DirectoryReader { fatalError() }
    open func load(`extension`: UInt32, incremental: Bool) throws -> DirectoryLoad { fatalError() }
}

open class CallGuard: @unchecked Sendable {
    public convenience init(dbPath: String?, homeRegion: String, policy: String) throws { fatalError() }
    open func addListEntry(list: ListKind, pattern: String, label: String?, note: String?) throws -> Int64 { 0 }
}

public struct IncomingCall {
    public init(number: String?, presentation: Presentation = .allowed, isContact: Bool = false) {}
}

public func policyPresets() -> [String] { [] }
"""

OURS = """
import Foundation

final class Handler {
    func load(into context: Context) throws {
        let reader = try DirectoryReader.open(dbPath: "x")
        _ = try reader.load(extension: 0, incremental: context.isIncremental)
        let g = try CallGuard(dbPath: nil, homeRegion: "JP", policy: "elderly")
        _ = try g.addListEntry(list: .block, pattern: "1", label: nil, note: nil)
        _ = IncomingCall(number: "110", isContact: true)
        _ = policyPresets()
        DispatchQueue.main.async { print("trailing") }
    }

    func go(context: Context) throws {
        try load(into: context)
    }
}
"""


def run(tmp_path, ours):
    generated = tmp_path / "callguard_ffi.swift"
    generated.write_text(GENERATED, encoding="utf-8")
    source = tmp_path / "Ours.swift"
    source.write_text(ours, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--generated", str(generated), str(tmp_path)],
        capture_output=True, text=True, check=False,
    )


def test_correct_calls_pass(tmp_path):
    result = run(tmp_path, OURS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 FFI calls checked" in result.stdout, result.stdout
    assert "swift-check: 8 passed, 0 failed" in result.stdout, result.stdout


def test_a_wrong_label_is_named(tmp_path):
    wrong = OURS.replace("reader.load(extension: 0,", "reader.load(ext: 0,")
    result = run(tmp_path, wrong)
    assert result.returncode == 1
    assert "Ours.swift:7:" in result.stdout, result.stdout
    assert "load(ext:incremental:) is not in the generated Swift" in result.stdout
    assert "load(extension:incremental:)" in result.stdout


def test_a_missing_argument_without_a_default_is_named(tmp_path):
    wrong = OURS.replace('homeRegion: "JP", policy: "elderly"', 'policy: "elderly"')
    result = run(tmp_path, wrong)
    assert result.returncode == 1
    assert "CallGuard(dbPath:policy:) is not in the generated Swift" in result.stdout


def test_a_syntax_error_is_named(tmp_path):
    broken = OURS.replace("func go(context: Context) throws {", "func go(context: Context) throws {{")
    result = run(tmp_path, broken)
    assert result.returncode == 1
    assert "Ours.swift:" in result.stdout, result.stdout
    assert "syntax error" in result.stdout or "missing" in result.stdout, result.stdout


def test_the_documentation_attribute_is_blanked_in_place():
    spec = importlib.util.spec_from_file_location("check_swift", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = b"#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\npublic struct X {}\n"
    blanked = module.blank_unknown_attributes(source)
    assert len(blanked) == len(source) and blanked.count(b"\n") == source.count(b"\n")
    assert module.parse_bytes(source).root_node.has_error
    assert not module.parse_bytes(blanked).root_node.has_error
