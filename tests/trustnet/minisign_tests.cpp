// core/minisign: the public, verify-only half, against files the stock minisign tool made.
#include <catch2/catch.hpp>

#include "core/minisign.h"
#include "trustnet/test_support.h"

using namespace utxo::core;

namespace {
const std::string kStock = std::string(UTXO_TEST_DATA) + "/trustnet/stock/";
const std::string kStockId = "37B539F2FD96FFF5";
}  // namespace

TEST_CASE("a public key file from stock minisign parses, and its key id prints as minisign prints it") {
    auto text = test::read(kStock + "stock.pub");
    auto key = parse_public_key_file(text);
    REQUIRE(key);
    CHECK(key->id.to_hex() == kStockId);
    CHECK(text.find(key->id.to_hex()) != std::string::npos);  // minisign's own comment names it
    CHECK(KeyId::from_hex(kStockId) == key->id);
    CHECK(public_key_line(*key) + "\n" == text.substr(text.find('\n') + 1));
    CHECK(*parse_public_key_line(public_key_line(*key)) == *key);
}

TEST_CASE("stock minisign's prehashed signature verifies, and the statement in it matches the manifest") {
    auto key = parse_public_key_file(test::read(kStock + "stock.pub"));
    auto manifest = test::read(kStock + "manifest.json");
    auto text = test::read(kStock + "manifest.json." + kStockId + ".minisig");
    auto sig = parse_signature_file(text);
    REQUIRE(sig);
    CHECK(sig->algorithm == SigAlgorithm::prehashed);
    CHECK(signature_file(*sig) == text);  // our encoder writes exactly minisign's layout
    CHECK(verify_signature(*key, *sig, as_bytes(manifest)));
    auto claimed = parse_trusted_comment(sig->trusted_comment);
    REQUIRE(claimed);
    CHECK(claimed->height == Height{840000});
    CHECK(statement_difference(*claimed, *statement_for_manifest(as_bytes(manifest))).empty());
}

TEST_CASE("verification fails on any flipped bit of the data, signature or trusted comment") {
    auto key = *parse_public_key_file(test::read(kStock + "stock.pub"));
    auto manifest = test::read(kStock + "manifest.json");
    auto sig = *parse_signature_file(test::read(kStock + "manifest.json." + kStockId + ".minisig"));
    for (std::size_t bit = 0; bit < manifest.size() * 8; bit += 37) {
        auto changed = manifest;
        changed[bit / 8] = static_cast<char>(changed[bit / 8] ^ (1 << (bit % 8)));
        CHECK(verify_signature(key, sig, as_bytes(changed)).error().message ==
              "signature does not verify with key " + kStockId);
    }
    auto bad = sig;
    bad.signature[10] ^= 1;
    CHECK_FALSE(verify_signature(key, bad, as_bytes(manifest)));
    bad = sig;
    bad.trusted_comment.back() = bad.trusted_comment.back() == '0' ? '1' : '0';
    CHECK(verify_signature(key, bad, as_bytes(manifest)).error().message ==
          "trusted comment signature does not verify with key " + kStockId);
    bad = sig;
    bad.id = KeyId();
    CHECK(verify_signature(key, bad, as_bytes(manifest)).error().code == Errc::mismatch);
}

TEST_CASE("minisign's default trusted comment is not a release statement") {
    auto sig = parse_signature_file(test::read(kStock + "default-comment.minisig"));
    REQUIRE(sig);
    CHECK(sig->trusted_comment.starts_with("timestamp:"));
    CHECK_FALSE(parse_trusted_comment(sig->trusted_comment));
}

TEST_CASE("trusted comments parse only in canonical form") {
    ReleaseStatement s{Network::testnet4, Height{42}, *BlockHash::from_display_hex(std::string(64, 'c')),
                       *Sha256Digest::from_hex(std::string(64, 'd')), std::nullopt};
    auto text = format_trusted_comment(s);
    CHECK(text == "utxo-torrent network=testnet4 height=42 block_hash=" + std::string(64, 'c') +
                      " manifest_sha256=" + std::string(64, 'd'));
    CHECK(*parse_trusted_comment(text) == s);
    for (std::string bad : {text + " ", "x" + text, text.substr(0, text.size() - 1),
                            std::string("utxo-torrent network=testnet height=42 block_hash=") +
                                std::string(64, 'c') + " manifest_sha256=" + std::string(64, 'd'),
                            std::string("utxo-torrent network=testnet4 height=042 block_hash=") +
                                std::string(64, 'c') + " manifest_sha256=" + std::string(64, 'd')}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_trusted_comment(bad));
    }
}

TEST_CASE("a trusted comment's height must fit a block height (u32)") {
    auto comment = [](std::string_view height) {
        return fmt::format("utxo-torrent network=regtest height={} block_hash={} manifest_sha256={}", height,
                           std::string(64, 'c'), std::string(64, 'd'));
    };
    auto top = parse_trusted_comment(comment("4294967295"));
    REQUIRE(top);
    CHECK(top->height == Height{UINT32_MAX});
    auto above = parse_trusted_comment(comment("4294967296"));
    REQUIRE_FALSE(above);
    CHECK(above.error().code == Errc::invalid);
    CHECK(above.error().message == "trusted comment is not a utxo-torrent release statement");
}

