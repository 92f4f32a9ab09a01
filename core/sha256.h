// SHA-256 on OpenSSL's libcrypto (SHA-NI where the CPU has it).
#pragma once
#include <memory>

#include "core/bytes.h"
#include "core/hash.h"

namespace utxo::core {

Sha256Digest sha256(ByteView data);
Hash256 sha256d(ByteView data);  // SHA256(SHA256(data)), Bitcoin's hash (internal byte order)

// Streaming SHA-256; finish() may be called once.
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(Sha256Stream&&) noexcept;
    Sha256Stream& operator=(Sha256Stream&&) noexcept;
    void update(ByteView data);
    Sha256Digest finish();    // SHA256 of everything written
    Hash256 finish_double();  // SHA256(SHA256(...)) of everything written
private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace utxo::core
