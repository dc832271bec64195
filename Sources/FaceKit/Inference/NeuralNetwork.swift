internal import CLikenessVision
import Foundation

/// One loaded ONNX network. Not safe for concurrent use: an `InferenceWorker` owns each one.
final class NeuralNetwork {
    private let handle: OpaquePointer
    /// When set, each forward pass's per-layer timings are added to it.
    var profile: LayerTimingAccumulator?

    /// Loads `onnxPath` on `runtime` (`.opencv` or `.openvino`, already resolved).
    init(onnxPath: String, runtime: InferenceRuntime, threads: Int) throws {
        var out: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let library = runtime == .openvino ? LKV_RUNTIME_OPENVINO : LKV_RUNTIME_OPENCV
        let status = message.withUnsafeMutableBufferPointer {
            lkv_net_load_onnx_on(onnxPath, library, Int32(threads), &out, $0.baseAddress, $0.count)
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
        if let profile { try recordLayerTimings(into: profile, items: shape.n) }
        return (0..<names.count).map { index in
            let count = lkv_outputs_count(result, Int32(index))
            return Array(UnsafeBufferPointer(start: lkv_outputs_data(result, Int32(index)), count: count))
        }
    }
}

extension NeuralNetwork {
    /// Adds the last forward pass's per-layer timings to `profile`.
    fileprivate func recordLayerTimings(into profile: LayerTimingAccumulator, items: Int) throws {
        var out: OpaquePointer?
        guard lkv_net_layer_profile(handle, &out) == LKV_OK, let out else {
            throw FaceKitError(.internalFailure, "OpenCV gave no layer timings")
        }
        defer { lkv_layer_profile_free(out) }
        let count = Int(lkv_layer_profile_count(out))
        profile.add(
            names: (0..<count).map { String(cString: lkv_layer_profile_name(out, Int32($0))) },
            types: (0..<count).map { String(cString: lkv_layer_profile_type(out, Int32($0))) },
            milliseconds: (0..<count).map { lkv_layer_profile_milliseconds(out, Int32($0)) }, items: items)
    }
}
