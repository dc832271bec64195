#include <opencv2/imgproc.hpp>

#include "internal.hpp"

extern "C" {

lkv_status lkv_region_stats_compute(const lkv_image *image, const double matrix[6], int size, int x0, int y0,
                                    int x1, int y1, lkv_region_stats *stats) {
    if (size <= 0 || x0 < 0 || y0 < 0 || x1 > size || y1 > size || x1 <= x0 || y1 <= y0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat m(2, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat crop, gray;
        cv::warpAffine(image->mat, crop, m, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        cv::cvtColor(crop, gray, cv::COLOR_BGR2GRAY);
        cv::Mat region = gray(cv::Rect(x0, y0, x1 - x0, y1 - y0));
        cv::Scalar mean, deviation;
        cv::meanStdDev(region, mean, deviation);
        int histogram[256] = {0};
        for (int y = 0; y < region.rows; ++y) {
            const uint8_t *row = region.ptr<uint8_t>(y);
            for (int x = 0; x < region.cols; ++x) histogram[row[x]]++;
        }
        const double total = static_cast<double>(region.total());
        double cumulative = 0, dark = 0, bright = 0;
        stats->p5 = -1;
        stats->p95 = -1;
        for (int v = 0; v < 256; ++v) {
            cumulative += histogram[v];
            if (stats->p5 < 0 && cumulative >= 0.05 * total) stats->p5 = v;
            if (stats->p95 < 0 && cumulative >= 0.95 * total) stats->p95 = v;
            if (v <= 30) dark += histogram[v];
            if (v >= 245) bright += histogram[v];
        }
        cv::Mat laplacian;
        cv::Laplacian(region, laplacian, CV_64F, 3);
        cv::Scalar lapMean, lapDeviation;
        cv::meanStdDev(laplacian, lapMean, lapDeviation);
        stats->mean = mean[0];
        stats->standard_deviation = deviation[0];
        stats->dark_fraction = dark / total;
        stats->bright_fraction = bright / total;
        stats->laplacian_variance = lapDeviation[0] * lapDeviation[0];
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_warp_perspective(const lkv_image *image, const double matrix[9], int width, int height,
                                      lkv_image **out) {
    *out = nullptr;
    if (width <= 0 || height <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat m(3, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat r;
        cv::warpPerspective(image->mat, r, m, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                            cv::Scalar(0, 0, 0));
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_blur(const lkv_image *image, double sigma, lkv_image **out) {
    *out = nullptr;
    if (!(sigma > 0)) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat r;
        cv::GaussianBlur(image->mat, r, cv::Size(0, 0), sigma);
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_adjust(const lkv_image *image, double gain, double bias, lkv_image **out) {
    *out = nullptr;
    try {
        cv::Mat r;
        image->mat.convertTo(r, CV_8U, gain, bias);
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_crop(const lkv_image *image, int x, int y, int width, int height, lkv_image **out) {
    *out = nullptr;
    cv::Rect wanted(x, y, width, height);
    cv::Rect clipped = wanted & cv::Rect(0, 0, image->mat.cols, image->mat.rows);
    if (clipped.width <= 0 || clipped.height <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        *out = lkv_wrap(image->mat(clipped).clone());
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

}  // extern "C"
