"""Checks of what android.py built: the AAR and its POM, the host jar, the APK.

scripts/test.sh runs these (pytest, in target/venv-android) after `android.py aar` and
`android.py apk`; they read the artifacts under target/android/ and ask aapt2, apksigner and
zipalign about the APK, as a store or a phone would.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import android  # noqa: E402

VERSION = android.version()
OUT = os.path.join(android.target_dir(), "android")
REPO = os.path.join(OUT, "repo", "org", "callguard")
AAR = os.path.join(REPO, "callguard-android", VERSION, f"callguard-android-{VERSION}.aar")
AAR_POM = os.path.join(REPO, "callguard-android", VERSION, f"callguard-android-{VERSION}.pom")
HOST_JAR = os.path.join(REPO, "callguard-host", VERSION, f"callguard-host-{VERSION}.jar")
HOST_POM = os.path.join(REPO, "callguard-host", VERSION, f"callguard-host-{VERSION}.pom")
LIBRARY_JAR = os.path.join(OUT, "maven", "library", "callguard-android-classes.jar")
APK = os.path.join(OUT, "apk", "callguard-demo-debug.apk")
POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def aapt2(*args):
    return subprocess.run([android.aapt2(), *args], check=True, capture_output=True, text=True).stdout


def pom_dependencies(path):
    root = ET.parse(path).getroot()
    deps = {}
    for dep in root.findall("m:dependencies/m:dependency", POM_NS):
        key = f"{dep.findtext('m:groupId', namespaces=POM_NS)}:{dep.findtext('m:artifactId', namespaces=POM_NS)}"
        deps[key] = (dep.findtext("m:version", namespaces=POM_NS), dep.findtext("m:type", "jar", POM_NS))
    return root, deps


def build_property(name):
    """A version property of android-demo/pom.xml, which the Maven build uses."""
    root = ET.parse(os.path.join(android.DEMO, "pom.xml")).getroot()
    return root.findtext(f"m:properties/m:{name}", namespaces=POM_NS)


# ------------------------------------------------------------------------------------------ AAR


def test_aar_has_the_layout_of_an_android_library():
    with zipfile.ZipFile(AAR) as zf:
        names = set(zf.namelist())
    required = {"AndroidManifest.xml", "classes.jar", "R.txt", "proguard.txt",
                "META-INF/com/android/build/gradle/aar-metadata.properties"}
    assert required <= names
    for name in names - required:
        assert re.fullmatch(r"jni/(arm64-v8a|armeabi-v7a|x86_64)/libcallguard_ffi\.so", name), name


def test_aar_classes_are_the_bindings_and_the_mapping_and_nothing_else():
    with zipfile.ZipFile(AAR) as zf:
        classes = zf.read("classes.jar")
    with open(LIBRARY_JAR, "rb") as f:
        assert classes == f.read(), "the AAR's classes.jar is the library module's jar"
    with zipfile.ZipFile(LIBRARY_JAR) as jar:
        names = jar.namelist()
    assert "callguard/CallGuard.class" in names
    assert "org/callguard/mapping/FailOpenScreener.class" in names
    assert "org/callguard/mapping/CallMapping.class" in names
    # Dependencies stay dependencies (the POM names them); the library has no Android classes.
    strays = [n for n in names if n.endswith(".class")
              and not (n.startswith("callguard/") or n.startswith("org/callguard/mapping/"))]
    assert strays == []


def test_aar_manifest_names_the_library_and_its_minimum_sdk():
    with zipfile.ZipFile(AAR) as zf:
        root = ET.fromstring(zf.read("AndroidManifest.xml"))
    assert root.get("package") == "org.callguard.android"
    sdk = root.find("uses-sdk")
    assert sdk.get(f"{{{android.ANDROID_NS}}}minSdkVersion") == "29"
    assert root.find("application") is None and root.find("uses-permission") is None


def test_aar_consumer_rules_keep_the_bindings_and_jna():
    with zipfile.ZipFile(AAR) as zf:
        rules = zf.read("proguard.txt").decode()
    assert "-keep class callguard.** { *; }" in rules
    assert "-keep class com.sun.jna.** { *; }" in rules


def test_aar_pom_depends_on_jna_for_android_and_the_kotlin_runtime():
    root, deps = pom_dependencies(AAR_POM)
    assert root.findtext("m:groupId", namespaces=POM_NS) == "org.callguard"
    assert root.findtext("m:artifactId", namespaces=POM_NS) == "callguard-android"
    assert root.findtext("m:version", namespaces=POM_NS) == VERSION
    assert root.findtext("m:packaging", namespaces=POM_NS) == "aar"
    # The same versions the library was compiled and tested with.
    assert deps["net.java.dev.jna:jna"] == (build_property("jna.version"), "aar")
    assert deps["org.jetbrains.kotlin:kotlin-stdlib"] == (build_property("kotlin.version"), "jar")


def test_aar_packs_cargo_ndk_output_per_abi(tmp_path):
    jni = tmp_path / "jniLibs"
    for abi in android.ABIS:
        (jni / abi).mkdir(parents=True)
        (jni / abi / "libcallguard_ffi.so").write_bytes(f"library for {abi}".encode())
    out = tmp_path / "out"
    subprocess.run([sys.executable, android.__file__, "aar", "--jni-libs", jni, "--out", out], check=True)
    with zipfile.ZipFile(out / f"callguard-android-{VERSION}.aar") as zf:
        for abi in android.ABIS:
            info = zf.getinfo(f"jni/{abi}/libcallguard_ffi.so")
            assert zf.read(info) == f"library for {abi}".encode()


def test_aar_refuses_a_folder_that_is_not_an_abi(tmp_path):
    jni = tmp_path / "jniLibs" / "arm64"
    jni.mkdir(parents=True)
    (jni / "libcallguard_ffi.so").write_bytes(b"x")
    run = subprocess.run([sys.executable, android.__file__, "aar", "--jni-libs", tmp_path / "jniLibs",
                          "--out", tmp_path / "out"], capture_output=True, text=True)
    assert run.returncode != 0
    assert "arm64: not an ABI the app ships" in run.stderr
    assert not (tmp_path / "out" / f"callguard-android-{VERSION}.aar").exists()


def test_a_maven_build_resolves_the_aar_and_the_host_jar_with_their_dependencies(tmp_path):
    """A consumer's POM names target/android/repo and both artifacts; Maven resolves them and what
    their POMs bring. Maven's own cache (~/.m2, filled by the build) serves as a second repository,
    so nothing is downloaded and nothing of ours is left in that cache."""
    m2 = os.path.expanduser("~/.m2/repository")
    repos = "".join(
        f"<repository><id>{name}</id><url>file://{path}</url></repository>"
        for name, path in (("callguard", os.path.join(OUT, "repo")), ("cache", m2)))
    (tmp_path / "pom.xml").write_text(f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>consumer</artifactId><version>1</version>
  <repositories>{repos}</repositories>
  <pluginRepositories>{repos.replace("repository>", "pluginRepository>")}</pluginRepositories>
  <dependencies>
    <dependency><groupId>org.callguard</groupId><artifactId>callguard-android</artifactId>
      <version>{VERSION}</version><type>aar</type></dependency>
    <dependency><groupId>org.callguard</groupId><artifactId>callguard-host</artifactId>
      <version>{VERSION}</version><scope>test</scope></dependency>
  </dependencies>
</project>
""")
    listing = tmp_path / "dependencies.txt"
    subprocess.run(["mvn", "-B", "-q", "-f", tmp_path / "pom.xml", f"-Dmaven.repo.local={tmp_path / 'm2'}",
                    "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list",
                    f"-DoutputFile={listing}", "-DexcludeTransitive=false"], check=True,
                   capture_output=True, text=True)
    resolved = {line.strip().split(" ")[0] for line in listing.read_text().splitlines() if line.startswith("   ")}
    kotlin = build_property("kotlin.version")
    jna = build_property("jna.version")
    assert {f"org.callguard:callguard-android:aar:{VERSION}:compile",
            f"org.callguard:callguard-host:jar:{VERSION}:test",
            f"net.java.dev.jna:jna:aar:{jna}:compile",
            # The desktop JNA the host jar needs, for tests only, beside JNA's AAR.
            f"net.java.dev.jna:jna:jar:{jna}:test",
            f"org.jetbrains.kotlin:kotlin-stdlib:jar:{kotlin}:compile"} <= resolved, resolved


