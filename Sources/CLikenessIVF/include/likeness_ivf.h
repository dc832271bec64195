// Plain C interface to FAISS's IVF-SQ8 index, kept only for benchmark comparisons against the scan
// index (likeness-bench search). No C++ type crosses this header.
#ifndef LIKENESS_IVF_H
#define LIKENESS_IVF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An inverted-file index with 8-bit scalar-quantised vectors, scored by inner product.
typedef struct lki_ivf lki_ivf;

/// 0 on success; otherwise a message is written to `error`.
int lki_ivf_sq8_create(int dimension, int lists, lki_ivf **out, char *error, size_t error_capacity);
void lki_ivf_free(lki_ivf *index);
/// Trains the coarse quantiser and the scalar quantiser on `count` vectors.
int lki_ivf_train(lki_ivf *index, const float *vectors, int64_t count, char *error, size_t error_capacity);
int lki_ivf_is_trained(const lki_ivf *index);
int lki_ivf_add(lki_ivf *index, const float *vectors, const int64_t *ids, int64_t count, char *error,
            size_t error_capacity);
/// Removes the given ids; `removed` receives how many were present.
int lki_ivf_remove(lki_ivf *index, const int64_t *ids, int64_t count, int64_t *removed, char *error,
               size_t error_capacity);
/// Top-k inner products for `query_count` queries; `probes` inverted lists are visited.
int lki_ivf_search(const lki_ivf *index, const float *queries, int64_t query_count, int k, int probes, float *scores,
               int64_t *ids, char *error, size_t error_capacity);
int64_t lki_ivf_count(const lki_ivf *index);
/// The size in bytes of the index when serialised (codes, ids, centroids).
int64_t lki_ivf_serialized_size(const lki_ivf *index);
/// Threads FAISS may use (OpenMP), process-wide.
void lki_ivf_set_threads(int threads);

#ifdef __cplusplus
}
#endif

#endif
