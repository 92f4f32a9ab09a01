// Shared by the Esplora tests: `utxo-verifier serve` in a child process, a release's addresses and
// the answers Esplora gives for a set of coins.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_process.h"
#include "verifier_fixture.h"

namespace vt {

// A script of the release with an address, in the given shard set (any shard when empty).
inline std::pair<core::Bytes, std::string> some_address(const fs::path& rel_dir,
                                                        std::vector<std::uint32_t> in = {}) {
    for (const auto& [script, coins] : vt::expectations(rel_dir)) {
        auto addr = core::script_to_address(script, core::Network::regtest);
        auto shard = core::shard_of(script, 16);
        if (addr && (in.empty() || std::find(in.begin(), in.end(), shard) != in.end()))
            return {script, *addr};
    }
    FAIL("no address found");
    return {};
}

inline nlohmann::json esplora_expected(const std::set<vt::CoinKey>& coins) {
    auto arr = nlohmann::json::array();
    for (const auto& [txid, vout, value, height, coinbase] : coins)
        arr.push_back({{"txid", txid},
                       {"vout", vout},
                       {"status", {{"confirmed", true}, {"block_height", height}}},
                       {"value", value}});
    return arr;
}

inline nlohmann::json sorted(nlohmann::json arr) {
    std::sort(arr.begin(), arr.end(), [](const auto& a, const auto& b) { return a.dump() < b.dump(); });
    return arr;
}

// `utxo-verifier serve` on DIR/store at an ephemeral port, started in a child process; stop() sends
// SIGTERM and checks the clean exit.
struct ServeProcess {
    pid_t pid = -1;
    std::string port, base;

    ServeProcess(const fs::path& dir, const std::string& extra_args) {
        const auto out = dir / "serve.out";
        pid = fork();
        if (pid == 0) {
            std::string cmd = vt::verifier + " serve --db " + test::q(dir / "store") + " --http 127.0.0.1:0" +
                              extra_args + " > " + test::q(out) + " 2>&1";
            execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), (char*)nullptr);
            _exit(127);
        }
        std::string line;
        for (int i = 0; i < 100 && line.find("listening on") == std::string::npos; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            auto b = test::read_file(out);
            line.assign(b.begin(), b.end());
        }
        INFO(line);
        REQUIRE(line.find("listening on 127.0.0.1:") != std::string::npos);
        const auto at = line.find("127.0.0.1:") + 10;
        port = line.substr(at, line.find(' ', at) - at);
        base = "http://127.0.0.1:" + port;
    }
    ~ServeProcess() {
        if (pid <= 0) return;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    void stop() {
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
};

}  // namespace vt
