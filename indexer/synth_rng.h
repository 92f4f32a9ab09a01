// The random source of every synthetic generator (synth.cpp, synth_profile.cpp, synth_snapshot.cpp,
// synth_continue.cpp): splitmix64, fully specified, so the same seed gives the same bytes on every
// machine (std:: distributions differ between standard libraries). Integer draws only, no floating
// point, for the same reason.
#pragma once
#include <cstdint>

#include "core/bytes.h"

namespace utxo::indexer {

class SynthRng {
public:
    explicit SynthRng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform enough in [0, n) for n far below 2^64 (n > 0).
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    // Uniform in [lo, hi].
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
    // Appends n random bytes to `out`.
    void append_bytes(core::Bytes& out, std::size_t n) {
        const std::size_t at = out.size();
        out.resize(at + n);
        for (std::size_t i = 0; i < n; i += 8) {
            std::uint64_t v = next();
            for (std::size_t j = 0; j < 8 && i + j < n; ++j) out[at + i + j] = std::uint8_t(v >> (8 * j));
        }
    }
    core::Bytes bytes(std::size_t n) {
        core::Bytes out;
        append_bytes(out, n);
        return out;
    }

private:
    std::uint64_t s_;
};

}  // namespace utxo::indexer
