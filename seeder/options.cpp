#include "seeder/options.h"

#include <fmt/format.h>

namespace utxo::seeder {

std::string Options::http_base_url() const {
    if (!public_http_url.empty()) {
        std::string url = public_http_url;
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
    }
    return "http://" + http.to_string();
}

std::string Options::peer_address() const {
    return public_peer.host.empty() ? listen.to_string() : public_peer.to_string();
}

}  // namespace utxo::seeder
