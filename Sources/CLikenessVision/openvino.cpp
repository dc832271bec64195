#include "openvino.hpp"

#include <dlfcn.h>

#include <mutex>

#if __has_include(<openvino/c/openvino.h>)
#include <openvino/c/openvino.h>
#define LKV_HAVE_OPENVINO 1
#endif

namespace lkv_openvino {

#ifdef LKV_HAVE_OPENVINO

namespace {

// The C functions used, resolved from the library by name; their types come from its headers.
struct Api {
    decltype(&ov_core_create) core_create;
    decltype(&ov_core_free) core_free;
    decltype(&ov_core_read_model) read_model;
    decltype(&ov_core_compile_model) compile_model;
    decltype(&ov_model_free) model_free;
    decltype(&ov_compiled_model_create_infer_request) create_infer_request;
    decltype(&ov_compiled_model_free) compiled_model_free;
    decltype(&ov_infer_request_set_input_tensor_by_index) set_input_tensor;
    decltype(&ov_infer_request_infer) infer;
    decltype(&ov_infer_request_get_tensor) get_tensor;
    decltype(&ov_infer_request_free) infer_request_free;
    decltype(&ov_shape_create) shape_create;
    decltype(&ov_shape_free) shape_free;
    decltype(&ov_tensor_create_from_host_ptr) tensor_from_host;
    decltype(&ov_tensor_data) tensor_data;
    decltype(&ov_tensor_get_size) tensor_size;
    decltype(&ov_tensor_free) tensor_free;
    decltype(&ov_get_last_err_msg) last_error;
    ov_core_t *core = nullptr;
};

std::mutex load_mutex;
bool load_attempted = false;
std::string load_error;
Api api;

template <typename F>
bool resolve(void *library, const char *name, F &out, std::string &error) {
    out = reinterpret_cast<F>(dlsym(library, name));
    if (out == nullptr) error = std::string("the OpenVINO library has no ") + name;
    return out != nullptr;
}

std::string describe(ov_status_e status, const std::string &what) {
    const char *detail = api.last_error != nullptr ? api.last_error() : nullptr;
    return what + " failed (OpenVINO status " + std::to_string(static_cast<int>(status)) + ")" +
           (detail != nullptr && *detail != '\0' ? std::string(": ") + detail : "");
}

}  // namespace

bool load(const std::string &library_path, std::string &error) {
    std::lock_guard<std::mutex> lock(load_mutex);
    if (load_attempted) {
        error = load_error;
        return load_error.empty();
    }
    load_attempted = true;
    void *library = dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char *reason = dlerror();
        load_error = std::string("cannot open ") + library_path + ": " + (reason ? reason : "unknown error");
        error = load_error;
        return false;
    }
    Api loaded;
    std::string missing;
    bool ok = resolve(library, "ov_core_create", loaded.core_create, missing) &&
              resolve(library, "ov_core_free", loaded.core_free, missing) &&
              resolve(library, "ov_core_read_model", loaded.read_model, missing) &&
              resolve(library, "ov_core_compile_model", loaded.compile_model, missing) &&
              resolve(library, "ov_model_free", loaded.model_free, missing) &&
              resolve(library, "ov_compiled_model_create_infer_request", loaded.create_infer_request, missing) &&
              resolve(library, "ov_compiled_model_free", loaded.compiled_model_free, missing) &&
              resolve(library, "ov_infer_request_set_input_tensor_by_index", loaded.set_input_tensor, missing) &&
              resolve(library, "ov_infer_request_infer", loaded.infer, missing) &&
              resolve(library, "ov_infer_request_get_tensor", loaded.get_tensor, missing) &&
              resolve(library, "ov_infer_request_free", loaded.infer_request_free, missing) &&
              resolve(library, "ov_shape_create", loaded.shape_create, missing) &&
              resolve(library, "ov_shape_free", loaded.shape_free, missing) &&
              resolve(library, "ov_tensor_create_from_host_ptr", loaded.tensor_from_host, missing) &&
              resolve(library, "ov_tensor_data", loaded.tensor_data, missing) &&
              resolve(library, "ov_tensor_get_size", loaded.tensor_size, missing) &&
              resolve(library, "ov_tensor_free", loaded.tensor_free, missing) &&
              resolve(library, "ov_get_last_err_msg", loaded.last_error, missing);
    if (!ok) {
        load_error = missing;
        error = load_error;
        return false;
    }
    api = loaded;
    ov_status_e status = api.core_create(&api.core);
    if (status != OK) {
        load_error = describe(status, "creating the OpenVINO core");
        error = load_error;
        return false;
    }
    // The library stays open for the life of the process: compiled networks keep pointers into it.
    return true;
}

