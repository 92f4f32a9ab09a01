#include "core/trustnet_file.h"

#include <fmt/format.h>

#include <charconv>

#include "core/file_io.h"

namespace utxo::core {

namespace {
constexpr std::size_t kMaxTrustnetFile = 1u << 20;

std::vector<std::string_view> tokens(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string line(text.substr(0, nl));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

// Parser state while walking the lines; problems are collected, not thrown, so `check` can
// report all of them at once.
struct Parser {
    TrustnetDocument doc;
    std::vector<Problem> problems;
    bool seen_format = false, seen_network = false, seen_require = false, seen_max_age = false;
    std::size_t require_line = 0;

    void problem(std::size_t line, std::string message) { problems.push_back({line, std::move(message)}); }
    void directive(std::size_t n, const std::vector<std::string_view>& t);
    void network(std::size_t n, const std::vector<std::string_view>& t);
    void require(std::size_t n, const std::vector<std::string_view>& t);
    void max_age(std::size_t n, const std::vector<std::string_view>& t);
    void authority(std::size_t n, const std::vector<std::string_view>& t);
};

void Parser::directive(std::size_t n, const std::vector<std::string_view>& t) {
    if (!seen_format) {
        if (t[0] == "utxo-trustnet" && t.size() == 2 && t[1] == "1")
            seen_format = true;
        else if (t[0] == "utxo-trustnet")
            problem(n, fmt::format("unsupported format \"{}\" (this program reads \"{}\")", doc.lines[n - 1],
                                   kTrustnetFormatLine));
        else
            problem(n,
                    fmt::format("the first line that is not a comment must be \"{}\"", kTrustnetFormatLine));
        seen_format = true;  // report a bad header once, then keep checking the rest
        return;
    }
    if (t[0] == "network") return network(n, t);
    if (t[0] == "require") return require(n, t);
    if (t[0] == "max-age") return max_age(n, t);
    if (t[0] == "authority") return authority(n, t);
    if (t[0] == "utxo-trustnet") return problem(n, "second format line");
    problem(n,
            fmt::format("unknown directive \"{}\" (expected network, require, max-age or authority)", t[0]));
}

void Parser::network(std::size_t n, const std::vector<std::string_view>& t) {
    if (seen_network) return problem(n, "second network line (a trustnet is for one network)");
    seen_network = true;
    auto net = t.size() == 2 ? parse_network(t[1]) : std::nullopt;
    if (!net || network_name(*net) != t[1])
        return problem(n, "expected \"network NAME\" with NAME one of main, test, testnet4, signet, regtest");
    doc.trustnet.network = *net;
}

void Parser::require(std::size_t n, const std::vector<std::string_view>& t) {
    if (seen_require) return problem(n, "second require line");
    seen_require = true;
    require_line = n;
    if (t.size() == 2 && t[1] == "all") return;
    std::uint32_t k = 0;
    auto [end, ec] = t.size() == 2 ? std::from_chars(t[1].data(), t[1].data() + t[1].size(), k)
                                   : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (ec != std::errc() || end != t[1].data() + t[1].size() || k == 0 || t[1][0] == '0')
        return problem(n, "expected \"require all\" or \"require K\" with K a positive integer");
    doc.trustnet.require_k = k;
}

void Parser::max_age(std::size_t n, const std::vector<std::string_view>& t) {
    if (seen_max_age) return problem(n, "second max-age line");
    seen_max_age = true;
    auto age = t.size() == 2 ? parse_max_age(t[1]) : std::nullopt;
    if (!age)
        return problem(
            n,
            "expected \"max-age DURATION\" with DURATION a positive integer and a unit s, m, h or d "
            "(e.g. 48h), at most 3650d");
    doc.trustnet.max_age = *age;
}

void Parser::authority(std::size_t n, const std::vector<std::string_view>& t) {
    if (t.size() < 3) return problem(n, "expected \"authority NAME PUBLIC_KEY [URL...]\"");
    if (!valid_authority_name(t[1]))
        return problem(
            n,
            fmt::format("\"{}\" is not a valid authority name (letters, digits, '.', '-', '_'; at most 64)",
                        t[1]));
    auto key = parse_public_key_line(t[2]);
    if (!key) return problem(n, fmt::format("public key of {}: {}", t[1], key.error().message));
    Authority a{std::string(t[1]), *key, {}, n};
    for (std::size_t i = 3; i < t.size(); ++i) {
        if (!valid_url(t[i])) return problem(n, fmt::format("\"{}\" is not a URL (scheme://...)", t[i]));
        a.urls.emplace_back(t[i]);
    }
    for (const auto& other : doc.trustnet.authorities) {
        if (other.name == a.name)
            return problem(
                n, fmt::format("duplicate authority name \"{}\" (first on line {})", a.name, other.line));
        if (other.key.key == a.key.key || other.key.id == a.key.id)
            return problem(n, fmt::format("the key of \"{}\" is already listed for \"{}\" on line {}", a.name,
                                          other.name, other.line));
    }
    doc.trustnet.authorities.push_back(std::move(a));
}

Parser parse_all(std::string_view text) {
    Parser p;
    p.doc.lines = split_lines(text);
    for (std::size_t i = 0; i < p.doc.lines.size(); ++i) {
        auto t = tokens(p.doc.lines[i]);
        if (t.empty() || t[0].starts_with('#')) continue;
        p.directive(i + 1, t);
    }
    if (!p.seen_format)
        p.problem(0, fmt::format("empty trustnet: no \"{}\" line", kTrustnetFormatLine));
    else if (!p.seen_network)
        p.problem(0, "no network line");
    return p;
}
}  // namespace

const Authority* Trustnet::find(const KeyId& id) const {
    for (const auto& a : authorities)
        if (a.key.id == id) return &a;
    return nullptr;
}

const Authority* Trustnet::find(std::string_view name) const {
    for (const auto& a : authorities)
        if (a.name == name) return &a;
    return nullptr;
}

Result<TrustnetDocument> parse_trustnet(std::string_view text) {
    auto p = parse_all(text);
    if (!p.problems.empty()) {
        const auto& first = p.problems.front();
        return fail(Errc::invalid,
                    first.line ? fmt::format("line {}: {}", first.line, first.message) : first.message);
    }
    return std::move(p.doc);
}

std::vector<Problem> check_trustnet(std::string_view text) {
    auto p = parse_all(text);
    const auto& tn = p.doc.trustnet;
    if (p.seen_network && tn.authorities.empty())
        p.problem(0, "no authorities listed, so no release can ever be accepted");
    if (tn.require_k && *tn.require_k > tn.authorities.size())
        p.problem(p.require_line, fmt::format("require {} but only {} authorities are listed", *tn.require_k,
                                              tn.authorities.size()));
    return p.problems;
}

std::string render(const TrustnetDocument& doc) {
    std::string out;
    for (const auto& line : doc.lines) out += line + "\n";
    return out;
}

bool valid_url(std::string_view url) {
    auto sep = url.find("://");
    if (sep == 0 || sep == std::string_view::npos || sep + 3 == url.size()) return false;
    for (char c : url.substr(0, sep))
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
            return false;
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f) return false;
    return true;
}

std::optional<std::chrono::seconds> parse_max_age(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    std::int64_t unit = 0;
    switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        default:
            return std::nullopt;
    }
    auto digits = text.substr(0, text.size() - 1);
    // Ten digits bound the value well before it could overflow; the limit below does the rest.
    if (digits.size() > 10 || digits[0] == '0') return std::nullopt;
    std::int64_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n * unit > kMaxMaxAge.count()) return std::nullopt;
    return std::chrono::seconds(n * unit);
}

std::string format_max_age(std::chrono::seconds duration) {
    const auto s = duration.count();
    if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
    if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
    if (s % 60 == 0) return fmt::format("{}m", s / 60);
    return fmt::format("{}s", s);
}

std::string max_age_line(std::chrono::seconds duration) { return "max-age " + format_max_age(duration); }

std::string authority_line(const Authority& a) {
    std::string line = fmt::format("authority {} {}", a.name, public_key_line(a.key));
    for (const auto& url : a.urls) line += " " + url;
    return line;
}

Result<TrustnetDocument> load_trustnet(const std::filesystem::path& path) {
    UTXO_TRY_ASSIGN(auto text, read_small_file(path, kMaxTrustnetFile));
    return parse_trustnet(text);
}

}  // namespace utxo::core
