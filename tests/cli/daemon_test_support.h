// For the end-to-end tests of the long-running commands (utxo-seeder, utxo-verifier serve,
// utxo-indexer run --follow): a service manager's notification socket (sd_notify(3) sends
// datagrams to $NOTIFY_SOCKET), and waiting for a log file to say something.
#pragma once
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace daemontest {

// A unix datagram socket bound at `path`, as systemd's notification socket is: a thread reads
// every message a child sends as it comes (as systemd does: a sender blocks once the socket's
// queue is full), and keeps them in order.
class NotifySocket {
public:
    explicit NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        if (path_.string().size() >= sizeof a.sun_path) throw std::runtime_error("socket path too long");
        std::strcpy(a.sun_path, path_.c_str());
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            throw std::runtime_error("cannot bind " + path_.string());
        reader_ = std::jthread([this](std::stop_token stop) {
            while (!stop.stop_requested()) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 20) <= 0) continue;
                char buf[4096];
                const auto n = ::recv(fd_, buf, sizeof buf, 0);
                if (n <= 0) continue;
                std::lock_guard lock(mutex_);
                messages_.emplace_back(buf, static_cast<std::size_t>(n));
            }
        });
    }
    ~NotifySocket() {
        reader_.request_stop();
        reader_.join();
        ::close(fd_);
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Waits up to `seconds` for a message after the ones already waited for that holds `line` as
    // one of its lines; true if one came. Each call goes on from the message the last one matched,
    // so waiting for READY=1 twice waits for two of them.
    bool wait_for(const std::string& line, int seconds) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (true) {
            {
                std::lock_guard lock(mutex_);
                for (; next_ < messages_.size(); ++next_)
                    if (has_line(messages_[next_], line)) {
                        ++next_;
                        return true;
                    }
            }
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    // Whether a message received so far has a line starting with `prefix`.
    bool received_prefix(const std::string& prefix) const {
        std::lock_guard lock(mutex_);
        for (const auto& m : messages_) {
            std::size_t pos = 0;
            while (true) {
                if (m.compare(pos, prefix.size(), prefix) == 0) return true;
                auto end = m.find('\n', pos);
                if (end == std::string::npos) break;
                pos = end + 1;
            }
        }
        return false;
    }

private:
    static bool has_line(const std::string& message, const std::string& line) {
        std::size_t pos = 0;
        while (true) {
            auto end = message.find('\n', pos);
            if (message.substr(pos, end == std::string::npos ? std::string::npos : end - pos) == line)
                return true;
            if (end == std::string::npos) return false;
            pos = end + 1;
        }
    }

    std::filesystem::path path_;
    int fd_ = -1;
    mutable std::mutex mutex_;
    std::vector<std::string> messages_;
    std::size_t next_ = 0;  // messages_[next_] is the first wait_for has not looked at
    std::jthread reader_;   // last: stopped and joined before the rest goes
};

// Sends `sig` to a test::Process without waiting for it to exit (Process::stop with no wait).
template <class Process>
void send_signal(Process& process, int sig) {
    (void)process.stop(sig, std::chrono::milliseconds(0));
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Waits up to `seconds` for the file at `p` to contain `text`.
inline bool file_says(const std::filesystem::path& p, const std::string& text, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    do {
        if (slurp(p).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace daemontest
