#include "signer/passphrase.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "signer/files.h"

namespace utxo::signer {

namespace {
constexpr std::size_t kMaxPassphrase = 1024;

// Restores the terminal's echo setting however the read ends.
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff() {
        if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    }

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

[[nodiscard]] core::Result<SecureBuffer> read_line(int fd, std::string_view prompt) {
    (void)!::write(fd, prompt.data(), prompt.size());
    SecureBuffer line(kMaxPassphrase);
    std::size_t n = 0;
    {
        EchoOff quiet(fd);
        for (;;) {
            char c = 0;
            ssize_t got = ::read(fd, &c, 1);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0 || c == '\n') break;
            if (n == kMaxPassphrase) return core::fail(core::Errc::too_large, "passphrase is too long");
            line.data()[n++] = static_cast<std::uint8_t>(c);
        }
    }
    (void)!::write(fd, "\n", 1);
    if (n > 0 && line.data()[n - 1] == '\r') --n;
    line.truncate(n);
    return line;
}
}  // namespace

core::Result<SecureBuffer> read_passphrase_file(const std::filesystem::path& path) {
    auto content = read_secret_file(path, kMaxPassphrase,
                                    OpenFile::allow);  // a 0644 passphrase file is the user's choice
    UTXO_TRY(content);
    auto text = content->text();
    auto end = text.find('\n');
    std::size_t len = end == std::string_view::npos ? text.size() : end;
    if (len > 0 && text[len - 1] == '\r') --len;
    if (len == 0) return core::fail(core::Errc::usage, "passphrase file is empty");
    content->truncate(len);
    return content;
}

core::Result<SecureBuffer> prompt_passphrase(std::string_view prompt, bool confirm) {
    int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return core::fail(core::Errc::io, "no terminal to read the passphrase from; use --passphrase-file");
    auto first = read_line(fd, prompt);
    if (first && confirm) {
        auto again = read_line(fd, "Passphrase (again): ");
        if (!again)
            first = std::unexpected(again.error());
        else if (again->size() != first->size() ||
                 sodium_memcmp(again->data(), first->data(), first->size()) != 0)
            first = core::fail(core::Errc::usage, "the two passphrases differ");
    }
    ::close(fd);
    if (first && first->empty())
        return core::fail(core::Errc::usage, "empty passphrase (use --unencrypted for no passphrase)");
    return first;
}

core::Result<SecureBuffer> obtain_passphrase(const std::optional<std::filesystem::path>& file,
                                             std::string_view prompt, bool confirm) {
    if (file) {
        auto pass = read_passphrase_file(*file);
        if (!pass)
            return core::fail(pass.error().code, fmt::format("{}: {}", file->string(), pass.error().message));
        return pass;
    }
    return prompt_passphrase(prompt, confirm);
}

}  // namespace utxo::signer
