#include <opencv2/imgproc.hpp>

#include "internal.hpp"

namespace {

// Writes an RGB planar (CHW) blob from a BGR image: (pixel - mean) * scale.
void write_chw_rgb(const cv::Mat &bgr, float mean, float scale, float *blob) {
    const int plane = bgr.rows * bgr.cols;
    float *r = blob, *g = blob + plane, *b = blob + 2 * plane;
    for (int y = 0; y < bgr.rows; ++y) {
        const uint8_t *row = bgr.ptr<uint8_t>(y);
        for (int x = 0; x < bgr.cols; ++x) {
            const int i = y * bgr.cols + x;
            b[i] = (row[3 * x] - mean) * scale;
            g[i] = (row[3 * x + 1] - mean) * scale;
            r[i] = (row[3 * x + 2] - mean) * scale;
        }
    }
}

}  // namespace

extern "C" {

lkv_status lkv_letterbox_blob(const lkv_image *image, int size, float mean, float scale, float *blob,
                              size_t blob_capacity, double *resize_scale) {
    if (size <= 0 || blob_capacity < static_cast<size_t>(3) * size * size) return LKV_ERR_INVALID_ARGUMENT;
    try {
        const cv::Mat &m = image->mat;
        double s = std::min(static_cast<double>(size) / m.cols, static_cast<double>(size) / m.rows);
        int nw = std::max(1, std::min(size, static_cast<int>(std::lround(m.cols * s))));
        int nh = std::max(1, std::min(size, static_cast<int>(std::lround(m.rows * s))));
        cv::Mat canvas(size, size, CV_8UC3, cv::Scalar(0, 0, 0));
        cv::Mat resized;
        if (nw == m.cols && nh == m.rows) resized = m;
        else cv::resize(m, resized, cv::Size(nw, nh), 0, 0, cv::INTER_LINEAR);
        resized.copyTo(canvas(cv::Rect(0, 0, nw, nh)));
        write_chw_rgb(canvas, mean, scale, blob);
        *resize_scale = s;
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_aligned_blob(const lkv_image *image, const double matrix[6], int size, float mean, float scale,
                            float *blob, float *mirrored_blob) {
    if (size <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat m(2, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat aligned;
        cv::warpAffine(image->mat, aligned, m, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       cv::Scalar(0, 0, 0));
        write_chw_rgb(aligned, mean, scale, blob);
        if (mirrored_blob != nullptr) {
            cv::Mat mirrored;
            cv::flip(aligned, mirrored, 1);
            write_chw_rgb(mirrored, mean, scale, mirrored_blob);
        }
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

}  // extern "C"
