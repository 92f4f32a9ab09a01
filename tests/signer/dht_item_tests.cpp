// utxo-signer sign's DHT item (manifest.json.<KEYID>.dht): what it holds, its seq rule, the
// refusal of a pointer that does not fit BEP 44, and verify's check of it; utxo-signer pointer's
// item for a release signed offline with stock minisign.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>

#include "cli/cli_test_support.h"
#include "core/dht_pointer.h"
#include "core/manifest.h"
#include "core/manifest_torrent.h"
#include "signer/dht_item.h"
#include "signer/secret_key.h"
#include "trustnet/test_support.h"

using namespace utxo;
using test::quote;

namespace {
namespace fs = std::filesystem;

std::string signer_cmd(const std::string& args) { return test::bin("utxo-signer") + " " + args; }
const std::string kMinisign = "/usr/bin/minisign";

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

template <class D>
D filled(std::uint8_t byte) {
    typename D::Array a;
    a.fill(byte);
    return D(a);
}

// A whole regtest release manifest (decode_manifest accepts it) at `height`, with patches above 0.
std::string release_manifest(std::uint32_t height) {
    core::Manifest m;
    m.network = core::Network::regtest;
    m.height = core::Height{height};
    m.block = filled<core::BlockHash>(static_cast<std::uint8_t>(height));
    m.shard_count = 1;
    m.piece_size = 262144;
    m.shards = {core::ShardEntry{1, 100, filled<core::Sha256Digest>(1), filled<core::MuHashDigest>(2)}};
    m.coins = 1;
    m.total_amount = core::Amount{5000};
    m.hash_serialized_3 = filled<core::AssumeutxoHash>(3);
    m.muhash = filled<core::MuHashDigest>(2);
    m.shards_infohash = filled<core::InfoHash>(4);
    if (height > 0) {
        m.patches = core::PatchSet{filled<core::BlockHash>(9),
                                   core::Height{height - 1},
                                   {core::FileEntry{50, filled<core::Sha256Digest>(6)}}};
        m.patches_infohash = filled<core::InfoHash>(7);
    }
    return core::encode_manifest(m);
}

// An authority with an unencrypted key, its own indexer's releases (own/regtest/H-x) and the
// published copies it signs (rel/regtest/H-x).
struct Authority {
    test::TempDir dir;
    std::string key = (dir / "alice.key").string(), pub = (dir / "alice.pub").string();

