// Plain C interface to the OpenCV parts Likeness uses. No C++ type crosses this header:
// every OpenCV object lives behind an opaque handle owned by the caller, who frees it.
#ifndef LIKENESS_VISION_H
#define LIKENESS_VISION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LKV_OK = 0,
    LKV_ERR_DECODE = 1,
    LKV_ERR_INVALID_ARGUMENT = 2,
    LKV_ERR_MODEL = 3,
    LKV_ERR_INFERENCE = 4,
    LKV_ERR_ENCODE = 5,
    LKV_ERR_INTERNAL = 6,
} lkv_status;

/// An 8-bit, 3-channel BGR image.
typedef struct lkv_image lkv_image;
/// A loaded neural network (not safe for concurrent use).
typedef struct lkv_net lkv_net;
/// The named output tensors of one forward pass.
typedef struct lkv_outputs lkv_outputs;
/// Per-layer timings of a network's last forward pass.
typedef struct lkv_layer_profile lkv_layer_profile;

/// Decodes encoded bytes straight into an 8-bit BGR image (the codec converts row by row, so
/// no wider copy exists): grayscale and palettes are expanded, 16-bit samples keep their high
/// byte, and an alpha channel is dropped (pixels keep their stored colour). EXIF orientation
/// is not applied here (see lkv_image_orient).
lkv_status lkv_image_decode(const uint8_t *bytes, size_t length, lkv_image **out,
                            char *error, size_t error_capacity);
/// Wraps a copy of tightly packed BGR pixels.
lkv_status lkv_image_from_bgr(const uint8_t *pixels, int width, int height, lkv_image **out);
/// Returns an independent copy.
lkv_status lkv_image_clone(const lkv_image *image, lkv_image **out);
void lkv_image_free(lkv_image *image);
int lkv_image_width(const lkv_image *image);
int lkv_image_height(const lkv_image *image);
/// Copies tightly packed BGR pixels into `out` (width*height*3 bytes).
lkv_status lkv_image_copy_bgr(const lkv_image *image, uint8_t *out, size_t capacity);
/// Applies an EXIF orientation (1...8) and returns the upright image.
lkv_status lkv_image_orient(const lkv_image *image, int exif_orientation, lkv_image **out);
/// Rotates by an arbitrary angle in degrees (counter-clockwise), expanding the canvas.
lkv_status lkv_image_rotate(const lkv_image *image, double degrees, lkv_image **out);
/// Resizes with area or linear interpolation as appropriate.
lkv_status lkv_image_resize(const lkv_image *image, int width, int height, lkv_image **out);
/// Applies a 2x3 affine matrix (row-major) producing a width x height image, black border.
lkv_status lkv_image_warp_affine(const lkv_image *image, const double matrix[6], int width,
                                 int height, lkv_image **out);
/// Encodes to the format implied by `extension` (".png", ".jpg", ".webp", ".bmp", ".tiff").
/// `quality` applies to JPEG and WebP (1...100), or pass 0 for the default.
lkv_status lkv_image_encode(const lkv_image *image, const char *extension, int quality,
                            uint8_t **bytes, size_t *length);
void lkv_buffer_free(uint8_t *bytes);
/// Draws a rectangle outline in place.
void lkv_image_draw_rect(lkv_image *image, double x0, double y0, double x1, double y1,
                         uint8_t r, uint8_t g, uint8_t b, int thickness);
/// Draws a filled circle in place.
void lkv_image_draw_circle(lkv_image *image, double x, double y, double radius, uint8_t r,
                           uint8_t g, uint8_t b);
/// Draws a short text label in place.
void lkv_image_draw_text(lkv_image *image, const char *text, double x, double y, double scale,
                         uint8_t r, uint8_t g, uint8_t b);

/// Letterboxes the image into the top-left of a size x size canvas and writes a 1x3xSxS
/// RGB blob (pixel - mean) * scale. `resize_scale` receives the factor applied to the image.
lkv_status lkv_letterbox_blob(const lkv_image *image, int size, float mean, float scale,
                              float *blob, size_t blob_capacity, double *resize_scale);
/// Warps the image with a 2x3 affine matrix into size x size and writes an RGB CHW blob
/// (pixel - mean) * scale at `blob`; when `mirrored_blob` is not NULL it also receives the
/// horizontally mirrored crop.
lkv_status lkv_aligned_blob(const lkv_image *image, const double matrix[6], int size, float mean,
                            float scale, float *blob, float *mirrored_blob);

/// Photometric measures of a face region, taken on the grey crop an affine matrix selects.
typedef struct {
    double mean;               ///< mean grey level, 0...255
    double standard_deviation; ///< grey-level spread
    double p5, p95;            ///< 5th and 95th percentile grey levels
    double dark_fraction;      ///< share of pixels <= 30
    double bright_fraction;    ///< share of pixels >= 245
    double laplacian_variance; ///< variance of the 3x3 Laplacian (focus measure)
} lkv_region_stats;

/// Warps the image with `matrix` into size x size, converts to grey and measures the
/// rectangle [x0, x1) x [y0, y1) of that crop.
lkv_status lkv_region_stats_compute(const lkv_image *image, const double matrix[6], int size, int x0, int y0,
                                    int x1, int y1, lkv_region_stats *stats);

