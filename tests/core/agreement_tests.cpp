// The attack table for the agreement rule: one test per way a release can be wrong.
#include <catch2/catch.hpp>

#include "core/agreement.h"
#include "minisign_test_key.h"

using namespace utxo::core;

namespace {
const test::TestKey alice, bob, carol, mallory;  // mallory is in no trustnet

Trustnet trustnet_of(std::initializer_list<std::pair<const char*, const test::TestKey*>> members,
                     const std::string& require = "all", const std::string& network = "regtest") {
    std::string text = fmt::format("utxo-trustnet 1\nnetwork {}\nrequire {}\n", network, require);
    for (auto [name, key] : members) text += fmt::format("authority {} {}\n", name, key->line());
    auto doc = parse_trustnet(text);
    REQUIRE(doc);
    return doc->trustnet;
}

const std::string kManifest = test::manifest("regtest", 200);
const std::string kOther = test::manifest("regtest", 200, 'a', "ff");  // same block, other bytes

Release release_of(std::vector<SignatureFile> sigs, const std::string& manifest = kManifest,
                   std::uint32_t height = 200, Network net = Network::regtest) {
    return Release{net, Height{height}, SignedManifest{"rel/manifest.json", manifest, std::move(sigs)}, {}};
}

SignatureFile sig(const std::string& origin, const test::TestKey& key,
                  const std::string& manifest = kManifest) {
    return {origin, key.sign(manifest)};
}

Trustnet two() { return trustnet_of({{"alice", &alice}, {"bob", &bob}}); }
}  // namespace

TEST_CASE("baseline: every authority signed the same bytes, so the release is accepted") {
    auto v =
        evaluate_agreement(two(), release_of({sig("a.minisig", alice), sig("b.minisig", bob)}), Height{100});
    CHECK(v.accepted());
    CHECK(v.signers == std::vector<std::string>{"alice", "bob"});
    CHECK(v.ignored.empty());
    CHECK(v.message == "release regtest height 200 accepted: signed by alice, bob (2 required)");
}

TEST_CASE("attack: missing signature") {
    auto v = evaluate_agreement(two(), release_of({sig("a.minisig", alice)}), std::nullopt);
    CHECK(v.refusal == Refusal::missing_signatures);
    CHECK(v.message ==
          "release regtest height 200 refused: it needs signatures from all 2 authorities and has 1 "
          "(missing: bob)");
}

TEST_CASE("attack: signature by an unknown key is ignored and reported, never counted") {
    auto v = evaluate_agreement(two(), release_of({sig("a.minisig", alice), sig("m.minisig", mallory)}),
                                std::nullopt);
    CHECK(v.refusal == Refusal::missing_signatures);
    REQUIRE(v.ignored.size() == 1);
    CHECK(v.ignored[0].origin == "m.minisig");
    CHECK(v.ignored[0].reason ==
          fmt::format("m.minisig: key {} is not in the trustnet", mallory.pub.id.to_hex()));

    auto ok = evaluate_agreement(two(), release_of({sig("a", alice), sig("m", mallory), sig("b", bob)}),
                                 std::nullopt);
    CHECK(ok.accepted());
    CHECK(ok.ignored.size() == 1);
}

TEST_CASE("attack: the same key twice is counted once") {
    auto k2 = trustnet_of({{"alice", &alice}, {"bob", &bob}, {"carol", &carol}}, "2");
    auto v = evaluate_agreement(k2, release_of({sig("a1.minisig", alice), sig("a2.minisig", alice)}),
                                std::nullopt);
    CHECK(v.refusal == Refusal::missing_signatures);
    CHECK(v.message.find("needs signatures from 2 of 3 authorities and has 1 (missing: bob, carol)") !=
          std::string::npos);
    REQUIRE(v.ignored.size() == 1);
    CHECK(v.ignored[0].reason == "second signature by alice, counted once");
}

TEST_CASE("attack: signature over a modified manifest") {
    auto modified = kManifest;
    modified.replace(modified.find("\"00\""), 4, "\"01\"");
    auto v = evaluate_agreement(two(), release_of({sig("a.minisig", alice), sig("b.minisig", bob)}, modified),
                                std::nullopt);
    CHECK(v.refusal == Refusal::invalid_signature);
    CHECK(v.message.find(fmt::format("a.minisig: signature does not verify with key {} (alice)",
                                     alice.pub.id.to_hex())) != std::string::npos);
    CHECK(v.signers.empty());
}

