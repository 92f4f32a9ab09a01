#include "signer/files.h"

namespace utxo::signer {

core::Result<SecureBuffer> read_secret_file(const std::filesystem::path& path, std::size_t max_size) {
    core::ScopedFd fd;
    UTXO_TRY_ASSIGN(auto size, core::open_regular_file(path, max_size, fd));
    SecureBuffer out(size);
    UTXO_TRY(core::read_exact(fd.fd, out.data(), out.size()));
    return out;
}

}  // namespace utxo::signer
