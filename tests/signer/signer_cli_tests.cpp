// utxo-signer end to end, and interoperability with the stock minisign tool both ways.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "cli/cli_test_support.h"
#include "core/release_age.h"
#include "trustnet/test_support.h"

using test::quote;
using test::run;

namespace {
std::string signer(const std::string& args) { return test::bin("utxo-signer") + " " + args; }
const std::string kMinisign = "/usr/bin/minisign";
constexpr std::int64_t kSignedAt = 1714564800;  // 2024-05-01T12:00:00Z, for --signed-at

// An authority's working directory: a passphrase file, a low-cost encrypted key, and a release
// plus its own indexer's copy of the manifest.
struct Authority {
    test::TempDir dir;
    std::string key = (dir / "alice.key").string(), pub = (dir / "alice.pub").string();
    std::string pw = (dir / "pw").string();
    std::string manifest = test::manifest("regtest", 200);

    Authority() {
        test::write(pw, "correct horse\n");
        auto r = run(signer("keygen --out " + quote(key) + " --pub " + quote(pub) + " --passphrase-file " +
                            quote(pw) + " --scrypt-cost interactive"));
        REQUIRE(r.exit_code == 0);
        std::filesystem::create_directories(dir / "rel");
        std::filesystem::create_directories(dir / "own");
        test::write(dir / "rel" / "manifest.json", manifest);
        test::write(dir / "own" / "manifest.json", manifest);
    }
    std::string rel() const { return (dir / "rel").string(); }
    std::string sign_args() const {
        return "sign --key " + quote(key) + " --release " + quote(rel()) + " --own " +
               quote((dir / "own").string()) + " --passphrase-file " + quote(pw);
    }
    utxo::core::MinisignPublicKey public_key() const {
        return *utxo::core::parse_public_key_file(test::read(pub));
    }
    std::string sig_path() const { return rel() + "/manifest.json." + public_key().id.to_hex() + ".minisig"; }
};
}  // namespace

