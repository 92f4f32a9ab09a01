// utxo-trustnet end to end: the real binary, a fresh temp dir each, exit codes and messages.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_test_support.h"
#include "trustnet/test_support.h"

using test::bin;
using test::quote;
using test::run;

namespace {
const test::TestKey ka, kb;

std::string tn(const std::string& args) { return bin("utxo-trustnet") + " " + args; }

// A release directory with manifest.json signed by the given keys.
void make_release(const test::fs::path& dir, const std::string& manifest,
                  std::initializer_list<const test::TestKey*> keys) {
    test::fs::create_directories(dir);
    test::write(dir / "manifest.json", manifest);
    for (const auto* k : keys)
        test::write(dir / ("manifest.json." + k->pub.id.to_hex() + ".minisig"), k->sign(manifest));
}
}  // namespace

TEST_CASE("cli: init, add, list, check, remove") {
    test::TempDir d;
    auto f = quote((d / "trustnet.txt").string());
    CHECK(run(tn("init " + f + " --network regtest")).exit_code == 0);
    auto again = run(tn("init " + f + " --network regtest"));
    CHECK(again.exit_code == 2);
    CHECK(again.output.find("already exists; not overwriting it") != std::string::npos);

    auto empty = run(tn("check " + f));
    CHECK(empty.exit_code == 1);
    CHECK(empty.output ==
          (d / "trustnet.txt").string() + ": no authorities listed, so no release can ever be accepted\n");

    test::write(d / "a.pub", utxo::core::public_key_file(ka.pub, "test key"));
    CHECK(run(tn("add " + f + " alice " + quote((d / "a.pub").string()) + " --url https://a.example/r"))
              .exit_code == 0);
    CHECK(run(tn("add " + f + " bob " + kb.line())).exit_code == 0);
    auto dup = run(tn("add " + f + " carol " + kb.line()));
    CHECK(dup.exit_code == 1);
    CHECK(dup.output.find("is already listed for \"bob\" on line 7") != std::string::npos);
    CHECK(run(tn("add " + f + " carol RWQbroken")).exit_code == 2);

    auto list = run(tn("list " + f));
    CHECK(list.exit_code == 0);
    CHECK(list.output.starts_with("network regtest, require all (2 of 2 authorities)\nalice " +
                                  ka.pub.id.to_hex()));
    auto json = nlohmann::json::parse(run(tn("list " + f + " --json")).output);
    CHECK(json["network"] == "regtest");
    CHECK(json["require"] == "all");
    CHECK(json["authorities"][0]["urls"][0] == "https://a.example/r");
    CHECK(json["authorities"][1]["public_key"] == kb.line());

    CHECK(run(tn("check " + f)).exit_code == 0);
    CHECK(run(tn("remove " + f + " alice")).exit_code == 0);
    CHECK(run(tn("remove " + f + " alice")).exit_code == 1);
    CHECK(run(tn("list " + f)).output.find("alice") == std::string::npos);
}

TEST_CASE("cli: check names the file and line of each problem, usage errors exit 2") {
    test::TempDir d;
    test::write(d / "t.txt", "utxo-trustnet 1\nnetwork regtest\nrequire some\nauthority x RWQ\n");
    auto r = run(tn("check " + quote((d / "t.txt").string())));
    CHECK(r.exit_code == 1);
    auto file = (d / "t.txt").string();
    CHECK(r.output.find(file + ":3: expected \"require all\" or \"require K\"") != std::string::npos);
    CHECK(r.output.find(file + ":4: public key of x: not a minisign public key") != std::string::npos);
    CHECK(run(tn("list " + quote(file))).exit_code == 2);  // cannot operate on a broken file
    CHECK(run(tn("list /nonexistent/trustnet.txt")).exit_code == 2);
    CHECK(run(tn("frobnicate")).exit_code == 2);
    CHECK(run(tn("init x --network nonet")).exit_code == 2);
}

