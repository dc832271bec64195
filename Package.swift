// swift-tools-version: 6.1
import PackageDescription

// The module graph (docs/architecture.md): a lower layer never imports a higher one.
//
//   Tokens (hex, random tokens) ← FaceKit, Gallery, Service, LikenessCLI
//   COpenCV (system, pkg-config opencv4) ← CLikenessVision ← FaceKit
//   CLikenessIndex ← VectorIndex ← Gallery, Clustering
//   FaceKit, Gallery, Clustering ← Workflows ← Service ← LikenessCLI ← likeness
//   CLikenessIVF, LikenessCLI ← LikenessBench ← likeness-bench (benchmarks only)
let package = Package(
    name: "Likeness",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FaceKit", targets: ["FaceKit"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
        .library(name: "Gallery", targets: ["Gallery"]),
        .library(name: "Clustering", targets: ["Clustering"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        .library(name: "Service", targets: ["Service"]),
        .executable(name: "likeness", targets: ["likeness"]),
        .executable(name: "likeness-bench", targets: ["likeness-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // MARK: C shims (plain C headers, prefixed names, opaque handles)
        .systemLibrary(
            name: "COpenCV", pkgConfig: "opencv4",
            providers: [.apt(["libopencv-dev"])]
        ),
        // OpenVINO is opened at run time; its headers come from runtimes/openvino (scripts/bootstrap
        // installs them from the PyPI wheel). Without them the shim builds with OpenCV only.
        .target(
            name: "CLikenessVision", dependencies: ["COpenCV"],
            cxxSettings: [.headerSearchPath("../../runtimes/openvino/include")]),
        .target(name: "CLikenessIndex"),
        // Debian's FAISS is a static library: it needs BLAS and OpenMP's runtime at link time.
        .target(
            name: "CLikenessIVF",
            linkerSettings: [
                .linkedLibrary("faiss"), .linkedLibrary("openblas"), .linkedLibrary("gomp"), .linkedLibrary("stdc++"),
            ]
        ),

        // MARK: Libraries
        .target(name: "Tokens"),
        .target(
            name: "FaceKit",
            dependencies: ["CLikenessVision", "Tokens", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "VectorIndex", dependencies: ["CLikenessIndex"]),
        .target(
            name: "Gallery",
            dependencies: [
                "VectorIndex", "Tokens",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(name: "Clustering", dependencies: ["VectorIndex"]),
        .target(
            name: "Workflows",
            dependencies: ["FaceKit", "Gallery", "Clustering", "VectorIndex"]
        ),
        .target(
            name: "Service",
            dependencies: [
                "Workflows", "FaceKit", "Gallery", "Tokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [
                .copy("Resources/openapi.json"), .copy("Resources/capture.html"), .copy("Resources/capture.js"),
                .copy("Resources/web"),
            ]
        ),
        .target(
            name: "LikenessCLI",
            dependencies: [
                "Workflows", "Service", "FaceKit", "Gallery", "Clustering", "Tokens",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "likeness", dependencies: ["LikenessCLI"]),

        // MARK: Benchmarks only (not linked by the products above)
        .target(
            name: "LikenessBench",
            dependencies: [
                "LikenessCLI", "CLikenessIVF", "VectorIndex", "Workflows", "FaceKit", "Gallery", "Clustering",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "likeness-bench", dependencies: ["LikenessBench"]),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: ["FaceKit"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "FaceKitTests",
            dependencies: ["FaceKit", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["VectorIndex", "LikenessBench", "TestSupport"]
        ),
        .testTarget(
            name: "GalleryTests",
            dependencies: [
                "Gallery", "VectorIndex", "TestSupport", "Tokens", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ClusteringTests",
            dependencies: ["Clustering", "VectorIndex"]
        ),
        .testTarget(
            name: "WorkflowsTests",
            dependencies: ["Workflows", "FaceKit", "Gallery", "TestSupport"]
        ),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Service", "Workflows", "FaceKit", "Gallery", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["FaceKit", "Gallery", "Workflows", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)

// MARK: Fuzzing (docs/fuzzing.md), only when LIKENESS_FUZZ=1 so the normal build and CI never see it.
// scripts/fuzz builds these with `-sanitize=fuzzer,address`; each is a libFuzzer entry point, no main.
if Context.environment["LIKENESS_FUZZ"] == "1" {
    let fuzzers: [(name: String, module: String)] = [
        ("ImageHeaderFuzzer", "FaceKit"), ("ImageDecodeFuzzer", "FaceKit"), ("VideoContainerFuzzer", "FaceKit"),
        ("MultipartFuzzer", "Service"), ("JSONBodyFuzzer", "Service"),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Driver"))
    for fuzzer in fuzzers {
        package.targets.append(
            .executableTarget(
                name: fuzzer.name, dependencies: [.target(name: fuzzer.module), "FuzzDriver"],
                path: "Fuzz/Targets/\(fuzzer.name)",
                swiftSettings: [.unsafeFlags(["-parse-as-library"])]
            ))
    }
}
