// Plain C interface to Likeness's 1:N scan index. No C++ type crosses this header: the index
// lives behind an opaque handle owned by the caller.
#ifndef LIKENESS_INDEX_H
#define LIKENESS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A full-scan index: every template is scored with 4-bit product-quantised codes (a SIMD
/// table-lookup scan), and the best candidates are re-scored with 8-bit scalar-quantised codes.
typedef struct lki_scan lki_scan;

/// `subquantizers` must divide `dimension` and be even (32 or 64 for 512-D templates).
int lki_scan_create(int dimension, int subquantizers, lki_scan **out, char *error, size_t error_capacity);
void lki_scan_free(lki_scan *index);
/// Learns the product quantiser and the per-dimension scalar ranges from `count` vectors.
int lki_scan_train(lki_scan *index, const float *vectors, int64_t count, char *error, size_t error_capacity);
int lki_scan_is_trained(const lki_scan *index);
/// Adds vectors; an id already present is an error.
int lki_scan_add(lki_scan *index, const float *vectors, const int64_t *ids, int64_t count, char *error,
                 size_t error_capacity);
/// Removes ids (their codes are overwritten, not just hidden); returns how many were present.
int64_t lki_scan_remove(lki_scan *index, const int64_t *ids, int64_t count);
/// Top-k by re-scored inner product among the `candidates` best of the scan, using up to
/// `threads` threads for this one query.
int lki_scan_search(const lki_scan *index, const float *query, int k, int candidates, int threads, float *scores,
                    int64_t *ids, char *error, size_t error_capacity);
int64_t lki_scan_count(const lki_scan *index);
/// Bytes held: codes, ids and the id map.
int64_t lki_scan_memory(const lki_scan *index);
/// 1 when the AVX2 scan kernel is in use; `lki_scan_force_portable(1)` selects the portable one
/// (for tests that compare the two).
int lki_scan_uses_avx2(void);
void lki_scan_force_portable(int portable);

#ifdef __cplusplus
}
#endif

#endif
