#include "signer/manifest_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace utxo::signer {

namespace {
using nlohmann::json;

std::string shorten(const json& value) {
    if (value.is_null()) return "(absent)";
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (text.size() > 16) text = text.substr(0, 12) + "…";  // enough to tell hashes apart
    return text;
}

std::string describe(const std::string& path, const json& ours, const json& theirs) {
    return fmt::format("{}: ours {} theirs {}", path.empty() ? "(top level)" : path, shorten(ours),
                       shorten(theirs));
}

std::optional<std::string> diff(const std::string& path, const json& ours, const json& theirs);

std::optional<std::string> diff_objects(const std::string& path, const json& ours, const json& theirs) {
    auto a = ours.begin(), b = theirs.begin();  // nlohmann::json keeps object keys sorted
    while (a != ours.end() || b != theirs.end()) {
        std::string sub = path.empty() ? "" : path + ".";
        if (b == theirs.end() || (a != ours.end() && a.key() < b.key()))
            return describe(sub + a.key(), *a, json());
        if (a == ours.end() || b.key() < a.key()) return describe(sub + b.key(), json(), *b);
        if (auto d = diff(sub + a.key(), *a, *b)) return d;
        ++a, ++b;
    }
    return std::nullopt;
}

std::optional<std::string> diff_arrays(const std::string& path, const json& ours, const json& theirs) {
    std::size_t common = std::min(ours.size(), theirs.size());
    for (std::size_t i = 0; i < common; ++i)
        if (auto d = diff(fmt::format("{}[{}]", path, i), ours[i], theirs[i])) return d;
    if (ours.size() != theirs.size())
        return fmt::format("{}: ours has {} entries, theirs {}", path.empty() ? "(top level)" : path,
                           ours.size(), theirs.size());
    return std::nullopt;
}

std::optional<std::string> diff(const std::string& path, const json& ours, const json& theirs) {
    if (ours.type() != theirs.type()) return describe(path, ours, theirs);
    if (ours.is_object()) return diff_objects(path, ours, theirs);
    if (ours.is_array()) return diff_arrays(path, ours, theirs);
    if (ours != theirs) return describe(path, ours, theirs);
    return std::nullopt;
}

std::string byte_difference(std::string_view ours, std::string_view theirs) {
    auto mismatch = std::mismatch(ours.begin(), ours.end(), theirs.begin(), theirs.end());
    auto offset = static_cast<std::size_t>(mismatch.first - ours.begin());
    return fmt::format("byte {}: ours is {} bytes, theirs {} bytes", offset, ours.size(), theirs.size());
}
}  // namespace

std::optional<std::string> first_difference(std::string_view ours, std::string_view theirs) {
    if (ours == theirs) return std::nullopt;
    auto a = json::parse(ours, nullptr, false);
    auto b = json::parse(theirs, nullptr, false);
    if (a.is_discarded() || b.is_discarded()) return byte_difference(ours, theirs);
    if (auto d = diff("", a, b)) return d;
    return "same JSON values, different spelling at " + byte_difference(ours, theirs);
}

}  // namespace utxo::signer
