// `serve` answers strangers' GETs: handle_request must answer any target with a status, never
// crash. A store with a tiny installed release (one empty shard, made here once) lets requests
// reach the path parsing and the address decoding instead of stopping at 503.
#include "verifier/esplora.h"

#include <unistd.h>

#include <filesystem>

#include "core/file_io.h"
#include "core/manifest.h"
#include "core/sha256.h"
#include "core/shard.h"
#include "fuzz_input.h"
#include "verifier/store.h"

using namespace utxo;
namespace fs = std::filesystem;

namespace {

core::Manifest empty_release() {
    core::Manifest m;
    m.network = core::Network::regtest;
    m.height = core::Height{1};
    m.block = *core::BlockHash::from_display_hex(std::string(64, '1'));
    m.shard_count = 1;
    m.piece_size = 1 << 18;
    m.shards.resize(1);
    return m;
}

// Removed when the fuzzer exits (libFuzzer returns from main, so static destructors run).
struct TempDir {
    fs::path path = fs::temp_directory_path() / ("utxo-fuzz-esplora-" + std::to_string(::getpid()));
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

verifier::Store& installed_store() {
    static const TempDir temp;
    static const fs::path& dir = temp.path;
    static verifier::Store store = [] {
        fs::remove_all(dir);
        auto s = verifier::Store::open(dir);
        fuzz::require(s.has_value(), "the store opens");
        auto m = empty_release();
        auto stage = s->staging_dir(m);
        fuzz::require(stage.has_value(), "a staging directory");
        const auto shard = verifier::shard_path(*stage, 0);
        core::ShardHeader header{.network = m.network,
                                 .block = m.block,
                                 .height = m.height,
                                 .shard_index = 0,
                                 .shard_count = 1,
                                 .coin_count = 0};
        auto writer = core::ShardWriter::create(shard, header);
        fuzz::require(writer && writer->finish().has_value(), "the empty shard is written");
        auto bytes = core::read_small_file(shard, 1 << 20);
        fuzz::require(bytes.has_value(), "the empty shard reads back");
        m.shards[0].bytes = bytes->size();
        m.shards[0].sha256 = core::sha256(core::as_bytes(*bytes));
        auto installed = s->install(m, core::encode_manifest(m), {0}, true, {"fuzz"});
        if (!installed) std::fprintf(stderr, "%s\n", installed.error().message.c_str());
        fuzz::require(installed.has_value(), "the tiny release installs");
        return std::move(*s);
    }();
    return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& store = installed_store();
    const auto input = fuzz::text(data, size);
    const auto newline = input.find('\n');
    verifier::HttpRequest req{
        .method = newline == std::string_view::npos ? "GET" : std::string(input.substr(0, newline)),
        .target = std::string(newline == std::string_view::npos ? input : input.substr(newline + 1))};
    const auto res = verifier::handle_request(req, store);
    fuzz::require(res.status >= 200 && res.status < 600 && res.status != 500,
                  "an answer with a sensible status");
    return 0;
}