struct Network::Handles {
    ov_compiled_model_t *compiled = nullptr;
    ov_infer_request_t *request = nullptr;
    ~Handles() {
        if (request != nullptr) api.infer_request_free(request);
        if (compiled != nullptr) api.compiled_model_free(compiled);
    }
};

std::unique_ptr<Network> Network::open(const std::string &onnx_path, int threads, std::string &error) {
    {
        std::lock_guard<std::mutex> lock(load_mutex);
        if (api.core == nullptr) {
            error = load_error.empty() ? "the OpenVINO library is not loaded" : load_error;
            return nullptr;
        }
    }
    ov_model_t *model = nullptr;
    ov_status_e status = api.read_model(api.core, onnx_path.c_str(), nullptr, &model);
    if (status != OK) {
        error = describe(status, "reading " + onnx_path);
        return nullptr;
    }
    std::unique_ptr<Network> network(new Network());
    network->handles_.reset(new Handles());
    const std::string thread_count = std::to_string(threads > 0 ? threads : 1);
    // f32 throughout: on CPUs with bf16 OpenVINO would otherwise lower the precision, and the
    // calibrated thresholds hold for the f32 networks. One stream, threads as configured, no
    // pinning: each worker is one single-threaded call at a time, like OpenCV's. (The keys are
    // spelled out: the library's exported key variables cannot be reached through dlopen.)
    status = api.compile_model(api.core, model, "CPU", 10, &network->handles_->compiled,
                               "INFERENCE_NUM_THREADS", thread_count.c_str(), "NUM_STREAMS", "1",
                               "INFERENCE_PRECISION_HINT", "f32", "PERFORMANCE_HINT", "LATENCY",
                               "ENABLE_CPU_PINNING", "NO");
    api.model_free(model);
    if (status != OK) {
        error = describe(status, "compiling " + onnx_path);
        return nullptr;
    }
    status = api.create_infer_request(network->handles_->compiled, &network->handles_->request);
    if (status != OK) {
        error = describe(status, "creating an inference request");
        return nullptr;
    }
    return network;
}

Network::~Network() = default;

bool Network::forward(const float *input, int n, int c, int h, int w, const std::vector<std::string> &names,
                      std::vector<cv::Mat> &outputs, std::string &error) {
    int64_t dims[4] = {n, c, h, w};
    ov_shape_t shape;
    ov_status_e status = api.shape_create(4, dims, &shape);
    if (status != OK) {
        error = describe(status, "making the input shape");
        return false;
    }
    ov_tensor_t *tensor = nullptr;
    status = api.tensor_from_host(F32, shape, const_cast<float *>(input), &tensor);
    api.shape_free(&shape);
    if (status != OK) {
        error = describe(status, "wrapping the input");
        return false;
    }
    status = api.set_input_tensor(handles_->request, 0, tensor);
    if (status == OK) status = api.infer(handles_->request);
    api.tensor_free(tensor);
    if (status != OK) {
        error = describe(status, "inference");
        return false;
    }
    outputs.clear();
    for (const std::string &name : names) {
        ov_tensor_t *output = nullptr;
        status = api.get_tensor(handles_->request, name.c_str(), &output);
        if (status != OK) {
            error = describe(status, "reading output " + name);
            return false;
        }
        void *data = nullptr;
        size_t count = 0;
        status = api.tensor_data(output, &data);
        if (status == OK) status = api.tensor_size(output, &count);
        if (status != OK) {
            api.tensor_free(output);
            error = describe(status, "reading output " + name);
            return false;
        }
        // Copied: the request reuses its output memory on the next inference.
        outputs.push_back(cv::Mat(1, static_cast<int>(count), CV_32F, data).clone());
        api.tensor_free(output);
    }
    return true;
}

#else

bool load(const std::string &, std::string &error) {
    error = "this build of Likeness has no OpenVINO support (its headers were missing when it was built)";
    return false;
}

struct Network::Handles {};

std::unique_ptr<Network> Network::open(const std::string &, int, std::string &error) {
    error = "this build of Likeness has no OpenVINO support";
    return nullptr;
}

Network::~Network() = default;

bool Network::forward(const float *, int, int, int, int, const std::vector<std::string> &, std::vector<cv::Mat> &,
                      std::string &error) {
    error = "this build of Likeness has no OpenVINO support";
    return false;
}

#endif

}  // namespace lkv_openvino
