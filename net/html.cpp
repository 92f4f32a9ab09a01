// HTML escaping and the shared frame of the status pages.
#include "net/html.h"

#include <fmt/format.h>

namespace utxo::net {

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xbf) return 0;
    return n;
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            if (auto n = utf8_length(text, i)) {
                out.append(text.substr(i, n));
                i += n;
            } else {
                out += "\xef\xbf\xbd";
                ++i;
            }
            continue;
        }
        ++i;
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '\t':
            case '\n':
                out += c;
                break;
            default:
                if (u < 0x20 || u == 0x7f)
                    out += "\xef\xbf\xbd";
                else
                    out += c;
        }
    }
    return out;
}

std::string url_component(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~')
            out += c;
        else
            out += fmt::format("%{:02X}", u);
    }
    return out;
}

std::string human_duration(std::int64_t seconds) {
    if (seconds < 0) seconds = 0;
    const std::int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;
    if (d > 0) return fmt::format("{} d {} h", d, h);
    if (h > 0) return fmt::format("{} h {} min", h, m);
    if (m > 0) return fmt::format("{} min {} s", m, seconds % 60);
    return fmt::format("{} s", seconds);
}

std::string human_bytes(std::uint64_t bytes) {
    static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) return fmt::format("{} B", bytes);
    double v = static_cast<double>(bytes) / 1024;
    std::size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::string html_page_start(std::string_view title) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>{}</title><style>"
        "body{{font-family:system-ui,sans-serif;margin:1.5em 2em;color:#1d232a;background:#fafbfc}}"
        "h1{{font-size:1.4em;margin:0 0 .2em}}h2{{font-size:1.1em;margin:1.4em 0 .4em}}"
        "table{{border-collapse:collapse;background:#fff;margin:.3em 0}}"
        "th,td{{border:1px solid #d4d9de;padding:.3em .6em;text-align:left;vertical-align:top}}"
        "th{{background:#eef1f4}}td.n{{text-align:right}}"
        "code,.mono{{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}}"
        ".ok{{color:#176f2c;font-weight:600}}.bad{{color:#a4161a;font-weight:600}}"
        ".muted{{color:#5c6670}}input[type=text]{{width:38em;max-width:90%;padding:.3em}}"
        "button{{padding:.3em .9em}}"
        "</style></head><body>\n",
        html_escape(title));
}

std::string html_page_end() { return "</body></html>\n"; }

}  // namespace utxo::net
