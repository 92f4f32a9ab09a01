// Raw LMDB insert rates on this machine, the baseline for the indexer's UTXO operations/s:
// N records shaped like coins (36-byte key, 30-byte value), once with keys in order (MDB_APPEND)
// and once in random order, one transaction each, as the indexer uses it.
#include <lmdb.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double insert_run(const std::filesystem::path& dir, std::size_t n, bool sequential) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    MDB_env* env;
    mdb_env_create(&env);
    mdb_env_set_mapsize(env, std::size_t{1} << 38);
    if (mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0644)) {
        std::fprintf(stderr, "cannot open %s\n", dir.c_str());
        std::exit(2);
    }
    MDB_txn* txn;
    MDB_dbi dbi;
    mdb_txn_begin(env, nullptr, 0, &txn);
    mdb_dbi_open(txn, nullptr, 0, &dbi);
    unsigned char key[36] = {}, value[30];
    std::memset(value, 0x5a, sizeof value);
    std::uint64_t seed = 42;
    auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t k = sequential ? i : splitmix(seed);
        for (int b = 0; b < 8; ++b) key[b] = static_cast<unsigned char>(k >> (56 - 8 * b));
        MDB_val kv{sizeof key, key}, vv{sizeof value, value};
        if (mdb_put(txn, dbi, &kv, &vv, sequential ? MDB_APPEND : 0)) std::exit(2);
    }
    mdb_txn_commit(txn);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    mdb_env_close(env);
    std::filesystem::remove_all(dir);
    return n / secs;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench-lmdb DIR N\n");
        return 2;
    }
    std::size_t n = std::strtoull(argv[2], nullptr, 10);
    std::printf("lmdb_sequential_inserts_per_s %.0f\n", insert_run(argv[1], n, true));
    std::printf("lmdb_random_inserts_per_s %.0f\n", insert_run(argv[1], n, false));
    return 0;
}
