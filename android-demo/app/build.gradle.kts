// The demo app: plain Android Views, the generated Kotlin bindings and the Rust library.
//
// Before building, from the repository root (see android-demo/README.md):
//   scripts/bindings.sh                      -> target/bindings/kotlin/callguard/callguard_ffi.kt
//   cargo ndk ... -o android-demo/app/src/main/jniLibs build -p callguard-ffi --lib
// The task copyCallguardBindings copies the generated Kotlin into build/generated/ before every
// compile, so the app always builds against the bindings of the library it packs.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

val repoRoot = rootDir.parentFile
val generatedBindings: File = layout.buildDirectory.dir("generated/callguard/kotlin").get().asFile

val copyCallguardBindings by tasks.registering(Copy::class) {
    description = "Copies the uniffi-generated Kotlin bindings (scripts/bindings.sh) into the app's sources."
    from(File(repoRoot, "target/bindings/kotlin"))
    include("**/*.kt")
    into(generatedBindings)
    doFirst {
        check(File(repoRoot, "target/bindings/kotlin/callguard/callguard_ffi.kt").exists()) {
            "Run scripts/bindings.sh at the repository root first."
        }
    }
}

android {
    namespace = "org.callguard.demo"
    compileSdk = 34

    defaultConfig {
        applicationId = "org.callguard.demo"
        // API 29: RoleManager.ROLE_CALL_SCREENING and CallResponse.Builder.setSilenceCall.
        minSdk = 29
        targetSdk = 34
        versionCode = 1
        versionName = "0.1.0"
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets["main"].apply {
        java.srcDirs("src/main/kotlin", generatedBindings)
        // libcallguard_ffi.so per ABI, written there by cargo-ndk.
        jniLibs.srcDirs("src/main/jniLibs")
    }
    sourceSets["test"].java.srcDirs("src/test/kotlin")

    testOptions {
        unitTests.all { it.useJUnitPlatform() }
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

tasks.named("preBuild") { dependsOn(copyCallguardBindings) }

dependencies {
    // uniffi's Kotlin calls the library through JNA; on Android JNA comes as an AAR with its
    // own libjnidispatch.so per ABI.
    implementation("net.java.dev.jna:jna:5.18.1@aar")

    testImplementation("org.junit.jupiter:junit-jupiter:5.14.1")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher:1.14.1")
    // The mapping tests run on the JVM: the desktop JNA jar instead of the AAR.
    testImplementation("net.java.dev.jna:jna:5.18.1")
}
