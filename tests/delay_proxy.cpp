// The delaying proxy of delay_proxy.h on Boost.Asio: one io_context on one thread; each connection
// is two Directions (client -> target, target -> client), each a paced reader feeding a queue of
// chunks stamped with their arrival time and a writer that sends each chunk when its time comes.
#include "delay_proxy.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <stdexcept>
#include <thread>
#include <vector>

namespace test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

LinkRate::Clock::time_point LinkRate::take(std::size_t bytes, Clock::time_point ready) {
    std::lock_guard lock(mutex_);
    auto start = std::max(ready, next_free_);
    next_free_ = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                             static_cast<double>(bytes) / static_cast<double>(rate_)));
    return next_free_;
}

namespace {

class Connection;

}  // namespace

struct DelayProxy::Impl {
    DelayProxyOptions options;
    asio::io_context io;  // first: destroyed last, after everything that uses it
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    tcp::acceptor acceptor{io};
    tcp::endpoint target;
    std::shared_ptr<LinkRate> up_rate, down_rate;
    std::vector<std::weak_ptr<Connection>> live;
    std::vector<std::unique_ptr<tcp::socket>> dead;
    std::atomic<std::uint64_t> accepted{0}, refused{0}, bytes_up{0}, bytes_down{0};
    std::atomic<std::size_t> open{0};
    bool stopping = false;  // io thread only
    std::thread thread;

    void accept();
    void stop();
};

namespace {

struct Chunk {
    Clock::time_point at;  // when it reaches the other side
    std::vector<char> data;
    enum Kind { data_, eof, reset } kind = data_;
};

// One direction of a connection.
struct Direction {
    Direction(asio::io_context& io, tcp::socket& from_, tcp::socket& to_, LinkRate* rate_,
              std::atomic<std::uint64_t>& delivered_)
        : from(from_), to(to_), rate(rate_), delivered(delivered_), read_timer(io), write_timer(io) {}
    tcp::socket& from;
    tcp::socket& to;
    LinkRate* rate;
    std::atomic<std::uint64_t>& delivered;
    std::vector<char> buf;
    std::deque<Chunk> queue;
    std::size_t buffered = 0;
    Clock::time_point not_before{};  // nothing leaves before (the client's first bytes: one RTT)
    Clock::time_point last_arrival{};
    asio::steady_timer read_timer, write_timer;
    bool paused = false;  // reading waits for the queue to drain below max_buffered
    bool read_done = false;
    bool writing = false;   // a write or the wait for the front chunk is under way
    bool writable = false;  // `to` is connected
    bool write_done = false;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(DelayProxy::Impl& proxy, tcp::socket client)
        : proxy_(proxy),
          client_(std::move(client)),
          target_(proxy.io),
          connect_timer_(proxy.io),
          up_(proxy.io, client_, target_, proxy.up_rate.get(), proxy.bytes_up),
          down_(proxy.io, target_, client_, proxy.down_rate.get(), proxy.bytes_down) {
        ++proxy_.open;
    }
    ~Connection() { --proxy_.open; }

    void start() {
        const auto now = Clock::now();
        const auto d = delay();
        up_.not_before = now + 2 * d;  // the client would send after the SYN-ACK came back
        down_.writable = true;
        read(up_);
        connect_timer_.expires_at(now + d);  // the SYN crossing
        connect_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec || self->closed_) return;
            self->target_.async_connect(self->proxy_.target, [self](const boost::system::error_code& e) {
                if (self->closed_) return;
                if (e) {
                    // The refusal travels back: the client sees its connection closed after delay.
                    self->down_.queue.push_back({Clock::now() + self->delay(), {}, Chunk::reset});
                    self->pump(self->down_);
                    return;
                }
                self->up_.writable = true;
                self->pump(self->up_);
                self->read(self->down_);
            });
        });
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        boost::system::error_code ignored;
        for (auto* t :
             {&connect_timer_, &up_.read_timer, &up_.write_timer, &down_.read_timer, &down_.write_timer})
            t->cancel();
        client_.close(ignored);
        target_.close(ignored);
    }

