internal import CLikenessVision
import Foundation

/// One loaded ONNX network. Not safe for concurrent use: an `InferenceWorker` owns each one.
final class NeuralNetwork {
    private let handle: OpaquePointer

    init(onnxPath: String) throws {
        var out: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer {
            lkv_net_load_onnx(onnxPath, &out, $0.baseAddress, $0.count)
        }
        guard status == LKV_OK, let out else {
            let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FaceKitError(.modelUnavailable, "cannot load \(onnxPath): \(detail)")
        }
        handle = out
    }

    deinit {
        lkv_net_free(handle)
    }

    /// Runs a forward pass on an NCHW blob and returns the named outputs as flat arrays.
    func forward(_ input: [Float], shape: (n: Int, c: Int, h: Int, w: Int), outputs names: [String]) throws -> [[Float]]
    {
        precondition(input.count == shape.n * shape.c * shape.h * shape.w, "blob does not match its shape")
        var result: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let status = input.withUnsafeBufferPointer { blob in
            cNames.map { UnsafePointer($0) }.withUnsafeBufferPointer { namePointers in
                message.withUnsafeMutableBufferPointer {
                    lkv_net_forward(
                        handle, blob.baseAddress, Int32(shape.n), Int32(shape.c), Int32(shape.h), Int32(shape.w),
                        namePointers.baseAddress, Int32(names.count), &result, $0.baseAddress, $0.count)
                }
            }
        }
        guard status == LKV_OK, let result else {
            let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FaceKitError(.internalFailure, "inference failed: \(detail)")
        }
        defer { lkv_outputs_free(result) }
        return (0..<names.count).map { index in
            let count = lkv_outputs_count(result, Int32(index))
            return Array(UnsafeBufferPointer(start: lkv_outputs_data(result, Int32(index)), count: count))
        }
    }
}