TEST_CASE("cli: keygen writes a 0600 encrypted secret key and a minisign public key file") {
    Authority a;
    struct stat st {};
    REQUIRE(::stat(a.key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto pub = test::read(a.pub);
    CHECK(pub.starts_with("untrusted comment: minisign public key " + a.public_key().id.to_hex()));
    CHECK(test::read(a.key).find("RWRTY0Iy") != std::string::npos);  // "Ed" "Sc" "B2": scrypt-encrypted
    auto again = run(signer("keygen --out " + quote(a.key) + " --pub " + quote(a.pub) + " --unencrypted"));
    CHECK(again.exit_code == 2);
    CHECK(again.output == a.key + ": already exists (use --force to overwrite)\n");
    auto no_tty = run("setsid " + signer("keygen --out " + quote((a.dir / "b.key").string()) + " --pub " +
                                         quote((a.dir / "b.pub").string())));
    CHECK(no_tty.exit_code == 2);
    CHECK(no_tty.output == "no terminal to read the passphrase from; use --passphrase-file\n");
}

TEST_CASE(
    "cli: sign writes manifest.json.<KEYID>.minisig with the release statement, and verify accepts it") {
    Authority a;
    const auto before = utxo::core::unix_now();
    auto r = run(signer(a.sign_args()));
    const auto after = utxo::core::unix_now();
    REQUIRE(r.exit_code == 0);
    auto sig = utxo::core::parse_signature_file(test::read(a.sig_path()));
    REQUIRE(sig);
    // The statement, signed now: signed_at is the time of signing.
    auto claimed = utxo::core::parse_trusted_comment(sig->trusted_comment);
    REQUIRE(claimed);
    REQUIRE(claimed->signed_at);
    CHECK(*claimed->signed_at >= before);
    CHECK(*claimed->signed_at <= after);
    CHECK(sig->trusted_comment == test::statement_comment(a.manifest, claimed->signed_at));
    auto v = run(signer("verify --pub " + quote(a.pub) + " --release " + quote(a.rel())));
    CHECK(v.exit_code == 0);
    CHECK(v.output.starts_with("good signature: "));
    CHECK(v.output.ends_with(fmt::format("signed at: {} ({})\n", utxo::core::format_utc(*claimed->signed_at),
                                         *claimed->signed_at)));
}

TEST_CASE("cli: sign --signed-at states that time, and refuses one out of range") {
    Authority a;
    auto r = run(signer(a.sign_args() + " --signed-at 1714564800"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto comment = test::statement_comment(a.manifest, kSignedAt);
    CHECK(utxo::core::parse_signature_file(test::read(a.sig_path()))->trusted_comment == comment);
    CHECK(r.output.ends_with("trusted comment: " + comment + "\n"));
    auto v = run(signer("verify --pub " + quote(a.pub) + " --release " + quote(a.rel())));
    CHECK(v.exit_code == 0);
    CHECK(v.output.ends_with("trusted comment: " + comment +
                             "\nsigned at: 2024-05-01T12:00:00Z (1714564800)\n"));
    // The same time, the same bytes: Ed25519 is deterministic.
    const auto first = test::read(a.sig_path());
    REQUIRE(run(signer(a.sign_args() + " --signed-at 1714564800")).exit_code == 0);
    CHECK(test::read(a.sig_path()) == first);

    for (const char* bad : {"253402300800", "99999999999999"}) {
        std::filesystem::remove(a.sig_path());
        auto out = clitest::run(signer(a.sign_args() + " --signed-at " + bad));
        INFO(bad);
        CHECK(out.exit_code == 2);
        CHECK(out.out.empty());
        CHECK(out.err == fmt::format("--signed-at {} is not a unix time from 0 to 253402300799\n", bad));
        CHECK_FALSE(std::filesystem::exists(a.sig_path()));
    }
    CHECK(run(signer(a.sign_args() + " --signed-at soon")).exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(a.sig_path()));
    // Usage before anything is read: a differing manifest is not even compared.
    test::write(a.dir / "own" / "manifest.json", test::manifest("regtest", 200, 'b'));
    auto first_usage = clitest::run(signer(a.sign_args() + " --signed-at 253402300800"));
    CHECK(first_usage.exit_code == 2);
    CHECK(first_usage.err == "--signed-at 253402300800 is not a unix time from 0 to 253402300799\n");
    auto statement = clitest::run(signer("statement --signed-at 253402300800 --release " + quote(a.rel())));
    CHECK(statement.exit_code == 2);
    CHECK(statement.out.empty());
    CHECK(statement.err == first_usage.err);
}

TEST_CASE("cli: sign refuses a manifest that differs from the authority's own, naming the first field") {
    Authority a;
    test::write(a.dir / "own" / "manifest.json", test::manifest("regtest", 200, 'a', "9f8e7d6c5b4a39281716"));
    auto r = run(signer(a.sign_args()));
    CHECK(r.exit_code == 1);
    CHECK(r.output == a.rel() + "/manifest.json: not signed: differs from your own manifest " +
                          (a.dir / "own").string() +
                          "/manifest.json at shards[0].sha256: ours 9f8e7d6c5b4a… theirs 00\n");
    CHECK_FALSE(std::filesystem::exists(a.sig_path()));
}

TEST_CASE("cli: wrong passphrase and damaged key files exit 2 with one sentence") {
    Authority a;
    test::write(a.pw, "wrong\n");
    auto wrong = run(signer(a.sign_args()));
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.output == a.key + ": wrong passphrase for this key\n");
    auto text = test::read(a.key);
    test::write(a.key, text.substr(0, text.size() / 2));
    auto truncated = run(signer(a.sign_args()));
    CHECK(truncated.exit_code == 2);
    CHECK(truncated.output == a.key + ": damaged or truncated key (expected base64 of 158 bytes)\n");
    test::write(a.key, "");
    CHECK(run(signer(a.sign_args())).exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(a.sig_path()));
}

TEST_CASE("cli: verify refuses missing, modified, truncated and lying signatures with exit 1") {
    Authority a;
    auto verify = signer("verify --pub " + quote(a.pub) + " --release " + quote(a.rel()));
    auto missing = run(verify);
    CHECK(missing.exit_code == 1);
    CHECK(missing.output.find("no signature by key " + a.public_key().id.to_hex()) != std::string::npos);
    REQUIRE(run(signer(a.sign_args())).exit_code == 0);
    auto good = test::read(a.sig_path());

    test::write(a.dir / "rel" / "manifest.json", test::manifest("regtest", 201));
    auto modified = run(verify);
    CHECK(modified.exit_code == 1);
    CHECK(modified.output ==
          a.sig_path() + ": signature does not verify with key " + a.public_key().id.to_hex() + "\n");
    test::write(a.dir / "rel" / "manifest.json", a.manifest);

    test::write(a.sig_path(), good.substr(0, good.size() - 30));
    CHECK(run(verify).exit_code == 1);
    test::write(a.sig_path(), "garbage");
    CHECK(run(verify).output == a.sig_path() + ": first line is not an \"untrusted comment:\" line\n");

    test::write(a.pub, "untrusted comment: x\nRWQ\n");
    CHECK(run(verify).exit_code == 2);  // a damaged public key is the caller's input trouble
}

TEST_CASE("interop: stock minisign verifies our signatures with our public key (and refuses tampering)") {
    Authority a;
    REQUIRE(run(signer(a.sign_args())).exit_code == 0);
    auto m = quote(a.rel() + "/manifest.json");
    auto ok = run(kMinisign + " -V -H -p " + quote(a.pub) + " -m " + m + " -x " + quote(a.sig_path()));
    CHECK(ok.exit_code == 0);
    CHECK(ok.output.find("Trusted comment: " + test::statement_comment(a.manifest)) != std::string::npos);
    test::write(a.dir / "rel" / "manifest.json", a.manifest + " ");
    CHECK(run(kMinisign + " -V -p " + quote(a.pub) + " -m " + m + " -x " + quote(a.sig_path())).exit_code ==
          1);
}

TEST_CASE("interop: stock minisign signs with our keys, encrypted (reading our scrypt limits) and not") {
    Authority a;
    auto file = (a.dir / "f.txt").string();
    test::write(file, "data\n");
    auto signed_ok =
        run("printf 'correct horse\\n' | " + kMinisign + " -S -s " + quote(a.key) + " -m " + quote(file));
    CHECK(signed_ok.exit_code == 0);
    CHECK(run(kMinisign + " -V -p " + quote(a.pub) + " -m " + quote(file)).exit_code == 0);
    CHECK(run("printf 'nope\\n' | " + kMinisign + " -S -s " + quote(a.key) + " -m " + quote(file))
              .output.find("Wrong password for that key") != std::string::npos);

    auto key = (a.dir / "u.key").string(), pub = (a.dir / "u.pub").string();
    REQUIRE(run(signer("keygen --unencrypted --out " + quote(key) + " --pub " + quote(pub))).exit_code == 0);
    CHECK(run(kMinisign + " -S -W -s " + quote(key) + " -m " + quote(file) + " -x " + quote(file + ".u"))
              .exit_code == 0);
    CHECK(run(kMinisign + " -V -p " + quote(pub) + " -m " + quote(file) + " -x " + quote(file + ".u"))
              .exit_code == 0);
}

TEST_CASE("interop: our verify accepts a signature stock minisign made with a key it generated") {
    test::TempDir d;
    auto key = (d / "m.key").string(), pub = (d / "m.pub").string();
    REQUIRE(run(kMinisign + " -G -W -p " + quote(pub) + " -s " + quote(key)).exit_code == 0);
    auto id = utxo::core::parse_public_key_file(test::read(pub))->id.to_hex();
    std::filesystem::create_directories(d / "rel");
    auto m = test::manifest("signet", 12345);
    test::write(d / "rel" / "manifest.json", m);
    REQUIRE(run(kMinisign + " -S -s " + quote(key) + " -m " + quote((d / "rel" / "manifest.json").string()) +
                " -x " + quote((d / "rel" / ("manifest.json." + id + ".minisig")).string()) + " -t " +
                quote(test::statement_comment(m)))
                .exit_code == 0);
    auto v = run(signer("verify --pub " + quote(pub) + " --release " + quote((d / "rel").string())));
    CHECK(v.exit_code == 0);
    CHECK(v.output.find("trusted comment: utxo-torrent network=signet height=12345") != std::string::npos);
    // A statement of the old form (no signed_at) still verifies; its time is unknown.
    CHECK(v.output.ends_with("\nsigned at: unknown (no signed_at in the trusted comment)\n"));
    // And our signer can sign with the key stock minisign generated.
    std::filesystem::create_directories(d / "own");
    test::write(d / "own" / "manifest.json", m);
    CHECK(run(signer("sign --key " + quote(key) + " --release " + quote((d / "rel").string()) + " --own " +
                     quote((d / "own").string())))
              .exit_code == 0);
    CHECK(run(signer("verify --pub " + quote(pub) + " --release " + quote((d / "rel").string()))).exit_code ==
          0);
}

TEST_CASE("cli: sign refuses a secret key file group or others can read or write, unless allowed") {
    Authority a;
    for (mode_t mode : {0640, 0604, 0620, 0602}) {
        DYNAMIC_SECTION("mode " << std::oct << mode) {
            REQUIRE(::chmod(a.key.c_str(), mode) == 0);
            auto r = run(signer(a.sign_args()));
            CHECK(r.exit_code == 2);
            char octal[8];
            std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
            CHECK(r.output ==
                  a.key + ": mode " + octal +
                      " lets group or others read or write this secret file; run chmod 600 on it (or "
                      "pass --allow-open-key)\n");
            CHECK_FALSE(std::filesystem::exists(a.sig_path()));
            auto allowed = run(signer(a.sign_args() + " --allow-open-key"));
            CHECK(allowed.exit_code == 0);
            CHECK(std::filesystem::exists(a.sig_path()));
            std::filesystem::remove(a.sig_path());
        }
    }
    REQUIRE(::chmod(a.key.c_str(), 0400) == 0);  // owner-only modes other than 0600 are fine
    CHECK(run(signer(a.sign_args())).exit_code == 0);
}

TEST_CASE("cli: a FIFO given as a file is refused at once instead of blocking") {
    Authority a;
    const auto fifo = (a.dir / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto r =
        run("timeout 20 " + signer("sign --key " + quote(fifo) + " --release " + quote(a.rel()) + " --own " +
                                   quote((a.dir / "own").string()) + " --passphrase-file " + quote(a.pw)));
    CHECK(r.exit_code == 2);
    CHECK(r.output == fifo + ": is a FIFO, not a regular file\n");
}

TEST_CASE("cli: sign --json and verify --json print one object, a refusal too (exit 1)") {
    Authority a;
    const std::vector<std::string> keys = {"ok",        "signature_file", "key_id",     "trusted_comment",
                                           "network",   "height",         "block_hash", "manifest_sha256",
                                           "signed_at", "dht_item_file",  "dht_seq"};
    auto s = clitest::run(signer(a.sign_args() + " --json --signed-at 1714564800"));
    INFO(s.err);
    REQUIRE(s.exit_code == 0);
    auto j = clitest::json_object(s.out);
    CHECK(clitest::keys(j) == keys);
    CHECK(j["ok"] == true);
    CHECK(j["signature_file"] == a.sig_path());
    CHECK(j["key_id"] == a.public_key().id.to_hex());
    CHECK(j["trusted_comment"] == test::statement_comment(a.manifest, kSignedAt));
    auto statement = utxo::core::statement_for_manifest(utxo::core::as_bytes(a.manifest));
    REQUIRE(statement);
    CHECK(j["network"] == "regtest");
    CHECK(j["height"] == 200);
    CHECK(j["block_hash"] == statement->block_hash.to_display_hex());
    CHECK(j["manifest_sha256"] == statement->manifest_sha256.to_hex());
    CHECK(j["signed_at"] == kSignedAt);

    auto v = clitest::run(signer("verify --json --pub " + quote(a.pub) + " --release " + quote(a.rel())));
    INFO(v.err);
    REQUIRE(v.exit_code == 0);
    CHECK(clitest::json_object(v.out) == j);  // the same signature, the same figures

    // Refusals are objects too, with the line stderr shows.
    std::filesystem::remove(a.sig_path());
    auto missing =
        clitest::run(signer("verify --pub " + quote(a.pub) + " --json --release " + quote(a.rel())));
    CHECK(missing.exit_code == 1);
    auto refusal = clitest::json_object(missing.out);
    CHECK(clitest::keys(refusal) == std::vector<std::string>{"ok", "error"});
    CHECK(refusal["ok"] == false);
    CHECK(missing.err == refusal["error"].get<std::string>() + "\n");
    CHECK(refusal["error"].get<std::string>().find("no signature by key " + a.public_key().id.to_hex()) !=
          std::string::npos);
    test::write(a.dir / "own" / "manifest.json", test::manifest("regtest", 200, 'b'));
    auto differs = clitest::run(signer(a.sign_args() + " --json"));
    CHECK(differs.exit_code == 1);
    CHECK(clitest::json_object(differs.out)["error"].get<std::string>().find(
              "not signed: differs from your own") != std::string::npos);
    // Trouble is not a verdict: nothing on stdout.
    test::write(a.dir / "own" / "manifest.json", a.manifest);
    test::write(a.pw, "wrong\n");
    auto wrong = clitest::run(signer(a.sign_args() + " --json"));
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.out.empty());
    CHECK(wrong.err == a.key + ": wrong passphrase for this key\n");
}

TEST_CASE("statement: stock minisign signs offline with it, and the signature is sign's byte for byte") {
    Authority a;
    const auto before = utxo::core::unix_now();
    auto st = clitest::run(signer("statement --release " + quote(a.rel())));
    const auto after = utxo::core::unix_now();
    REQUIRE(st.exit_code == 0);
    // The statement signed now, as sign states it.
    const auto base = test::statement_comment(a.manifest) + " signed_at=";
    REQUIRE(st.out.starts_with(base));
    const auto at = std::stoll(st.out.substr(base.size()));
    CHECK(at >= before);
    CHECK(at <= after);
    CHECK(st.out == test::statement_comment(a.manifest, at) + "\n");
    CHECK(st.err.empty());
    auto fixed = clitest::run(signer("statement --release " + quote(a.rel()) + " --signed-at 1714564800"));
    CHECK(fixed.out == test::statement_comment(a.manifest, kSignedAt) + "\n");

    // The same --signed-at for both, so the two files can be compared byte for byte.
    REQUIRE(run(signer(a.sign_args() + " --signed-at 1714564800")).exit_code == 0);
    const std::string ours = test::read(a.sig_path());
    std::filesystem::remove(a.sig_path());

    // The operator's recipe of docs/signer.md, with the untrusted comment `sign` writes.
    auto id = a.public_key().id.to_hex();
    auto offline = run("printf 'correct horse\\n' | " + kMinisign + " -S -s " + quote(a.key) + " -m " +
                       quote(a.rel() + "/manifest.json") + " -x " + quote(a.sig_path()) + " -t \"$(" +
                       signer("statement --signed-at 1714564800 --release " + quote(a.rel())) + ")\" -c " +
                       quote("signature from utxo-torrent authority key " + id));
    REQUIRE(offline.exit_code == 0);
    CHECK(test::read(a.sig_path()) == ours);  // Ed25519 is deterministic

    auto v = run(signer("verify --pub " + quote(a.pub) + " --release " + quote(a.rel())));
    CHECK(v.exit_code == 0);
    // The agreement rule accepts it as it accepts any authority's signature.
    auto tn = [](const std::string& args) { return test::bin("utxo-trustnet") + " " + args; };
    auto file = quote((a.dir / "trustnet").string());
    REQUIRE(run(tn("init " + file + " --network regtest")).exit_code == 0);
    REQUIRE(run(tn("add " + file + " alice " + quote(a.pub))).exit_code == 0);
    auto accepted = run(tn("verify " + file + " --release " + quote(a.rel())));
    CHECK(accepted.exit_code == 0);

    // Without -c, minisign's own untrusted comment: a different file, still a good signature.
    std::filesystem::remove(a.sig_path());
    REQUIRE(run("printf 'correct horse\\n' | " + kMinisign + " -S -s " + quote(a.key) + " -m " +
                quote(a.rel() + "/manifest.json") + " -x " + quote(a.sig_path()) + " -t \"$(" +
                signer("statement --release " + quote(a.rel())) + ")\"")
                .exit_code == 0);
    CHECK(test::read(a.sig_path()) != ours);
    CHECK(run(signer("verify --pub " + quote(a.pub) + " --release " + quote(a.rel()))).exit_code == 0);
    CHECK(run(tn("verify " + file + " --release " + quote(a.rel()))).exit_code == 0);
}

TEST_CASE("statement --json, and a manifest sign would refuse is refused the same way") {
    Authority a;
    auto j = clitest::run(signer("statement --json --release " + quote(a.rel())));
    REQUIRE(j.exit_code == 0);
    auto o = clitest::json_object(j.out);
    CHECK(clitest::keys(o) == std::vector<std::string>{"ok", "trusted_comment", "network", "height",
                                                       "block_hash", "manifest_sha256", "signed_at"});
    CHECK(o["trusted_comment"] == test::statement_comment(a.manifest, o["signed_at"].get<std::int64_t>()));
    auto fixed = clitest::json_object(
        clitest::run(signer("statement --json --signed-at 0 --release " + quote(a.rel()))).out);
    CHECK(fixed["signed_at"] == 0);
    CHECK(fixed["trusted_comment"] == test::statement_comment(a.manifest, 0));
    CHECK(o["network"] == "regtest");
    CHECK(o["height"] == 200);
    CHECK(o["block_hash"] == std::string(64, 'a'));

    // A manifest that states no release: a refusal, exit 1, as sign refuses it.
    test::write(a.dir / "rel" / "manifest.json", "{\"height\":200}\n");
    test::write(a.dir / "own" / "manifest.json", "{\"height\":200}\n");
    auto bad = clitest::run(signer("statement --release " + quote(a.rel())));
    auto bad_sign = clitest::run(signer(a.sign_args()));
    CHECK(bad.exit_code == 1);
    CHECK(bad_sign.exit_code == 1);
    CHECK(bad.out.empty());
    CHECK(bad.err.starts_with(a.rel() + "/manifest.json: "));
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
    CHECK(bad.err == bad_sign.err);

    // No manifest at all: I/O trouble, exit 2, naming the file.
    std::filesystem::remove(a.dir / "rel" / "manifest.json");
    auto missing = clitest::run(signer("statement --release " + quote(a.rel())));
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.starts_with(a.rel() + "/manifest.json: "));
    CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') == 1);
}
