import ArgumentParser
import Foundation
import Gallery
import LikenessCLI
import VectorIndex

#if os(Linux)
    /// glibc's malloc_trim(3), which the Glibc module does not export (it is in malloc.h).
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// What a node holds in memory per template: the resident set of this process, read from
/// /proc, around each index it builds.
struct MemoryBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract:
            "Resident memory of the 1:N indexes: exact (float32) and scan (PQ) at --templates, and a real gallery.",
        discussion: """
            Builds, in this process, an exact index of --templates random 512-D unit vectors \
            (float32, 2 KB each), then the scan index from them (what the gallery switches to above \
            20,000 templates per tenant), frees the floats and reads the resident set size (VmRSS) \
            after each step. With --gallery N it then enrols N one-template subjects into a real \
            gallery (SQLite in a temporary directory) and starts `likeness serve` on it and on an \
            empty gallery: the difference of their resident sets is what a node holds for N \
            templates (the scan index plus the gallery's map of templates to subjects). Figures are \
            also given per million templates.

            Examples:
              likeness bench memory
              likeness bench memory --templates 100000 --gallery 1000 --json
            """)

    @Option(help: "Templates in the exact and scan indexes.")
    var templates: Int = 1_000_000

    @Option(help: "Also enrol this many one-template subjects into a real gallery and load it (0: skip).")
    var gallery: Int = 0

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (25_000...5_000_000).contains(templates) else {
            throw ValidationError("--templates must be in 25000...5000000")
        }
        guard gallery == 0 || (25_000...2_000_000).contains(gallery) else {
            throw ValidationError("--gallery must be 0 or in 25000...2000000 (above the exact-search limit)")
        }
    }

    struct Report: Encodable {
        var templates: Int
        var baselineMB: Double
        var exactMB: Double
        var exactBytesPerTemplate: Double
        var scanMB: Double
        var scanBytesPerTemplate: Double
        var scanReportedBytesPerTemplate: Double
        var peakMB: Double
        var gallery: GalleryFigures?

        enum CodingKeys: String, CodingKey {
            case templates, gallery
            case baselineMB = "baseline_mb"
            case exactMB = "exact_mb"
            case exactBytesPerTemplate = "exact_bytes_per_template"
            case scanMB = "scan_mb"
            case scanBytesPerTemplate = "scan_bytes_per_template"
            case scanReportedBytesPerTemplate = "scan_reported_bytes_per_template"
            case peakMB = "peak_mb"
        }
    }

    struct GalleryFigures: Encodable {
        var templates: Int
        var enrolSeconds: Double
        var loadSeconds: Double
        var beforeLoadMB: Double
        var afterLoadMB: Double
        var bytesPerTemplate: Double
        /// The same from the peaks (VmHWM): what loading the gallery needs at its height.
        var peakBytesPerTemplate: Double
        var servePeakMB: Double
        var scanIndex: Bool

        enum CodingKeys: String, CodingKey {
            case templates
            case enrolSeconds = "enrol_s"
            case loadSeconds = "serve_listening_s"
            case beforeLoadMB = "serve_empty_mb"
            case afterLoadMB = "serve_full_mb"
            case bytesPerTemplate = "bytes_per_template"
            case peakBytesPerTemplate = "peak_bytes_per_template"
            case servePeakMB = "serve_peak_mb"
            case scanIndex = "scan_index"
        }
    }

    func run() async throws {
        let dimension = 512
        let log = FileHandle.standardError
        func say(_ text: String) { log.write(Data((text + "\n").utf8)) }
        trimHeap()
        let baseline = residentBytes()
        say("baseline resident \(megabytes(baseline)) MB; exact index of \(templates) templates…")
        var generator = SyntheticTemplates(seed: seed)
        var exact: ExactIndex? = ExactIndex(dimension: dimension)
        let chunk = 10_000
        var added = 0
        while added < templates {
            let rows = min(chunk, templates - added)
            let vectors = generator.unitVectors(rows, dimension: dimension)
            for r in 0..<rows {
                exact!.add(id: Int64(added + r), vector: Array(vectors[(r * dimension)..<((r + 1) * dimension)]))
            }
            added += rows
        }
        trimHeap()
        let withExact = residentBytes()
        say("exact: \(megabytes(withExact - baseline)) MB; building the scan index…")
        var scan: ScanIndex?
        do {
            let (ids, vectors) = exact!.contents
            scan = try ScanIndex.build(vectors, ids: ids, dimension: dimension)
        }
        exact = nil
        trimHeap()
        let withScan = residentBytes()
        let reported = Double(scan!.memoryBytes) / Double(templates)
        say("scan: \(megabytes(withScan - baseline)) MB")
        scan = nil
        trimHeap()

        var figures: GalleryFigures?
        if gallery > 0 { figures = try await measureGallery(say: say) }

        let report = Report(
            templates: templates, baselineMB: megabytes(baseline), exactMB: megabytes(withExact - baseline),
            exactBytesPerTemplate: Double(withExact - baseline) / Double(templates),
            scanMB: megabytes(withScan - baseline),
            scanBytesPerTemplate: Double(withScan - baseline) / Double(templates),
            scanReportedBytesPerTemplate: reported, peakMB: peakResidentMegabytes(), gallery: figures)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let perMillion = 1_000_000 / Double(templates)
        print("resident memory of the 1:N indexes, \(templates) templates of 512 floats (this process, VmRSS)")
        print(String(format: "  baseline (no index)             %8.0f MiB", report.baselineMB))
        print(
            String(
                format: "  exact (float32)                  %8.0f MiB %6.0f B/template  %6.0f MiB per million",
                report.exactMB, report.exactBytesPerTemplate, report.exactMB * perMillion))
        print(
            String(
                format:
                    "  scan (PQ64x4 + SQ8)              %8.0f MiB %6.0f B/template  %6.0f MiB per million (index's own count %.0f B)",
                report.scanMB, report.scanBytesPerTemplate, report.scanMB * perMillion, reported))
        if let figures {
            print(
                String(
                    format:
                        "  likeness serve: %.0f MiB with an empty gallery, %.0f MiB with %d one-template subjects (%@): %.0f B/template, %.0f MiB per million; enrolled in %.0f s, listening after %.1f s",
                    figures.beforeLoadMB, figures.afterLoadMB, figures.templates,
                    figures.scanIndex ? "scan index" : "exact index", figures.bytesPerTemplate,
                    figures.bytesPerTemplate * 1e6 / 1_048_576, figures.enrolSeconds, figures.loadSeconds))
            print(
                String(
                    format:
                        "  likeness serve at its peak (VmHWM, while loading): %.0f MiB, %.0f B/template, %.0f MiB per million",
                    figures.servePeakMB, figures.peakBytesPerTemplate, figures.peakBytesPerTemplate * 1e6 / 1_048_576))
        }
        print(String(format: "  peak %.0f MiB", report.peakMB))
    }

    /// Enrols `gallery` subjects of one random template each (under the model pack's id), then
    /// starts `likeness serve` on that gallery and on an empty one, and compares their resident sets.
    func measureGallery(say: (String) -> Void) async throws -> GalleryFigures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-memory-\(UUID())")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-memory-empty-\(UUID())")
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: empty)
        }
        var configuration = GalleryConfiguration()
        configuration.requireConsent = false
        configuration.actor = "bench"
        var environment = ProcessInfo.processInfo.environment
        environment["LIKENESS_MASTER_KEY"] = nil
        environment["LIKENESS_DATABASE_URL"] = nil
        let pack = try pipeline.makeAnalyzer().pack.id
        say("enrolling \(gallery) one-template subjects into a gallery in \(directory.path)…")
        let started = ContinuousClock.now
        let writer = try await Gallery.open(
            directory: directory, configuration: configuration, environment: environment)
        var generator = SyntheticTemplates(seed: seed &+ 1)
        for n in 0..<gallery {
            _ = try await writer.enroll(
                EnrollmentRequest(
                    tenant: "bench", subject: "subject-\(n)", pack: pack,
                    samples: [EnrollmentSample(vector: generator.unitVectors(1, dimension: 512), quality: nil)],
                    duplicateThreshold: 0.999, policy: .enrollAndFlag))
            if (n + 1) % 10_000 == 0 { say("  \(n + 1)") }
        }
        await writer.close()
        let enrolSeconds = seconds(since: started)
        // The empty one has the same tenant, so only the templates differ.
        let other = try await Gallery.open(directory: empty, configuration: configuration, environment: environment)
        _ = try await other.createAPIKey(tenant: "bench", label: nil)
        await other.close()
        say("starting likeness serve on the empty gallery, then on the full one…")
        let (before, beforePeak, _) = try serveResident(data: empty, environment: environment)
        let (after, afterPeak, loadSeconds) = try serveResident(data: directory, environment: environment)
        return GalleryFigures(
            templates: gallery, enrolSeconds: enrolSeconds, loadSeconds: loadSeconds,
            beforeLoadMB: megabytes(before), afterLoadMB: megabytes(after),
            bytesPerTemplate: Double(after - before) / Double(gallery),
            peakBytesPerTemplate: Double(afterPeak - beforePeak) / Double(gallery), servePeakMB: megabytes(afterPeak),
            scanIndex: gallery > 20_000)
    }

    /// Starts `likeness serve` (beside this binary) on `data`, waits until it listens (its indexes
    /// are loaded by then), reads its VmRSS and VmHWM (peak), and stops it. Returns both and the
    /// seconds it took to listen.
    func serveResident(data: URL, environment: [String: String]) throws -> (Int, Int, Double) {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let binary = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("likeness")
        let logFile = data.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments =
            [
                "serve", "--data", data.path, "--port", String(Int.random(in: 20_000...60_000)), "--workers", "1",
                "--drain-seconds", "0",
            ] + (pipeline.models.map { ["--models", $0] } ?? [])
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile)
        let started = ContinuousClock.now
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGINT) }
            process.waitUntilExit()
        }
        let deadline = Date(timeIntervalSinceNow: 900)
        while Date() < deadline {
            let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if text.contains("listening on") { break }
            guard process.isRunning else { throw ValidationError("likeness serve stopped: \(text.suffix(500))") }
            usleep(100_000)
        }
        let listening = seconds(since: started)
        usleep(1_000_000)  // the socket is bound just after the line; let start-up settle
        let pid = process.processIdentifier
        return (residentBytes(of: pid), residentBytes(of: pid, field: "VmHWM:"), listening)
    }

    func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }

    /// Returns freed heap to the system, so the resident set counts what is held, not what was.
    func trimHeap() {
        #if os(Linux)
            _ = glibcMallocTrim(0)
        #endif
    }

    /// VmRSS of this process (or of `pid`), in bytes.
    func residentBytes(of pid: Int32? = nil, field: String = "VmRSS:") -> Int {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return 0
    }
}
