// The callguard Android demo: one app module. Open this folder (android-demo/) in Android Studio.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // org.callguard:callguard-android and callguard-host, made by android-demo/tools/android.py
        // (README.md, "Build the APK").
        maven { url = uri(File(rootDir, "../target/android/repo")) }
    }
}

rootProject.name = "callguard-android-demo"
include(":app")