TEST_CASE("attack: trusted comment that does not match the manifest") {
    auto claimed = *utxo::core::statement_for_manifest(utxo::core::as_bytes(kManifest));
    claimed.height = Height{199};  // the signed bytes say 200
    auto lying = SignatureFile{"b.minisig", bob.sign(kManifest, utxo::core::format_trusted_comment(claimed))};
    auto v = evaluate_agreement(two(), release_of({sig("a.minisig", alice), lying}), std::nullopt);
    CHECK(v.refusal == Refusal::comment_mismatch);
    CHECK(
        v.message.find(
            "b.minisig: trusted comment does not match the manifest: it says height 199 but the manifest has "
            "height 200 (bob)") != std::string::npos);

    auto stock = SignatureFile{
        "b.minisig", bob.sign(kManifest, std::string("timestamp:1700000000\tfile:manifest.json\thashed"))};
    auto v2 = evaluate_agreement(two(), release_of({sig("a.minisig", alice), stock}), std::nullopt);
    CHECK(v2.refusal == Refusal::comment_mismatch);
    CHECK(v2.message.find("not a utxo-torrent release statement (bob)") != std::string::npos);
}

TEST_CASE("attack: wrong network") {
    auto main_manifest = test::manifest("main", 200);
    auto v = evaluate_agreement(two(),
                                release_of({sig("a", alice, main_manifest), sig("b", bob, main_manifest)},
                                           main_manifest, 200, Network::mainnet),
                                std::nullopt);
    CHECK(v.refusal == Refusal::wrong_network);
    CHECK(v.message ==
          "release main height 200 refused: it is for network main but the trustnet is for regtest");

    // Offered as regtest, but the signed manifest itself says main.
    auto v2 = evaluate_agreement(
        two(), release_of({sig("a", alice, main_manifest), sig("b", bob, main_manifest)}, main_manifest),
        std::nullopt);
    CHECK(v2.refusal == Refusal::bad_manifest);
    CHECK(v2.message ==
          "rel/manifest.json: the manifest is for main height 200, not for the offered release regtest "
          "height 200");
}

TEST_CASE("attack: rollback to a lower or equal height") {
    auto all = release_of({sig("a", alice), sig("b", bob)});
    auto lower = evaluate_agreement(two(), all, Height{300});
    CHECK(lower.refusal == Refusal::rollback);
    CHECK(lower.message == "release regtest height 200 refused: it is not above the installed height 300");
    CHECK(evaluate_agreement(two(), all, Height{200}).refusal == Refusal::rollback);
    CHECK(evaluate_agreement(two(), all, Height{199}).accepted());
}

TEST_CASE("attack: two authorities disagree") {
    auto r = release_of({sig("rel/a.minisig", alice)});
    r.others.push_back({"other/manifest.json", kOther, {sig("other/b.minisig", bob, kOther)}});
    auto v = evaluate_agreement(two(), r, std::nullopt);
    CHECK(v.refusal == Refusal::conflict);
    CHECK(v.message.starts_with("conflict at regtest height 200: manifest sha256 "));
    CHECK(v.message.find("from rel/manifest.json is signed by alice, but bob signed manifest sha256 ") !=
          std::string::npos);
    CHECK(v.message.ends_with(" from other/manifest.json"));
}

TEST_CASE("attack: require K met and not met") {
    auto k2 = trustnet_of({{"alice", &alice}, {"bob", &bob}, {"carol", &carol}}, "2");
    auto met = evaluate_agreement(k2, release_of({sig("a", alice), sig("c", carol)}), std::nullopt);
    CHECK(met.accepted());
    CHECK(met.signers == std::vector<std::string>{"alice", "carol"});
    auto unmet = evaluate_agreement(k2, release_of({sig("c", carol)}), std::nullopt);
    CHECK(unmet.refusal == Refusal::missing_signatures);
    CHECK(unmet.message ==
          "release regtest height 200 refused: it needs signatures from 2 of 3 authorities and has 1 "
          "(missing: alice, bob)");
}