private:
    std::chrono::milliseconds delay() const { return proxy_.options.delay; }

    std::size_t read_size(const Direction& d) const {
        // A rate-limited read takes about 10 ms of the link, so the pacing stays smooth.
        if (!d.rate) return 64u << 10;
        return std::clamp<std::size_t>(d.rate->bytes_per_second() / 100, 512, 64u << 10);
    }

    void read(Direction& d) {
        if (closed_ || d.read_done) return;
        if (d.buffered >= proxy_.options.max_buffered) {
            d.paused = true;
            return;
        }
        d.buf.resize(read_size(d));
        d.from.async_read_some(asio::buffer(d.buf),
                               [self = shared_from_this(), &d](const boost::system::error_code& ec,
                                                               std::size_t n) { self->on_read(d, ec, n); });
    }

    void on_read(Direction& d, const boost::system::error_code& ec, std::size_t n) {
        if (closed_) return;
        const auto now = Clock::now();
        auto leaves = std::max(now, d.not_before);
        if (ec) {
            d.read_done = true;
            const auto at = std::max(leaves + delay(), d.last_arrival);
            d.queue.push_back({at, {}, ec == asio::error::eof ? Chunk::eof : Chunk::reset});
            pump(d);
            return;
        }
        if (d.rate) leaves = d.rate->take(n, leaves);
        const auto at = std::max(leaves + delay(), d.last_arrival);
        d.last_arrival = at;
        d.queue.push_back({at, std::vector<char>(d.buf.begin(), d.buf.begin() + static_cast<long>(n))});
        d.buffered += n;
        pump(d);
        if (leaves > now) {  // the link is busy with these bytes until then
            d.read_timer.expires_at(leaves);
            d.read_timer.async_wait([self = shared_from_this(), &d](const boost::system::error_code& e) {
                if (!e) self->read(d);
            });
        } else {
            read(d);
        }
    }

    void pump(Direction& d) {
        if (closed_ || d.writing || !d.writable || d.queue.empty()) return;
        auto& front = d.queue.front();
        if (front.at > Clock::now()) {
            d.writing = true;
            d.write_timer.expires_at(front.at);
            d.write_timer.async_wait([self = shared_from_this(), &d](const boost::system::error_code& e) {
                d.writing = false;
                if (!e) self->pump(d);
            });
            return;
        }
        if (front.kind == Chunk::reset) {
            close();
            return;
        }
        if (front.kind == Chunk::eof) {
            boost::system::error_code ignored;
            d.to.shutdown(tcp::socket::shutdown_send, ignored);
            d.queue.pop_front();
            d.write_done = true;
            if (up_.write_done && down_.write_done) close();
            return;
        }
        d.writing = true;
        asio::async_write(d.to, asio::buffer(front.data),
                          [self = shared_from_this(), &d](const boost::system::error_code& ec,
                                                          std::size_t n) { self->on_written(d, ec, n); });
    }

    void on_written(Direction& d, const boost::system::error_code& ec, std::size_t n) {
        d.writing = false;
        if (closed_) return;
        if (ec) {
            close();
            return;
        }
        d.delivered += n;
        d.buffered -= n;
        d.queue.pop_front();
        if (d.paused && d.buffered < proxy_.options.max_buffered) {
            d.paused = false;
            read(d);
        }
        pump(d);
    }

    DelayProxy::Impl& proxy_;
    tcp::socket client_, target_;
    asio::steady_timer connect_timer_;
    Direction up_, down_;
    bool closed_ = false;
};

}  // namespace

void DelayProxy::Impl::accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
        if (stopping || !acceptor.is_open()) return;
        if (!ec) {
            ++accepted;
            std::erase_if(live, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
            if (open.load() + dead.size() >= options.max_connections) {
                ++refused;
                boost::system::error_code ignored;
                s.close(ignored);
            } else if (options.dead) {
                dead.push_back(std::make_unique<tcp::socket>(std::move(s)));
            } else {
                auto c = std::make_shared<Connection>(*this, std::move(s));
                live.push_back(c);
                c->start();
            }
        }
        accept();
    });
}

void DelayProxy::Impl::stop() {
    stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& w : live)
        if (auto c = w.lock()) c->close();
    for (auto& s : dead) s->close(ignored);
    dead.clear();
    work.reset();
}

DelayProxy::DelayProxy(DelayProxyOptions options) : impl_(std::make_unique<Impl>()) {
    auto& m = *impl_;
    m.options = std::move(options);
    if (m.options.max_buffered == 0 || m.options.max_connections == 0)
        throw std::runtime_error("delay proxy: max_buffered and max_connections must be positive");
    m.up_rate = m.options.up_rate;
    m.down_rate = m.options.down_rate;
    if (!m.up_rate && m.options.rate > 0) m.up_rate = std::make_shared<LinkRate>(m.options.rate);
    if (!m.down_rate && m.options.rate > 0) m.down_rate = std::make_shared<LinkRate>(m.options.rate);
    try {
        m.target = tcp::endpoint(asio::ip::make_address(m.options.target_host), m.options.target_port);
        tcp::endpoint at(asio::ip::make_address(m.options.listen_host), m.options.listen_port);
        m.acceptor.open(at.protocol());
        m.acceptor.set_option(tcp::acceptor::reuse_address(true));
        m.acceptor.bind(at);
        m.acceptor.listen();
        m.options.listen_port = m.acceptor.local_endpoint().port();
    } catch (const std::exception& e) {
        throw std::runtime_error("delay proxy on " + m.options.listen_host + ": " + e.what());
    }
    m.accept();
    m.thread = std::thread([&m] { m.io.run(); });
}

DelayProxy::~DelayProxy() {
    asio::post(impl_->io, [m = impl_.get()] { m->stop(); });
    impl_->thread.join();
}

const std::string& DelayProxy::host() const { return impl_->options.listen_host; }
std::uint16_t DelayProxy::port() const { return impl_->options.listen_port; }

DelayProxyStats DelayProxy::stats() const {
    return {impl_->accepted.load(), impl_->refused.load(), impl_->bytes_up.load(), impl_->bytes_down.load(),
            impl_->open.load()};
}

}  // namespace test
