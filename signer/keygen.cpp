// utxo-signer keygen: a minisign key pair, the secret half encrypted unless asked otherwise.
#include <fmt/format.h>

#include "core/minisign.h"
#include "signer/commands.h"
#include "signer/files.h"
#include "signer/log.h"
#include "signer/passphrase.h"

namespace utxo::signer {

using core::Errc;
using core::fail;

namespace {
std::unexpected<core::Error> io_failure(const std::filesystem::path& file, const core::Error& error) {
    return fail(error.code, fmt::format("{}: {}", file.string(), error.message));
}
}  // namespace

core::Result<KeygenResult> keygen(const KeygenOptions& o) {
    std::string name = o.name.empty() ? o.secret_key_file.stem().string() : o.name;
    if (!core::valid_authority_name(name))
        return fail(Errc::usage, fmt::format("\"{}\" is not a valid authority name (letters, digits, "
                                             "'.', '-', '_'; at most 64)",
                                             name));
    for (const auto& file : {o.secret_key_file, o.public_key_file})
        if (!o.force && std::filesystem::exists(file))
            return fail(Errc::usage,
                        fmt::format("{}: already exists (use --force to overwrite)", file.string()));
    if (o.secret_key_file == o.public_key_file)
        return fail(Errc::usage, "--out and --pub must be different files");

    std::optional<SecureBuffer> passphrase;
    if (!o.unencrypted) {
        UTXO_TRY_ASSIGN(auto pass,
                        obtain_passphrase(o.passphrase_file, "Passphrase for the new key: ", true));
        passphrase = std::move(pass);
    }
    auto key = SecretKey::generate();
    auto pub = key.public_key();
    auto secret_text = encode_secret_key_file(key, passphrase ? &*passphrase : nullptr, o.cost,
                                              fmt::format("minisign {} secret key, utxo-torrent authority {}",
                                                          passphrase ? "encrypted" : "unencrypted", name));
    if (auto w = write_file_atomically(o.secret_key_file, secret_text.view(), 0600); !w)
        return io_failure(o.secret_key_file, w.error());
    auto pub_text = core::public_key_file(
        pub, fmt::format("minisign public key {}, utxo-torrent authority {}", pub.id.to_hex(), name));
    if (auto w = write_file_atomically(o.public_key_file, core::as_bytes(pub_text), 0644); !w)
        return io_failure(o.public_key_file, w.error());
    log().info("new key {} for authority {}", pub.id.to_hex(), name);
    return KeygenResult{pub, name};
}

}  // namespace utxo::signer
