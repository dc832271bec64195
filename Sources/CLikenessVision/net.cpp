#include <memory>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "internal.hpp"
#include "openvino.hpp"

struct lkv_net {
    lkv_runtime runtime = LKV_RUNTIME_OPENCV;
    cv::dnn::Net net;                              // LKV_RUNTIME_OPENCV
    std::unique_ptr<lkv_openvino::Network> openvino;  // LKV_RUNTIME_OPENVINO
};

struct lkv_outputs {
    std::vector<cv::Mat> mats;
};

struct lkv_layer_profile {
    std::vector<std::string> names;
    std::vector<std::string> types;
    std::vector<double> milliseconds;
};

extern "C" {

void lkv_set_num_threads(int threads) { cv::setNumThreads(threads); }

lkv_status lkv_openvino_load(const char *library_path, char *error, size_t error_capacity) {
    std::string reason;
    if (lkv_openvino::load(library_path, reason)) return LKV_OK;
    lkv_write_error(error, error_capacity, reason);
    return LKV_ERR_MODEL;
}

lkv_status lkv_net_load_onnx_on(const char *path, lkv_runtime runtime, int threads, lkv_net **out, char *error,
                                size_t error_capacity) {
    if (runtime == LKV_RUNTIME_OPENCV) return lkv_net_load_onnx(path, out, error, error_capacity);
    *out = nullptr;
    if (runtime != LKV_RUNTIME_OPENVINO) return LKV_ERR_INVALID_ARGUMENT;
    try {
        std::string reason;
        std::unique_ptr<lkv_openvino::Network> network = lkv_openvino::Network::open(path, threads, reason);
        if (!network) {
            lkv_write_error(error, error_capacity, reason);
            return LKV_ERR_MODEL;
        }
        std::unique_ptr<lkv_net> net(new lkv_net());
        net->runtime = LKV_RUNTIME_OPENVINO;
        net->openvino = std::move(network);
        *out = net.release();
        return LKV_OK;
    } catch (const std::exception &e) {
        lkv_write_error(error, error_capacity, e.what());
        return LKV_ERR_MODEL;
    }
}

lkv_runtime lkv_net_runtime(const lkv_net *net) { return net->runtime; }

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
        std::unique_ptr<lkv_net> loaded(new lkv_net());
        loaded->net = std::move(net);
        *out = loaded.release();
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
        if (net->runtime == LKV_RUNTIME_OPENVINO) {
            std::vector<std::string> names(output_names, output_names + output_count);
            std::unique_ptr<lkv_outputs> result(new lkv_outputs());
            std::string reason;
            if (!net->openvino->forward(input, n, c, h, w, names, result->mats, reason)) {
                lkv_write_error(error, error_capacity, reason);
                return LKV_ERR_INFERENCE;
            }
            *out = result.release();
            return LKV_OK;
        }
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

lkv_status lkv_net_layer_profile(lkv_net *net, lkv_layer_profile **out) {
    *out = nullptr;
    if (net->runtime != LKV_RUNTIME_OPENCV) return LKV_ERR_INVALID_ARGUMENT;
    try {
        std::vector<double> ticks;
        net->net.getPerfProfile(ticks);
        // getPerfProfile and getLayerNames both list the layers by id, without the input layer.
        std::vector<cv::String> names = net->net.getLayerNames();
        std::unique_ptr<lkv_layer_profile> profile(new lkv_layer_profile());
        const double tick_ms = 1000.0 / cv::getTickFrequency();
        for (size_t i = 0; i < ticks.size() && i < names.size(); ++i) {
            profile->names.push_back(names[i]);
            profile->types.push_back(net->net.getLayer(names[i])->type);
            profile->milliseconds.push_back(ticks[i] * tick_ms);
        }
        *out = profile.release();
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

void lkv_layer_profile_free(lkv_layer_profile *profile) { delete profile; }

int lkv_layer_profile_count(const lkv_layer_profile *profile) { return static_cast<int>(profile->names.size()); }

const char *lkv_layer_profile_name(const lkv_layer_profile *profile, int index) {
    return profile->names.at(index).c_str();
}

const char *lkv_layer_profile_type(const lkv_layer_profile *profile, int index) {
    return profile->types.at(index).c_str();
}

double lkv_layer_profile_milliseconds(const lkv_layer_profile *profile, int index) {
    return profile->milliseconds.at(index);
}

}  // extern "C"
