// swift-tools-version: 6.1
import PackageDescription

let openCVLibraries = ["opencv_core", "opencv_imgproc", "opencv_imgcodecs", "opencv_dnn", "opencv_videoio"]

let package = Package(
    name: "Likeness",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FaceKit", targets: ["FaceKit"]),
        .library(name: "Gallery", targets: ["Gallery"]),
        .library(name: "Clustering", targets: ["Clustering"]),
        .executable(name: "likeness", targets: ["likeness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .target(
            name: "CLikenessVision",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-O2"])],
            linkerSettings: openCVLibraries.map { .linkedLibrary($0) }
        ),
        .target(
            name: "FaceKit",
            dependencies: [
                "CLikenessVision",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CLikenessIndex",
            cxxSettings: [.unsafeFlags(["-I/usr/lib/llvm-14/lib/clang/14.0.6/include", "-O2", "-fopenmp"])],
            linkerSettings: [
                .linkedLibrary("faiss"), .linkedLibrary("openblas"), .linkedLibrary("gomp"),
                .linkedLibrary("stdc++"),
            ]
        ),
        .target(
            name: "Gallery",
            dependencies: [
                "FaceKit",
                "CLikenessIndex",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "Clustering",
            dependencies: ["Gallery"]
        ),
        .target(
            name: "Service",
            dependencies: [
                "FaceKit", "Gallery", "Clustering",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [
                .copy("Resources/openapi.json"), .copy("Resources/capture.html"), .copy("Resources/capture.js"),
            ]
        ),
        .executableTarget(
            name: "likeness",
            dependencies: [
                "FaceKit",
                "Gallery",
                "Clustering",
                "Service",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FaceKitTests",
            dependencies: ["FaceKit", "Gallery"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Service", "FaceKit", "Gallery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "ClusteringTests",
            dependencies: ["Clustering", "Gallery"]
        ),
        .testTarget(
            name: "GalleryTests",
            dependencies: [
                "Gallery", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
