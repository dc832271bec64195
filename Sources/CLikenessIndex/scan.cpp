// Full-scan 1:N search: 4-bit product-quantised codes scored 32 templates at a time with
// table lookups (pshufb), then the best candidates re-scored with 8-bit scalar codes.
//
// Codes live in blocks of 32 templates. For subquantizers (2p, 2p+1) a block holds 32 bytes:
// bytes 0–15 for 2p, 16–31 for 2p+1; byte j carries template j in its low nibble and template
// j+16 in its high nibble. One 256-bit load then feeds one shuffle per half-block.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

#include <immintrin.h>

#include "likeness_index.h"

namespace {

constexpr int kBlock = 32;
constexpr int kCentroids = 16;
std::atomic<bool> forcePortable{false};

int fail(char *error, size_t capacity, const char *message) {
    if (error != nullptr && capacity > 0) {
        std::strncpy(error, message, capacity - 1);
        error[capacity - 1] = '\0';
    }
    return 1;
}

bool hasAVX2() {
    // The scan uses AVX2 and the re-scoring FMA: one check covers both kernels.
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return supported;
}

struct Candidate {
    uint16_t score;
    int64_t slot;
    bool operator>(const Candidate &other) const { return score > other.score; }
};

using MinHeap = std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>>;

void offer(MinHeap &heap, size_t capacity, uint16_t score, int64_t slot) {
    if (heap.size() < capacity) {
        heap.push({score, slot});
    } else if (score > heap.top().score) {
        heap.pop();
        heap.push({score, slot});
    }
}


/// Deterministic 64-bit generator (SplitMix64) for sampling and seeding.
struct SplitMix {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) / static_cast<double>(1ull << 53); }
};

float squaredDistance(const float *a, const float *b, int n) {
    float sum = 0;
    for (int i = 0; i < n; i++) {
        float delta = a[i] - b[i];
        sum += delta * delta;
    }
    return sum;
}

