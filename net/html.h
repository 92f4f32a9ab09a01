// The few pieces of HTML writing the status pages of the seeder and of `serve` share.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace utxo::net {

// Text for an HTML element or a quoted attribute: & < > " ' as character references, and control
// characters other than tab and line feed (and bytes that are not UTF-8) as U+FFFD.
std::string html_escape(std::string_view text);

// A component of a URL's query or path: everything but unreserved characters percent-encoded.
std::string url_component(std::string_view text);

// "3 d 4 h", "2 h 5 min", "40 s": an age or duration for a person, from seconds (negative: 0 s).
std::string human_duration(std::int64_t seconds);

// "1.5 GiB", "512 B": a byte count for a person.
std::string human_bytes(std::uint64_t bytes);

// The start of a page, up to and including <body>: the title (escaped) and the inline style
// every status page uses. No script, no external resource.
std::string html_page_start(std::string_view title);
// "</body></html>\n"
std::string html_page_end();

}  // namespace utxo::net