    Authority() {
        REQUIRE(test::run(signer_cmd("keygen --unencrypted --out " + quote(key) + " --pub " + quote(pub)))
                    .exit_code == 0);
    }
    fs::path release(std::uint32_t height) const {
        const auto name = std::to_string(height) + "-x";
        for (const char* side : {"rel", "own"}) {
            fs::create_directories(dir.path / side / "regtest" / name);
            test::write(dir.path / side / "regtest" / name / "manifest.json", release_manifest(height));
        }
        return dir.path / "rel" / "regtest" / name;
    }
    std::string sign_args(const fs::path& rel, const std::string& extra = "") const {
        return "sign --key " + quote(key) + " --release " + quote(rel.string()) + " --own " +
               quote((dir.path / "own" / "regtest" / rel.filename()).string()) + extra;
    }
    core::MinisignPublicKey public_key() const { return *core::parse_public_key_file(test::read(pub)); }
    fs::path dht(const fs::path& rel) const {
        return rel / core::dht_item_file_name(public_key().id.to_hex());
    }
    fs::path minisig(const fs::path& rel) const {
        return rel / ("manifest.json." + public_key().id.to_hex() + ".minisig");
    }
    // Signs rel/manifest.json offline as docs/signer.md shows, with stock minisign (-W: the key is
    // unencrypted) and the trusted comment `comment`, or `utxo-signer statement`'s.
    int minisign_sign(const fs::path& rel, const std::string& comment = "") const {
        const auto t = comment.empty()
                           ? "\"$(" + signer_cmd("statement --release " + quote(rel.string())) + ")\""
                           : quote(comment);
        return test::run(kMinisign + " -S -W -s " + quote(key) + " -m " +
                         quote((rel / "manifest.json").string()) + " -t " + t + " -x " +
                         quote(minisig(rel).string()))
            .exit_code;
    }
    std::string pointer_args(const fs::path& rel, const std::string& extra = "") const {
        return "pointer --key " + quote(key) + " --release " + quote(rel.string()) + extra;
    }
    core::DhtItem item(const fs::path& rel) const {
        return core::decode_item_file(test::read(dht(rel))).value();
    }
    signer::SecretKey secret() const {
        return signer::decode_secret_key_file(core::as_bytes(test::read(key)),
                                              [] {
                                                  return core::Result<signer::SecureBuffer>(
                                                      core::fail(core::Errc::usage, "unencrypted"));
                                              })
            .value();
    }
};

// `item` is `a`'s pointer to the release at height 200 in `rel`, signed at or after `before`, carrying
// `minisig` byte for byte and the seeder URLs `seeders`.
void check_points_at(const Authority& a, const fs::path& rel, const core::DhtItem& item, std::int64_t before,
                     const std::string& minisig, const std::vector<std::string>& seeders) {
    CHECK(item.public_key == a.public_key().key);
    CHECK(item.salt == "utxo-torrent/1/regtest");
    CHECK(item.seq >= before);
    CHECK(item.seq <= now());
    CHECK(core::verify_dht_item(item));
    const auto manifest = test::read(rel / "manifest.json");
    auto m = core::decode_manifest(manifest).value();
    auto p = core::decode_pointer_value(item.value);
    REQUIRE(p);
    CHECK(p->signature == minisig);
    CHECK(p->network == core::Network::regtest);
    CHECK(p->height == core::Height{200});
    CHECK(p->block_hash == m.block);
    CHECK(p->manifest_sha256 == core::statement_for_manifest(core::as_bytes(manifest))->manifest_sha256);
    CHECK(p->shards == m.shards_infohash);
    CHECK(p->patches == m.patches_infohash);
    CHECK(p->manifest_torrent == core::manifest_torrent_infohash(manifest));
    CHECK(p->seeders == seeders);
}

}  // namespace

TEST_CASE("dht: sign writes manifest.json.<KEYID>.dht, which verifies and points at this release", "[dht]") {
    Authority a;
    auto rel = a.release(200);
    const auto before = now();
    auto r = test::run(signer_cmd(a.sign_args(rel,
                                              " --dht-seeder https://seed.example/utxo/ --dht-seeder "
                                              "http://192.0.2.1:8080/")));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto item = a.item(rel);
    CHECK(r.output.find("wrote " + a.dht(rel).string() + " (DHT item, seq " + std::to_string(item.seq) +
                        ")") != std::string::npos);
    check_points_at(a, rel, item, before, test::read(a.minisig(rel)),
                    {"https://seed.example/utxo/", "http://192.0.2.1:8080/"});

    auto v = test::run(signer_cmd("verify --pub " + quote(a.pub) + " --release " + quote(rel.string())));
    CHECK(v.exit_code == 0);
    CHECK(v.output.find("good DHT item: " + a.dht(rel).string()) != std::string::npos);

    // --json names it too, for sign and verify alike.
    auto j = clitest::run(signer_cmd(a.sign_args(rel, " --json")));
    REQUIRE(j.exit_code == 0);
    auto o = clitest::json_object(j.out);
    CHECK(o["dht_item_file"] == a.dht(rel).string());
    CHECK(o["dht_seq"] == a.item(rel).seq);
    auto vj =
        clitest::run(signer_cmd("verify --json --pub " + quote(a.pub) + " --release " + quote(rel.string())));
    CHECK(clitest::json_object(vj.out) == o);
}

