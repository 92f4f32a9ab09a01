// hash_serialized_3: SHA256d over TxOutSer of every coin in (txid raw, vout numeric) order.
// The caller feeds coins in that order; add() checks it and rejects anything else.
#pragma once
#include <optional>

#include "core/coin.h"
#include "core/error.h"
#include "core/sha256.h"

namespace utxo::core {

class HashSerialized3 {
public:
    [[nodiscard]] Status add(const OutPoint& outpoint, const Coin& coin);
    AssumeutxoHash finalize();  // print with to_display_hex()
private:
    static constexpr std::size_t kHashChunk = 64 << 10;
    Sha256Stream stream_;
    std::optional<OutPoint> last_;
    Bytes scratch_;
};

}  // namespace utxo::core
