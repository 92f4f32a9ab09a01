// Routing of serve's HTML pages and /metrics, beside the Esplora API.
#include "verifier/serve_pages.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/address.h"
#include "core/printable.h"
#include "net/process_metrics.h"
#include "net/url.h"
#include "verifier/status_page.h"

namespace utxo::verifier {

namespace {

constexpr std::size_t kMaxAddress = 200;  // longer than any address (a bech32 string is at most 90)

enum class Page { status, lookup, metrics };

// The page `path` names (query removed), after base_path or at the root.
std::optional<Page> page_of(std::string_view path, std::string_view base_path) {
    if (!base_path.empty() && path.starts_with(base_path) &&
        (path.size() == base_path.size() || path[base_path.size()] == '/'))
        path.remove_prefix(base_path.size());
    if (path.empty() || path == "/") return Page::status;
    if (path == "/lookup") return Page::lookup;
    if (path == "/metrics") return Page::metrics;
    return std::nullopt;
}

// The value of `name` in a query string ("a=1&address=x"), '+' as a space (HTML forms), or empty.
std::string query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        std::string raw(pair.substr(eq + 1));
        std::replace(raw.begin(), raw.end(), '+', ' ');
        auto decoded = net::percent_decode(raw);
        return decoded ? *decoded : raw;
    }
    return {};
}

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

HttpResponse html(unsigned status, std::string body) {
    HttpResponse res;
    res.status = status;
    res.content_type = "text/html; charset=utf-8";
    res.body = std::move(body);
    return res;
}

// /lookup?address=A: the same store query as the Esplora route /address/:address/utxo.
HttpResponse lookup(std::string_view query, Store& store, const Installed& cur, const PageFrame& frame) {
    Lookup l;
    l.address = trim(query_value(query, "address"));
    unsigned status = 200;
    if (l.address.empty()) {
        status = 400;
        l.error = "No address given: type one in the form.";
    } else if (l.address.size() > kMaxAddress) {
        status = 400;
        l.error = fmt::format("invalid address: longer than {} characters", kMaxAddress);
        l.address = l.address.substr(0, kMaxAddress);
    } else if (auto script = core::address_to_script(l.address, cur.manifest.network); !script) {
        status = 400;
        l.error = fmt::format("invalid address {}: {}", core::printable(l.address), script.error().message);
    } else if (auto coins = store.coins_for_script(*script); !coins) {
        status = coins.error().code == core::Errc::not_found ? 404 : 500;
        l.error = coins.error().message;
    } else {
        l.coins = std::move(*coins);
    }
    return html(status, render_lookup_page(frame, cur, l));
}

void gauge(std::string& out, std::string_view name, std::string_view help, std::int64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, v);
}

}  // namespace

void ServeCounters::count(unsigned status) {
    std::lock_guard lock(mutex_);
    ++requests_[status];
}

std::map<unsigned, std::uint64_t> ServeCounters::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string render_serve_metrics(const Installed* cur, const ServeCounters& counters, std::int64_t now) {
    std::string out;
    gauge(out, "utxo_serve_release_installed", "1 if a release is installed and answered from, 0 if not.",
          cur ? 1 : 0);
    if (cur) {
        gauge(out, "utxo_serve_installed_height", "Height of the installed release.",
              cur->manifest.height.value);
        gauge(out, "utxo_serve_release_age_seconds", "Seconds since this store installed the release.",
              std::max<std::int64_t>(0, now - cur->accepted_at));
    }
    out +=
        "# HELP utxo_serve_http_requests_total HTTP requests answered, by status code.\n"
        "# TYPE utxo_serve_http_requests_total counter\n";
    for (const auto& [code, n] : counters.requests())
        out += fmt::format("utxo_serve_http_requests_total{{code=\"{}\"}} {}\n", code, n);
    out += counters.extra_metrics();
    return out + net::render_process_metrics("utxo-verifier", net::build_version(), net::sample_process());
}

std::optional<HttpResponse> handle_page(const HttpRequest& req, Store& store, const EsploraOptions& options,
                                        const ServeCounters& counters, std::int64_t now) {
    if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
    std::string_view target = req.target;
    const auto q = target.find('?');
    const auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const auto page = page_of(target.substr(0, q), options.base_path);
    if (!page) return std::nullopt;

    auto current = store.current();
    std::shared_ptr<const Installed> cur = current ? *current : nullptr;
    const auto build = net::build_version();
    const PageFrame frame{fmt::format("{} ({})", build.version, build.commit), options.base_path, now};
    HttpResponse res;
    if (!current) {
        res = html(500, "");
        res.content_type = "text/plain";
        res.body = current.error().message + "\n";
    } else if (*page == Page::metrics) {
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = render_serve_metrics(cur.get(), counters, now);
    } else if (*page == Page::status) {
        res = html(200, render_status_page(frame, cur.get()));
    } else if (!cur) {
        res = html(503, render_status_page(frame, nullptr));
    } else {
        res = lookup(query, store, *cur, frame);
    }
    res.head = req.method == "HEAD";
    add_common_headers(res, store, options, now);
    for (auto& [name, value] : res.headers)  // pages change with every release and request
        if (name == "Cache-Control") value = "no-store";
    return res;
}

}  // namespace utxo::verifier
