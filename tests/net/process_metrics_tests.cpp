// /proc/self parsing and the rendering of utxo_build_info and process_*; the HTML helpers the
// status pages share (net/html.h).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <ctime>

#include "net/html.h"
#include "net/process_metrics.h"

using namespace utxo::net;

TEST_CASE("parse_proc_stat reads CPU time, memory and start time past a hostile comm", "[net][process]") {
    // comm "(a) b) c" holds spaces and ')': fields are counted from the last ')'.
    const std::string stat =
        "4242 (a) b) c) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 150 0 0 20 0 3 0 5000 104857600 2560 "
        "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    const std::string proc_stat = "\ncpu  1 2 3\nbtime 1700000000\nprocesses 9\n";
    ProcessSample s;
    REQUIRE(parse_proc_stat(stat, proc_stat, 100, 4096, s));
    CHECK(*s.cpu_seconds == Approx(4.0));                  // (250 + 150) / 100
    CHECK(*s.virtual_bytes == 104857600);                  // vsize, field 23
    CHECK(*s.resident_bytes == 2560ull * 4096);            // rss pages, field 24
    CHECK(*s.start_time_seconds == Approx(1700000050.0));  // btime + 5000 / 100

    ProcessSample first_line;  // btime may be the first line
    REQUIRE(parse_proc_stat(stat, "btime 1700000000\n", 100, 4096, first_line));
    CHECK(*first_line.start_time_seconds == Approx(1700000050.0));

    ProcessSample no_boot;
    REQUIRE(parse_proc_stat(stat, "cpu 1\n", 100, 4096, no_boot));
    CHECK_FALSE(no_boot.start_time_seconds);

    ProcessSample bad;
    auto r = parse_proc_stat("4242 (x) S 1 2", proc_stat, 100, 4096, bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "/proc/self/stat: fewer than 24 numeric fields");
    CHECK_FALSE(parse_proc_stat("no parenthesis", proc_stat, 100, 4096, bad));
    CHECK_FALSE(bad.cpu_seconds);
}

TEST_CASE("sample_process reads this process", "[net][process]") {
    auto s = sample_process();
    REQUIRE(s.cpu_seconds);
    CHECK(*s.cpu_seconds >= 0);
    REQUIRE(s.resident_bytes);
    CHECK(*s.resident_bytes > 1024 * 1024);
    REQUIRE(s.virtual_bytes);
    CHECK(*s.virtual_bytes >= *s.resident_bytes);
    REQUIRE(s.open_fds);
    CHECK(*s.open_fds >= 3);
    REQUIRE(s.max_fds);
    CHECK(*s.max_fds >= *s.open_fds);
    REQUIRE(s.start_time_seconds);
    const double now = static_cast<double>(std::time(nullptr));
    CHECK(*s.start_time_seconds <= now + 1);
    CHECK(*s.start_time_seconds > now - 3600);
}

TEST_CASE("render_process_metrics writes build info and the standard process names", "[net][process]") {
    ProcessSample s;
    s.cpu_seconds = 1.5;
    s.resident_bytes = 1000;
    s.virtual_bytes = 2000;
    s.open_fds = 7;
    s.max_fds = 1024;
    s.start_time_seconds = 1700000000.25;
    auto text = render_process_metrics("utxo-seeder", {"0.1.0", "abc\"d\\\n"}, s);
    CHECK(
        text.find("# TYPE utxo_build_info gauge\n"
                  "utxo_build_info{tool=\"utxo-seeder\",version=\"0.1.0\",commit=\"abc\\\"d\\\\\\n\"} 1\n") !=
        std::string::npos);
    CHECK(text.find("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n") !=
          std::string::npos);
    CHECK(text.find("\nprocess_resident_memory_bytes 1000\n") != std::string::npos);
    CHECK(text.find("\nprocess_virtual_memory_bytes 2000\n") != std::string::npos);
    CHECK(text.find("\nprocess_open_fds 7\n") != std::string::npos);
    CHECK(text.find("\nprocess_max_fds 1024\n") != std::string::npos);
    CHECK(text.find("\nprocess_start_time_seconds 1700000000.25\n") != std::string::npos);

    auto bare = render_process_metrics("utxo-verifier", {}, ProcessSample{});
    CHECK(bare.find("utxo_build_info{tool=\"utxo-verifier\",version=\"unknown\",commit=\"unknown\"} 1\n") !=
          std::string::npos);
    CHECK(bare.find("process_") == std::string::npos);  // nothing known, nothing written
}

TEST_CASE("build version is unknown until main sets it", "[net][process]") {
    const auto before = build_version();
    set_build_version({"9.9.9", "f00"});
    CHECK(build_version().version == "9.9.9");
    CHECK(build_version().commit == "f00");
    set_build_version(before);
}

TEST_CASE("html_escape neutralizes markup, controls and bad UTF-8", "[net][html]") {
    CHECK(html_escape("plain text") == "plain text");
    CHECK(html_escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(html_escape("a\"b&c") == "a&quot;b&amp;c");
    CHECK(html_escape("tab\tline\n") == "tab\tline\n");
    CHECK(html_escape(std::string("nul\0bell\x07", 9)) ==
          "nul\xef\xbf\xbd"
          "bell\xef\xbf\xbd");
    CHECK(html_escape("caf\xc3\xa9 \xe2\x82\xbf") == "caf\xc3\xa9 \xe2\x82\xbf");  // UTF-8 kept
    CHECK(html_escape("\xff\xc3") == "\xef\xbf\xbd\xef\xbf\xbd");                  // not UTF-8
    CHECK(html_escape("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
    CHECK(html_escape("\xc0\xbc") == "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '<'
}

TEST_CASE("url_component, human_duration, human_bytes, page frame", "[net][html]") {
    CHECK(url_component("a b/<c>&d~e") == "a%20b%2F%3Cc%3E%26d~e");
    CHECK(human_duration(-5) == "0 s");
    CHECK(human_duration(42) == "42 s");
    CHECK(human_duration(125) == "2 min 5 s");
    CHECK(human_duration(3 * 3600 + 120) == "3 h 2 min");
    CHECK(human_duration(2 * 86400 + 5 * 3600) == "2 d 5 h");
    CHECK(human_bytes(0) == "0 B");
    CHECK(human_bytes(1023) == "1023 B");
    CHECK(human_bytes(1536) == "1.5 KiB");
    CHECK(human_bytes(3ull << 30) == "3.0 GiB");
    auto start = html_page_start("a <b>");
    CHECK(start.starts_with("<!DOCTYPE html>"));
    CHECK(start.find("<title>a &lt;b&gt;</title>") != std::string::npos);
    CHECK(start.find("<script") == std::string::npos);
    CHECK(start.find("http") == std::string::npos);  // no external resource
    CHECK(html_page_end() == "</body></html>\n");
}
