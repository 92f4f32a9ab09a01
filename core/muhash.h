// MuHash3072, the order-free set hash Core reports as `muhash` (coinstatsindex):
// element -> SHA256 -> ChaCha20 keystream (384 bytes) -> number mod 2^3072 - 1103717;
// the set is the product. Arithmetic on GMP.
#pragma once
#include <memory>

#include "core/bytes.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/types.h"

namespace utxo::core {

struct Coin;

class MuHash3072 {
public:
    static constexpr std::size_t kSerializedSize = 768;  // numerator || denominator, 384 B LE each

    MuHash3072();  // the empty set
    ~MuHash3072();
    MuHash3072(const MuHash3072&);
    MuHash3072& operator=(const MuHash3072&);
    MuHash3072(MuHash3072&&) noexcept;
    MuHash3072& operator=(MuHash3072&&) noexcept;

    void insert(ByteView element);
    void remove(ByteView element);
    void insert_coin(const OutPoint& outpoint, const Coin& coin);  // element = TxOutSer
    void remove_coin(const OutPoint& outpoint, const Coin& coin);
    // Set union / difference of two independent accumulators (e.g. per-shard -> full set).
    MuHash3072& operator*=(const MuHash3072& other);
    MuHash3072& operator/=(const MuHash3072& other);

    // SHA256 of the 384-byte reduced value, as Core's MuHash3072::Finalize (a uint256, printed
    // in display order).
    MuHashDigest finalize() const;

    // State as Core serializes it (numerator then denominator), for checkpointing.
    Bytes serialize() const;
    [[nodiscard]] static Result<MuHash3072> deserialize(ByteView bytes);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace utxo::core
