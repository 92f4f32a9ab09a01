// hash_serialized_3 as Core's ComputeUTXOStats(HASH_SERIALIZED) computes it (reference §2).
#include "core/hash_serialized.h"

#include <fmt/format.h>

namespace utxo::core {

namespace {
std::string describe(const OutPoint& o) { return fmt::format("{}:{}", o.txid.to_display_hex(), o.vout); }
}  // namespace

Status HashSerialized3::add(const OutPoint& outpoint, const Coin& coin) {
    // The digest depends on order, so a caller bug here would silently give a wrong commitment.
    if (last_) {
        if (outpoint == *last_)
            return fail(Errc::invalid,
                        fmt::format("duplicate outpoint {} in hash_serialized_3 input", describe(outpoint)));
        if (outpoint < *last_)
            return fail(
                Errc::invalid,
                fmt::format("outpoint {} comes after {}: hash_serialized_3 needs (txid raw, vout) order",
                            describe(outpoint), describe(*last_)));
    }
    last_ = outpoint;
    // Coins gather in a buffer that goes to SHA-256 in large pieces: one update per ~75-byte coin
    // costs more in call overhead than in hashing.
    Writer w(scratch_);
    write_txout_ser(w, outpoint, coin);
    if (scratch_.size() >= kHashChunk) {
        stream_.update(scratch_);
        scratch_.clear();
    }
    return {};
}

AssumeutxoHash HashSerialized3::finalize() {
    stream_.update(scratch_);
    scratch_.clear();
    return hash_cast<AssumeutxoHash>(stream_.finish_double());
}

}  // namespace utxo::core
