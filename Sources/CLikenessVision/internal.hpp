// Definitions shared by the shim's translation units; never included from Swift.
#pragma once

#include <cstring>
#include <exception>
#include <string>

#include <opencv2/core.hpp>

#include "likeness_vision.h"

struct lkv_image {
    cv::Mat mat;  // CV_8UC3, BGR, continuous
};

inline void lkv_write_error(char *error, size_t capacity, const std::string &message) {
    if (error == nullptr || capacity == 0) return;
    size_t n = message.size() < capacity - 1 ? message.size() : capacity - 1;
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

inline lkv_image *lkv_wrap(cv::Mat mat) {
    if (!mat.isContinuous()) mat = mat.clone();
    return new lkv_image{std::move(mat)};
}
