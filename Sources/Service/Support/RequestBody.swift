import Foundation
import Hummingbird
import Workflows

/// Reading request bodies: a size limit checked before reading, and a deadline for slow senders.
enum RequestBody {
    static func collect(_ request: Request, limit: Int, timeout: Duration) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength], let length = Int(declared), length > limit {
            throw Problem(.contentTooLarge, code: .payloadTooLarge, detail: "the body is larger than \(limit) bytes")
        }
        do {
            return try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
                group.addTask {
                    var request = request
                    return try await request.collectBody(upTo: limit)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw Problem(
                        .requestTimeout, code: .requestTimeout, detail: "the body did not arrive within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(.contentTooLarge, code: .payloadTooLarge, detail: "the body is larger than \(limit) bytes")
        } catch {
            throw Problem(.badRequest, code: .validationFailed, detail: "the body could not be read")
        }
    }

    /// The media type of the request without parameters, lower-cased.
    static func mediaType(of request: Request) -> String? {
        request.headers[.contentType].map {
            $0.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces).lowercased()
        }
    }
}