TEST_CASE("cli: verify applies the agreement rule with exit codes 0 and 1") {
    test::TempDir d;
    auto f = quote((d / "t.txt").string());
    REQUIRE(run(tn("init " + f + " --network regtest")).exit_code == 0);
    REQUIRE(run(tn("add " + f + " alice " + ka.line())).exit_code == 0);
    REQUIRE(run(tn("add " + f + " bob " + kb.line())).exit_code == 0);
    auto m = test::manifest("regtest", 500);
    make_release(d / "ok", m, {&ka, &kb});
    make_release(d / "half", m, {&ka});
    make_release(d / "fork", test::manifest("regtest", 500, 'b'), {&kb});

    auto ok = run(tn("verify " + f + " --release " + quote((d / "ok").string())));
    CHECK(ok.exit_code == 0);
    CHECK(ok.output == "release regtest height 500 accepted: signed by alice, bob (2 required)\n");
    auto half = run(tn("verify " + f + " --release " + quote((d / "half").string())));
    CHECK(half.exit_code == 1);
    CHECK(half.output.find("(missing: bob)") != std::string::npos);
    auto old =
        run(tn("verify " + f + " --release " + quote((d / "ok").string()) + " --installed-height 500"));
    CHECK(old.exit_code == 1);
    CHECK(old.output == "release regtest height 500 refused: it is not above the installed height 500\n");
    auto fork = run(tn("verify " + f + " --release " + quote((d / "ok").string()) + " --other " +
                       quote((d / "fork").string())));
    CHECK(fork.exit_code == 1);
    CHECK(fork.output.find("conflict at regtest height 500") != std::string::npos);
}

TEST_CASE("interop: our verifier accepts a signature stock minisign made with a key it generated") {
    test::TempDir d;
    auto key = (d / "stock.key").string(), pub = (d / "stock.pub").string();
    REQUIRE(run("/usr/bin/minisign -G -W -p " + quote(pub) + " -s " + quote(key)).exit_code == 0);
    auto parsed = utxo::core::parse_public_key_file(test::read(pub));
    REQUIRE(parsed);
    auto m = test::manifest("regtest", 700);
    test::fs::create_directories(d / "rel");
    test::write(d / "rel" / "manifest.json", m);
    auto sig = (d / "rel" / ("manifest.json." + parsed->id.to_hex() + ".minisig")).string();
    auto sign =
        run("/usr/bin/minisign -S -s " + quote(key) + " -m " + quote((d / "rel" / "manifest.json").string()) +
            " -x " + quote(sig) + " -t " + quote(test::statement_comment(m)));
    REQUIRE(sign.exit_code == 0);

    auto f = quote((d / "t.txt").string());
    REQUIRE(run(tn("init " + f + " --network regtest")).exit_code == 0);
    REQUIRE(run(tn("add " + f + " stock " + quote(pub))).exit_code == 0);
    auto v = run(tn("verify " + f + " --release " + quote((d / "rel").string())));
    CHECK(v.exit_code == 0);
    CHECK(v.output == "release regtest height 700 accepted: signed by stock (1 required)\n");

    // With minisign's default trusted comment the signature is genuine but says nothing about the
    // release, so it is not counted.
    REQUIRE(run("/usr/bin/minisign -S -s " + quote(key) + " -m " +
                quote((d / "rel" / "manifest.json").string()) + " -x " + quote(sig))
                .exit_code == 0);
    auto plain = run(tn("verify " + f + " --release " + quote((d / "rel").string())));
    CHECK(plain.exit_code == 1);
    CHECK(plain.output.find("trusted comment is not a utxo-torrent release statement (stock)") !=
          std::string::npos);
}

TEST_CASE("cli: a FIFO given as the trustnet file is refused at once instead of blocking") {
    test::TempDir d;
    const std::string fifo = (d / "trustnet.txt").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Nobody ever writes to the FIFO: a reader that opened it blocking would wait for the timeout.
    for (const char* command : {"check ", "list "}) {
        auto r = run("timeout 20 " + tn(command + quote(fifo)));
        INFO(command);
        CHECK(r.exit_code == 2);
        CHECK(r.output == fifo + ": is a FIFO, not a regular file\n");
    }
    // A directory is no better.
    auto dir = run(tn("check " + quote(d.path.string())));
    CHECK(dir.exit_code == 2);
    CHECK(dir.output.find(d.path.string() + ": ") == 0);
}

