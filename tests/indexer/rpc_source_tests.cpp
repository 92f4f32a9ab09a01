// rpc: chain source against a real node: bcoin 1.0.2 from npm (tests/tools/bcoin-regtest), in
// regtest on 127.0.0.1, mining its own blocks. Skipped with a WARN line when npm or the registry
// is unavailable.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "core/serialize.h"
#include "core/transaction.h"
#include "indexer/chain_source.h"
#include "net/http_client.h"
#include "test_process.h"
#include "test_support.h"

using utxo::indexer::ChainSource;
using utxo::indexer::SourceOptions;

using utxo::core::Height;

namespace {

// bcoin's regtest address for witness program 0x0101..01: mining needs no wallet.
constexpr const char* mining_address = "rb1qqyqszqgpqyqszqgpqyqszqgpqyqszqgpefl3jh";

std::filesystem::path tools_dir() { return test::data_dir().parent_path() / "tools/bcoin-regtest"; }

// npm installs once per machine, outside the source tree.
std::filesystem::path cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "utxo-torrent/bcoin-1.0.2";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".cache/utxo-torrent/bcoin-1.0.2";
    return std::filesystem::temp_directory_path() / "utxo-torrent-bcoin-1.0.2";
}

using test::free_port;  // bcoin binds the port a moment later

