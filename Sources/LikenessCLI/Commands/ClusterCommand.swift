import ArgumentParser
import Clustering
import Crypto
import FaceKit
import Foundation
import Tokens
import Workflows

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Group the faces of a photo library by person.",
        discussion: """
            Walks DIR (JPEG, PNG, WebP, BMP, TIFF; HEIC is not supported by the OpenCV build Likeness \
            uses and is counted as skipped), finds and embeds every face, skips faces too small or too \
            poor to recognise, and groups the rest: the connected components of the 10-nearest-neighbour \
            graph with edges of similarity ≥ 0.45. Faces that match nobody stay unsorted. Faces already \
            computed are reused from a cache keyed by file content (DIR/.likeness-cluster-cache.json, \
            mode 0600; it holds face templates), and group ids stay the same where membership did not \
            change.

            Examples:
              likeness cluster photos/
              likeness cluster photos/ --report out/clusters.html --json out/clusters.json
              likeness cluster lfw/ --truth-from-folders --sweep 0.3,0.4,0.5
            """)

    @Argument(help: "The folder of photos (searched recursively).")
    var directory: String

    @Option(help: "Write a self-contained HTML page of the groups here.")
    var report: String?

    @Option(help: "Write the groups as JSON here.")
    var json: String?

    @Option(help: "Skip faces whose quality score (enrollment profile, 0…1) is below this.")
    var minQuality: Double?

    @Option(help: "Skip faces whose box is smaller than this many pixels on its short side.")
    var minFacePixels: Double = ClusterWorkflow().minFacePixels

    @Option(help: "Skip faces the detector is less sure of than this.")
    var minScore: Double = ClusterWorkflow().minScore

    @Option(help: "Similarity at which two faces are linked.")
    var threshold: Double = ClusterWorkflow().threshold

    @Option(help: "Neighbours examined per face.")
    var neighbours: Int = ClusterWorkflow().neighbours

    @Flag(help: "Use one face per photo, chosen by --select (for labelled sets such as LFW).")
    var oneFacePerPhoto = false

    @Option(help: "Cache file (default: DIR/.likeness-cluster-cache.json).")
    var cache: String?

    @Flag(help: "Neither read nor write the cache.")
    var noCache = false

    @Flag(help: "Each photo's folder name is its person: report pairwise and BCubed agreement.")
    var truthFromFolders = false

    @Option(parsing: .upToNextOption, help: "With --truth-from-folders, also score these thresholds.")
    var sweep: [Double] = []

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        if let minQuality, !(0...1).contains(minQuality) { throw ValidationError("--min-quality must be in 0...1") }
        guard (-1...1).contains(threshold), sweep.allSatisfy({ (-1...1).contains($0) }) else {
            throw ValidationError("thresholds must be in -1...1")
        }
        guard (1...100).contains(neighbours) else { throw ValidationError("--neighbours must be in 1...100") }
        guard minFacePixels >= 0, (0...1).contains(minScore) else {
            throw ValidationError("--min-face-pixels must not be negative and --min-score must be in 0...1")
        }
    }

    /// A face kept for clustering.
    struct Face {
        var key: String
        var file: String
        /// The position of its photo in the walk, as the document numbers photos.
        var image: Int
        var cached: ClusterCache.Face
    }

    /// The clustering rules with this command's settings.
    var workflow: ClusterWorkflow {
        var workflow = ClusterWorkflow()
        workflow.minFacePixels = minFacePixels
        workflow.minScore = minScore
        workflow.minQuality = minQuality
        workflow.neighbours = neighbours
        workflow.threshold = threshold
        return workflow
    }

    enum Outcome: Sendable {
        case analysed(hash: String, ClusterCache.File, fromCache: Bool)
        case failed(String)
    }

    struct Summary: Encodable {
        var photos = 0
        var fromCache = 0
        var analysed = 0
        var failed: [String: Int] = [:]
        var facesFound = 0
        var skipped: [String: Int] = [:]
        var groups = 0
        var facesInGroups = 0
        var unsorted = 0
        var seconds = 0.0
        var clusteringSeconds = 0.0

        enum CodingKeys: String, CodingKey {
            case photos, analysed, failed, skipped, groups, unsorted, seconds
            case fromCache = "from_cache"
            case facesFound = "faces_found"
            case facesInGroups = "faces_in_groups"
            case clusteringSeconds = "clustering_seconds"
        }
    }

    /// The `--json` document: the one `POST /v1/cluster` answers, with the photo paths in `images`,
    /// plus this run's `summary` and, with --truth-from-folders, the `evaluation`.
    struct Output: Encodable {
        struct Sweep: Encodable {
            var threshold: Double
            var all: ClusterEvaluation
            var peopleWithTwoOrMore: ClusterEvaluation

            enum CodingKeys: String, CodingKey {
                case threshold, all
                case peopleWithTwoOrMore = "people_with_two_or_more"
            }
        }
        var document: ClusterDocument
        var summary: Summary
        var evaluation: [Sweep]?

        enum CodingKeys: String, CodingKey { case summary, evaluation }

        func encode(to encoder: any Encoder) throws {
            try document.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary, forKey: .summary)
            try container.encodeIfPresent(evaluation, forKey: .evaluation)
        }
    }

    func run() async throws {
        let start = ContinuousClock.now
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError(code: .fileNotFound, message: "\(directory) is not a directory")
        }
        let root = URL(fileURLWithPath: directory)
        let paths = try ImageFiles.list(
            in: directory, extensions: ["jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "heic", "heif"])
        let analyzer = try pipeline.makeAnalyzer()
        let cacheURL = URL(fileURLWithPath: cache ?? root.appendingPathComponent(".likeness-cluster-cache.json").path)
        var store = noCache ? ClusterCache(pack: analyzer.pack.id) : ClusterCache.load(cacheURL, pack: analyzer.pack.id)
        let known = store
        let quality = minQuality == nil ? nil : QualityProfile.builtIn["enrollment"]
        let progress = ProgressBar(total: paths.count, label: "faces")
        let pipeline = self.pipeline
        let oneFace = oneFacePerPhoto
        let outcomes = await concurrentMap(paths, limit: analyzer.workerCount) { path -> Outcome in
            defer { progress.advance() }
            let lower = path.lowercased()
            if lower.hasSuffix(".heic") || lower.hasSuffix(".heif") { return .failed("unsupported_format") }
            do {
                let bytes = try ImageFiles.read(path, limits: pipeline.limits)
                let hash = Hex.string(SHA256.hash(data: bytes))
                if let file = known.files[hash], quality == nil || file.faces.allSatisfy({ $0.quality != nil }) {
                    return .analysed(hash: hash, file, fromCache: true)
                }
                let image = try await analyzer.decode(bytes, limits: pipeline.limits)
                var faces = try await analyzer.detect(in: image, options: pipeline.detection)
                if oneFace, !faces.isEmpty {
                    faces = [try pipeline.select.pick(from: faces, imageWidth: image.width, imageHeight: image.height)]
                }
                let embeddings =
                    faces.isEmpty ? [] : try await analyzer.embed(faces, in: image, options: pipeline.embedding)
                var cached: [ClusterCache.Face] = []
                for (face, embedding) in zip(faces, embeddings) {
                    var score: Double?
                    if let quality {
                        score = try await analyzer.assessQuality(of: face, among: faces, in: image, profile: quality).0
                            .unifiedScore
                    }
                    cached.append(
                        ClusterCache.Face(
                            box: [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY], score: face.score,
                            embedding: ClusterCache.Face.encode(embedding.vector), quality: score,
                            thumbnail: try Self.thumbnail(of: face, in: image)))
                }
                return .analysed(hash: hash, ClusterCache.File(faces: cached), fromCache: false)
            } catch let error as FaceKitError {
                return .failed(error.code.rawValue)
            } catch let error as CLIError {
                return .failed(error.code.rawValue)
            } catch {
                return .failed("internal_error")
            }
        }
        progress.finish()

        var summary = Summary(photos: paths.count)
        var faces: [Face] = []
        var liveFiles: [String: ClusterCache.File] = [:]
        var skippedPhotos: [ClusterDocument.Skipped] = []
        let workflow = self.workflow
        for (position, (path, outcome)) in zip(paths, outcomes).enumerated() {
            switch outcome {
            case .failed(let code):
                summary.failed[code, default: 0] += 1
                skippedPhotos.append(ClusterDocument.Skipped(image: position, code: ProblemCode(rawValue: code)))
            case .analysed(let hash, let file, let fromCache):
                if fromCache { summary.fromCache += 1 } else { summary.analysed += 1 }
                liveFiles[hash] = file
                summary.facesFound += file.faces.count
                for (index, face) in file.faces.enumerated() {
                    if let reason = workflow.exclusion(box: face.box, score: face.score, quality: face.quality) {
                        summary.skipped[reason, default: 0] += 1
                    } else {
                        faces.append(
                            Face(
                                key: "\(hash)#\(index)", file: relative(path, to: directory), image: position,
                                cached: face))
                    }
                }
            }
        }

        let clusterStart = ContinuousClock.now
        let dimension = analyzer.pack.embedder.dimension
        let vectors = faces.flatMap { $0.cached.vector }
        guard vectors.count == faces.count * dimension else {
            throw CLIError(
                code: "cache_corrupt", message: "\(cacheURL.path) holds templates of another size; delete it")
        }
        let (clusters, unsortedRows, labels, graph) = try workflow.group(vectors: vectors, dimension: dimension)
        summary.clusteringSeconds = (ContinuousClock.now - clusterStart).seconds
        var nextID = max(store.nextGroup, (store.groups.values.max() ?? 0) + 1)
        let ids = StableGroups.assign(
            clusters: clusters.map { $0.map { faces[$0].key } }, previous: store.groups, nextID: &nextID)
        summary.groups = clusters.count
        summary.facesInGroups = clusters.reduce(0) { $0 + $1.count }
        summary.unsorted = unsortedRows.count

        store.files = liveFiles
        store.groups = [:]
        for (cluster, id) in zip(clusters, ids) { for row in cluster { store.groups[faces[row].key] = id } }
        store.nextGroup = nextID
        if !noCache { try store.save(cacheURL) }

        var evaluation: [Output.Sweep]?
        if truthFromFolders {
            let truth = faces.map { ($0.file as NSString).deletingLastPathComponent }
            var counts: [String: Int] = [:]
            for person in truth { counts[person, default: 0] += 1 }
            let repeated = truth.indices.filter { counts[truth[$0]]! >= 2 }
            evaluation = ([threshold] + sweep).map { t in
                let predicted =
                    t == threshold ? labels : GraphClustering(threshold: Float(t)).labels(graph: graph)
                return Output.Sweep(
                    threshold: t, all: ClusterEvaluation.compare(predicted: predicted, truth: truth),
                    peopleWithTwoOrMore: ClusterEvaluation.compare(
                        predicted: repeated.map { predicted[$0] }, truth: repeated.map { truth[$0] }))
            }
        }
        summary.seconds = (ContinuousClock.now - start).seconds

        func reference(_ row: Int) -> ClusterDocument.FaceRef {
            ClusterDocument.FaceRef(image: faces[row].image, box: faces[row].cached.box, score: faces[row].cached.score)
        }
        let document = ClusterDocument(
            threshold: threshold,
            groups: zip(clusters, ids).map { cluster, id in
                ClusterDocument.Group(
                    id: id, photos: Set(cluster.map { faces[$0].file }).count, faces: cluster.map(reference))
            },
            unsorted: unsortedRows.map(reference), skipped: skippedPhotos,
            facesIgnored: summary.skipped.values.reduce(0, +), images: paths.map { relative($0, to: directory) })
        if let json {
            // Private: it says which photos show the same person.
            try PrivateFile.write(
                try DocumentEncoding.encode(Output(document: document, summary: summary, evaluation: evaluation)),
                to: json)
        }
        let line = summaryLine(summary)
        if let report {
            let page = ClusterReport.html(
                directory: directory,
                groups: zip(clusters, ids).map { cluster, id in
                    ClusterReport.Group(
                        id: id, photos: Set(cluster.map { faces[$0].file }).count,
                        thumbnails: cluster.map { (faces[$0].file, faces[$0].cached.thumbnail) })
                }, unsorted: unsortedRows.map { (faces[$0].file, faces[$0].cached.thumbnail) }, summary: line)
            try PrivateFile.write(Data(page.utf8), to: report)
        }
        print(line)
        for sweep in evaluation ?? [] {
            let e = sweep.peopleWithTwoOrMore
            print(
                String(
                    format:
                        "threshold %.2f: people with 2+ photos: pairwise precision %.4f recall %.4f F %.4f, BCubed F %.4f; all faces: BCubed F %.4f",
                    sweep.threshold, e.pairwisePrecision, e.pairwiseRecall, e.pairwiseF, e.bcubedF, sweep.all.bcubedF))
        }
    }

    func summaryLine(_ s: Summary) -> String {
        let skipped = s.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let failed = s.failed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return
            "\(s.photos) photos (\(s.analysed) analysed, \(s.fromCache) from cache\(failed.isEmpty ? "" : ", failed: \(failed)")); \(s.facesFound) faces, skipped \(skipped.isEmpty ? "none" : skipped); \(s.groups) groups with \(s.facesInGroups) faces, \(s.unsorted) unsorted; \(String(format: "%.1f", s.seconds)) s (clustering \(String(format: "%.2f", s.clusteringSeconds)) s)"
    }

    func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// A 64×64 JPEG of the face with some margin, base64.
    static func thumbnail(of face: DetectedFace, in image: Image) throws -> String {
        let side = max(face.box.width, face.box.height) * 1.3
        let x = max(0, Int(face.box.center.x - side / 2))
        let y = max(0, Int(face.box.center.y - side / 2))
        let width = max(1, min(image.width - x, Int(side)))
        let height = max(1, min(image.height - y, Int(side)))
        let crop = try image.cropped(x: x, y: y, width: width, height: height).resized(width: 64, height: 64)
        return Data(try crop.encoded(as: .jpeg, quality: 80)).base64EncodedString()
    }
}
