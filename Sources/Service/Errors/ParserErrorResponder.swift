import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Workflows

/// Answers a request the HTTP parser refuses (a garbage request line, a bad or repeated
/// `Content-Length`, an oversized header block, a malformed chunked body, a header HTTP does not
/// allow) with a problem+json body and `Connection: close`, instead of Hummingbird's empty 400.
///
/// It sits after the HTTP/1 codec, where the parser's errors pass on their way to the request
/// loop. A parser error goes on as before (a route reading the body must see it, and the request
/// loop answers it and closes the connection); what this handler changes is that answer: the
/// empty 400 Hummingbird writes for it becomes the problem. An error converting the request to
/// HTTP types, which Hummingbird answers with nothing at all, is answered here when no request is
/// in flight.
final class ParserErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request's head went on and its response has not ended.
    private var requestOpen = false
    /// The parser error passed on, whose empty 400 is still to come.
    private var parserError: HTTPParserError?
    /// The problem whose head replaced that 400, its body still to be written.
    private var rewriting: ByteBuffer?
    /// This handler answered and is closing the connection; later errors are its echo.
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { requestOpen = true }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(let head):
            if let error = parserError, head.status == .badRequest, head.headerFields[.contentLength] == "0",
                let (status, code, detail) = Self.problem(for: error)
            {
                parserError = nil
                let body = Self.body(status: status, code: code, detail: detail)
                rewriting = body
                context.write(wrapOutboundOut(.head(Self.head(status, length: body.readableBytes))), promise: promise)
                return
            }
        case .body: break
        case .end:
            requestOpen = false
            if let body = rewriting {
                rewriting = nil
                context.write(wrapOutboundOut(.body(body)), promise: nil)
            }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered { return }
        if let error = error as? HTTPParserError {
            parserError = error
            context.fireErrorCaught(error)
            return
        }
        guard !requestOpen, error is HTTP1TypeConversionError, let (status, code, detail) = Self.problem(for: error)
        else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let body = Self.body(status: status, code: code, detail: detail)
        context.write(wrapOutboundOut(.head(Self.head(status, length: body.readableBytes))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        // Half-close first, so the client reads the answer before the connection goes; the
        // full close follows shortly.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
    }

    /// The head of a problem answer that closes the connection.
    static func head(_ status: HTTPResponse.Status, length: Int) -> HTTPResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/problem+json"
        fields[.cacheControl] = "no-store"
        fields[.connection] = "close"
        fields[.contentLength] = String(length)
        return HTTPResponse(status: status, headerFields: fields)
    }

    /// The status, code and detail for an error of the parser or of the HTTP types conversion;
    /// nil for anything else (a reset connection, an idle timeout), which goes on unchanged.
    static func problem(for error: any Error) -> (HTTPResponse.Status, ProblemCode, String)? {
        if error is HTTP1TypeConversionError {
            return (.badRequest, .malformedRequest, "the request line or a header is not valid HTTP")
        }
        guard let error = error as? HTTPParserError else { return nil }
        switch error {
        case .headerOverflow:
            return (
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), .headersTooLarge,
                "the request's header block is larger than the server accepts"
            )
        case .invalidContentLength, .unexpectedContentLength:
            return (.badRequest, .malformedRequest, "the Content-Length header is invalid or repeated")
        case .invalidChunkSize:
            return (.badRequest, .malformedRequest, "the chunked body is malformed")
        case .invalidMethod, .invalidURL, .invalidVersion, .invalidConstant, .lfExpected, .strictModeAssertion:
            return (.badRequest, .malformedRequest, "the request line is not valid HTTP/1.1")
        case .invalidHeaderToken:
            return (.badRequest, .malformedRequest, "a header line is not valid HTTP")
        default:
            return (.badRequest, .malformedRequest, "the request is not valid HTTP/1.1")
        }
    }

    /// The problem object, as `Problem.response` writes it.
    static func body(status: HTTPResponse.Status, code: ProblemCode, detail: String) -> ByteBuffer {
        let object: [String: Any] = [
            "type": "urn:likeness:problem:\(code)", "title": status.reasonPhrase, "status": status.code,
            "detail": detail, "code": code.rawValue,
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return ByteBuffer(bytes: data)
    }
}
