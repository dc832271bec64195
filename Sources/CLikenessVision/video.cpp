#include <cmath>
#include <opencv2/videoio.hpp>

#include "internal.hpp"

struct lkv_video {
    cv::VideoCapture capture;
};

extern "C" {

lkv_status lkv_video_open(const char *path, lkv_video **out, char *error, size_t error_capacity) {
    *out = nullptr;
    try {
        auto video = new lkv_video();
        if (!video->capture.open(path, cv::CAP_FFMPEG) || !video->capture.isOpened()) {
            delete video;
            lkv_write_error(error, error_capacity, "the video could not be opened");
            return LKV_ERR_DECODE;
        }
        *out = video;
        return LKV_OK;
    } catch (const std::exception &e) {
        lkv_write_error(error, error_capacity, e.what());
        return LKV_ERR_DECODE;
    }
}

void lkv_video_free(lkv_video *video) { delete video; }

void lkv_video_properties(const lkv_video *video, double *fps, int *frame_count, int *width, int *height) {
    auto &capture = const_cast<cv::VideoCapture &>(video->capture);
    *fps = capture.get(cv::CAP_PROP_FPS);
    // Streams without an index (MediaRecorder's WebM) report nonsense such as -2.3e17; converting
    // that to int would be undefined, so anything not a plausible count becomes 0 (unknown).
    const double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
    *frame_count = (std::isfinite(count) && count >= 0 && count < 1e9) ? static_cast<int>(count) : 0;
    *width = static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH));
    *height = static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
}

lkv_status lkv_video_next(lkv_video *video, lkv_image **out, double *timestamp_ms) {
    *out = nullptr;
    try {
        cv::Mat frame;
        if (!video->capture.read(frame) || frame.empty()) return LKV_OK;
        *timestamp_ms = video->capture.get(cv::CAP_PROP_POS_MSEC);
        if (frame.type() != CV_8UC3) return LKV_ERR_DECODE;
        *out = lkv_wrap(frame.clone());
        return LKV_OK;
    } catch (...) {
        return LKV_ERR_DECODE;
    }
}

}  // extern "C"
