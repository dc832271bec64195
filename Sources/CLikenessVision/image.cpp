#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "internal.hpp"

namespace {

cv::Mat to_8bit(const cv::Mat &src) {
    switch (src.depth()) {
    case CV_8U: return src;
    case CV_8S: { cv::Mat d; src.convertTo(d, CV_8U, 1.0, 128.0); return d; }
    case CV_16U: { cv::Mat d; src.convertTo(d, CV_8U, 1.0 / 257.0); return d; }
    case CV_16S: { cv::Mat d; src.convertTo(d, CV_8U, 1.0 / 257.0, 128.0); return d; }
    case CV_32F:
    case CV_64F: { cv::Mat d; src.convertTo(d, CV_8U, 255.0); return d; }
    default: { cv::Mat d; cv::normalize(src, d, 0, 255, cv::NORM_MINMAX, CV_8U); return d; }
    }
}

cv::Mat to_bgr(const cv::Mat &src8) {
    cv::Mat out;
    switch (src8.channels()) {
    case 3: return src8;
    case 1: cv::cvtColor(src8, out, cv::COLOR_GRAY2BGR); return out;
    case 2: {  // gray + alpha
        std::vector<cv::Mat> planes;
        cv::split(src8, planes);
        cv::Mat bgra;
        cv::merge(std::vector<cv::Mat>{planes[0], planes[0], planes[0], planes[1]}, bgra);
        return to_bgr(bgra);
    }
    case 4: {  // composite over white so transparent areas do not hide garbage colours
        std::vector<cv::Mat> planes;
        cv::split(src8, planes);
        cv::Mat alpha;
        planes[3].convertTo(alpha, CV_32F, 1.0 / 255.0);
        std::vector<cv::Mat> bgr(3);
        for (int i = 0; i < 3; ++i) {
            cv::Mat c;
            planes[i].convertTo(c, CV_32F);
            cv::Mat blended = c.mul(alpha) + (1.0 - alpha) * 255.0;
            blended.convertTo(bgr[i], CV_8U);
        }
        cv::merge(bgr, out);
        return out;
    }
    default: return cv::Mat();
    }
}

}  // namespace