TEST_CASE("cli: check --json and verify --json print one object whatever the verdict") {
    test::TempDir d;
    const auto file = (d / "t.txt").string();
    const auto f = quote(file);
    REQUIRE(run(tn("init " + f + " --network regtest")).exit_code == 0);

    auto none = clitest::run(tn("check --json " + f));
    CHECK(none.exit_code == 1);
    auto j = clitest::json_object(none.out);
    CHECK(clitest::keys(j) == std::vector<std::string>{"ok", "file", "network", "authorities", "required",
                                                       "max_age_seconds", "problems", "error"});
    CHECK(j["ok"] == false);
    CHECK(j["file"] == file);
    CHECK(j["network"] == "regtest");  // it parses; it only cannot accept anything
    CHECK(j["authorities"] == 0);
    CHECK(j["problems"].size() == 1);
    CHECK(j["problems"][0]["line"].is_null());  // about the whole file
    CHECK(j["error"] == file + ": no authorities listed, so no release can ever be accepted");
    CHECK(none.err == j["error"].get<std::string>() + "\n");

    REQUIRE(run(tn("add " + f + " alice " + ka.line())).exit_code == 0);
    REQUIRE(run(tn("add " + f + " bob " + kb.line())).exit_code == 0);
    auto good = clitest::run(tn("check " + f + " --json"));
    CHECK(good.exit_code == 0);
    CHECK(good.err.empty());
    j = clitest::json_object(good.out);
    CHECK(clitest::keys(j) == std::vector<std::string>{"ok", "file", "network", "authorities", "required",
                                                       "max_age_seconds", "problems"});
    CHECK(j["ok"] == true);
    CHECK(j["max_age_seconds"].is_null());
    CHECK(j["authorities"] == 2);
    CHECK(j["required"] == 2);
    CHECK(j["problems"].empty());

    test::write(d / "broken.txt", "utxo-trustnet 1\nnetwork regtest\nrequire some\n");
    auto broken = clitest::run(tn("check --json " + quote((d / "broken.txt").string())));
    CHECK(broken.exit_code == 1);
    j = clitest::json_object(broken.out);
    CHECK(j["network"].is_null());
    CHECK(j["problems"][0]["line"] == 3);
    CHECK(j["problems"][0]["message"].get<std::string>().starts_with("expected \"require all\""));
    auto missing = clitest::run(tn("check --json " + quote((d / "nothing.txt").string())));
    CHECK(missing.exit_code == 2);  // trouble, not a verdict: nothing on stdout
    CHECK(missing.out.empty());

    auto m = test::manifest("regtest", 500);
    make_release(d / "ok", m, {&ka, &kb});
    make_release(d / "half", m, {&ka});
    const std::vector<std::string> keys = {"ok",       "message", "refusal",   "network", "height",
                                           "required", "signers", "signed_at", "ignored"};
    auto ok = clitest::run(tn("verify --json " + f + " --release " + quote((d / "ok").string())));
    CHECK(ok.exit_code == 0);
    j = clitest::json_object(ok.out);
    CHECK(clitest::keys(j) == keys);
    CHECK(j["ok"] == true);
    CHECK(j["message"] == "release regtest height 500 accepted: signed by alice, bob (2 required)");
    CHECK(j["refusal"].is_null());
    CHECK(j["network"] == "regtest");
    CHECK(j["height"] == 500);
    CHECK(j["required"] == 2);
    CHECK(j["signers"] == nlohmann::ordered_json::array({"alice", "bob"}));
    CHECK(j["signed_at"].is_null());  // the test keys sign the old form, without signed_at
    CHECK(j["ignored"].empty());

    auto half = clitest::run(tn("verify " + f + " --json --release " + quote((d / "half").string())));
    CHECK(half.exit_code == 1);
    j = clitest::json_object(half.out);
    auto refused_keys = keys;
    refused_keys.push_back("error");
    CHECK(clitest::keys(j) == refused_keys);
    CHECK(j["ok"] == false);
    CHECK(j["refusal"] == "missing_signatures");
    CHECK(j["signers"] == nlohmann::ordered_json::array({"alice"}));  // who signed, refused or not
    CHECK(j["message"].get<std::string>().find("(missing: bob)") != std::string::npos);
    CHECK(half.err == j["error"].get<std::string>() + "\n");
}

