#include "net/service_notify.h"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <string>

namespace utxo::net {

namespace {

// sd_notify's state is newline-separated assignments: a status must stay one line.
std::string one_line(std::string_view text) {
    std::string out(text);
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

// unset_environment = 0: children and later calls still see NOTIFY_SOCKET.
void notify(const std::string& state) { (void)sd_notify(0, state.c_str()); }

}  // namespace

void notify_ready(std::string_view status) {
    notify(status.empty() ? std::string("READY=1") : "READY=1\nSTATUS=" + one_line(status));
}

void notify_status(std::string_view status) { notify("STATUS=" + one_line(status)); }

void notify_stopping() { notify("STOPPING=1"); }

void notify_reloading() { notify("RELOADING=1"); }

void notify_reloaded() { notify("READY=1"); }

}  // namespace utxo::net
