// The demo app: plain Android Views over the callguard library (the AAR with the Kotlin bindings,
// the mapping and libcallguard_ffi.so per ABI), taken like any app takes a library.
//
// Before building, from the repository root (see android-demo/README.md, "Build the APK"): make
// the AAR into target/android/repo, which settings.gradle.kts names as a Maven repository.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
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

    sourceSets["main"].java.srcDirs("src/main/kotlin")
    sourceSets["test"].java.srcDirs("src/test/kotlin")

    testOptions {
        // Robolectric runs the tests inside the framework and needs the app's merged resources.
        unitTests.isIncludeAndroidResources = true
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    // The library: the bindings, the mapping, libcallguard_ffi.so per ABI; its POM brings JNA's
    // AAR (libjnidispatch.so per ABI) and the Kotlin runtime.
    implementation("org.callguard:callguard-android:0.1.0")

    // Unit tests run inside the framework with Robolectric, against the real core: the host
    // library (callguard-host) and the desktop JNA, which has the desktop libjnidispatch.
    testImplementation("junit:junit:4.13.2")
    testImplementation("org.robolectric:robolectric:4.16.1")
    testImplementation("org.callguard:callguard-host:0.1.0")
    testImplementation("net.java.dev.jna:jna:5.18.1")
}
