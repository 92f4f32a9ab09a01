// /proc/self readings for the process_* metrics, and their rendering.
#include "net/process_metrics.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace utxo::net {

namespace {

std::mutex version_mutex;
BuildVersion current_version;

std::string read_small_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
        auto start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\n') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

std::optional<std::uint64_t> number(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// "btime <unix seconds>" of /proc/stat.
std::optional<std::uint64_t> boot_time(std::string_view proc_stat) {
    std::size_t at = proc_stat.starts_with("btime ") ? 0 : proc_stat.find("\nbtime ");
    if (at == std::string_view::npos) return std::nullopt;
    auto line = proc_stat.substr(proc_stat.find(' ', at) + 1);
    return number(line.substr(0, line.find('\n')));
}

void sample(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            const std::string& value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

template <class T>
void optional_sample(std::string& out, std::string_view name, std::string_view type, std::string_view help,
                     const std::optional<T>& v) {
    if (v) sample(out, name, type, help, fmt::format("{}", *v));
}

}  // namespace

void set_build_version(BuildVersion v) {
    std::lock_guard lock(version_mutex);
    current_version = std::move(v);
}

BuildVersion build_version() {
    std::lock_guard lock(version_mutex);
    return current_version;
}

core::Status parse_proc_stat(std::string_view stat, std::string_view proc_stat, long ticks_per_second,
                             long page_size, ProcessSample& out) {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted from
    // the last ')'. After it come fields 3..; utime is 14, stime 15, starttime 22, vsize 23, rss 24
    // (proc(5)).
    auto close = stat.rfind(')');
    if (close == std::string_view::npos) return core::fail(core::Errc::invalid, "/proc/self/stat: no ')'");
    auto f = words(stat.substr(close + 1));
    auto field = [&f](std::size_t n) { return n - 3 < f.size() ? number(f[n - 3]) : std::nullopt; };
    auto utime = field(14), stime = field(15), start = field(22), vsize = field(23), rss = field(24);
    if (!utime || !stime || !start || !vsize || !rss || ticks_per_second <= 0 || page_size <= 0)
        return core::fail(core::Errc::invalid, "/proc/self/stat: fewer than 24 numeric fields");
    const auto ticks = static_cast<double>(ticks_per_second);
    out.cpu_seconds = static_cast<double>(*utime + *stime) / ticks;
    out.virtual_bytes = *vsize;
    out.resident_bytes = *rss * static_cast<std::uint64_t>(page_size);
    if (auto boot = boot_time(proc_stat))
        out.start_time_seconds = static_cast<double>(*boot) + static_cast<double>(*start) / ticks;
    return {};
}

ProcessSample sample_process() {
    ProcessSample s;
    (void)parse_proc_stat(read_small_file("/proc/self/stat"), read_small_file("/proc/stat"),
                          sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), s);
    std::error_code ec;
    std::uint64_t fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++fds;
    if (!ec) s.open_fds = fds;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) s.max_fds = limit.rlim_cur;
    return s;
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string render_process_metrics(std::string_view tool, const BuildVersion& build, const ProcessSample& s) {
    std::string out;
    out += fmt::format(
        "# HELP utxo_build_info Always 1; the labels name the build that answers.\n"
        "# TYPE utxo_build_info gauge\n"
        "utxo_build_info{{tool=\"{}\",version=\"{}\",commit=\"{}\"}} 1\n",
        escape_label_value(tool), escape_label_value(build.version), escape_label_value(build.commit));
    optional_sample(out, "process_cpu_seconds_total", "counter",
                    "Total user and system CPU time spent in seconds.", s.cpu_seconds);
    optional_sample(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                    s.resident_bytes);
    optional_sample(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
                    s.virtual_bytes);
    optional_sample(out, "process_open_fds", "gauge", "Number of open file descriptors.", s.open_fds);
    optional_sample(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", s.max_fds);
    optional_sample(out, "process_start_time_seconds", "gauge",
                    "Start time of the process since unix epoch in seconds.", s.start_time_seconds);
    return out;
}

}  // namespace utxo::net