TEST_CASE("dht: seq grows on re-sign and across sibling releases, past any newer item of the key", "[dht]") {
    Authority a;
    auto r200 = a.release(200), r201 = a.release(201), r202 = a.release(202);
    REQUIRE(test::run(signer_cmd(a.sign_args(r200))).exit_code == 0);
    const auto first = a.item(r200).seq;
    REQUIRE(test::run(signer_cmd(a.sign_args(r200))).exit_code == 0);  // re-signed in the same second
    const auto again = a.item(r200).seq;
    CHECK(again > first);
    REQUIRE(test::run(signer_cmd(a.sign_args(r201))).exit_code == 0);
    const auto next = a.item(r201).seq;
    CHECK(next > again);

    // An item of this key dated far ahead (a clock that went back since) in a sibling release.
    const auto key = a.secret();
    const auto ahead = now() + 1'000'000;
    auto future = signer::sign_dht_item(key, core::dht_salt(core::Network::regtest), ahead, "i1e");
    test::write(a.dht(r202), core::encode_item_file(future).value());
    // Skipped: a damaged file, an item of another key under this key's name, one for another salt.
    fs::create_directories(a.dir.path / "rel" / "regtest" / "203-x");
    test::write(a.dht(a.dir.path / "rel" / "regtest" / "203-x"), "d1:k");
    auto forged = future;
    forged.seq = ahead + 100;
    forged.public_key[0] ^= 1;
    fs::create_directories(a.dir.path / "rel" / "regtest" / "204-x");
    test::write(a.dht(a.dir.path / "rel" / "regtest" / "204-x"), core::encode_item_file(forged).value());
    auto other_net = signer::sign_dht_item(key, core::dht_salt(core::Network::signet), ahead + 200, "i1e");
    fs::create_directories(a.dir.path / "rel" / "regtest" / "205-x");
    test::write(a.dht(a.dir.path / "rel" / "regtest" / "205-x"), core::encode_item_file(other_net).value());
    // A .dht in another network's directory is not a sibling.
    auto signet_dir = a.dir.path / "rel" / "signet" / "9-x";
    fs::create_directories(signet_dir);
    test::write(a.dht(signet_dir), core::encode_item_file(other_net).value());

    auto r = test::run(signer_cmd(a.sign_args(r201)));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(a.item(r201).seq == ahead + 1);
    CHECK(r.output.find("203-x") != std::string::npos);  // the damaged one is named in a warning
    // The seq rule is the library's: the release directory given with a trailing slash, too.
    CHECK(signer::next_dht_seq(r201.string() + "/", key, core::dht_salt(core::Network::regtest), 5).value() ==
          ahead + 2);
}

TEST_CASE("dht: a pointer that does not fit BEP 44's 1000 bytes fails sign, which writes nothing", "[dht]") {
    Authority a;
    auto rel = a.release(200);
    std::string seeders;
    for (int i = 0; i < 8; ++i)
        seeders +=
            " --dht-seeder https://seeder-" + std::to_string(i) + ".a-rather-long-domain.example.org/utxo/";
    auto r = test::run(signer_cmd(a.sign_args(rel, seeders)));
    CHECK(r.exit_code == 2);
    CHECK(r.output.starts_with(a.dht(rel).string() + ": the DHT pointer is "));
    CHECK(
        r.output.ends_with("bytes, more than BEP 44's 1000 (the signature file and 8 --dht-seeder URLs); "
                           "nothing written\n"));
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(a.minisig(rel)));
    CHECK_FALSE(fs::exists(a.dht(rel)));

    auto nine = test::run(signer_cmd(a.sign_args(rel, seeders + " --dht-seeder http://a/")));
    CHECK(nine.exit_code == 2);
    CHECK(nine.output == "--dht-seeder given 9 times; a DHT pointer carries at most 8\n");
    auto ftp = test::run(signer_cmd(a.sign_args(rel, " --dht-seeder ftp://seed.example/")));
    CHECK(ftp.exit_code == 2);
    CHECK(ftp.output.starts_with("--dht-seeder: seeder URL \"ftp://seed.example/\" is not"));
    CHECK_FALSE(fs::exists(a.minisig(rel)));
    CHECK_FALSE(fs::exists(a.dht(rel)));
}