/// k-means (k = 16) in each subspace: k-means++ seeding, 25 Lloyd iterations, an empty centroid
/// re-seeded by splitting the largest one. At most 256 training points per centroid, as is usual
/// for product quantisers: more adds time, not accuracy. Result: subquantizers × 16 × subdimension.
std::vector<float> trainProductQuantizer(const float *vectors, int64_t count, int dimension, int subquantizers) {
    const int sub = dimension / subquantizers;
    const int64_t sampleSize = std::min<int64_t>(count, kCentroids * 256);
    SplitMix random{0x4C696B656E657373ull};  // "Likeness": the same training set gives the same index
    std::vector<int64_t> rows(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; i++) rows[static_cast<size_t>(i)] = i;
    for (int64_t i = 0; i < sampleSize; i++) {  // partial Fisher–Yates: a uniform sample without repeats
        int64_t j = i + static_cast<int64_t>(random.next() % static_cast<uint64_t>(count - i));
        std::swap(rows[static_cast<size_t>(i)], rows[static_cast<size_t>(j)]);
    }
    std::vector<float> centroids(static_cast<size_t>(subquantizers) * kCentroids * sub);
    std::vector<float> points(static_cast<size_t>(sampleSize) * sub);
    std::vector<int> assignment(static_cast<size_t>(sampleSize));
    std::vector<float> nearest(static_cast<size_t>(sampleSize));
    for (int m = 0; m < subquantizers; m++) {
        for (int64_t i = 0; i < sampleSize; i++) {
            std::memcpy(points.data() + i * sub, vectors + rows[static_cast<size_t>(i)] * dimension + m * sub,
                        sizeof(float) * static_cast<size_t>(sub));
        }
        float *center = centroids.data() + static_cast<size_t>(m) * kCentroids * sub;
        // k-means++: each next seed drawn with probability proportional to its squared distance.
        int64_t first = static_cast<int64_t>(random.next() % static_cast<uint64_t>(sampleSize));
        std::memcpy(center, points.data() + first * sub, sizeof(float) * static_cast<size_t>(sub));
        for (int64_t i = 0; i < sampleSize; i++) nearest[i] = squaredDistance(points.data() + i * sub, center, sub);
        for (int c = 1; c < kCentroids; c++) {
            double total = 0;
            for (int64_t i = 0; i < sampleSize; i++) total += nearest[i];
            double target = random.unit() * total;
            int64_t chosen = sampleSize - 1;
            for (int64_t i = 0; i < sampleSize; i++) {
                target -= nearest[i];
                if (target <= 0) {
                    chosen = i;
                    break;
                }
            }
            float *seed = center + c * sub;
            std::memcpy(seed, points.data() + chosen * sub, sizeof(float) * static_cast<size_t>(sub));
            for (int64_t i = 0; i < sampleSize; i++) {
                nearest[i] = std::min(nearest[i], squaredDistance(points.data() + i * sub, seed, sub));
            }
        }
        std::vector<double> sums(static_cast<size_t>(kCentroids) * sub);
        std::vector<int64_t> sizes(kCentroids);
        for (int iteration = 0; iteration < 25; iteration++) {
            std::fill(sums.begin(), sums.end(), 0.0);
            std::fill(sizes.begin(), sizes.end(), 0);
            for (int64_t i = 0; i < sampleSize; i++) {
                const float *point = points.data() + i * sub;
                int best = 0;
                float bestDistance = INFINITY;
                for (int c = 0; c < kCentroids; c++) {
                    float distance = squaredDistance(point, center + c * sub, sub);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        best = c;
                    }
                }
                assignment[i] = best;
                sizes[best]++;
                for (int d = 0; d < sub; d++) sums[static_cast<size_t>(best) * sub + d] += point[d];
            }
            for (int c = 0; c < kCentroids; c++) {
                if (sizes[c] == 0) continue;
                for (int d = 0; d < sub; d++) {
                    center[c * sub + d] = static_cast<float>(sums[static_cast<size_t>(c) * sub + d] / sizes[c]);
                }
            }
            for (int c = 0; c < kCentroids; c++) {
                if (sizes[c] != 0) continue;
                int largest = static_cast<int>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
                for (int d = 0; d < sub; d++) {  // split the largest cluster in two, slightly apart
                    float value = center[largest * sub + d];
                    center[c * sub + d] = value * (1 + 1e-3f) + 1e-6f;
                    center[largest * sub + d] = value * (1 - 1e-3f) - 1e-6f;
                }
                sizes[c] = sizes[largest] / 2;
                sizes[largest] -= sizes[c];
            }
        }
    }
    return centroids;
}

}  // namespace

struct lki_scan {
    int dimension;
    int subquantizers;
    int subdimension;
    bool trained = false;
    std::vector<float> centroids;  // subquantizers × 16 × subdimension
    std::vector<float> minimum;    // per dimension, for the 8-bit codes
    std::vector<float> step;
    std::vector<uint8_t> blocks;  // ceil(n / 32) × subquantizers / 2 × 32 bytes
    std::vector<uint8_t> scalar;  // n × dimension
    std::vector<int64_t> ids;     // slot → id
    std::unordered_map<int64_t, int64_t> slots;

    size_t blockBytes() const { return static_cast<size_t>(subquantizers) / 2 * 32; }

    uint8_t *pairBytes(int64_t slot, int m) {
        return blocks.data() + static_cast<size_t>(slot / kBlock) * blockBytes() + static_cast<size_t>(m / 2) * 32 +
               (m % 2) * 16 + (slot % kBlock) % 16;
    }

    void setCode(int64_t slot, int m, uint8_t code) {
        uint8_t *byte = pairBytes(slot, m);
        if ((slot % kBlock) < 16) {
            *byte = static_cast<uint8_t>((*byte & 0xF0) | code);
        } else {
            *byte = static_cast<uint8_t>((*byte & 0x0F) | (code << 4));
        }
    }

