// The metrics every server of the project exposes beside its own: which build answers
// (utxo_build_info) and the process's resources under the names Prometheus' client libraries use
// (process_cpu_seconds_total, process_resident_memory_bytes, ...), read from /proc/self.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace utxo::net {

// What the executable was built from: cli/version.h's kVersion and kCommit, handed down by each
// main (libraries cannot see the generated header). "unknown" until set.
struct BuildVersion {
    std::string version = "unknown";
    std::string commit = "unknown";
};
void set_build_version(BuildVersion v);  // once, from main, before any server starts
BuildVersion build_version();

// The process's resources at one moment; a field is empty when the kernel did not say.
struct ProcessSample {
    std::optional<double> cpu_seconds;            // user + system time
    std::optional<std::uint64_t> resident_bytes;  // RSS
    std::optional<std::uint64_t> virtual_bytes;   // VSZ
    std::optional<std::uint64_t> open_fds;        // entries of /proc/self/fd
    std::optional<std::uint64_t> max_fds;         // RLIMIT_NOFILE's soft limit
    std::optional<double> start_time_seconds;     // unix time the process started
};

// /proc/self/stat, /proc/stat (boot time), /proc/self/fd and getrlimit.
ProcessSample sample_process();

// The fields of /proc/<pid>/stat (`stat`) and the "btime" line of /proc/stat (`proc_stat`):
// CPU time, memory and start time, given the clock tick rate and page size. Pure, for tests.
// Errc::invalid names what is wrong when `stat` does not have the kernel's shape.
[[nodiscard]] core::Status parse_proc_stat(std::string_view stat, std::string_view proc_stat,
                                           long ticks_per_second, long page_size, ProcessSample& out);

// A Prometheus label value: backslash, double quote and line feed escaped as \\, \" and \n.
std::string escape_label_value(std::string_view value);

// utxo_build_info{tool,version,commit} 1 and the process_* series of `s`, in the text
// exposition format (version 0.0.4), HELP and TYPE included; absent fields are left out.
std::string render_process_metrics(std::string_view tool, const BuildVersion& build, const ProcessSample& s);

}  // namespace utxo::net
