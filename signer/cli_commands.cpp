// utxo-signer keygen, sign and verify: options onto the library's option structs, results onto stdout.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "signer/cli.h"
#include "signer/commands.h"

namespace utxo::signer {

void add_keygen_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<KeygenOptions>();
    auto cost = std::make_shared<std::string>("sensitive");
    auto* cmd = app.add_subcommand("keygen", "create a key pair (secret key encrypted with a passphrase)");
    cmd->add_option("--out", o->secret_key_file, "secret key file to write (mode 0600)")->required();
    cmd->add_option("--pub", o->public_key_file, "public key file to write")->required();
    cmd->add_option("--name", o->name, "authority name (default: the --out file name without extension)");
    cmd->add_option("--passphrase-file", o->passphrase_file,
                    "read the passphrase from the first line of this file");
    cmd->add_flag("--unencrypted", o->unencrypted, "store the secret key without a passphrase");
    cmd->add_flag("--force", o->force, "overwrite existing key files");
    cmd->add_option("--scrypt-cost", *cost)->check(CLI::IsMember({"sensitive", "interactive"}))->group("");
    cmd->callback([o, cost, &action] {
        o->cost = *cost == "interactive" ? KdfCost::interactive() : KdfCost::sensitive();
        action = [o]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, keygen(*o));
            fmt::print("{}\n{}\n",
                       fmt::format("public key of {} (key id {}):", r.name, r.public_key.id.to_hex()),
                       core::public_key_line(r.public_key));
            return {};
        };
    });
}

void add_sign_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<SignOptions>();
    auto* cmd = app.add_subcommand("sign", "sign DIR/manifest.json if it is byte-identical to your own");
    cmd->add_option("--key", o->secret_key_file, "secret key file")->required();
    cmd->add_option("--release", o->release_dir, "release directory holding manifest.json")->required();
    cmd->add_option("--own", o->own_dir, "your own indexer's release directory for the same block")
        ->required();
    cmd->add_option("--passphrase-file", o->passphrase_file, "read the passphrase from this file");
    cmd->add_flag("--allow-open-key", o->allow_open_key,
                  "sign even if the --key file is readable or writable by group or others");
    cmd->callback([o, &action] {
        action = [o]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, sign_release(*o));
            fmt::print("wrote {}\ntrusted comment: {}\n", r.signature_file.string(), r.trusted_comment);
            return {};
        };
    });
}

void add_verify_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand("verify", "check one authority's signature over DIR/manifest.json");
    cmd->add_option("--pub", o->public_key_file, "the authority's public key file")->required();
    cmd->add_option("--release", o->release_dir, "release directory holding manifest.json")->required();
    cmd->callback([o, &action] {
        action = [o]() -> core::Status {
            UTXO_TRY_ASSIGN(auto r, verify_release(*o));
            fmt::print("good signature: {}\ntrusted comment: {}\n", r.signature_file.string(),
                       r.trusted_comment);
            return {};
        };
    });
}

}  // namespace utxo::signer