    uint8_t code(int64_t slot, int m) {
        uint8_t byte = *pairBytes(slot, m);
        return (slot % kBlock) < 16 ? (byte & 0x0F) : (byte >> 4);
    }

    void encode(const float *vector, int64_t slot) {
        for (int m = 0; m < subquantizers; m++) {
            const float *part = vector + m * subdimension;
            int best = 0;
            float bestDistance = INFINITY;
            for (int c = 0; c < kCentroids; c++) {
                const float *centroid = centroids.data() + (static_cast<size_t>(m) * kCentroids + c) * subdimension;
                float distance = 0;
                for (int d = 0; d < subdimension; d++) {
                    float delta = part[d] - centroid[d];
                    distance += delta * delta;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            setCode(slot, m, static_cast<uint8_t>(best));
        }
        uint8_t *out = scalar.data() + static_cast<size_t>(slot) * dimension;
        for (int d = 0; d < dimension; d++) {
            float q = std::round((vector[d] - minimum[d]) / step[d]);
            out[d] = static_cast<uint8_t>(std::clamp(q, 0.0f, 255.0f));
        }
    }

    /// The scan's score tables for a query, quantised to bytes (same for both kernels).
    std::vector<uint8_t> tables(const float *query) const {
        std::vector<float> raw(static_cast<size_t>(subquantizers) * kCentroids);
        float span = 0;
        for (int m = 0; m < subquantizers; m++) {
            float low = INFINITY, high = -INFINITY;
            for (int c = 0; c < kCentroids; c++) {
                const float *centroid = centroids.data() + (static_cast<size_t>(m) * kCentroids + c) * subdimension;
                float dot = 0;
                for (int d = 0; d < subdimension; d++) dot += query[m * subdimension + d] * centroid[d];
                raw[m * kCentroids + c] = dot;
                low = std::min(low, dot);
                high = std::max(high, dot);
            }
            for (int c = 0; c < kCentroids; c++) raw[m * kCentroids + c] -= low;
            span = std::max(span, high - low);
        }
        float scale = span > 0 ? 255.0f / span : 0.0f;
        std::vector<uint8_t> table(raw.size());
        for (size_t i = 0; i < raw.size(); i++) {
            table[i] = static_cast<uint8_t>(std::clamp(std::round(raw[i] * scale), 0.0f, 255.0f));
        }
        return table;
    }

    void scanPortable(const uint8_t *table, int64_t firstBlock, int64_t endBlock, MinHeap &heap,
                      size_t capacity) const {
        const int64_t count = static_cast<int64_t>(ids.size());
        for (int64_t b = firstBlock; b < endBlock; b++) {
            const uint8_t *block = blocks.data() + static_cast<size_t>(b) * blockBytes();
            uint16_t scores[kBlock] = {};
            for (int m = 0; m < subquantizers; m++) {
                const uint8_t *bytes = block + (m / 2) * 32 + (m % 2) * 16;
                const uint8_t *row = table + m * kCentroids;
                for (int j = 0; j < 16; j++) {
                    scores[j] += row[bytes[j] & 0x0F];
                    scores[j + 16] += row[bytes[j] >> 4];
                }
            }
            for (int j = 0; j < kBlock; j++) {
                int64_t slot = b * kBlock + j;
                if (slot < count) offer(heap, capacity, scores[j], slot);
            }
        }
    }

    __attribute__((target("avx2"))) void scanAVX2(const uint8_t *table, int64_t firstBlock, int64_t endBlock,
                                                  MinHeap &heap, size_t capacity) const {
        const int64_t count = static_cast<int64_t>(ids.size());
        const __m256i low4 = _mm256_set1_epi8(0x0F);
        const __m256i low8 = _mm256_set1_epi16(0x00FF);
        const int pairs = subquantizers / 2;
        for (int64_t b = firstBlock; b < endBlock; b++) {
            const uint8_t *block = blocks.data() + static_cast<size_t>(b) * blockBytes();
            __m256i loEven = _mm256_setzero_si256(), loOdd = _mm256_setzero_si256();
            __m256i hiEven = _mm256_setzero_si256(), hiOdd = _mm256_setzero_si256();
            for (int p = 0; p < pairs; p++) {
                __m256i codes = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(block + p * 32));
                __m256i lut = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(table + p * 32));
                __m256i lo = _mm256_and_si256(codes, low4);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(codes, 4), low4);
                __m256i valuesLo = _mm256_shuffle_epi8(lut, lo);
                __m256i valuesHi = _mm256_shuffle_epi8(lut, hi);
                loEven = _mm256_add_epi16(loEven, _mm256_and_si256(valuesLo, low8));
                loOdd = _mm256_add_epi16(loOdd, _mm256_srli_epi16(valuesLo, 8));
                hiEven = _mm256_add_epi16(hiEven, _mm256_and_si256(valuesHi, low8));
                hiOdd = _mm256_add_epi16(hiOdd, _mm256_srli_epi16(valuesHi, 8));
            }
            // Each 128-bit lane summed one subquantizer of every pair; add the lanes, then put
            // even and odd templates back in order.
            __m128i le = _mm_add_epi16(_mm256_castsi256_si128(loEven), _mm256_extracti128_si256(loEven, 1));
            __m128i lo = _mm_add_epi16(_mm256_castsi256_si128(loOdd), _mm256_extracti128_si256(loOdd, 1));
            __m128i he = _mm_add_epi16(_mm256_castsi256_si128(hiEven), _mm256_extracti128_si256(hiEven, 1));
            __m128i ho = _mm_add_epi16(_mm256_castsi256_si128(hiOdd), _mm256_extracti128_si256(hiOdd, 1));
            alignas(32) uint16_t scores[kBlock];
            _mm_store_si128(reinterpret_cast<__m128i *>(scores + 0), _mm_unpacklo_epi16(le, lo));
            _mm_store_si128(reinterpret_cast<__m128i *>(scores + 8), _mm_unpackhi_epi16(le, lo));
            _mm_store_si128(reinterpret_cast<__m128i *>(scores + 16), _mm_unpacklo_epi16(he, ho));
            _mm_store_si128(reinterpret_cast<__m128i *>(scores + 24), _mm_unpackhi_epi16(he, ho));
            uint16_t floor = heap.size() < capacity ? 0 : heap.top().score;
            for (int j = 0; j < kBlock; j++) {
                if (scores[j] > floor || heap.size() < capacity) {
                    int64_t slot = b * kBlock + j;
                    if (slot < count) {
                        offer(heap, capacity, scores[j], slot);
                        floor = heap.size() < capacity ? 0 : heap.top().score;
                    }
                }
            }
        }
    }

    float rescore(const float *weighted, float offset, int64_t slot, bool avx2) const {
        const uint8_t *codes = scalar.data() + static_cast<size_t>(slot) * dimension;
        if (avx2 && dimension % 8 == 0) return offset + rescoreAVX2(weighted, codes);
        float sum = offset;
        for (int d = 0; d < dimension; d++) sum += weighted[d] * codes[d];
        return sum;
    }

    __attribute__((target("avx2,fma"))) float rescoreAVX2(const float *weighted, const uint8_t *codes) const {
        __m256 sum = _mm256_setzero_ps();
        for (int d = 0; d < dimension; d += 8) {
            __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(codes + d));
            __m256 values = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
            sum = _mm256_fmadd_ps(_mm256_loadu_ps(weighted + d), values, sum);
        }
        __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
        half = _mm_add_ps(half, _mm_movehl_ps(half, half));
        half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
        return _mm_cvtss_f32(half);
    }
};