// The node process group, stopped when the test ends however it ends.
class BcoinNode {
public:
    BcoinNode(const std::filesystem::path& modules, const std::filesystem::path& dir, int port)
        : port_(port) {
        auto log = (dir / "node.out").string();
        pid_ = fork();
        if (pid_ == 0) {
            setsid();  // its own group, so stop() reaches node and anything it spawns
            int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, 1), dup2(fd, 2);
            setenv("BCOIN_MODULES", modules.c_str(), 1);
            setenv("BCOIN_DATA", (dir / "data").c_str(), 1);
            setenv("BCOIN_RPC_PORT", std::to_string(port).c_str(), 1);
            setenv("BCOIN_WALLET_PORT", std::to_string(free_port()).c_str(), 1);
            auto script = (tools_dir() / "start-bcoin.sh").string();
            execl("/bin/bash", "bash", script.c_str(), "--memory=true", "--no-wallet=true",
                  "--index-tx=false", "--index-address=false", static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~BcoinNode() { stop(); }
    void stop() {
        if (pid_ <= 0) return;
        kill(-pid_, SIGTERM);
        for (int i = 0; i < 50 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (kill(-pid_, SIGKILL) == 0) waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    bool running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
    int port() const { return port_; }

private:
    pid_t pid_ = -1;
    int port_;
};

// Raw JSON-RPC for what the source does not do (mining) and for the node's own answers.
nlohmann::json node_rpc(utxo::net::HttpClient& http, const std::string& method, nlohmann::json params) {
    nlohmann::json req = {{"jsonrpc", "1.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
    auto r = http.post("/", req.dump(), {{"Authorization", utxo::net::basic_authorization("x:rpcpass")}});
    if (!r) return nullptr;
    auto answer = nlohmann::json::parse(r->body, nullptr, false);
    return answer.is_object() && answer.contains("result") ? answer["result"] : nlohmann::json();
}

bool wait_until_up(utxo::net::HttpClient& http, const BcoinNode& node) {
    for (int i = 0; i < 300 && node.running(); ++i) {
        if (node_rpc(http, "getblockcount", nlohmann::json::array()).is_number()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::unique_ptr<ChainSource> open(const std::string& spec, const std::string& cookie = "",
                                  std::size_t max_response = std::size_t{64} << 20) {
    SourceOptions o{spec, utxo::core::Network::regtest, cookie, 5, max_response};
    auto source = utxo::indexer::open_chain_source(o);
    INFO((source ? "" : source.error().message));
    REQUIRE(source);
    return std::move(*source);
}

// Blocks [0, n] parse, carry the hashes block_hash gives, and each names the previous as parent.
void check_chain(ChainSource& src, std::uint32_t tip, const std::vector<std::string>& node_hashes) {
    auto blocks = src.blocks(Height{0}, tip + 1);
    INFO((blocks ? "" : blocks.error().message));
    REQUIRE(blocks);
    REQUIRE(blocks->size() == tip + 1);
    CHECK(utxo::core::parse_block((*blocks)[0])->hash ==
          utxo::core::params(utxo::core::Network::regtest).genesis);
    for (std::uint32_t h = 0; h <= tip; ++h) {
        auto block = utxo::core::parse_block((*blocks)[h]);
        REQUIRE(block);
        CHECK(block->hash.to_display_hex() == node_hashes[h]);
        if (h > 0) CHECK(block->header.prev_block.to_display_hex() == node_hashes[h - 1]);
    }
}

// Cookie and user:password both work; a wrong password is one sentence without the password.
void check_credentials(const std::string& base, const test::TempDir& dir, std::uint32_t tip) {
    const std::string name = "rpc:" + base;
    const std::string port = base.substr(base.rfind(':') + 1);
    test::write_file(dir / "cookie", utxo::core::as_bytes("__cookie__:rpcpass\n"));
    auto by_cookie = open("rpc:" + base, (dir / "cookie").string());
    CHECK(by_cookie->tip_height() == Height{tip});
    auto wrong = open("rpc:http://x:hunter2@127.0.0.1:" + port);
    auto e = wrong->tip_height();
    REQUIRE(!e);
    CHECK(e.error().message == name + ": authentication failed (check the cookie or user/password)");
    CHECK(wrong->name().find("hunter2") == std::string::npos);
    SourceOptions missing{"rpc:" + base, utxo::core::Network::regtest, (dir / "nope").string(), 5};
    auto m = utxo::indexer::open_chain_source(missing);
    REQUIRE(!m);
    CHECK(m.error().message.find("cannot read the cookie file") != std::string::npos);
}

// Blocks/s over a longer chain, in batches of 500, printed for the record.
void print_throughput(ChainSource& src, utxo::net::HttpClient& http, std::uint32_t tip) {
    REQUIRE(node_rpc(http, "generatetoaddress", {1000, mining_address}).size() == 1000);
    auto t0 = std::chrono::steady_clock::now();
    std::size_t fetched = 0;
    for (std::uint32_t from = 0; from <= tip + 1000; from += 500) {
        auto b = src.blocks(Height{from}, std::min<std::uint32_t>(500, tip + 1001 - from));
        REQUIRE(b);
        fetched += b->size();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("rpc source: %zu bcoin blocks in %.3f s = %.0f blocks/s (batches of 500)\n", fetched, secs,
                fetched / secs);
}

// `utxo-indexer run` over the node's RPC and over a blk file holding the same blocks cut
// byte-identical releases; then the node goes away under a --follow run, which stops with one
// clear sentence and leaves its store at a block boundary.
void check_releases_match_blk_file(ChainSource& src, std::uint32_t tip, const std::string& url,
                                   BcoinNode& node, const test::TempDir& dir) {
    auto blocks = src.blocks(Height{0}, tip + 1);
    REQUIRE(blocks);
    utxo::core::Bytes file;
    utxo::core::Writer w(file);
    for (const auto& b : *blocks) {
        w.bytes(utxo::core::params(utxo::core::Network::regtest).magic);
        w.u32(static_cast<std::uint32_t>(b.size()));
        w.bytes(b);
    }
    test::write_file(dir / "chain.dat", file);
    const std::string indexer = test::bin("utxo-indexer").string();
    auto run_from = [&](const std::string& source, const std::string& name, const std::string& extra = "") {
        return test::run(indexer + " run --source " + source + " --network regtest --db " +
                         test::q(dir / ("db-" + name)) + " --releases " + test::q(dir / ("rel-" + name)) +
                         " --release-every 100 --confirmations 2 --shards 16" + extra);
    };
    auto by_rpc = run_from(url, "rpc");
    INFO(by_rpc.out);
    REQUIRE(by_rpc.exit_code == 0);
    auto by_file = run_from("blocks:" + (dir / "chain.dat").string(), "blk");
    INFO(by_file.out);
    REQUIRE(by_file.exit_code == 0);
    auto rpc_tree = test::file_tree(dir / "rel-rpc");
    auto blk_tree = test::file_tree(dir / "rel-blk");
    for (auto* tree : {&rpc_tree, &blk_tree}) tree->erase("lock");  // the writer lock holds a PID
    CHECK(rpc_tree.size() > 30);
    CHECK(rpc_tree == blk_tree);

    node.stop();
    auto gone = run_from(url, "rpc", " --follow --poll-seconds 1");
    CHECK(gone.exit_code == 2);
    CHECK(gone.out.find("cannot connect") != std::string::npos);
    auto stats = test::run(indexer + " stats --json --db " + test::q(dir / "db-rpc"));
    REQUIRE(stats.exit_code == 0);
    CHECK(nlohmann::json::parse(stats.out)["height"] == tip - 1);
}

}  // namespace

TEST_CASE("rpc source against a real bcoin node (npm bcoin 1.0.2, regtest, 127.0.0.1)", "[bcoin][rpc]") {
    auto install = test::run(test::q(tools_dir() / "install.sh") + " " + test::q(cache_dir()));
    if (install.exit_code != 0) {
        WARN("SKIPPED: cannot install bcoin with npm into " << cache_dir() << " (exit " << install.exit_code
                                                            << "):\n"
                                                            << install.out);
        return;
    }
    test::TempDir dir;
    BcoinNode node(cache_dir(), dir.path(), free_port());
    utxo::net::HttpClient http(
        {"127.0.0.1", std::to_string(node.port()), "utxo-indexer", std::chrono::seconds(10)});
    INFO("node log: " << dir.path() / "node.out");
    REQUIRE(wait_until_up(http, node));
    const std::string base = "http://127.0.0.1:" + std::to_string(node.port());
    const std::string name = "rpc:" + base;

    constexpr std::uint32_t tip = 150;
    REQUIRE(node_rpc(http, "generatetoaddress", {tip, mining_address}).size() == tip);
    std::vector<std::string> node_hashes;
    for (std::uint32_t h = 0; h <= tip; ++h) node_hashes.push_back(node_rpc(http, "getblockhash", {h}));

    auto src = open("rpc:http://x:rpcpass@127.0.0.1:" + std::to_string(node.port()));
    CHECK(src->name() == name);
    CHECK(src->tip_height() ==
          Height{node_rpc(http, "getblockcount", nlohmann::json::array()).get<std::uint32_t>()});
    CHECK(src->tip_height() == Height{tip});
    for (std::uint32_t h : {0u, 1u, 77u, tip})
        CHECK(src->block_hash(Height{h})->to_display_hex() == node_hashes[h]);
    check_chain(*src, tip, node_hashes);

    // One batch per call kind: a window in the middle equals the same heights from a full fetch.
    auto window = src->blocks(Height{100}, 10);
    REQUIRE(window);
    auto all = src->blocks(Height{0}, tip + 1);
    REQUIRE(all);
    CHECK(*window == std::vector<utxo::core::Bytes>(all->begin() + 100, all->begin() + 110));

    // Errors, one sentence each.
    CHECK(src->block_hash(Height{500}).error().message ==
          name + ": getblockhash 500: Block height out of range (code -8)");
    CHECK(src->blocks(Height{140}, 20).error().message ==
          name + ": getblockhash 151: Block height out of range (code -8)");
    auto small = open("rpc:http://x:rpcpass@127.0.0.1:" + std::to_string(node.port()), "", 8192);
    CHECK(small->blocks(Height{0}, tip + 1).error().message ==
          name + ": the answer is larger than the limit of 8192 bytes");
    CHECK(small->blocks(Height{0}, 3));  // the same source keeps working after a refused answer

    check_credentials(base, dir, tip);
    print_throughput(*src, http, tip);
    auto now_tip = src->tip_height();
    REQUIRE(now_tip);
    check_releases_match_blk_file(*src, now_tip->value,
                                  "rpc:http://x:rpcpass@127.0.0.1:" + std::to_string(node.port()), node, dir);
    CHECK(src->tip_height().error().message == name + ": cannot connect (Connection refused)");
}