# ------------------------------------------------------------------------------------ host jar


def test_host_jar_carries_the_host_library_where_jna_looks():
    lib = os.path.join(android.target_dir(), "debug", "libcallguard_ffi.so")
    with zipfile.ZipFile(HOST_JAR) as zf:
        packed = zf.read(f"{android.host_prefix()}/libcallguard_ffi.so")
    with open(lib, "rb") as f:
        assert packed == f.read()
    _, deps = pom_dependencies(HOST_POM)
    assert deps == {"net.java.dev.jna:jna": (build_property("jna.version"), "jar")}


# ----------------------------------------------------------------------------------------- APK


@pytest.fixture(scope="module")
def badging():
    return aapt2("dump", "badging", APK)


def test_apk_badging_package_and_sdk_levels(badging):
    cfg = android.app_config()
    assert re.search(rf"^package: name='{cfg['namespace']}' versionCode='{cfg['versionCode']}' "
                     rf"versionName='{cfg['versionName']}'", badging, re.M), badging
    assert f"sdkVersion:'{cfg['minSdk']}'" in badging.splitlines()
    assert f"targetSdkVersion:'{cfg['targetSdk']}'" in badging.splitlines()


def test_apk_badging_permissions_label_and_launcher(badging):
    permissions = re.findall(r"^uses-permission: name='([^']+)'", badging, re.M)
    # Only the notification: screening needs the role, not a permission.
    assert permissions == ["android.permission.POST_NOTIFICATIONS"]
    assert "application-label:'CallGuard'" in badging
    assert "launchable-activity: name='org.callguard.demo.MainActivity'" in badging
    assert re.search(r"^locales: .*'ja'", badging, re.M)


