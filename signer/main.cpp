// utxo-signer: authority keys and manifest signatures (minisign-compatible).
// Exit 0 ok, 1 refusal or bad/missing signature, 2 usage or I/O trouble.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "signer/commands.h"
#include "signer/log.h"

using namespace utxo::signer;

template <class T>
static int report(const Outcome<T>& outcome) {
    if (outcome) return 0;
    fmt::print(stderr, "{}\n", outcome.error().message);
    return outcome.error().exit_code;
}

int main(int argc, char** argv) {
    CLI::App app{"utxo-signer: minisign-compatible authority keys; signs a manifest only if your indexer made the same"};
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log milestones to stderr");

    KeygenOptions kg;
    std::string cost = "sensitive";
    auto* keygen_cmd = app.add_subcommand("keygen", "create a key pair (secret key encrypted with a passphrase)");
    keygen_cmd->add_option("--out", kg.secret_key_file, "secret key file to write (mode 0600)")->required();
    keygen_cmd->add_option("--pub", kg.public_key_file, "public key file to write")->required();
    keygen_cmd->add_option("--name", kg.name, "authority name (default: the --out file name without extension)");
    keygen_cmd->add_option("--passphrase-file", kg.passphrase_file, "read the passphrase from the first line of this file");
    keygen_cmd->add_flag("--unencrypted", kg.unencrypted, "store the secret key without a passphrase");
    keygen_cmd->add_flag("--force", kg.force, "overwrite existing key files");
    keygen_cmd->add_option("--scrypt-cost", cost)->check(CLI::IsMember({"sensitive", "interactive"}))->group("");
    keygen_cmd->callback([&] { kg.cost = cost == "interactive" ? KdfCost::interactive() : KdfCost::sensitive(); });

    SignOptions so;
    auto* sign_cmd = app.add_subcommand("sign", "sign DIR/manifest.json if it is byte-identical to your own");
    sign_cmd->add_option("--key", so.secret_key_file, "secret key file")->required();
    sign_cmd->add_option("--release", so.release_dir, "release directory holding manifest.json")->required();
    sign_cmd->add_option("--own", so.own_dir, "your own indexer's release directory for the same block")->required();
    sign_cmd->add_option("--passphrase-file", so.passphrase_file, "read the passphrase from this file");

    std::filesystem::path pub, release;
    auto* verify_cmd = app.add_subcommand("verify", "check one authority's signature over DIR/manifest.json");
    verify_cmd->add_option("--pub", pub, "the authority's public key file")->required();
    verify_cmd->add_option("--release", release, "release directory holding manifest.json")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    log().set_level(verbose ? spdlog::level::info : spdlog::level::warn);

    if (*keygen_cmd) {
        auto r = keygen(kg);
        if (r) fmt::print("{}\n{}\n", fmt::format("public key of {} (key id {}):", r->name, r->public_key.id.to_hex()),
                          utxo::core::public_key_line(r->public_key));
        return report(r);
    }
    if (*sign_cmd) {
        auto r = sign_release(so);
        if (r) fmt::print("wrote {}\ntrusted comment: {}\n", r->signature_file.string(), r->trusted_comment);
        return report(r);
    }
    auto r = verify_release(pub, release);
    if (r) fmt::print("good signature: {}\ntrusted comment: {}\n", r->signature_file.string(), r->trusted_comment);
    return report(r);
}
