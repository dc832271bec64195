#include <memory>
#include <vector>

#include <opencv2/dnn.hpp>

#include "internal.hpp"

struct lkv_net {
    cv::dnn::Net net;
};

struct lkv_outputs {
    std::vector<cv::Mat> mats;
};

extern "C" {

void lkv_set_num_threads(int threads) { cv::setNumThreads(threads); }

lkv_status lkv_net_load_onnx(const char *path, lkv_net **out, char *error, size_t error_capacity) {
    *out = nullptr;
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
        if (net.empty()) {
            lkv_write_error(error, error_capacity, "the ONNX importer returned an empty network");
            return LKV_ERR_MODEL;
        }
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        *out = new lkv_net{std::move(net)};
        return LKV_OK;
    } catch (const std::exception &e) {
        lkv_write_error(error, error_capacity, e.what());
        return LKV_ERR_MODEL;
    }
}

void lkv_net_free(lkv_net *net) { delete net; }

lkv_status lkv_net_forward(lkv_net *net, const float *input, int n, int c, int h, int w,
                           const char *const *output_names, int output_count, lkv_outputs **out, char *error,
                           size_t error_capacity) {
    *out = nullptr;
    if (input == nullptr || n <= 0 || c <= 0 || h <= 0 || w <= 0 || output_count <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        int dims[4] = {n, c, h, w};
        cv::Mat blob(4, dims, CV_32F, const_cast<float *>(input));
        net->net.setInput(blob);
        std::vector<cv::String> names(output_names, output_names + output_count);
        std::unique_ptr<lkv_outputs> result(new lkv_outputs());
        net->net.forward(result->mats, names);
        for (auto &m : result->mats) {
            if (m.type() != CV_32F) m.convertTo(m, CV_32F);
            if (!m.isContinuous()) m = m.clone();
        }
        *out = result.release();
        return LKV_OK;
    } catch (const std::exception &e) {
        lkv_write_error(error, error_capacity, e.what());
        return LKV_ERR_INFERENCE;
    }
}

void lkv_outputs_free(lkv_outputs *outputs) { delete outputs; }

size_t lkv_outputs_count(const lkv_outputs *outputs, int index) { return outputs->mats.at(index).total(); }

const float *lkv_outputs_data(const lkv_outputs *outputs, int index) {
    return outputs->mats.at(index).ptr<float>();
}

}  // extern "C"