extern "C" {

lkv_status lkv_image_decode(const uint8_t *bytes, size_t length, lkv_image **out, char *error,
                            size_t error_capacity) {
    *out = nullptr;
    if (bytes == nullptr || length == 0) {
        lkv_write_error(error, error_capacity, "empty input");
        return LKV_ERR_DECODE;
    }
    try {
        cv::Mat raw(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t *>(bytes));
        // IMREAD_COLOR makes the codec itself emit 8-bit BGR (libpng strips 16-bit samples and
        // alpha, expands grey and palettes row by row), so a 16-bit RGBA picture never exists in
        // memory at full depth: 3 bytes a pixel at most, one buffer. Orientation is Likeness's
        // job (ImageHeader), so the codec must not apply it a second time.
        cv::Mat decoded = cv::imdecode(raw, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
        if (decoded.empty() || decoded.cols <= 0 || decoded.rows <= 0) {
            lkv_write_error(error, error_capacity, "the decoder could not read the image data");
            return LKV_ERR_DECODE;
        }
        if (decoded.type() != CV_8UC3) {  // not expected from IMREAD_COLOR; kept as a guard
            cv::Mat bgr = to_bgr(to_8bit(decoded));
            if (bgr.empty()) {
                lkv_write_error(error, error_capacity, "unsupported channel layout");
                return LKV_ERR_DECODE;
            }
            decoded = bgr;
        }
        *out = lkv_wrap(std::move(decoded));
        return LKV_OK;
    } catch (const std::exception &e) {
        lkv_write_error(error, error_capacity, e.what());
        return LKV_ERR_DECODE;
    }
}

lkv_status lkv_image_from_bgr(const uint8_t *pixels, int width, int height, lkv_image **out) {
    *out = nullptr;
    if (pixels == nullptr || width <= 0 || height <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat view(height, width, CV_8UC3, const_cast<uint8_t *>(pixels));
        *out = lkv_wrap(view.clone());
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_clone(const lkv_image *image, lkv_image **out) {
    *out = nullptr;
    try {
        *out = lkv_wrap(image->mat.clone());
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

void lkv_image_free(lkv_image *image) { delete image; }
int lkv_image_width(const lkv_image *image) { return image->mat.cols; }
int lkv_image_height(const lkv_image *image) { return image->mat.rows; }

lkv_status lkv_image_copy_bgr(const lkv_image *image, uint8_t *out, size_t capacity) {
    size_t needed = image->mat.total() * 3;
    if (capacity < needed) return LKV_ERR_INVALID_ARGUMENT;
    std::memcpy(out, image->mat.data, needed);
    return LKV_OK;
}

lkv_status lkv_image_orient(const lkv_image *image, int orientation, lkv_image **out) {
    *out = nullptr;
    try {
        cv::Mat m = image->mat, r;
        switch (orientation) {
        case 2: cv::flip(m, r, 1); break;
        case 3: cv::rotate(m, r, cv::ROTATE_180); break;
        case 4: cv::flip(m, r, 0); break;
        case 5: cv::transpose(m, r); break;
        case 6: cv::rotate(m, r, cv::ROTATE_90_CLOCKWISE); break;
        case 7: { cv::Mat t; cv::transpose(m, t); cv::rotate(t, r, cv::ROTATE_180); break; }
        case 8: cv::rotate(m, r, cv::ROTATE_90_COUNTERCLOCKWISE); break;
        default: r = m.clone(); break;
        }
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_rotate(const lkv_image *image, double degrees, lkv_image **out) {
    *out = nullptr;
    try {
        const cv::Mat &m = image->mat;
        cv::Point2f center(m.cols / 2.0f, m.rows / 2.0f);
        cv::Mat rot = cv::getRotationMatrix2D(center, degrees, 1.0);
        cv::Rect2f bounds = cv::RotatedRect(cv::Point2f(), m.size(), static_cast<float>(degrees)).boundingRect2f();
        rot.at<double>(0, 2) += bounds.width / 2.0 - m.cols / 2.0;
        rot.at<double>(1, 2) += bounds.height / 2.0 - m.rows / 2.0;
        cv::Mat r;
        cv::warpAffine(m, r, rot, cv::Size(static_cast<int>(std::ceil(bounds.width)), static_cast<int>(std::ceil(bounds.height))),
                       cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_resize(const lkv_image *image, int width, int height, lkv_image **out) {
    *out = nullptr;
    if (width <= 0 || height <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat r;
        bool shrinking = width < image->mat.cols && height < image->mat.rows;
        cv::resize(image->mat, r, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_warp_affine(const lkv_image *image, const double matrix[6], int width, int height,
                                 lkv_image **out) {
    *out = nullptr;
    if (width <= 0 || height <= 0) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat m(2, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat r;
        cv::warpAffine(image->mat, r, m, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
        *out = lkv_wrap(r);
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_INTERNAL;
    }
}

lkv_status lkv_image_encode(const lkv_image *image, const char *extension, int quality, uint8_t **bytes,
                            size_t *length) {
    *bytes = nullptr;
    *length = 0;
    try {
        std::vector<int> params;
        std::string ext(extension);
        if (quality > 0 && (ext == ".jpg" || ext == ".jpeg")) params = {cv::IMWRITE_JPEG_QUALITY, quality};
        if (quality > 0 && ext == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, quality};
        std::vector<uchar> buffer;
        if (!cv::imencode(ext, image->mat, buffer, params)) return LKV_ERR_ENCODE;
        *bytes = static_cast<uint8_t *>(std::malloc(buffer.size()));
        if (*bytes == nullptr) return LKV_ERR_INTERNAL;
        std::memcpy(*bytes, buffer.data(), buffer.size());
        *length = buffer.size();
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_ENCODE;
    }
}

void lkv_buffer_free(uint8_t *bytes) { std::free(bytes); }

void lkv_image_draw_rect(lkv_image *image, double x0, double y0, double x1, double y1, uint8_t r, uint8_t g,
                         uint8_t b, int thickness) {
    cv::rectangle(image->mat, cv::Point(cvRound(x0), cvRound(y0)), cv::Point(cvRound(x1), cvRound(y1)),
                  cv::Scalar(b, g, r), thickness, cv::LINE_AA);
}

void lkv_image_draw_circle(lkv_image *image, double x, double y, double radius, uint8_t r, uint8_t g, uint8_t b) {
    cv::circle(image->mat, cv::Point(cvRound(x), cvRound(y)), std::max(1, cvRound(radius)), cv::Scalar(b, g, r),
               cv::FILLED, cv::LINE_AA);
}

void lkv_image_draw_text(lkv_image *image, const char *text, double x, double y, double scale, uint8_t r,
                         uint8_t g, uint8_t b) {
    cv::putText(image->mat, text, cv::Point(cvRound(x), cvRound(y)), cv::FONT_HERSHEY_SIMPLEX, scale,
                cv::Scalar(b, g, r), std::max(1, cvRound(scale * 2)), cv::LINE_AA);
}

}  // extern "C"

lkv_status lkv_image_redact(const lkv_image *image, const lkv_rect *regions, size_t count,
                            lkv_redaction_style style, int cells, lkv_image **out) {
    if (image == nullptr || out == nullptr || (regions == nullptr && count > 0) || cells < 1) return LKV_ERR_INVALID_ARGUMENT;
    try {
        cv::Mat result = image->mat.clone();
        const cv::Rect bounds(0, 0, result.cols, result.rows);
        for (size_t i = 0; i < count; ++i) {
            const lkv_rect &r = regions[i];
            const int x0 = static_cast<int>(std::floor(r.x0)), y0 = static_cast<int>(std::floor(r.y0));
            const int x1 = static_cast<int>(std::ceil(r.x1)), y1 = static_cast<int>(std::ceil(r.y1));
            const cv::Rect area = cv::Rect(x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)) & bounds;
            if (area.width < 1 || area.height < 1) continue;
            cv::Mat roi = result(area);
            if (style == LKV_REDACT_BOX) {
                roi.setTo(cv::Scalar(0, 0, 0));
                continue;
            }
            // Shrinking to a few cells and growing back removes every detail finer than a cell,
            // at a cost that does not grow with the face (a Gaussian kernel of the face's size would).
            const double side = std::min(area.width, area.height);
            const double cell = std::max(1.0, side / cells);
            const cv::Size small(std::max(1, cvRound(area.width / cell)), std::max(1, cvRound(area.height / cell)));
            cv::Mat reduced;
            cv::resize(roi, reduced, small, 0, 0, cv::INTER_AREA);
            cv::Mat grown;
            if (style == LKV_REDACT_PIXELATE) {
                cv::resize(reduced, grown, area.size(), 0, 0, cv::INTER_NEAREST);
            } else {
                cv::resize(reduced, grown, area.size(), 0, 0, cv::INTER_LINEAR);
                const int k = std::max(3, (cvRound(cell) | 1));
                cv::GaussianBlur(grown, grown, cv::Size(k, k), 0);
            }
            grown.copyTo(roi);
        }
        *out = lkv_wrap(std::move(result));
        return LKV_OK;
    } catch (const std::exception &) {
        return LKV_ERR_INTERNAL;
    }
}