TEST_CASE("damaged signature and key files are refused with a precise reason") {
    auto text = test::read(kStock + "manifest.json." + kStockId + ".minisig");
    CHECK(parse_signature_file("").error().message == "empty signature file");
    CHECK(parse_signature_file(text.substr(0, text.find('\n') + 1)).error().message ==
          "truncated: no signature line");
    auto two_lines = text.substr(0, text.find('\n', text.find('\n') + 1) + 1);
    CHECK(parse_signature_file(two_lines).error().message == "truncated: no trusted comment line");
    auto three = text.substr(0, text.rfind('\n', text.size() - 2) + 1);
    CHECK(parse_signature_file(three).error().message == "truncated: no global signature line");
    CHECK(parse_signature_file(text.substr(0, text.size() - 10)).error().message ==
          "global signature line is not base64 of 64 bytes");
    CHECK(parse_signature_file(text + "extra\n").error().message ==
          "unexpected lines after the global signature");
    // Found by fuzz/minisign_signature: a trusted comment ending in extra carriage returns parsed,
    // but re-encoded to a different comment. A signed comment is one line of text (tabs allowed).
    const auto trusted = text.find("trusted comment: ", text.find('\n'));
    const auto eol = text.find('\n', trusted);
    for (const std::string& bad : {std::string("\r\r"), std::string("\x1b[2J"), std::string("\x7f")}) {
        auto damaged = text;
        damaged.insert(eol, bad);
        CHECK(parse_signature_file(damaged).error().message ==
              "trusted comment contains a control character");
    }
    auto crlf = text;
    crlf.insert(eol, "\r");  // one carriage return before the newline is a CRLF file, still fine
    CHECK(parse_signature_file(crlf));
    auto pub = test::read(kStock + "stock.pub");
    CHECK_FALSE(parse_public_key_file(pub.substr(0, pub.size() - 5)));
    CHECK_FALSE(parse_public_key_file(""));
    auto wrong_alg = *base64_decode(pub.substr(pub.find('\n') + 1, 56));
    wrong_alg[1] = 'D';
    CHECK(parse_public_key_line(base64_encode(wrong_alg)).error().message ==
          "unsupported public key algorithm (expected Ed25519, \"Ed\")");
}

TEST_CASE("signed_at: an optional trailing field of the trusted comment, in canonical form only") {
    ReleaseStatement s{Network::regtest, Height{7}, *BlockHash::from_display_hex(std::string(64, 'c')),
                       *Sha256Digest::from_hex(std::string(64, 'd')), 1714564800};
    const auto base = "utxo-torrent network=regtest height=7 block_hash=" + std::string(64, 'c') +
                      " manifest_sha256=" + std::string(64, 'd');
    CHECK(format_trusted_comment(s) == base + " signed_at=1714564800");
    auto back = parse_trusted_comment(base + " signed_at=1714564800");
    REQUIRE(back);
    CHECK(back->signed_at == 1714564800);
    CHECK(back->height == Height{7});
    auto old_form = parse_trusted_comment(base);
    REQUIRE(old_form);
    CHECK_FALSE(old_form->signed_at);
    CHECK(parse_trusted_comment(base + " signed_at=0")->signed_at == 0);
    CHECK(parse_trusted_comment(base + " signed_at=253402300799")->signed_at == kMaxSignedAt);
    for (std::string bad :
         {" signed_at=", " signed_at=01", " signed_at=+1", " signed_at=-1", " signed_at=253402300800",
          " signed_at=9999999999999", " signed_at=1x", " signed_at=1 ", "  signed_at=1", " signed_at =1",
          " signedat=1", " foo=1", " signed_at=1 signed_at=2", " signed_at=1\t", "\tsigned_at=1"}) {
        CAPTURE(bad);
        auto r = parse_trusted_comment(base + bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().message == "trusted comment is not a utxo-torrent release statement");
    }
    CHECK(valid_signed_at(0));
    CHECK(valid_signed_at(kMaxSignedAt));
    CHECK_FALSE(valid_signed_at(-1));
    CHECK_FALSE(valid_signed_at(kMaxSignedAt + 1));
}

TEST_CASE("signed_at: a statement equals its manifest's whenever it was signed") {
    auto manifest = test::manifest("regtest", 200);
    auto actual = *statement_for_manifest(as_bytes(manifest));
    CHECK_FALSE(actual.signed_at);  // the manifest carries no time
    auto claimed = *parse_trusted_comment(test::statement_comment(manifest, 1714564800));
    CHECK(claimed.signed_at == 1714564800);
    CHECK(claimed == actual);
    CHECK(statement_difference(claimed, actual).empty());
    auto later = claimed;
    later.signed_at = 1714564801;
    CHECK(later == claimed);
    later.height = Height{201};
    CHECK_FALSE(later == claimed);
    CHECK(statement_difference(later, actual) == "it says height 201 but the manifest has height 200");
}