TEST_CASE("cli: max-age sets, replaces and removes the freeze alarm, which list and check show") {
    test::TempDir d;
    const auto file = (d / "t.txt").string();
    const auto f = quote(file);
    REQUIRE(run(tn("init " + f + " --network regtest")).exit_code == 0);
    REQUIRE(run(tn("add " + f + " alice " + ka.line())).exit_code == 0);
    test::write(file, test::read(file) + "# the end\n");
    const auto before = test::read(file);

    auto set = clitest::run(tn("max-age " + f + " 48h"));
    CHECK(set.exit_code == 0);
    CHECK(set.out == "set max-age 48h\n");
    auto after = before;
    after.insert(after.find("require all\n") + 12, "max-age 48h\n");  // after the require line
    CHECK(test::read(file) == after);
    auto list = run(tn("list " + f));
    CHECK(list.output.starts_with("network regtest, require all (1 of 1 authorities), max-age 2d\nalice "));
    CHECK(nlohmann::json::parse(run(tn("list --json " + f)).output)["max_age_seconds"] == 172800);
    auto check = clitest::run(tn("check " + f));
    CHECK(check.exit_code == 0);
    CHECK(check.out == file + ": ok: network regtest, 1 authorities, 1 required, max-age 2d\n");
    CHECK(clitest::json_object(clitest::run(tn("check --json " + f)).out)["max_age_seconds"] == 172800);

    // Replaced where it stands, spelt as given.
    CHECK(run(tn("max-age " + f + " 90m")).exit_code == 0);
    auto replaced = before;
    replaced.insert(replaced.find("require all\n") + 12, "max-age 90m\n");
    CHECK(test::read(file) == replaced);
    CHECK(nlohmann::json::parse(run(tn("list --json " + f)).output)["max_age_seconds"] == 5400);

    // Refused durations change nothing: exit 2, one line naming the file.
    for (const char* bad : {"0h", "48", "048h", "3651d", "forever", "1.5h"}) {
        auto r = clitest::run(tn("max-age " + f + " " + bad));
        INFO(bad);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err ==
              file + ": \"" + bad +
                  "\" is not a max-age (a positive integer and a unit s, m, h or d, e.g. 48h, at most "
                  "3650d; or none)\n");
    }
    CHECK(test::read(file) == replaced);

    auto removed = clitest::run(tn("max-age " + f + " none"));
    CHECK(removed.exit_code == 0);
    CHECK(removed.out == "removed max-age\n");
    CHECK(test::read(file) == before);  // byte for byte what it was
    CHECK(nlohmann::json::parse(run(tn("list --json " + f)).output)["max_age_seconds"].is_null());
    auto again = clitest::run(tn("max-age " + f + " none"));
    CHECK(again.exit_code == 0);
    CHECK(again.out == "no max-age line; nothing changed\n");
    CHECK(run(tn("max-age " + f)).exit_code == 2);  // DURATION is required
    CHECK(run(tn("max-age /nonexistent/t.txt 48h")).exit_code == 2);

    // A bad max-age line written by hand: check names it, the edits refuse the file.
    test::write(file, before + "max-age 0d\nmax-age 1d\n");
    auto bad = clitest::run(tn("check " + f));
    CHECK(bad.exit_code == 1);
    const auto n = std::count(before.begin(), before.end(), '\n');
    CHECK(bad.err ==
          fmt::format("{}:{}: expected \"max-age DURATION\" with DURATION a positive integer and a "
                      "unit s, m, h or d (e.g. 48h), at most 3650d\n{}:{}: second max-age line\n",
                      file, n + 1, file, n + 2));
    CHECK(run(tn("max-age " + f + " 2d")).exit_code == 2);
}

TEST_CASE("cli: verify states the release's signed time, the earliest of its signatures") {
    test::TempDir d;
    auto f = quote((d / "t.txt").string());
    REQUIRE(run(tn("init " + f + " --network regtest")).exit_code == 0);
    REQUIRE(run(tn("add " + f + " alice " + ka.line())).exit_code == 0);
    REQUIRE(run(tn("add " + f + " bob " + kb.line())).exit_code == 0);
    auto m = test::manifest("regtest", 500);
    auto rel = d / "rel";
    test::fs::create_directories(rel);
    test::write(rel / "manifest.json", m);
    test::write(rel / ("manifest.json." + ka.pub.id.to_hex() + ".minisig"),
                ka.sign(m, test::statement_comment(m, 1714564800)));
    test::write(rel / ("manifest.json." + kb.pub.id.to_hex() + ".minisig"),
                kb.sign(m, test::statement_comment(m, 1714568400)));
    auto v = run(tn("verify " + f + " --release " + quote(rel.string())));
    CHECK(v.exit_code == 0);
    CHECK(v.output ==
          "release regtest height 500 accepted: signed by alice, bob (2 required)\n"
          "signed at 2024-05-01T12:00:00Z (1714564800)\n");
    auto j = clitest::json_object(
        clitest::run(tn("verify --json " + f + " --release " + quote(rel.string()))).out);
    CHECK(j["signed_at"] == 1714564800);
}
