#include "signer/secure_buffer.h"

#include <sodium.h>

#include <cstdlib>
#include <new>
#include <utility>

namespace utxo::signer {

SecureBuffer::SecureBuffer(std::size_t size) {
    if (sodium_init() < 0) throw std::bad_alloc();
    // sodium_malloc guards the region with inaccessible pages and mlocks it, so secrets are
    // neither swapped out nor reachable by a small overflow elsewhere.
    data_ = static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size));
    if (data_ == nullptr) throw std::bad_alloc();
    sodium_memzero(data_, size == 0 ? 1 : size);
    size_ = size;
    capacity_ = size == 0 ? 1 : size;
}

SecureBuffer::~SecureBuffer() {
    if (data_ != nullptr) sodium_free(data_);  // wipes before freeing
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
    if (this != &other) {
        if (data_ != nullptr) sodium_free(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

void SecureBuffer::truncate(std::size_t size) {
    if (size >= size_) return;
    sodium_memzero(data_ + size, size_ - size);
    size_ = size;
}

}  // namespace utxo::signer
