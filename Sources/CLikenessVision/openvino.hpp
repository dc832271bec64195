// OpenVINO behind the shim: its C library is opened at run time (dlopen), so Likeness builds and
// runs without it (on OpenCV's DNN module) and no OpenVINO type leaves this translation unit.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace lkv_openvino {

/// Opens the C library at `library_path` once per process; later calls report the first result.
bool load(const std::string &library_path, std::string &error);

/// One network compiled for the CPU, with its own inference request (not safe for concurrent use).
class Network {
public:
    static std::unique_ptr<Network> open(const std::string &onnx_path, int threads, std::string &error);
    ~Network();
    /// Runs an NCHW float blob and copies out the named outputs; false with the reason on failure.
    bool forward(const float *input, int n, int c, int h, int w, const std::vector<std::string> &names,
                 std::vector<cv::Mat> &outputs, std::string &error);

private:
    Network() = default;
    struct Handles;
    std::unique_ptr<Handles> handles_;
};

}  // namespace lkv_openvino
