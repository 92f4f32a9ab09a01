// rest: chain source against a small fake of Core's REST interface (bcoin speaks no Core REST),
// serving real mainnet blocks 0-255 from tests/data on 127.0.0.1.
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "core/sha256.h"
#include "indexer/chain_source.h"
#include "test_support.h"
#include "tiny_http_server.h"

using utxo::core::Bytes;

using utxo::core::Height;

namespace {

struct Reply {
    int status;
    std::string body;
};

// Core's REST interface over a tiny loopback HTTP/1.1 server with keep-alive (one connection at a
// time), answering the four paths the source uses as Core does (binary formats, plain-text errors
// with 404).
class FakeRest {
public:
    explicit FakeRest(std::vector<Bytes> blocks, int requests_per_connection = 1000)
        : blocks_(std::move(blocks)),
          server_([this](const test::Request& r) { return answer(r); }, requests_per_connection) {
        for (std::size_t h = 0; h < blocks_.size(); ++h) height_of_[hash(h).to_display_hex()] = h;
    }
    void stop() { server_.stop(); }
    std::string url() const { return "http://127.0.0.1:" + server_.port(); }
    int connections() const { return server_.connections(); }
    int requests() const { return requests_; }

private:
    utxo::core::BlockHash hash(std::size_t h) const {
        return utxo::core::hash_cast<utxo::core::BlockHash>(
            utxo::core::sha256d(utxo::core::ByteView(blocks_[h]).first(80)));
    }

    // The request handler: a pure function of the target.
    Reply handle(const std::string& target) const {
        std::size_t a = 0, b = 0;
        char hex[65] = {};
        if (target == "/rest/chaininfo.json")
            return {200, R"({"chain":"main","blocks":)" + std::to_string(blocks_.size() - 1) + "}"};
        if (std::sscanf(target.c_str(), "/rest/blockhashbyheight/%zu.bin", &a) == 1) {
            if (a >= blocks_.size()) return {404, "Block height out of range\r\n"};
            auto h = hash(a);
            return {200, std::string(reinterpret_cast<const char*>(h.data()), 32)};
        }
        if (std::sscanf(target.c_str(), "/rest/headers/%64[0-9a-f].bin?count=%zu", hex, &b) == 2) {
            auto it = height_of_.find(hex);
            if (it == height_of_.end()) return {404, std::string(hex) + " not found\r\n"};
            std::string out;
            for (std::size_t h = it->second; h < blocks_.size() && h < it->second + b; ++h)
                out.append(reinterpret_cast<const char*>(blocks_[h].data()), 80);
            return {200, out};
        }
        if (std::sscanf(target.c_str(), "/rest/block/%64[0-9a-f].bin", hex) == 1) {
            auto it = height_of_.find(hex);
            if (it == height_of_.end()) return {404, std::string(hex) + " not found\r\n"};
            const auto& block = blocks_[it->second];
            return {200, std::string(reinterpret_cast<const char*>(block.data()), block.size())};
        }
        return {404, "Not found\r\n"};
    }

    // GET requests only: "GET <target> HTTP/1.1".
    std::string answer(const test::Request& request) {
        std::string line = request.head.substr(0, request.head.find("\r\n"));
        Reply r = handle(line.substr(4, line.rfind(' ') - 4));
        ++requests_;
        return "HTTP/1.1 " + std::to_string(r.status) + (r.status == 200 ? " OK" : " Not Found") +
               "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
    }

    std::vector<Bytes> blocks_;
    std::map<std::string, std::size_t> height_of_;
    std::atomic<int> requests_{0};
    test::TinyServer server_;  // last: it answers through the members above
};

using test::mainnet_blocks;

std::unique_ptr<utxo::indexer::ChainSource> open_rest(const std::string& url,
                                                      std::size_t max_response = 64u << 20) {
    auto src =
        utxo::indexer::open_chain_source({"rest:" + url, utxo::core::Network::mainnet, "", 2, max_response});
    REQUIRE(src);
    return std::move(*src);
}

}  // namespace

TEST_CASE("rest: source reads heights, hashes and blocks over one keep-alive connection") {
    auto blocks = mainnet_blocks();
    FakeRest server(blocks);
    auto src = open_rest(server.url());
    CHECK(src->name() == "rest:" + server.url());
    CHECK(src->tip_height() == Height{255});
    CHECK(src->block_hash(Height{0})->to_display_hex() ==
          "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    auto all = src->blocks(Height{0}, 256);
    INFO((all ? "" : all.error().message));
    REQUIRE(all);
    CHECK(*all == blocks);
    for (std::uint32_t h : {1u, 128u, 255u})
        CHECK(*src->block_hash(Height{h}) == utxo::core::hash_cast<utxo::core::BlockHash>(utxo::core::sha256d(
                                                 utxo::core::ByteView(blocks[h]).first(80))));
    auto window = src->blocks(Height{200}, 3);
    REQUIRE(window);
    CHECK(std::vector<Bytes>(blocks.begin() + 200, blocks.begin() + 203) == *window);
    CHECK(server.connections() == 1);
}

TEST_CASE("rest: source reconnects when the server closes the keep-alive connection") {
    auto blocks = mainnet_blocks();
    FakeRest server(blocks, 3);
    auto src = open_rest(server.url());
    auto all = src->blocks(Height{0}, 40);
    INFO((all ? "" : all.error().message));
    REQUIRE(all);
    CHECK(*all == std::vector<Bytes>(blocks.begin(), blocks.begin() + 40));
    CHECK(server.connections() >= 14);  // 42 requests, 3 per connection
}

TEST_CASE("rest: source errors are one sentence naming the source") {
    auto blocks = mainnet_blocks();
    FakeRest server(blocks);
    const std::string name = "rest:" + server.url();
    // One source at a time: the fake server serves one keep-alive connection at a time.
    {
        auto src = open_rest(server.url());
        CHECK(src->block_hash(Height{300}).error().message ==
              name + ": blockhashbyheight 300: Block height out of range (HTTP 404)");
        CHECK(src->blocks(Height{250}, 10).error().message ==
              name + ": headers 10 from height 250: the node's chain ends at height 255");
    }
    {
        auto small = open_rest(server.url(), 10'000);
        CHECK(small->blocks(Height{0}, 256).error().message ==
              name + ": the answer is larger than the limit of 10000 bytes");
        CHECK(small->blocks(Height{0}, 5));  // still usable after a refused answer
    }
    {
        auto not_rest = open_rest(server.url() + "/elsewhere");
        CHECK(not_rest->tip_height().error().message ==
              name + "/elsewhere: chaininfo: Not found (HTTP 404; is the node started with -rest?)");
    }
    server.stop();
    CHECK(open_rest(server.url())->tip_height().error().message ==
          name + ": cannot connect (Connection refused)");
}

TEST_CASE("rest: source times out on a server that never answers") {
    test::SilentServer server;
    std::string url = "http://127.0.0.1:" + server.port();
    utxo::indexer::SourceOptions options;
    options.spec = "rest:" + url;
    options.timeout_seconds = 1;
    auto src = utxo::indexer::open_chain_source(options);
    REQUIRE(src);
    auto t0 = std::chrono::steady_clock::now();
    CHECK((*src)->tip_height().error().message == "rest:" + url + ": no answer within 1 s");
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}