TEST_CASE("attack: a conflicting signature rejects even when require K is met") {
    auto k2 = trustnet_of({{"alice", &alice}, {"bob", &bob}, {"carol", &carol}}, "2");
    auto r = release_of({sig("a", alice), sig("b", bob)});
    r.others.push_back({"mirror/manifest.json", kOther, {sig("mirror/c.minisig", carol, kOther)}});
    auto v = evaluate_agreement(k2, r, std::nullopt);
    CHECK(v.refusal == Refusal::conflict);
    CHECK(v.message.find("is signed by alice, bob, but carol signed") != std::string::npos);
    // An unknown key over the other manifest is no conflict: it is nobody's statement.
    auto r2 = release_of({sig("a", alice), sig("b", bob)});
    r2.others.push_back({"mirror/manifest.json", kOther, {sig("mirror/m.minisig", mallory, kOther)}});
    CHECK(evaluate_agreement(k2, r2, std::nullopt).accepted());
}

TEST_CASE("attack: corrupted signature files") {
    auto good = bob.sign(kManifest);
    auto line2 = good.find('\n') + 1;
    auto flipped_sig = good;  // one base64 digit of the Ed25519 signature changed
    flipped_sig[line2 + 30] = flipped_sig[line2 + 30] == 'A' ? 'B' : 'A';
    auto flipped_global = good;
    auto line4 = good.rfind('\n', good.size() - 2) + 1;
    flipped_global[line4 + 5] = flipped_global[line4 + 5] == 'A' ? 'B' : 'A';
    auto garbage = std::string("untrusted comment: x\nnot base64 at all\n");
    for (auto [what, bytes, expect] :
         {std::tuple{"signature bytes", flipped_sig, "signature does not verify"},
          std::tuple{"global signature", flipped_global, "trusted comment signature does not verify"},
          std::tuple{"garbage", garbage, "signature line is not base64 of 74 bytes"}}) {
        CAPTURE(what);
        auto v = evaluate_agreement(two(), release_of({sig("a", alice), {"b.minisig", bytes}}), std::nullopt);
        CHECK(v.refusal == Refusal::invalid_signature);
        CHECK(v.message.find(expect) != std::string::npos);
    }
}

TEST_CASE("attack: truncated signature files, at every length") {
    auto good = bob.sign(kManifest);
    for (std::size_t len = 0; len + 1 < good.size(); ++len) {
        CAPTURE(len);
        auto v = evaluate_agreement(two(), release_of({sig("a", alice), {"b.minisig", good.substr(0, len)}}),
                                    std::nullopt);
        CHECK_FALSE(v.accepted());
    }
    // Dropping only the final newline loses nothing.
    CHECK(evaluate_agreement(two(), release_of({sig("a", alice), {"b", good.substr(0, good.size() - 1)}}),
                             std::nullopt)
              .accepted());
}

TEST_CASE("attack: legacy (non-prehashed) signatures are refused") {
    auto legacy =
        SignatureFile{"b.minisig", bob.sign(kManifest, std::nullopt, utxo::core::SigAlgorithm::legacy)};
    auto v = evaluate_agreement(two(), release_of({sig("a", alice), legacy}), std::nullopt);
    CHECK(v.refusal == Refusal::invalid_signature);
    CHECK(v.message.find("legacy (non-prehashed) signature refused") != std::string::npos);
}

TEST_CASE("attack: an empty trustnet or an impossible policy accepts nothing") {
    auto none = trustnet_of({});
    CHECK(evaluate_agreement(none, release_of({sig("m", mallory)}), std::nullopt).refusal ==
          Refusal::no_authorities);
    auto k3 = trustnet_of({{"alice", &alice}}, "3");
    auto v = evaluate_agreement(k3, release_of({sig("a", alice)}), std::nullopt);
    CHECK(v.refusal == Refusal::unsatisfiable_policy);
    CHECK(v.message == "the trustnet requires 3 signatures but lists only 1 authorities");
}

TEST_CASE("attack: a manifest that is not a manifest") {
    auto v = evaluate_agreement(two(), release_of({}, "not json"), std::nullopt);
    CHECK(v.refusal == Refusal::bad_manifest);
    CHECK(v.message == "rel/manifest.json: manifest is not a JSON object");
}