/// Applies a 3x3 perspective matrix (row-major) producing a width x height image, black border.
lkv_status lkv_image_warp_perspective(const lkv_image *image, const double matrix[9], int width, int height,
                                      lkv_image **out);
/// Gaussian blur with the given sigma (pixels).
lkv_status lkv_image_blur(const lkv_image *image, double sigma, lkv_image **out);
/// Multiplies every pixel by `gain` and adds `bias` (saturating).
lkv_status lkv_image_adjust(const lkv_image *image, double gain, double bias, lkv_image **out);
/// Copies the rectangle [x, x+width) x [y, y+height) (clipped to the image).
lkv_status lkv_image_crop(const lkv_image *image, int x, int y, int width, int height, lkv_image **out);

/// A rectangle in pixel coordinates, [x0, x1) x [y0, y1).
typedef struct lkv_rect {
    double x0, y0, x1, y1;
} lkv_rect;

/// How lkv_image_redact hides a region.
typedef enum lkv_redaction_style {
    LKV_REDACT_BLUR = 0,
    LKV_REDACT_PIXELATE = 1,
    LKV_REDACT_BOX = 2,
} lkv_redaction_style;

/// A copy of image with each region (clipped to the image) hidden. The strength follows the
/// region's size: blur and pixelate keep about `cells` cells across the region's shorter side,
/// whatever its size in pixels.
lkv_status lkv_image_redact(const lkv_image *image, const lkv_rect *regions, size_t count,
                            lkv_redaction_style style, int cells, lkv_image **out);

/// A video file opened for sequential decoding.
typedef struct lkv_video lkv_video;

/// Opens a video file (OpenCV 4.6 decodes video from files only, not from memory).
lkv_status lkv_video_open(const char *path, lkv_video **out, char *error, size_t error_capacity);
/// Like lkv_video_open, but FFmpeg may use only its Matroska/WebM and MP4 demuxers and the `file`
/// protocol (for untrusted recordings).
lkv_status lkv_video_open_restricted(const char *path, lkv_video **out, char *error, size_t error_capacity);
void lkv_video_free(lkv_video *video);
/// Frames per second and frame count as the container reports them (0 when unknown).
void lkv_video_properties(const lkv_video *video, double *fps, int *frame_count, int *width, int *height);
/// Decodes the next frame; `*out` is NULL at the end of the stream.
lkv_status lkv_video_next(lkv_video *video, lkv_image **out, double *timestamp_ms);

/// Sets the number of threads OpenCV uses inside one call (process-wide).
void lkv_set_num_threads(int threads);

/// The inference runtimes a network can run on.
typedef enum {
    LKV_RUNTIME_OPENCV = 0,    ///< OpenCV's DNN module (always present)
    LKV_RUNTIME_OPENVINO = 1,  ///< OpenVINO's CPU plugin, once `lkv_openvino_load` has succeeded
} lkv_runtime;

/// Opens OpenVINO's C library (`libopenvino_c.so`) at `library_path`, once per process; a later
/// call reports the first one's result.
lkv_status lkv_openvino_load(const char *library_path, char *error, size_t error_capacity);

/// Loads an ONNX network on OpenCV's DNN module.
lkv_status lkv_net_load_onnx(const char *path, lkv_net **out, char *error, size_t error_capacity);
/// Loads an ONNX network on `runtime`, with `threads` threads inside each call (OpenVINO; OpenCV
/// takes its thread count process-wide from `lkv_set_num_threads`).
lkv_status lkv_net_load_onnx_on(const char *path, lkv_runtime runtime, int threads, lkv_net **out, char *error,
                                size_t error_capacity);
/// The runtime a network was loaded on.
lkv_runtime lkv_net_runtime(const lkv_net *net);
void lkv_net_free(lkv_net *net);
/// Runs a forward pass on an NCHW float blob and collects the named outputs.
lkv_status lkv_net_forward(lkv_net *net, const float *input, int n, int c, int h, int w,
                           const char *const *output_names, int output_count,
                           lkv_outputs **out, char *error, size_t error_capacity);
void lkv_outputs_free(lkv_outputs *outputs);
/// Element count and data of output `index` (float32, contiguous).
size_t lkv_outputs_count(const lkv_outputs *outputs, int index);
const float *lkv_outputs_data(const lkv_outputs *outputs, int index);

/// The time each layer took in the network's last forward pass (OpenCV's getPerfProfile; OpenCV
/// networks only).
/// Layers fused into another (a batch norm or an activation folded into a convolution) report 0;
/// their time is in the layer they were fused into.
lkv_status lkv_net_layer_profile(lkv_net *net, lkv_layer_profile **out);
void lkv_layer_profile_free(lkv_layer_profile *profile);
int lkv_layer_profile_count(const lkv_layer_profile *profile);
/// Layer `index`'s name and type (valid until the profile is freed) and its time in milliseconds.
const char *lkv_layer_profile_name(const lkv_layer_profile *profile, int index);
const char *lkv_layer_profile_type(const lkv_layer_profile *profile, int index);
double lkv_layer_profile_milliseconds(const lkv_layer_profile *profile, int index);

#ifdef __cplusplus
}
#endif

#endif
