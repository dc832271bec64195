#include <cmath>
#include <cstdlib>
#include <mutex>
#include <string>
#include <opencv2/videoio.hpp>

#include "internal.hpp"

struct lkv_video {
    cv::VideoCapture capture;
};

namespace {

/// OpenCV 4.6's FFmpeg backend reads this variable on every open and passes its `key;value|…`
/// pairs to avformat_open_input. It is the only way 4.6 offers to give FFmpeg options: the
/// VideoCapture open parameters cover timeouts and hardware acceleration, not the demuxers.
constexpr const char *kCaptureOptions = "OPENCV_FFMPEG_CAPTURE_OPTIONS";
/// The liveness whitelist: FFmpeg's Matroska/WebM and ISO-BMFF demuxers, local files only, so
/// a recording cannot make FFmpeg follow a playlist, fetch a URL or probe its other demuxers.
constexpr const char *kRestrictedOptions =
    "format_whitelist;matroska,webm,mov,mp4,m4a,3gp,3g2,mj2|protocol_whitelist;file";
/// What OpenCV itself uses when the variable is absent.
constexpr const char *kOpenCVDefault = "rtsp_transport;tcp";

/// Serialises every open: the variable is process-wide, so a restricted open sets it, opens, and
/// puts the old value back before any other open (restricted or not) can read it. Decoding
/// (lkv_video_next) does not read it and runs concurrently.
std::mutex open_mutex;

/// The value unrestricted opens see: the operator's own setting, else OpenCV's default. The
/// variable is never unset once set: overwriting an existing name only swaps a pointer in
/// `environ` (glibc keeps every value setenv made), whereas adding or removing a name may
/// reallocate `environ` under a getenv running on another thread.
const std::string &unrestricted_options() {
    static const std::string value = [] {
        const char *current = std::getenv(kCaptureOptions);
        return std::string(current ? current : kOpenCVDefault);
    }();
    return value;
}

lkv_status open_video(const char *path, bool restricted, lkv_video **out, char *error, size_t error_capacity) {
    *out = nullptr;
    try {
        auto video = new lkv_video();
        bool opened = false;
        {
            std::lock_guard<std::mutex> lock(open_mutex);
            const std::string &normal = unrestricted_options();
            setenv(kCaptureOptions, restricted ? kRestrictedOptions : normal.c_str(), 1);
            try {
                opened = video->capture.open(path, cv::CAP_FFMPEG) && video->capture.isOpened();
            } catch (...) {
                setenv(kCaptureOptions, normal.c_str(), 1);
                throw;
            }
            setenv(kCaptureOptions, normal.c_str(), 1);
        }
        if (!opened) {
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

}  // namespace

extern "C" {

lkv_status lkv_video_open(const char *path, lkv_video **out, char *error, size_t error_capacity) {
    return open_video(path, false, out, error, error_capacity);
}

lkv_status lkv_video_open_restricted(const char *path, lkv_video **out, char *error, size_t error_capacity) {
    return open_video(path, true, out, error, error_capacity);
}

void lkv_video_free(lkv_video *video) { delete video; }

void lkv_video_properties(const lkv_video *video, double *fps, int *frame_count, int *width, int *height) {
    auto &capture = const_cast<cv::VideoCapture &>(video->capture);
    *fps = capture.get(cv::CAP_PROP_FPS);
    // Streams without an index (MediaRecorder's WebM) report nonsense such as -2.3e17; converting
    // that to int would be undefined, so anything not a plausible count becomes 0 (unknown).
    const double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
    *frame_count = (std::isfinite(count) && count >= 0 && count < 1e9) ? static_cast<int>(count) : 0;
    const double w = capture.get(cv::CAP_PROP_FRAME_WIDTH);
    const double h = capture.get(cv::CAP_PROP_FRAME_HEIGHT);
    *width = (std::isfinite(w) && w >= 0 && w < 1e6) ? static_cast<int>(w) : 0;
    *height = (std::isfinite(h) && h >= 0 && h < 1e6) ? static_cast<int>(h) : 0;
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
