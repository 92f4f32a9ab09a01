#include "signer/files.h"

namespace utxo::signer {

core::Result<SecureBuffer> read_secret_file(const std::filesystem::path& path, std::size_t max_size) {
    core::ScopedFd fd;
    auto size = core::open_regular_file(path, max_size, fd);
    if (!size) return std::unexpected(size.error());
    SecureBuffer out(*size);
    auto status = core::read_exact(fd.fd, out.data(), out.size());
    if (!status) return std::unexpected(status.error());
    return out;
}

}  // namespace utxo::signer
