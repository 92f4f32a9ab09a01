#include "indexer/release_signing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "indexer/log.h"

extern char** environ;

namespace utxo::indexer {

namespace fs = std::filesystem;
using core::Errc;
using core::fail;

namespace {

constexpr std::size_t kMaxChildOutput = 64 * 1024;  // a signer failure is one line

bool is_executable(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

[[nodiscard]] core::Result<fs::path> find_signer(const fs::path& given) {
    if (!given.empty()) {
        if (!is_executable(given))
            return fail(Errc::usage, fmt::format("--signer {}: not an executable file", given.string()));
        return given;
    }
    // The utxo-signer installed with this utxo-indexer comes first, so the two always match.
    std::error_code ec;
    auto self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && is_executable(self.parent_path() / "utxo-signer")) return self.parent_path() / "utxo-signer";
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "";
    while (!dirs.empty()) {
        auto colon = dirs.find(':');
        auto dir = dirs.substr(0, colon);
        if (!dir.empty() && is_executable(fs::path(dir) / "utxo-signer"))
            return fs::path(dir) / "utxo-signer";
        dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    }
    return fail(Errc::usage,
                "--sign-key: no utxo-signer beside utxo-indexer or on $PATH; name it with --signer");
}

[[nodiscard]] core::Result<std::optional<fs::path>> find_passphrase(const SigningRequest& r) {
    if (r.passphrase_file) return r.passphrase_file;
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (r.passphrase_credential) {
        const auto& name = *r.passphrase_credential;
        if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
            return fail(Errc::usage, fmt::format("--passphrase-credential {}: not a credential name", name));
        if (!dir || !*dir)
            return fail(Errc::usage, fmt::format("--passphrase-credential {}: $CREDENTIALS_DIRECTORY is not "
                                                 "set (systemd LoadCredential= sets it)",
                                                 name));
        return fs::path(dir) / name;
    }
    std::error_code ec;
    if (dir && *dir && fs::exists(fs::path(dir) / kDefaultPassphraseCredential, ec))
        return fs::path(dir) / kDefaultPassphraseCredential;
    return std::optional<fs::path>{};
}

// A child's output is printed in our one-line error: its last line, printable ASCII only.
std::string last_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (auto nl = text.rfind('\n'); nl != std::string_view::npos) text.remove_prefix(nl + 1);
    std::string out;
    for (char c : text.substr(0, 400)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

// posix_spawn's attributes and file actions, destroyed however the spawn ends.
struct SpawnSetup {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    SpawnSetup() {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Runs argv with stdin and stdout on /dev/null and stderr collected, in a new session (no
// terminal to prompt on) with default signal handling. Returns the wait status and stderr.
[[nodiscard]] core::Result<std::pair<int, std::string>> run_child(const std::vector<std::string>& args) {
    std::array<int, 2> pipe_fds{};
    if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0)
        return fail(Errc::io, fmt::format("cannot make a pipe: {}", std::strerror(errno)));
    SpawnSetup s;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&s.attr, &none);
    posix_spawnattr_setsigdefault(&s.attr, &defaults);
    posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&s.actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&s.actions, pipe_fds[1], 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int err = ::posix_spawn(&pid, argv[0], &s.actions, &s.attr, argv.data(), environ);
    ::close(pipe_fds[1]);
    if (err != 0) {
        ::close(pipe_fds[0]);
        return fail(Errc::io, fmt::format("cannot run {}: {}", args[0], std::strerror(err)));
    }
    std::string output;
    std::array<char, 4096> buf{};
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        output.append(buf.data(), static_cast<std::size_t>(n));
        if (output.size() > kMaxChildOutput) output.erase(0, output.size() - kMaxChildOutput);
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return fail(Errc::io, fmt::format("waiting for {}: {}", args[0], std::strerror(errno)));
    return std::pair{status, std::move(output)};
}

}  // namespace

core::Result<ReleaseSigning> prepare_signing(const SigningRequest& r) {
    UTXO_TRY_ASSIGN(auto signer, find_signer(r.signer));
    UTXO_TRY_ASSIGN(auto passphrase, find_passphrase(r));
    std::error_code ec;
    if (!fs::is_regular_file(r.key, ec))
        return fail(Errc::usage, fmt::format("--sign-key {}: no such file", r.key.string()));
    if (passphrase && !fs::is_regular_file(*passphrase, ec))
        return fail(Errc::usage, fmt::format("{}: no such passphrase file", passphrase->string()));
    // Absolute paths, so that every message of the signer names its file unambiguously.
    auto absolute = [](const fs::path& p) {
        std::error_code e;
        auto a = fs::absolute(p, e);
        return e ? p : a;
    };
    ReleaseSigning out{absolute(signer), absolute(r.key), std::nullopt};
    if (passphrase) out.passphrase_file = absolute(*passphrase);
    return out;
}

core::Status sign_release_dir(const ReleaseSigning& signing, const fs::path& dir) {
    std::vector<std::string> args{signing.signer.string(),
                                  "sign",
                                  "--key",
                                  signing.key.string(),
                                  "--release",
                                  dir.string(),
                                  "--own",
                                  dir.string()};
    if (signing.passphrase_file) {
        args.push_back("--passphrase-file");
        args.push_back(signing.passphrase_file->string());
    }
    auto not_signed = [&](const std::string& why) {
        return fail(Errc::io, fmt::format("{}: not signed: {}", dir.string(), why));
    };
    auto child = run_child(args);
    if (!child) return not_signed(child.error().message);
    auto [status, output] = std::move(*child);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log().info("signed {}", dir.string());
        return {};
    }
    std::string why = last_line(output);
    if (why.empty())
        why = WIFSIGNALED(status) ? fmt::format("{} was killed by signal {}", args[0], WTERMSIG(status))
                                  : fmt::format("{} exited with status {}", args[0], WEXITSTATUS(status));
    return not_signed(why);
}

}  // namespace utxo::indexer
