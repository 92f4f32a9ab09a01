#include "seeder/request_handler.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "seeder/request_parts.h"
#include "seeder/status_page.h"

namespace utxo::seeder {

namespace fs = std::filesystem;
using Segments = std::vector<std::string>;

namespace {

HttpResponse error(unsigned status, std::string_view message) {
    HttpResponse r;
    r.status = status;
    r.body = nlohmann::json{{"error", message}}.dump() + "\n";
    return r;
}

nlohmann::json torrent_json(const Release& r, const ReleaseTorrent* t) {
    if (!t) return nullptr;
    return {{"infohash", t->infohash.to_hex()},
            {"torrent", fmt::format("/v1/releases/{}/{}/{}.torrent", r.network, r.name, t->part)},
            {"magnet", t->magnet}};
}

HttpResponse releases_list(const Catalog& catalog) {
    auto list = nlohmann::json::array();
    for (const auto& r : catalog.releases) {
        auto base = fmt::format("/v1/releases/{}/{}/", r.network, r.name);
        auto sigs = nlohmann::json::array();
        for (const auto& s : r.signatures) sigs.push_back(base + s);
        list.push_back(
            {{"network", r.network},
             {"height", r.height.value},
             {"block_hash", r.block_hash.to_display_hex()},
             {"name", r.name},
             {"manifest", base + "manifest.json"},
             {"signatures", sigs},
             {"web_seed", web_seed_url(catalog.links, r)},
             {"torrents",
              {{"shards", torrent_json(r, &r.shards)}, {"patches", torrent_json(r, r.torrent("patches"))}}}});
    }
    HttpResponse res;
    res.body = nlohmann::json{{"releases", list}}.dump() + "\n";
    return res;
}

// The file, if after resolving every symlink it is a regular file inside the releases root.
std::optional<fs::path> resolve_file(const Catalog& catalog, const fs::path& path) {
    std::error_code ec;
    auto real = fs::canonical(path, ec);
    if (ec || !fs::is_regular_file(real, ec)) return std::nullopt;
    auto rel = real.lexically_relative(catalog.root);
    if (rel.empty() || *rel.begin() == "..") return std::nullopt;
    return real;
}

// A file answer, honouring Range (206 + Content-Range, or 416 + "bytes */size").
HttpResponse file_response(const HttpRequest& req, const fs::path& path, std::string content_type) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec) return error(404, "not found");
    HttpResponse r;
    r.content_type = std::move(content_type);
    r.headers.emplace_back("Accept-Ranges", "bytes");
    r.file = FileSlice{path, 0, size};
    if (req.range) {
        auto range = parse_range(*req.range, size);
        if (!range) {
            auto bad = error(416, "range not satisfiable");
            bad.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
            return bad;
        }
        r.status = 206;
        r.file = FileSlice{path, range->first, range->length};
        r.headers.emplace_back("Content-Range", fmt::format("bytes {}-{}/{}", range->first,
                                                            range->first + range->length - 1, size));
    }
    return r;
}

// /v1/releases/<network>/<name>/<file>
HttpResponse release_file(const HttpRequest& req, const Catalog& catalog, const Segments& s) {
    const Release* r = catalog.find(s[2], s[3]);
    if (!r) return error(404, "no such release");
    const std::string& file = s[4];
    HttpResponse res;
    if (file == "manifest.json") {
        res.body = r->manifest;
        return res;
    }
    if (file.ends_with(".torrent")) {
        const ReleaseTorrent* t = r->torrent(std::string_view(file).substr(0, file.size() - 8));
        if (!t) return error(404, "no such torrent");
        res.content_type = "application/x-bittorrent";
        res.body = t->served;
        return res;
    }
    if (std::find(r->signatures.begin(), r->signatures.end(), file) == r->signatures.end())
        return error(404, "no such file");
    auto path = resolve_file(catalog, r->dir / file);
    if (!path) return error(404, "no such file");
    return file_response(req, *path, "text/plain; charset=utf-8");
}

// /v1/files/<network>/<name>/<part>/<file>: BEP 19 web seed
HttpResponse web_seed_file(const HttpRequest& req, const Catalog& catalog, const Segments& s) {
    const Release* r = catalog.find(s[2], s[3]);
    if (!r || !r->torrent(s[4]) || !is_web_seed_file(s[4], s[5])) return error(404, "not found");
    auto path = resolve_file(catalog, r->dir / s[4] / s[5]);
    if (!path) return error(404, "not found");
    return file_response(req, *path, "application/octet-stream");
}

// GET /: the operator's page (status_page.h).
HttpResponse status_page(const Catalog& catalog, const Metrics* metrics) {
    const Metrics none;
    HttpResponse res;
    res.content_type = "text/html; charset=utf-8";
    res.headers.emplace_back("Cache-Control", "no-store");
    res.body = render_status_page(
        status_snapshot(catalog, metrics ? *metrics : none, static_cast<std::int64_t>(std::time(nullptr))));
    return res;
}

HttpResponse route(const HttpRequest& req, const Catalog& catalog, const Metrics* metrics,
                   const Segments& s) {
    if (s.size() == 2 && s[0] == "v1" && s[1] == "releases") return releases_list(catalog);
    if (s.size() == 5 && s[0] == "v1" && s[1] == "releases") return release_file(req, catalog, s);
    if (s.size() == 6 && s[0] == "v1" && s[1] == "files") return web_seed_file(req, catalog, s);
    if (s.size() == 1 && s[0] == "metrics" && metrics) {
        HttpResponse res;
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = render_all_metrics(*metrics);
        return res;
    }
    if (s.size() == 1 && s[0].empty()) return status_page(catalog, metrics);
    return error(404, "not found");
}

}  // namespace

HttpResponse handle_request(const HttpRequest& request, const Catalog& catalog, const Metrics* metrics) {
    if (request.method != "GET" && request.method != "HEAD") {
        auto res = error(405, "only GET and HEAD");
        res.headers.emplace_back("Allow", "GET, HEAD");
        return res;
    }
    auto segments = split_target(request.target);
    HttpResponse res = segments ? route(request, catalog, metrics, *segments) : error(400, "bad path");
    res.head = request.method == "HEAD";
    return res;
}

}  // namespace utxo::seeder