TEST_CASE("dht: verify refuses a .dht that is not this signature's pointer", "[dht]") {
    Authority a;
    auto r200 = a.release(200), r201 = a.release(201);
    REQUIRE(test::run(signer_cmd(a.sign_args(r200))).exit_code == 0);
    REQUIRE(test::run(signer_cmd(a.sign_args(r201))).exit_code == 0);
    const auto verify = signer_cmd("verify --pub " + quote(a.pub) + " --release " + quote(r200.string()));
    REQUIRE(test::run(verify).exit_code == 0);
    const auto good = test::read(a.dht(r200));

    fs::copy_file(a.dht(r201), a.dht(r200), fs::copy_options::overwrite_existing);
    auto moved = test::run(verify);
    CHECK(moved.exit_code == 1);
    CHECK(moved.output ==
          a.dht(r200).string() + ": the DHT pointer carries another signature file than the one beside it\n");

    auto flipped = good;
    flipped[flipped.size() - 10] ^= 1;  // inside the pointer's manifest torrent infohash
    test::write(a.dht(r200), flipped);
    auto bad = test::run(verify);
    CHECK(bad.exit_code == 1);
    CHECK(bad.output == a.dht(r200).string() + ": the DHT item's signature does not verify with key " +
                            a.public_key().id.to_hex() + "\n");
    test::write(a.dht(r200), "garbage");
    CHECK(test::run(verify).exit_code == 1);
    test::write(a.dht(r200), good);
    CHECK(test::run(verify).exit_code == 0);
}

TEST_CASE("dht: a manifest that is not a whole release is signed without a DHT item", "[dht]") {
    Authority a;
    auto rel = a.dir.path / "rel" / "regtest" / "200-x";
    fs::create_directories(rel);
    fs::create_directories(a.dir.path / "own" / "regtest" / "200-x");
    test::write(rel / "manifest.json", test::manifest("regtest", 200));
    test::write(a.dir.path / "own" / "regtest" / "200-x" / "manifest.json", test::manifest("regtest", 200));
    auto r = clitest::run(signer_cmd(a.sign_args(rel, " --json")));
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(a.minisig(rel)));
    CHECK_FALSE(fs::exists(a.dht(rel)));
    auto o = clitest::json_object(r.out);
    CHECK(o["dht_item_file"].is_null());
    CHECK(o["dht_seq"].is_null());
    CHECK(r.err.find("no DHT item written") != std::string::npos);
}

TEST_CASE("dht: pointer writes the .dht for a release signed offline with stock minisign", "[dht]") {
    Authority a;
    auto rel = a.release(200);
    const auto before = now();  // the statement minisign signs is dated now: the item's seq, too
    REQUIRE(a.minisign_sign(rel) == 0);
    const auto minisig = test::read(a.minisig(rel));
    REQUIRE_FALSE(fs::exists(a.dht(rel)));

    auto r = clitest::run(signer_cmd(a.pointer_args(rel, " --dht-seeder https://seed.example/utxo/")));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto item = a.item(rel);
    CHECK(r.out == "wrote " + a.dht(rel).string() + " (DHT item, seq " + std::to_string(item.seq) + ")\n");
    CHECK(r.err.empty());
    CHECK(test::read(a.minisig(rel)) == minisig);                                    // never rewritten
    check_points_at(a, rel, item, before, minisig, {"https://seed.example/utxo/"});  // the stock file

    auto v = test::run(signer_cmd("verify --pub " + quote(a.pub) + " --release " + quote(rel.string())));
    CHECK(v.exit_code == 0);
    CHECK(v.output.find("good DHT item: " + a.dht(rel).string() + " (seq " + std::to_string(item.seq) +
                        ")") != std::string::npos);

    // Again, --json: sign's object, with the next seq; verify --json gives the same.
    auto j = clitest::run(signer_cmd(a.pointer_args(rel, " --json")));
    INFO(j.err);
    REQUIRE(j.exit_code == 0);
    auto o = clitest::json_object(j.out);
    CHECK(clitest::keys(o) == std::vector<std::string>{"ok", "signature_file", "key_id", "trusted_comment",
                                                       "network", "height", "block_hash", "manifest_sha256",
                                                       "signed_at", "dht_item_file", "dht_seq"});
    CHECK(o["signature_file"] == a.minisig(rel).string());
    CHECK(o["key_id"] == a.public_key().id.to_hex());
    const auto signed_at = o["signed_at"].get<std::int64_t>();
    CHECK(signed_at >= before);
    CHECK(o["trusted_comment"] == test::statement_comment(test::read(rel / "manifest.json"), signed_at));
    CHECK(core::parse_signature_file(minisig)->trusted_comment == o["trusted_comment"]);
    CHECK(o["dht_item_file"] == a.dht(rel).string());
    CHECK(o["dht_seq"] == item.seq + 1);
    CHECK(o["dht_seq"] == a.item(rel).seq);
    CHECK(a.item(rel).value != item.value);  // no seeders this time
    auto vj =
        clitest::run(signer_cmd("verify --json --pub " + quote(a.pub) + " --release " + quote(rel.string())));
    CHECK(clitest::json_object(vj.out) == o);

    // A signature `sign` made is accepted as well, and the seq keeps growing.
    REQUIRE(test::run(signer_cmd(a.sign_args(rel))).exit_code == 0);
    const auto signed_seq = a.item(rel).seq;
    REQUIRE(test::run(signer_cmd(a.pointer_args(rel))).exit_code == 0);
    CHECK(a.item(rel).seq == signed_seq + 1);
    CHECK(core::decode_pointer_value(a.item(rel).value)->signature == test::read(a.minisig(rel)));
}

