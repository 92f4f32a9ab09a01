// delay-proxy: tests/delay_proxy.h as a command, for bench/slow-link.sh. Test tooling only (built
// with the tests, never installed).
//   delay-proxy LISTEN_HOST:PORT TARGET_HOST:PORT DELAY_MS [RATE_BYTES_PER_S] [--dead]
// Prints "listening on HOST:PORT" once bound (port 0: a free one), runs until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "delay_proxy.h"

namespace {

bool split(const std::string& text, std::string& host, std::uint16_t& port) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    char* end = nullptr;
    unsigned long p = std::strtoul(text.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    test::DelayProxyOptions o;
    int positional = 0;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--dead") {
            o.dead = true;
        } else if (positional == 0 && split(argv[i], o.listen_host, o.listen_port)) {
            ++positional;
        } else if (positional == 1 && split(argv[i], o.target_host, o.target_port)) {
            ++positional;
        } else if (positional == 2) {
            o.delay = std::chrono::milliseconds(std::strtoll(argv[i], nullptr, 10));
            ++positional;
        } else if (positional == 3) {
            o.rate = std::strtoull(argv[i], nullptr, 10);
            ++positional;
        } else {
            positional = -1;
            break;
        }
    }
    if (positional < 3) {
        std::fprintf(stderr,
                     "usage: delay-proxy LISTEN_HOST:PORT TARGET_HOST:PORT DELAY_MS [RATE] [--dead]\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the proxy's thread starts
    try {
        test::DelayProxy proxy(o);
        std::printf("listening on %s\n", proxy.host_port().c_str());
        std::fflush(stdout);
        int sig = 0;
        sigwait(&set, &sig);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "delay-proxy: %s\n", e.what());
        return 2;
    }
    return 0;
}
