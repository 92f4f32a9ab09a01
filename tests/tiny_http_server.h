// A tiny scripted HTTP/1.1 server on 127.0.0.1 for client tests: one connection at a time, each
// request (with its Content-Length body) answered with whatever `answer` returns (raw bytes,
// status line included). After `per_connection` answers the connection is closed without notice,
// as a server whose keep-alive ran out would. SilentServer never answers at all.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace test {

// A socket listening on 127.0.0.1 at a port the kernel picks; returns the descriptor and the port.
inline std::pair<int, int> listen_on_loopback() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, 4) == 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return {fd, ntohs(a.sin_port)};
}

// A server that never answers: connections wait in the kernel's backlog, never read, so a
// client's connect succeeds and its read times out. close() makes later connects refused.
class SilentServer {
public:
    SilentServer() { std::tie(fd_, port_) = listen_on_loopback(); }
    ~SilentServer() { close(); }
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;
    std::string port() const { return std::to_string(port_); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

struct Request {
    std::string head;  // request line and headers
    std::string body;
};

class TinyServer {
public:
    using Answer = std::function<std::string(const Request&)>;

    explicit TinyServer(Answer answer, int per_connection = 1000)
        : answer_(std::move(answer)), per_connection_(per_connection) {
        std::tie(listen_fd_, port_) = listen_on_loopback();
        thread_ = std::thread([this] { serve(); });
    }
    ~TinyServer() { stop(); }
    // Closes the listener and the open connection; later connects are refused.
    void stop() {
        if (!thread_.joinable()) return;
        shutdown(listen_fd_, SHUT_RDWR);
        if (int c = client_fd_.load(); c >= 0) shutdown(c, SHUT_RDWR);
        thread_.join();
        close(listen_fd_);
    }
    std::string port() const { return std::to_string(port_); }
    int connections() const { return connections_; }
    std::vector<Request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        for (;;) {
            int c = accept(listen_fd_, nullptr, nullptr);
            if (c < 0) return;
            client_fd_ = c;
            ++connections_;
            serve_connection(c);
            client_fd_ = -1;
            close(c);
        }
    }

    void serve_connection(int c) {
        std::string in;
        char buf[4096];
        for (int served = 0; served < per_connection_;) {
            auto end = in.find("\r\n\r\n");
            std::size_t body_size = 0;
            if (end != std::string::npos) {
                auto at = in.find("Content-Length: ");
                if (at != std::string::npos && at < end) body_size = std::stoul(in.substr(at + 16));
            }
            if (end == std::string::npos || in.size() < end + 4 + body_size) {
                ssize_t n = recv(c, buf, sizeof buf, 0);
                if (n <= 0) return;
                in.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            Request r{in.substr(0, end + 2), in.substr(end + 4, body_size)};
            in.erase(0, end + 4 + body_size);
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(r);
            }
            std::string out = answer_(r);
            if (send(c, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
            ++served;
        }
    }

    Answer answer_;
    int per_connection_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<int> client_fd_{-1};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<Request> requests_;
    std::thread thread_;
};

}  // namespace test