TEST_CASE("dht: pointer refuses a missing, tampered or lying .minisig and a manifest that is not a release",
          "[dht]") {
    Authority a;
    auto rel = a.release(200);
    const auto pointer = signer_cmd(a.pointer_args(rel));
    const auto id = a.public_key().id.to_hex();

    auto none = clitest::run(pointer);
    CHECK(none.exit_code == 1);
    CHECK(none.err == a.minisig(rel).string() + ": no signature by key " + id + " (file does not exist)\n");
    CHECK(none.out.empty());
    auto none_json = clitest::run(signer_cmd(a.pointer_args(rel, " --json")));
    CHECK(none_json.exit_code == 1);
    CHECK(clitest::json_object(none_json.out)["ok"] == false);
    CHECK(clitest::json_object(none_json.out)["error"] ==
          a.minisig(rel).string() + ": no signature by key " + id + " (file does not exist)");
    CHECK_FALSE(fs::exists(a.dht(rel)));

    REQUIRE(a.minisign_sign(rel) == 0);
    const auto good = test::read(a.minisig(rel));
    auto tampered = good;
    const auto line2 = tampered.find('\n') + 1;
    tampered[line2 + 20] = tampered[line2 + 20] == 'A' ? 'B' : 'A';  // inside the signature
    test::write(a.minisig(rel), tampered);
    auto bad = clitest::run(pointer);
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.starts_with(a.minisig(rel).string() + ": "));
    CHECK(bad.err.find("does not verify") != std::string::npos);
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(a.dht(rel)));
    CHECK(test::read(a.minisig(rel)) == tampered);

    // A good signature whose trusted comment states another release.
    auto other = core::statement_for_manifest(core::as_bytes(release_manifest(201))).value();
    REQUIRE(a.minisign_sign(rel, core::format_trusted_comment(other)) == 0);
    auto lying = clitest::run(pointer);
    CHECK(lying.exit_code == 1);
    CHECK(
        lying.err.starts_with(a.minisig(rel).string() + ": trusted comment does not match manifest.json: "));
    CHECK_FALSE(fs::exists(a.dht(rel)));

    // Too many seeders: usage, nothing written, as for sign.
    test::write(a.minisig(rel), good);
    std::string nine;
    for (int i = 0; i < 9; ++i) nine += " --dht-seeder http://s" + std::to_string(i) + "/";
    auto many = clitest::run(signer_cmd(a.pointer_args(rel, nine)));
    CHECK(many.exit_code == 2);
    CHECK(many.err == "--dht-seeder given 9 times; a DHT pointer carries at most 8\n");
    CHECK_FALSE(fs::exists(a.dht(rel)));
    CHECK(clitest::run(pointer).exit_code == 0);

    // A manifest with a statement but no torrents (decode_manifest refuses it): signed, no pointer.
    auto partial = a.dir.path / "rel" / "regtest" / "300-x";
    fs::create_directories(partial);
    test::write(partial / "manifest.json", test::manifest("regtest", 300));
    REQUIRE(a.minisign_sign(partial) == 0);
    auto not_release = clitest::run(signer_cmd(a.pointer_args(partial)));
    CHECK(not_release.exit_code == 1);
    CHECK(not_release.err.starts_with((partial / "manifest.json").string() +
                                      ": not a release manifest, so no DHT pointer: "));
    CHECK(std::count(not_release.err.begin(), not_release.err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(a.dht(partial)));
}

