// Secret bytes live only here: libsodium guarded, mlock'd memory, wiped and freed on destruction.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"

namespace utxo::signer {

class SecureBuffer {
public:
    SecureBuffer() = default;
    explicit SecureBuffer(std::size_t size);  // zero-filled; throws std::bad_alloc if sodium cannot
    ~SecureBuffer();
    SecureBuffer(SecureBuffer&& other) noexcept;
    SecureBuffer& operator=(SecureBuffer&& other) noexcept;
    SecureBuffer(const SecureBuffer&) = delete;
    SecureBuffer& operator=(const SecureBuffer&) = delete;

    std::uint8_t* data() { return data_; }
    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    core::ByteView view() const { return {data_, size_}; }
    std::string_view text() const { return {reinterpret_cast<const char*>(data_), size_}; }
    // Shortens the visible size (the allocation stays; the tail is wiped).
    void truncate(std::size_t size);

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace utxo::signer
