#include "signer/files.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace utxo::signer {

core::Result<SecureBuffer> read_secret_file(const std::filesystem::path& path, std::size_t max_size,
                                            OpenFile open_file) {
    core::ScopedFd fd;
    UTXO_TRY_ASSIGN(auto size, core::open_regular_file(path, max_size, fd));
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0)
        return core::fail(core::Errc::io, fmt::format("cannot stat: {}", std::strerror(errno)));
    if (open_file == OpenFile::refuse && (st.st_mode & 077) != 0)
        return core::fail(core::Errc::usage,
                          fmt::format("mode {:04o} lets group or others read or write this secret file; "
                                      "run chmod 600 on it (or pass --allow-open-key)",
                                      st.st_mode & 07777));
    SecureBuffer out(size);
    UTXO_TRY(core::read_exact(fd.fd, out.data(), out.size()));
    return out;
}

}  // namespace utxo::signer