def test_apk_manifest_declares_the_screening_service_for_telecom_only():
    tree = aapt2("dump", "xmltree", "--file", "AndroidManifest.xml", APK)
    service = tree[tree.index("E: service"):]
    service = service[:service.index("E: activity")] if "E: activity" in service else service
    assert '"org.callguard.demo.ScreeningService"' in service
    assert re.search(r'A: http://schemas.android.com/apk/res/android:permission\(0x[0-9a-f]+\)='
                     r'"android.permission.BIND_SCREENING_SERVICE"', service), service
    assert re.search(r"android:exported\(0x[0-9a-f]+\)=true", service), service
    assert 'E: intent-filter' in service
    assert '"android.telecom.CallScreeningService"' in service


def test_apk_is_aligned_and_signed():
    subprocess.run(["zipalign", "-c", "-p", "4", APK], check=True, capture_output=True)
    verify = subprocess.run(["apksigner", "verify", "--min-sdk-version", "29", "--print-certs", APK],
                            check=True, capture_output=True, text=True).stdout
    assert "Signer #1 certificate DN: CN=Android Debug, O=Android, C=US" in verify


def test_apk_dex_holds_the_app_the_library_jna_and_kotlin():
    with zipfile.ZipFile(APK) as zf:
        dex = b"".join(zf.read(n) for n in zf.namelist() if re.fullmatch(r"classes\d*\.dex", n))
    for descriptor in ("Lorg/callguard/demo/ScreeningService;", "Lorg/callguard/demo/R$string;",
                       "Lorg/callguard/mapping/FailOpenScreener;", "Lcallguard/CallGuard;",
                       "Lcom/sun/jna/Native;", "Lkotlin/jvm/internal/Intrinsics;"):
        assert descriptor.encode() in dex, descriptor


def test_apk_native_libraries_per_abi_stored_for_mapping():
    with zipfile.ZipFile(APK) as zf:
        libs = {i.filename: i for i in zf.infolist() if i.filename.startswith("lib/")}
    with zipfile.ZipFile(AAR) as zf:
        ffi_abis = {n.split("/")[1] for n in zf.namelist() if n.startswith("jni/")}
    for abi in android.ABIS:
        assert f"lib/{abi}/libjnidispatch.so" in libs, f"JNA for {abi}"
        assert (f"lib/{abi}/libcallguard_ffi.so" in libs) == (abi in ffi_abis)
    assert all(i.compress_type == zipfile.ZIP_STORED for i in libs.values())
    assert {name.split("/")[1] for name in libs} == set(android.ABIS)
