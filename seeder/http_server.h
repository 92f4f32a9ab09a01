// The HTTP side: a Boost.Beast server in front of handle_request. Beast and Asio stay inside
// http_server.cpp. Every read has a timeout, headers are limited to 8 KiB, request bodies are
// refused (413), connections are capped, and file bodies are streamed in chunks from disk.
#pragma once
#include <cstdint>
#include <memory>

#include "core/error.h"
#include "seeder/metrics.h"
#include "seeder/options.h"
#include "seeder/release_catalog.h"

namespace utxo::seeder {

class HttpServer {
public:
    // Binds options.http (a numeric address) and serves on two threads until destroyed.
    // catalogs and metrics must outlive the server.
    [[nodiscard]] static core::Result<std::unique_ptr<HttpServer>> start(const Options& options, const CatalogBox& catalogs,
                                                           Metrics& metrics);
    ~HttpServer();  // closes the listener and every connection, joins the threads
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const;

private:
    struct Impl;
    explicit HttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace utxo::seeder
