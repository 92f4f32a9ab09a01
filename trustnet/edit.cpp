#include "trustnet/edit.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include "core/file_io.h"

namespace utxo::trustnet {

namespace {

// Re-parses after an edit so an edit can never produce a file that later fails to load.
[[nodiscard]] core::Status reparse(core::TrustnetDocument& doc) {
    auto again = core::parse_trustnet(core::render(doc));
    if (!again)
        return core::fail(core::Errc::invalid,
                          "edit would produce an invalid file: " + again.error().message);
    doc = std::move(*again);
    return {};
}

// The index of the first line whose first token is `directive`, if any.
std::optional<std::size_t> find_directive(const core::TrustnetDocument& doc, std::string_view directive) {
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        std::string_view line = doc.lines[i];
        auto start = line.find_first_not_of(" \t");
        if (start == std::string_view::npos) continue;
        auto token = line.substr(start, line.find_first_of(" \t", start) - start);
        if (token == directive) return i;
    }
    return std::nullopt;
}
}  // namespace

std::string initial_trustnet(core::Network network) {
    return fmt::format(
        "# utxo-torrent trustnet: the authorities whose signatures a release needs.\n"
        "# Format: docs/trustnet.md. Edit by hand or with utxo-trustnet add/remove.\n"
        "{}\n"
        "network {}\n"
        "require all\n",
        core::kTrustnetFormatLine, core::network_name(network));
}

core::Status add_authority(core::TrustnetDocument& doc, std::string name, const core::MinisignPublicKey& key,
                           std::vector<std::string> urls) {
    if (!core::valid_authority_name(name))
        return core::fail(
            core::Errc::usage,
            fmt::format("\"{}\" is not a valid authority name (letters, digits, '.', '-', '_'; at most 64)",
                        name));
    for (const auto& url : urls)
        if (!core::valid_url(url))
            return core::fail(core::Errc::usage, fmt::format("\"{}\" is not a URL (scheme://...)", url));
    std::size_t after = doc.lines.size();
    for (const auto& a : doc.trustnet.authorities) {
        if (a.name == name)
            return core::fail(
                core::Errc::mismatch,
                fmt::format("an authority named \"{}\" is already listed on line {}", name, a.line));
        if (a.key.key == key.key || a.key.id == key.id)
            return core::fail(core::Errc::mismatch,
                              fmt::format("this key (key id {}) is already listed for \"{}\" on line {}",
                                          key.id.to_hex(), a.name, a.line));
        after = a.line;  // lines are 1-based, so this is the index just past that line
    }
    core::Authority added{std::move(name), key, std::move(urls), 0};
    doc.lines.insert(doc.lines.begin() + static_cast<std::ptrdiff_t>(after), core::authority_line(added));
    return reparse(doc);
}

core::Status remove_authority(core::TrustnetDocument& doc, std::string_view name) {
    const core::Authority* a = doc.trustnet.find(name);
    if (a == nullptr)
        return core::fail(core::Errc::not_found, fmt::format("no authority named \"{}\"", name));
    const auto& tn = doc.trustnet;
    if (tn.require_k && *tn.require_k > tn.authorities.size() - 1)
        return core::fail(core::Errc::usage, fmt::format("removing \"{}\" would leave {} authorities, fewer "
                                                         "than \"require {}\"; lower the require line first",
                                                         name, tn.authorities.size() - 1, *tn.require_k));
    doc.lines.erase(doc.lines.begin() + static_cast<std::ptrdiff_t>(a->line - 1));
    return reparse(doc);
}

core::Status set_max_age(core::TrustnetDocument& doc, std::optional<std::string_view> duration) {
    const auto existing = find_directive(doc, "max-age");
    if (!duration) {
        if (!existing) return {};
        doc.lines.erase(doc.lines.begin() + static_cast<std::ptrdiff_t>(*existing));
        return reparse(doc);
    }
    if (!core::parse_max_age(*duration))
        return core::fail(core::Errc::usage,
                          fmt::format("\"{}\" is not a max-age (a positive integer and a unit s, m, h or d, "
                                      "e.g. 48h, at most 3650d; or none)",
                                      *duration));
    auto line = fmt::format("max-age {}", *duration);
    if (existing) {
        doc.lines[*existing] = std::move(line);
    } else {
        auto after = find_directive(doc, "require");
        if (!after) after = find_directive(doc, "network");
        const auto at = after ? *after + 1 : doc.lines.size();
        doc.lines.insert(doc.lines.begin() + static_cast<std::ptrdiff_t>(at), std::move(line));
    }
    return reparse(doc);
}

[[nodiscard]] core::Status save_trustnet(const std::filesystem::path& path, const core::TrustnetDocument& doc,
                                         const std::function<void()>& before_rename) {
    mode_t mode = 0644;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
    auto text = core::render(doc);
    return core::write_file_atomically(path, core::as_bytes(text), mode, before_rename);
}

}  // namespace utxo::trustnet
