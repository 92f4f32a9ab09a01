#include "seeder/request_parts.h"

#include <algorithm>
#include <charconv>

#include "net/url.h"

namespace utxo::seeder {

using core::Errc;
using core::fail;

namespace {

[[nodiscard]] core::Result<std::string> decode_segment(std::string_view raw) {
    auto decoded = net::percent_decode(raw);
    if (!decoded) return fail(Errc::invalid, "bad percent escape");
    std::string out = std::move(*decoded);
    if (out == "." || out == "..") return fail(Errc::invalid, "dot segment");
    if (out.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
        return fail(Errc::invalid, "separator or NUL inside a segment");
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::uint64_t> number(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

core::Result<std::vector<std::string>> split_target(std::string_view target) {
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/') return fail(Errc::invalid, "the target must start with '/'");
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (true) {
        auto slash = target.find('/', pos);
        UTXO_TRY_ASSIGN(auto seg, decode_segment(target.substr(
                                      pos, slash == std::string_view::npos ? slash : slash - pos)));
        out.push_back(std::move(seg));
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    return out;
}

bool is_web_seed_file(std::string_view part, std::string_view name) {
    std::string_view suffix;
    if (part == "shards") suffix = ".shard";
    if (part == "patches") suffix = ".patch";
    constexpr std::size_t digits = 5;  // core::shard_file_name: "{:05}", and kMaxShardCount is 65536
    if (suffix.empty() || name.size() != digits + suffix.size() || !name.ends_with(suffix)) return false;
    return std::all_of(name.begin(), name.begin() + digits, [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<ByteRange> parse_range(std::string_view header, std::uint64_t size) {
    header = trim(header);
    constexpr std::string_view unit = "bytes=";
    if (header.size() < unit.size() ||
        !std::equal(unit.begin(), unit.end(), header.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
        return std::nullopt;
    auto spec = trim(header.substr(unit.size()));
    auto dash = spec.find('-');
    if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return std::nullopt;
    auto first_text = trim(spec.substr(0, dash)), last_text = trim(spec.substr(dash + 1));
    if (first_text.empty()) {  // suffix: the last n bytes
        auto n = number(last_text);
        if (!n || *n == 0 || size == 0) return std::nullopt;
        auto len = std::min(*n, size);
        return ByteRange{size - len, len};
    }
    auto first = number(first_text);
    if (!first || *first >= size) return std::nullopt;
    std::uint64_t last = size - 1;
    if (!last_text.empty()) {
        auto l = number(last_text);
        if (!l || *l < *first) return std::nullopt;
        last = std::min(*l, size - 1);
    }
    return ByteRange{*first, last - *first + 1};
}

}  // namespace utxo::seeder
