// Test support shared by tests/trustnet and tests/signer: temp dirs, running the real binaries,
// manifests, and an in-test Ed25519 "authority" made directly with libsodium (the trustnet
// library itself has no signing code).
#pragma once
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "core/minisign.h"

namespace test {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "utxo-trust-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path operator/(const std::string& name) const { return path / name; }
};

inline std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write(const fs::path& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
}

inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct RunResult {
    int exit_code;
    std::string output;  // stdout and stderr together
};

// Runs a shell command line with stdin from /dev/null unless the command redirects it.
inline RunResult run(const std::string& command) {
    std::string full = "(" + command + ") 2>&1";
    if (command.find(" < ") == std::string::npos && command.find('|') == std::string::npos) full += " </dev/null";
    FILE* pipe = ::popen(full.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string bin(const std::string& name) { return quote(std::string(UTXO_BIN_DIR) + "/" + name); }

// A manifest with the fields the signer and the rule read; `extra` varies the bytes.
inline std::string manifest(const std::string& network, std::uint64_t height, char hash_digit = 'a',
                            const std::string& extra = "00") {
    return fmt::format("{{\"block_hash\":\"{}\",\"height\":{},\"network\":\"{}\",\"shards\":[{{\"sha256\":\"{}\"}}]}}\n",
                       std::string(64, hash_digit), height, network, extra);
}

inline std::string statement_comment(const std::string& manifest_text) {
    return utxo::core::format_trusted_comment(*utxo::core::statement_for_manifest(utxo::core::as_bytes(manifest_text)));
}

// An authority key made in the test with libsodium directly.
struct TestKey {
    utxo::core::MinisignPublicKey pub;
    std::array<std::uint8_t, 64> sk{};

    TestKey() {
        if (sodium_init() < 0) std::abort();
        utxo::core::KeyId::Array id;
        randombytes_buf(id.data(), id.size());
        pub.id = utxo::core::KeyId(id);
        crypto_sign_keypair(pub.key.data(), sk.data());
    }
    std::string line() const { return utxo::core::public_key_line(pub); }

    // A signature file over data; the trusted comment defaults to the manifest's statement.
    std::string sign(const std::string& data, std::optional<std::string> comment = std::nullopt,
                     utxo::core::SigAlgorithm alg = utxo::core::SigAlgorithm::prehashed) const {
        utxo::core::MinisignSignature sig;
        sig.algorithm = alg;
        sig.id = pub.id;
        sig.untrusted_comment = "test signature";
        sig.trusted_comment = comment ? *comment : statement_comment(data);
        auto msg = utxo::core::data_signature_message(alg, utxo::core::as_bytes(data));
        crypto_sign_detached(sig.signature.data(), nullptr, msg.data(), msg.size(), sk.data());
        auto global = utxo::core::global_signature_message(sig);
        crypto_sign_detached(sig.global_signature.data(), nullptr, global.data(), global.size(), sk.data());
        return utxo::core::signature_file(sig);
    }
};

}  // namespace test