TEST_CASE(
    "dht: the seq is the signing time, or above every earlier item: --signed-at in the past still grows it",
    "[dht]") {
    Authority a;
    auto r200 = a.release(200), r201 = a.release(201), r202 = a.release(202);
    // No earlier item: the seq is exactly the stated signing time, so a signing is reproducible.
    auto first = test::run(signer_cmd(a.sign_args(r200, " --signed-at 1714564800")));
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    CHECK(a.item(r200).seq == 1714564800);
    CHECK(first.output.find("(DHT item, seq 1714564800)") != std::string::npos);
    // A later release signed "earlier" still supersedes it in the DHT.
    REQUIRE(test::run(signer_cmd(a.sign_args(r201, " --signed-at 1000"))).exit_code == 0);
    CHECK(a.item(r201).seq == 1714564801);
    // A later signing time wins over previous + 1.
    REQUIRE(test::run(signer_cmd(a.sign_args(r202, " --signed-at 1800000000"))).exit_code == 0);
    CHECK(a.item(r202).seq == 1800000000);
    // Re-signing without --signed-at: now, unless an earlier item is ahead of it.
    REQUIRE(test::run(signer_cmd(a.sign_args(r200))).exit_code == 0);
    CHECK(a.item(r200).seq == std::max<std::int64_t>(now(), 1800000001));
    // The trusted comment states the time given; the pointer carries that very signature.
    auto p = core::decode_pointer_value(a.item(r201).value).value();
    CHECK(core::parse_trusted_comment(core::parse_signature_file(p.signature)->trusted_comment)->signed_at ==
          1000);
}

TEST_CASE("dht: pointer keeps the .minisig's signing time as the seq floor and takes no --signed-at",
          "[dht]") {
    Authority a;
    auto rel = a.release(200);
    // Signed offline with a statement dated in the past: the pointer's seq is that time.
    const auto t =
        "\"$(" + signer_cmd("statement --signed-at 1714564800 --release " + quote(rel.string())) + ")\"";
    REQUIRE(test::run(kMinisign + " -S -W -s " + quote(a.key) + " -m " +
                      quote((rel / "manifest.json").string()) + " -t " + t + " -x " +
                      quote(a.minisig(rel).string()))
                .exit_code == 0);
    const auto minisig = test::read(a.minisig(rel));
    CHECK(minisig.find(" signed_at=1714564800\n") != std::string::npos);
    auto r = test::run(signer_cmd(a.pointer_args(rel)));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(a.item(rel).seq == 1714564800);
    CHECK(test::read(a.minisig(rel)) == minisig);
    CHECK(core::decode_pointer_value(a.item(rel).value)->signature == minisig);
    // Renewed: previous + 1.
    REQUIRE(test::run(signer_cmd(a.pointer_args(rel))).exit_code == 0);
    CHECK(a.item(rel).seq == 1714564801);
    // --signed-at is not pointer's: it carries a signature already made.
    auto refused = test::run(signer_cmd(a.pointer_args(rel, " --signed-at 5")));
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("--signed-at") != std::string::npos);
    CHECK(a.item(rel).seq == 1714564801);

    // A signature of the old form (no signed_at): the seq is now, as before signed_at existed.
    auto old = a.release(201);
    REQUIRE(a.minisign_sign(old, test::statement_comment(test::read(old / "manifest.json"))) == 0);
    const auto before = now();
    REQUIRE(test::run(signer_cmd(a.pointer_args(old))).exit_code == 0);
    CHECK(a.item(old).seq >= std::max<std::int64_t>(before, 1714564802));
    CHECK(a.item(old).seq <= std::max<std::int64_t>(now(), 1714564802));
}

TEST_CASE("dht: a mainnet-sized pointer with signed_at keeps docs/formats.md's budget", "[dht]") {
    // The signature file sign writes, with a ten-digit signed_at, is 503 bytes (formats.md).
    Authority a;
    auto rel = a.release(200);
    REQUIRE(test::run(signer_cmd(a.sign_args(rel, " --signed-at 1714564800"))).exit_code == 0);
    // "network=regtest" is 3 bytes longer than formats.md's "network=main", "height=200" 3 shorter
    // than "height=912345": the same size.
    CHECK(test::read(a.minisig(rel)).size() == 503);
}
