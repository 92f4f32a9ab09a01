// utxo-signer pointer: the DHT item file for a release signed elsewhere (stock minisign offline).
#include <fmt/format.h>

#include "core/manifest.h"
#include "core/release_age.h"
#include "signer/commands.h"
#include "signer/dht_item_file.h"
#include "signer/log.h"
#include "signer/release_files.h"

namespace utxo::signer {

core::Result<PointerResult> write_release_pointer(const PointerOptions& o) {
    const auto manifest_path = o.release_dir / "manifest.json";
    UTXO_TRY_ASSIGN(auto bytes, read_file(manifest_path, kMaxManifest));
    // Checked before the passphrase is asked for: a manifest without torrents has no pointer.
    auto manifest = core::decode_manifest(bytes);
    if (!manifest)
        return refusal(manifest_path,
                       "not a release manifest, so no DHT pointer: " + manifest.error().message);
    UTXO_TRY_ASSIGN(auto key, load_secret_key(o.secret_key_file, o.passphrase_file, o.allow_open_key));
    UTXO_TRY_ASSIGN(auto sig, check_release_signature(key.public_key(), o.release_dir, bytes));
    // The seq is at least the signature's own signing time, as sign makes it; a signature made before
    // signed_at existed has none, and then it is now.
    UTXO_TRY_ASSIGN(auto dht,
                    make_dht_item_file(key, {o.release_dir, o.secret_key_file, bytes, *manifest, sig.text,
                                             o.dht_seeders, sig.signed_at.value_or(core::unix_now())}));
    UTXO_TRY(write_dht_item_file(dht));
    log().info("wrote the DHT pointer of {} at height {} with key {}, seq {}", sig.file.string(),
               manifest->height.value, key.id().to_hex(), dht.seq);
    return PointerResult{sig.file, sig.signature.trusted_comment, dht.path, dht.seq};
}

}  // namespace utxo::signer