TEST_CASE("signatures found with an identical copy elsewhere count for the candidate") {
    auto r = release_of({sig("a", alice)});
    r.others.push_back({"mirror/manifest.json", kManifest, {sig("mirror/b.minisig", bob)}});
    auto v = evaluate_agreement(two(), r, std::nullopt);
    CHECK(v.accepted());
    CHECK(v.signers == std::vector<std::string>{"alice", "bob"});
}

namespace {
// A signature by `key` over kManifest whose statement carries signed_at (or, nullopt, the old form).
SignatureFile sig_at(const std::string& origin, const test::TestKey& key, std::optional<std::int64_t> at) {
    return {origin, key.sign(kManifest, test::statement_comment(kManifest, at))};
}
}  // namespace

TEST_CASE("signed time: the earliest signed_at of the counted signatures") {
    auto v = evaluate_agreement(two(), release_of({sig_at("a", alice, 2000), sig_at("b", bob, 1000)}),
                                std::nullopt);
    CHECK(v.accepted());
    CHECK(v.signed_at == 1000);
    auto w = evaluate_agreement(two(), release_of({sig_at("b", bob, 3000), sig_at("a", alice, 2500)}),
                                std::nullopt);
    CHECK(w.signed_at == 2500);
}

TEST_CASE("signed time: unknown when no counted signature carries one, and an old-form one adds nothing") {
    auto old = evaluate_agreement(two(), release_of({sig("a", alice), sig("b", bob)}), std::nullopt);
    CHECK(old.accepted());
    CHECK_FALSE(old.signed_at);
    // An old-form signature has no time: it neither makes the release fresher nor unknown.
    auto mixed =
        evaluate_agreement(two(), release_of({sig("a", alice), sig_at("b", bob, 1000)}), std::nullopt);
    CHECK(mixed.accepted());
    CHECK(mixed.signed_at == 1000);
}

TEST_CASE("signed time: signatures not counted do not count for it") {
    // An unknown key, a signature over other bytes and a lying comment all claim an earlier time.
    auto other_bytes = SignatureFile{"b-other", bob.sign(kOther, test::statement_comment(kOther, 10))};
    auto lying = SignatureFile{
        "a-lying", alice.sign(kManifest, test::statement_comment(test::manifest("regtest", 199), 30))};
    auto r = release_of(
        {sig_at("a", alice, 5000), sig_at("m", mallory, 20), other_bytes, lying, sig_at("b", bob, 6000)});
    auto v = evaluate_agreement(two(), r, std::nullopt);
    CHECK(v.accepted());
    CHECK(v.signed_at == 5000);
    CHECK(v.ignored.size() == 3);
}

TEST_CASE("signed time: an authority that signed twice counts with its earliest signature") {
    auto v = evaluate_agreement(
        two(), release_of({sig_at("a1", alice, 9000), sig_at("b", bob, 8000), sig_at("a2", alice, 7000)}),
        std::nullopt);
    CHECK(v.accepted());
    CHECK(v.signed_at == 7000);
    CHECK(v.signers == std::vector<std::string>{"alice", "bob"});
}

TEST_CASE("signed time: a refusal for too few signatures carries it, earlier refusals do not") {
    auto waiting = evaluate_agreement(two(), release_of({sig_at("a", alice, 4000)}), std::nullopt);
    CHECK(waiting.refusal == Refusal::missing_signatures);
    CHECK(waiting.signers == std::vector<std::string>{"alice"});
    CHECK(waiting.signed_at == 4000);
    auto rollback = evaluate_agreement(two(), release_of({sig_at("a", alice, 4000), sig_at("b", bob, 4000)}),
                                       Height{200});
    CHECK(rollback.refusal == Refusal::rollback);
    CHECK_FALSE(rollback.signed_at);
    auto r = release_of({sig_at("a", alice, 4000), sig_at("b", bob, 4000)});
    r.others.push_back({"fork/manifest.json", kOther, {{"fork/b.minisig", bob.sign(kOther)}}});
    auto conflict = evaluate_agreement(two(), r, std::nullopt);
    CHECK(conflict.refusal == Refusal::conflict);
    CHECK_FALSE(conflict.signed_at);
}
