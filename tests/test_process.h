// Child processes for end-to-end tests: started with fork/exec, output to a log file, killed
// (SIGKILL) when the guard goes out of scope, however the test ends. And loopback sockets: free
// ports, connections, waiting for a close or for a condition.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace test {

// A port the kernel just handed out on loopback, released before use: good enough on a test box.
inline std::uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// A TCP connection to 127.0.0.1:port with a receive timeout; -1 if nobody accepts. `from` is
// another loopback source address ("127.0.0.2"; Linux routes all of 127.0.0.0/8 to loopback), for
// servers that count connections per client address.
inline int connect_loopback(std::uint16_t port, int timeout_seconds = 5, const char* from = nullptr) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_seconds, 0};
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    if (from) {
        a.sin_family = AF_INET;
        ::inet_pton(AF_INET, from, &a.sin_addr);
        if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(s);
            return -1;
        }
        a = {};
    }
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(s);
        return -1;
    }
    return s;
}

// Everything the peer sends until it closes the connection (or the receive timeout passes); closes s.
inline std::string read_until_closed(int s) {
    std::string in;
    char buf[65536];
    for (ssize_t n; (n = ::recv(s, buf, sizeof buf, 0)) > 0;) in.append(buf, static_cast<std::size_t>(n));
    ::close(s);
    return in;
}

// Seconds until the peer closes the connection (recv returns 0 or an error); closes s.
inline double seconds_until_closed(int s) {
    auto t0 = std::chrono::steady_clock::now();
    read_until_closed(s);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Polls `pred` every 20 ms until it holds or `seconds` pass; the last answer of `pred`.
template <class F>
bool eventually(F pred, int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

struct ProcessOptions {
    std::filesystem::path cwd;               // empty: the test's own
    std::map<std::string, std::string> env;  // added to the environment
};

class Process {
public:
    // argv[0] is a path; stdout and stderr are appended to `log`.
    Process(std::vector<std::string> argv, const std::filesystem::path& log,
            const ProcessOptions& options = {}) {
        pid_ = ::fork();
        if (pid_ != 0) return;
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test binary
        if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(127);
        int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(out, 1);
        ::dup2(out, 2);
        for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> args;
        for (auto& s : argv) args.push_back(s.data());
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ~Process() { kill9(); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        pid_ = -1;
        return false;
    }
    void kill9() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    void signal(int sig) {
        if (pid_ > 0) ::kill(pid_, sig);
    }
    // Sends `sig` and waits up to `timeout`: the exit code, or -1 if it did not exit (or died of a signal).
    int stop(int sig, std::chrono::milliseconds timeout) {
        if (pid_ > 0) ::kill(pid_, sig);
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (running() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return pid_ <= 0 ? code_ : -1;
    }

private:
    pid_t pid_ = -1;
    int code_ = -1;
};

}  // namespace test