extern "C" {

int lki_scan_create(int dimension, int subquantizers, lki_scan **out, char *error, size_t error_capacity) {
    *out = nullptr;
    if (dimension <= 0 || subquantizers <= 0 || subquantizers % 2 != 0 || dimension % subquantizers != 0) {
        return fail(error, error_capacity, "subquantizers must be even and divide the dimension");
    }
    try {
        auto index = std::make_unique<lki_scan>();
        index->dimension = dimension;
        index->subquantizers = subquantizers;
        index->subdimension = dimension / subquantizers;
        *out = index.release();
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

void lki_scan_free(lki_scan *index) { delete index; }

int lki_scan_train(lki_scan *index, const float *vectors, int64_t count, char *error, size_t error_capacity) {
    if (count < kCentroids * 39) return fail(error, error_capacity, "training needs at least 624 vectors");
    try {
        index->centroids = trainProductQuantizer(vectors, count, index->dimension, index->subquantizers);
        const int d = index->dimension;
        index->minimum.assign(d, INFINITY);
        std::vector<float> maximum(d, -INFINITY);
        for (int64_t i = 0; i < count; i++) {
            for (int k = 0; k < d; k++) {
                index->minimum[k] = std::min(index->minimum[k], vectors[i * d + k]);
                maximum[k] = std::max(maximum[k], vectors[i * d + k]);
            }
        }
        index->step.assign(d, 0);
        for (int k = 0; k < d; k++) {
            float margin = 0.05f * (maximum[k] - index->minimum[k]) + 1e-6f;  // room for unseen values
            index->minimum[k] -= margin;
            index->step[k] = (maximum[k] + margin - index->minimum[k]) / 255.0f;
        }
        index->trained = true;
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int lki_scan_is_trained(const lki_scan *index) { return index->trained ? 1 : 0; }

int lki_scan_add(lki_scan *index, const float *vectors, const int64_t *ids, int64_t count, char *error,
                 size_t error_capacity) {
    if (!index->trained) return fail(error, error_capacity, "the index is not trained");
    for (int64_t i = 0; i < count; i++) {
        if (index->slots.count(ids[i]) != 0) return fail(error, error_capacity, "an id is already in the index");
    }
    try {
        // Grow by a quarter rather than doubling, so memory stays near 550 bytes per template.
        size_t after = index->ids.size() + static_cast<size_t>(count);
        auto grow = [after](auto &storage, size_t perTemplate) {
            size_t needed = after * perTemplate;
            if (needed > storage.capacity()) storage.reserve(std::max(needed, storage.capacity() + storage.capacity() / 4));
        };
        grow(index->scalar, static_cast<size_t>(index->dimension));
        grow(index->ids, 1);
        size_t blockBytes = index->blockBytes();
        size_t neededBlocks = (after + kBlock - 1) / kBlock * blockBytes;
        if (neededBlocks > index->blocks.capacity()) {
            index->blocks.reserve(std::max(neededBlocks, index->blocks.capacity() + index->blocks.capacity() / 4));
        }
        for (int64_t i = 0; i < count; i++) {
            int64_t slot = static_cast<int64_t>(index->ids.size());
            if (slot % kBlock == 0) index->blocks.resize(index->blocks.size() + index->blockBytes(), 0);
            index->scalar.resize(index->scalar.size() + index->dimension);
            index->ids.push_back(ids[i]);
            index->slots[ids[i]] = slot;
            index->encode(vectors + i * index->dimension, slot);
        }
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int64_t lki_scan_remove(lki_scan *index, const int64_t *ids, int64_t count) {
    int64_t removed = 0;
    for (int64_t i = 0; i < count; i++) {
        auto found = index->slots.find(ids[i]);
        if (found == index->slots.end()) continue;
        int64_t slot = found->second;
        int64_t last = static_cast<int64_t>(index->ids.size()) - 1;
        const int d = index->dimension;
        if (slot != last) {  // the last template moves into the hole, overwriting its codes
            for (int m = 0; m < index->subquantizers; m++) index->setCode(slot, m, index->code(last, m));
            std::memcpy(index->scalar.data() + slot * d, index->scalar.data() + last * d, d);
            index->ids[slot] = index->ids[last];
            index->slots[index->ids[slot]] = slot;
        }
        for (int m = 0; m < index->subquantizers; m++) index->setCode(last, m, 0);
        std::memset(index->scalar.data() + last * d, 0, d);  // no copy of any code stays behind
        index->scalar.resize(static_cast<size_t>(last) * d);
        index->ids.pop_back();
        index->slots.erase(ids[i]);
        if (last % kBlock == 0) index->blocks.resize(index->blocks.size() - index->blockBytes());
        removed++;
    }
    return removed;
}

int lki_scan_search(const lki_scan *index, const float *query, int k, int candidates, int threads, float *scores,
                    int64_t *ids, char *error, size_t error_capacity) {
    if (!index->trained) return fail(error, error_capacity, "the index is not trained");
    if (k <= 0 || candidates < k) return fail(error, error_capacity, "need 0 < k <= candidates");
    try {
        for (int i = 0; i < k; i++) {
            scores[i] = -INFINITY;
            ids[i] = -1;
        }
        const int64_t count = static_cast<int64_t>(index->ids.size());
        if (count == 0) return 0;
        std::vector<uint8_t> table = index->tables(query);
        const int64_t blocks = (count + kBlock - 1) / kBlock;
        // A thread per 4,096 blocks at most: below ~130,000 templates starting one costs more than it saves.
        const int workers = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, blocks / 4096 + 1)));
        const size_t capacity = static_cast<size_t>(candidates);
        const bool avx2 = hasAVX2() && !forcePortable.load();
        std::vector<MinHeap> heaps(workers);
        auto scan = [&](int w) {
            int64_t first = blocks * w / workers, end = blocks * (w + 1) / workers;
            if (avx2) {
                index->scanAVX2(table.data(), first, end, heaps[w], capacity);
            } else {
                index->scanPortable(table.data(), first, end, heaps[w], capacity);
            }
        };
        // Plain threads, not OpenMP: clang's OpenMP runtime is not the one FAISS links (gomp).
        std::vector<std::thread> helpers;
        for (int w = 1; w < workers; w++) helpers.emplace_back(scan, w);
        scan(0);
        for (auto &helper : helpers) helper.join();
        // Re-score the union of candidates with the 8-bit codes: q·x ≈ Σ q·min + Σ (q·step)·code.
        std::vector<float> weighted(index->dimension);
        float offset = 0;
        for (int d = 0; d < index->dimension; d++) {
            weighted[d] = query[d] * index->step[d];
            offset += query[d] * index->minimum[d];
        }
        std::vector<std::pair<float, int64_t>> rescored;
        for (auto &heap : heaps) {
            while (!heap.empty()) {
                int64_t slot = heap.top().slot;
                heap.pop();
                rescored.emplace_back(index->rescore(weighted.data(), offset, slot, avx2), index->ids[slot]);
            }
        }
        size_t keep = std::min<size_t>(static_cast<size_t>(k), rescored.size());
        std::partial_sort(rescored.begin(), rescored.begin() + keep, rescored.end(),
                          [](const auto &a, const auto &b) { return a.first > b.first; });
        for (size_t i = 0; i < keep; i++) {
            scores[i] = rescored[i].first;
            ids[i] = rescored[i].second;
        }
        return 0;
    } catch (const std::exception &e) {
        return fail(error, error_capacity, e.what());
    }
}

int64_t lki_scan_count(const lki_scan *index) { return static_cast<int64_t>(index->ids.size()); }

int64_t lki_scan_memory(const lki_scan *index) {
    // Codes and ids, plus the id map at about 32 bytes per entry (node, hash slot).
    return static_cast<int64_t>(index->blocks.capacity() + index->scalar.capacity() +
                                index->ids.capacity() * sizeof(int64_t) + index->slots.size() * 32 +
                                index->centroids.size() * sizeof(float));
}

int lki_scan_uses_avx2(void) { return hasAVX2() && !forcePortable.load() ? 1 : 0; }

void lki_scan_force_portable(int portable) { forcePortable.store(portable != 0); }

}  // extern "C"
