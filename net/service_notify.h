// Readiness and status for a service manager (systemd's sd_notify(3), Type=notify units): the
// long-running commands say READY=1 once they serve, STATUS=... on notable events and STOPPING=1
// when a signal stops them. Each call does nothing when $NOTIFY_SOCKET is unset (not started by
// systemd, or a unit of another type), and a failure to notify is never the daemon's failure.
// <systemd/sd-daemon.h> stays in service_notify.cpp.
#pragma once
#include <string_view>

namespace utxo::net {

// READY=1, with STATUS=<status> when `status` is not empty.
void notify_ready(std::string_view status = {});
// STATUS=<status>: one line that `systemctl status` shows (a newline in it is replaced by a space).
void notify_status(std::string_view status);
// STOPPING=1: the daemon has begun to stop.
void notify_stopping();
// RELOADING=1 ... READY=1 around a reload (SIGHUP).
void notify_reloading();
void notify_reloaded();

}  // namespace utxo::net
