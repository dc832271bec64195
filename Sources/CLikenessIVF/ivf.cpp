#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include <faiss/IndexFlat.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <faiss/impl/IDSelector.h>

#include "likeness_ivf.h"

// From libgomp, which FAISS links; declared here so no OpenMP header or flag is needed.
extern "C" void omp_set_num_threads(int threads);

struct lki_ivf {
    std::unique_ptr<faiss::IndexFlatIP> quantizer;
    std::unique_ptr<faiss::IndexIVFScalarQuantizer> index;
};

namespace {

int fail(char *error, size_t capacity, const char *message) {
    if (error != nullptr && capacity > 0) {
        std::strncpy(error, message, capacity - 1);
        error[capacity - 1] = '\0';
    }
    return 1;
}

}  // namespace

extern "C" {

int lki_ivf_sq8_create(int dimension, int lists, lki_ivf **out, char *error, size_t error_capacity) {
    *out = nullptr;
    if (dimension <= 0 || lists <= 0) return fail(error, error_capacity, "dimension and lists must be positive");
    try {
        auto result = std::make_unique<lki_ivf>();
        result->quantizer = std::make_unique<faiss::IndexFlatIP>(dimension);
        result->index = std::make_unique<faiss::IndexIVFScalarQuantizer>(
            result->quantizer.get(), dimension, static_cast<size_t>(lists), faiss::ScalarQuantizer::QT_8bit,
            faiss::METRIC_INNER_PRODUCT);
        *out = result.release();
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

void lki_ivf_free(lki_ivf *index) { delete index; }

int lki_ivf_train(lki_ivf *index, const float *vectors, int64_t count, char *error, size_t error_capacity) {
    try {
        index->index->train(count, vectors);
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int lki_ivf_is_trained(const lki_ivf *index) { return index->index->is_trained ? 1 : 0; }

int lki_ivf_add(lki_ivf *index, const float *vectors, const int64_t *ids, int64_t count, char *error,
            size_t error_capacity) {
    try {
        index->index->add_with_ids(count, vectors, reinterpret_cast<const faiss::Index::idx_t *>(ids));
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int lki_ivf_remove(lki_ivf *index, const int64_t *ids, int64_t count, int64_t *removed, char *error,
               size_t error_capacity) {
    try {
        faiss::IDSelectorBatch selector(count, reinterpret_cast<const faiss::Index::idx_t *>(ids));
        *removed = static_cast<int64_t>(index->index->remove_ids(selector));
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int lki_ivf_search(const lki_ivf *index, const float *queries, int64_t query_count, int k, int probes, float *scores,
               int64_t *ids, char *error, size_t error_capacity) {
    try {
        faiss::IVFSearchParameters parameters;
        parameters.nprobe = static_cast<size_t>(probes);
        index->index->search(query_count, queries, k, scores, reinterpret_cast<faiss::Index::idx_t *>(ids),
                             &parameters);
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int64_t lki_ivf_count(const lki_ivf *index) { return static_cast<int64_t>(index->index->ntotal); }

int64_t lki_ivf_serialized_size(const lki_ivf *index) {
    try {
        faiss::VectorIOWriter writer;
        faiss::write_index(index->index.get(), &writer);
        return static_cast<int64_t>(writer.data.size());
    } catch (...) {
        return -1;
    }
}

void lki_ivf_set_threads(int threads) { omp_set_num_threads(threads); }

}  // extern "C"
