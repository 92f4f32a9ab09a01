// utxo-signer keygen, sign, pointer, statement and verify: options onto the library's option structs, results
// onto stdout (text, or with --json one object: cli/json.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/json.h"
#include "core/file_io.h"
#include "core/minisign.h"
#include "core/release_age.h"
#include "signer/cli.h"
#include "signer/commands.h"

namespace utxo::signer {

namespace {

// The --json object of a signature written or verified: ok, signature_file, key_id,
// trusted_comment, network, height, block_hash, manifest_sha256, signed_at, dht_item_file, dht_seq.
// The key id is the signature file's own; what the trusted comment states is read back from it
// (signed_at null when it has none). The DHT item file and its seq are null when there is none.
template <class R>
nlohmann::ordered_json signature_json(const R& r) {
    const auto& file = r.signature_file;
    const auto& comment = r.trusted_comment;
    nlohmann::ordered_json j{{"ok", true}, {"signature_file", file.string()}, {"key_id", nullptr}};
    if (auto text = core::read_small_file(file, 8192))
        if (auto sig = core::parse_signature_file(*text)) j["key_id"] = sig->id.to_hex();
    j["trusted_comment"] = comment;
    if (auto s = core::parse_trusted_comment(comment)) {
        j["network"] = core::network_name(s->network);
        j["height"] = s->height.value;
        j["block_hash"] = s->block_hash.to_display_hex();
        j["manifest_sha256"] = s->manifest_sha256.to_hex();
        j["signed_at"] = s->signed_at ? nlohmann::ordered_json(*s->signed_at) : nullptr;
    }
    j["dht_item_file"] = r.dht_item_file ? nlohmann::ordered_json(r.dht_item_file->string()) : nullptr;
    j["dht_seq"] = r.dht_seq ? nlohmann::ordered_json(*r.dht_seq) : nullptr;
    return j;
}

// --signed-at UNIX on `cmd`, into `target` once parsed (sign and statement only: pointer carries a
// signature already made, whose time it never changes).
void add_signed_at_option(CLI::App* cmd, std::optional<std::int64_t>& target) {
    cmd->add_option_function<std::int64_t>(
        "--signed-at", [&target](const std::int64_t& t) { target = t; },
        "the signing time to state, unix seconds (default: now; for reproducible signing and tests)");
}

}  // namespace

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
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("sign", "sign DIR/manifest.json if it is byte-identical to your own");
    cmd->add_option("--key", o->secret_key_file, "secret key file")->required();
    cmd->add_option("--release", o->release_dir, "release directory holding manifest.json")->required();
    cmd->add_option("--own", o->own_dir, "your own indexer's release directory for the same block")
        ->required();
    cmd->add_option("--passphrase-file", o->passphrase_file, "read the passphrase from this file");
    cmd->add_flag("--allow-open-key", o->allow_open_key,
                  "sign even if the --key file is readable or writable by group or others");
    cmd->add_option("--dht-seeder", o->dht_seeders,
                    "a seeder's http(s):// base URL for the DHT pointer (repeatable, at most 8)");
    add_signed_at_option(cmd, o->signed_at);
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([o, json, &action] {
        action = [o, json]() -> core::Status {
            auto r = sign_release(*o);
            if (!r) return cli::refused(r, *json);
            if (*json) {
                cli::print_json(signature_json(*r));
                return {};
            }
            fmt::print("wrote {}\n", r->signature_file.string());
            if (r->dht_item_file)
                fmt::print("wrote {} (DHT item, seq {})\n", r->dht_item_file->string(), *r->dht_seq);
            fmt::print("trusted comment: {}\n", r->trusted_comment);
            return {};
        };
    });
}

void add_pointer_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<PointerOptions>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("pointer",
                                   "write the DHT pointer (.dht) for your signature of DIR/manifest.json "
                                   "made offline with minisign");
    cmd->add_option("--key", o->secret_key_file, "secret key file")->required();
    cmd->add_option("--release", o->release_dir,
                    "release directory holding manifest.json and manifest.json.<KEYID>.minisig")
        ->required();
    cmd->add_option("--passphrase-file", o->passphrase_file, "read the passphrase from this file");
    cmd->add_flag("--allow-open-key", o->allow_open_key,
                  "use the --key file even if it is readable or writable by group or others");
    cmd->add_option("--dht-seeder", o->dht_seeders,
                    "a seeder's http(s):// base URL for the DHT pointer (repeatable, at most 8)");
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([o, json, &action] {
        action = [o, json]() -> core::Status {
            auto r = write_release_pointer(*o);
            if (!r) return cli::refused(r, *json);
            if (*json) {
                cli::print_json(signature_json(
                    SignResult{r->signature_file, r->trusted_comment, r->dht_item_file, r->dht_seq}));
                return {};
            }
            fmt::print("wrote {} (DHT item, seq {})\n", r->dht_item_file.string(), r->dht_seq);
            return {};
        };
    });
}

void add_statement_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<StatementOptions>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("statement",
                                   "print the trusted comment `sign` would sign for DIR/manifest.json "
                                   "(for minisign -t)");
    cmd->add_option("--release", o->release_dir, "release directory holding manifest.json")->required();
    add_signed_at_option(cmd, o->signed_at);
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([o, json, &action] {
        action = [o, json]() -> core::Status {
            auto r = release_statement(*o);
            if (!r) return cli::refused(r, *json);
            if (!*json) {
                fmt::print("{}\n", r->trusted_comment);
                return {};
            }
            const auto& s = r->statement;
            cli::print_json(nlohmann::ordered_json{{"ok", true},
                                                   {"trusted_comment", r->trusted_comment},
                                                   {"network", core::network_name(s.network)},
                                                   {"height", s.height.value},
                                                   {"block_hash", s.block_hash.to_display_hex()},
                                                   {"manifest_sha256", s.manifest_sha256.to_hex()},
                                                   {"signed_at", *s.signed_at}});
            return {};
        };
    });
}

void add_verify_command(CLI::App& app, Action& action) {
    auto o = std::make_shared<VerifyOptions>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("verify", "check one authority's signature over DIR/manifest.json");
    cmd->add_option("--pub", o->public_key_file, "the authority's public key file")->required();
    cmd->add_option("--release", o->release_dir, "release directory holding manifest.json")->required();
    cmd->add_flag("--json", *json, "one JSON object");
    cmd->callback([o, json, &action] {
        action = [o, json]() -> core::Status {
            auto r = verify_release(*o);
            if (!r) return cli::refused(r, *json);
            if (*json) {
                cli::print_json(signature_json(*r));
                return {};
            }
            fmt::print("good signature: {}\n", r->signature_file.string());
            if (r->dht_item_file)
                fmt::print("good DHT item: {} (seq {})\n", r->dht_item_file->string(), *r->dht_seq);
            fmt::print("trusted comment: {}\n", r->trusted_comment);
            fmt::print("signed at: {}\n",
                       r->signed_at ? fmt::format("{} ({})", core::format_utc(*r->signed_at), *r->signed_at)
                                    : std::string("unknown (no signed_at in the trusted comment)"));
            return {};
        };
    });
}

}  // namespace utxo::signer
