// A test-only TCP proxy that makes a loopback link slow and distant (this sandbox has no netem):
// it listens on a loopback address, forwards every connection it accepts to one target, and in
// each direction holds every byte for a one-way delay and passes at most a given number of bytes
// per second. Earth-Mars taught us to plan for minutes, not milliseconds (issue 14).
//
// The model, per direction: bytes are read from the sender no faster than the rate allows (a token
// bucket whose backlog is one read: what the link has not taken stays in the sender's socket
// buffers, as behind a real bottleneck, rather than in an unbounded queue here), then delivered
// `delay` after they left, in order. Reading goes on while earlier bytes are in flight, so a
// transfer runs at the rate, not at one window per round trip.
//
// - A new connection costs what TCP's handshake costs: the target is connected `delay` after the
//   client connected (the SYN crossing), and the client's first bytes leave no earlier than one
//   round trip after it connected (when the SYN-ACK would have reached it). So a request on a new
//   connection is answered after 2 round trips (4 x delay), one on an open connection after one.
// - A half-close (EOF) reaches the other side `delay` after it was read, after every byte before
//   it; an error or a failed write closes both sides.
// - The rate is per direction and, by default, shared by all connections of the proxy (one slow
//   link to one host); several proxies may share one LinkRate (a seeder's HTTP and BitTorrent
//   ports behind the same link).
// - Bounded: at most `max_buffered` bytes held per direction of a connection (reading pauses at
//   the cap) and `max_connections` connections open (more are closed at once).
// - `dead`: accepts connections and never reads, answers nor closes them (a source that hangs).
// - Not modelled: TCP's window. The proxy splits each connection into two local ones, so a sender
//   is never held to one receive buffer per round trip, as over a real link (a client whose
//   socket buffer is 1 MiB gets at most 1 MiB per round trip from one peer there), nor does loss.
//
// Runs on a thread of its own; the destructor closes every connection and joins it.
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace test {

// One direction of a link's bandwidth: bytes leave one after another at `bytes_per_second`.
// Thread-safe: shared by connections and proxies.
class LinkRate {
public:
    using Clock = std::chrono::steady_clock;
    explicit LinkRate(std::uint64_t bytes_per_second) : rate_(bytes_per_second) {}
    // When `bytes` that are ready at `ready` have left: after everything taken before them.
    Clock::time_point take(std::size_t bytes, Clock::time_point ready);
    std::uint64_t bytes_per_second() const { return rate_; }

private:
    const std::uint64_t rate_;
    std::mutex mutex_;
    Clock::time_point next_free_{};
};

struct DelayProxyOptions {
    std::string listen_host = "127.0.0.1";  // numeric; any 127.0.0.x
    std::uint16_t listen_port = 0;          // 0: a free port (DelayProxy::port())
    std::string target_host = "127.0.0.1";  // numeric
    std::uint16_t target_port = 0;
    std::chrono::milliseconds delay{0};  // one way, each direction
    // Bytes per second each way, shared by every connection of this proxy; 0: no cap. Ignored for
    // a direction whose LinkRate is given below.
    std::uint64_t rate = 0;
    std::shared_ptr<LinkRate> up_rate;     // client -> target, shared with other proxies
    std::shared_ptr<LinkRate> down_rate;   // target -> client
    bool dead = false;                     // accept, then never read, answer nor close
    std::size_t max_buffered = 64u << 20;  // bytes held per direction of one connection
    std::size_t max_connections = 256;     // open at once; more are closed as accepted
};

struct DelayProxyStats {
    std::uint64_t accepted = 0;    // connections taken (dead ones included)
    std::uint64_t refused = 0;     // closed at once, over max_connections
    std::uint64_t bytes_up = 0;    // delivered client -> target
    std::uint64_t bytes_down = 0;  // delivered target -> client
    std::size_t open = 0;          // connections open now
};

class DelayProxy {
public:
    // Listens at once (std::runtime_error when it cannot); forwards from then on.
    explicit DelayProxy(DelayProxyOptions options);
    ~DelayProxy();
    DelayProxy(const DelayProxy&) = delete;
    DelayProxy& operator=(const DelayProxy&) = delete;

    const std::string& host() const;
    std::uint16_t port() const;
    std::string host_port() const { return host() + ":" + std::to_string(port()); }
    std::string url() const { return "http://" + host_port(); }
    DelayProxyStats stats() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace test
