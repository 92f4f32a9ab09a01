// The HTML of `serve`'s GET / and lookup pages.
#include "verifier/status_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "net/html.h"

namespace utxo::verifier {

using net::html_escape;

namespace {

std::string utc(std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return std::to_string(unix_seconds);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::string header(const PageFrame& f, std::string_view title) {
    std::string out = net::html_page_start(title);
    out += fmt::format(
        "<h1>utxo-verifier serve</h1>\n<p class=\"muted\">version {} &middot; <a href=\"{}/\">status</a> "
        "&middot; <a href=\"{}/metrics\">/metrics</a> &middot; Esplora API under <code>{}/</code></p>\n",
        html_escape(f.version), html_escape(f.base_path), html_escape(f.base_path),
        html_escape(f.base_path.empty() ? "/api" : f.base_path));
    return out;
}

std::string lookup_form(const PageFrame& f, std::string_view value) {
    return fmt::format(
        "<h2>Look an address up</h2>\n<form method=\"get\" action=\"{}/lookup\">"
        "<input type=\"text\" name=\"address\" value=\"{}\" placeholder=\"address\" autocomplete=\"off\" "
        "spellcheck=\"false\"> <button type=\"submit\">Look up</button></form>\n",
        html_escape(f.base_path), html_escape(value));
}

std::string network_of(const Installed& cur) { return std::string(core::network_name(cur.manifest.network)); }

}  // namespace

std::string format_btc(std::int64_t sat) {
    const bool negative = sat < 0;
    const std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(sat) : static_cast<std::uint64_t>(sat);
    return fmt::format("{}{}.{:08} BTC", negative ? "-" : "", v / 100000000, v % 100000000);
}

std::string render_status_page(const PageFrame& f, const Installed* cur) {
    std::string out = header(f, "utxo-verifier serve status");
    if (!cur) {
        out +=
            "<h2>Installed release</h2>\n<p class=\"bad\">No release is installed yet: run "
            "<code>utxo-verifier fetch</code> on this store.</p>\n";
        return out + net::html_page_end();
    }
    const auto& m = cur->manifest;
    std::string authorities;
    for (const auto& a : cur->authorities) authorities += (authorities.empty() ? "" : ", ") + html_escape(a);
    out += fmt::format(
        "<h2>Installed release</h2>\n<table>"
        "<tr><th>network</th><td>{}</td></tr>"
        "<tr><th>height</th><td class=\"mono\">{}</td></tr>"
        "<tr><th>block hash</th><td class=\"mono\">{}</td></tr>"
        "<tr><th>manifest SHA-256</th><td class=\"mono\">{}</td></tr>"
        "<tr><th>installed</th><td>{}</td></tr>"
        "<tr><th>age</th><td>{}</td></tr>"
        "<tr><th>coins</th><td>{} ({})</td></tr>"
        "<tr><th>shards held</th><td>{} of {}{}</td></tr>"
        "<tr><th>signed by</th><td>{}</td></tr></table>\n",
        html_escape(network_of(*cur)), m.height.value, m.block.to_display_hex(),
        cur->manifest_sha256.to_hex(), utc(cur->accepted_at), net::human_duration(f.now - cur->accepted_at),
        m.coins, format_btc(m.total_amount.sat), cur->shards.size(), m.shard_count,
        cur->full ? " (the full set)" : " (a wallet's shards)",
        authorities.empty() ? std::string("<span class=\"muted\">no authority recorded</span>")
                            : authorities);
    out += lookup_form(f, "");
    return out + net::html_page_end();
}

std::string render_lookup_page(const PageFrame& f, const Installed& cur, const Lookup& lookup) {
    std::string out = header(f, "utxo-verifier serve: " + lookup.address);
    out += fmt::format(
        "<p>Release {} at height <span class=\"mono\">{}</span>, block <span "
        "class=\"mono\">{}</span></p>\n",
        html_escape(network_of(cur)), cur.manifest.height.value, cur.manifest.block.to_display_hex());
    out += lookup_form(f, lookup.address);
    out += fmt::format("<h2>Address <span class=\"mono\">{}</span></h2>\n", html_escape(lookup.address));
    if (!lookup.error.empty()) {
        out += fmt::format("<p class=\"bad\">{}</p>\n", html_escape(lookup.error));
        return out + net::html_page_end();
    }
    std::int64_t balance = 0;
    for (const auto& c : lookup.coins) balance += c.coin.value.sat;
    out += fmt::format(
        "<table><tr><th>balance</th><td class=\"n\" id=\"balance\">{}</td></tr>"
        "<tr><th>unspent outputs</th><td class=\"n\" id=\"count\">{}</td></tr></table>\n",
        format_btc(balance), lookup.coins.size());
    if (lookup.coins.empty()) return out + net::html_page_end();
    out += "<table><tr><th>outpoint (txid:vout)</th><th>value</th><th>height</th><th>coinbase</th></tr>\n";
    const auto rows = std::min(lookup.coins.size(), kLookupRows);
    for (std::size_t i = 0; i < rows; ++i) {
        const auto& c = lookup.coins[i];
        out += fmt::format(
            "<tr><td class=\"mono\">{}:{}</td><td class=\"n\">{}</td><td "
            "class=\"n\">{}</td><td>{}</td></tr>\n",
            c.outpoint.txid.to_display_hex(), c.outpoint.vout, format_btc(c.coin.value.sat),
            c.coin.height.value, c.coin.coinbase ? "yes" : "no");
    }
    out += "</table>\n";
    if (rows < lookup.coins.size())
        out += fmt::format(
            "<p class=\"muted\">{} more outputs are not listed; the Esplora route "
            "<code>/address/:address/utxo</code> gives them all.</p>\n",
            lookup.coins.size() - rows);
    return out + net::html_page_end();
}

}  // namespace utxo::verifier
