// manifest.json decoding. The signed bytes are the file bytes, so two files meaning the same
// release must not both be accepted: after checking every field's presence, type and form (for
// precise messages), the decoded manifest is encoded again and must equal the input byte for
// byte. That last step refuses whatever the field checks let through: spaces, key order,
// duplicate keys, escapes, a leading BOM.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "core/manifest.h"
#include "core/shard.h"

namespace utxo::core {

namespace {

using nlohmann::json;

Error not_canonical(std::string_view why) {
    return Error{Errc::non_canonical, fmt::format("manifest is not canonical ({})", why)};
}
Error invalid(std::string_view why) { return Error{Errc::invalid, fmt::format("manifest {}", why)}; }

// One JSON object of the manifest, with the name it is reported under ("full_set", "shards[3]").
class Obj {
public:
    Obj(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

    // Exactly these keys: a missing one is invalid, an extra one not canonical.
    [[nodiscard]] Status keys(std::initializer_list<const char*> names) const {
        if (!j_.is_object())
            return std::unexpected(invalid(where_.empty() ? "must be a JSON object"
                                                          : fmt::format("{} must be an object", where_)));
        for (const char* n : names) {
            if (!j_.contains(n)) return std::unexpected(invalid(fmt::format("is missing {}", path(n))));
        }
        for (const auto& [k, v] : j_.items()) {
            if (std::find_if(names.begin(), names.end(), [&](const char* n) { return k == n; }) ==
                names.end())
                return std::unexpected(not_canonical(fmt::format("unexpected key \"{}\" in {}", k,
                                                                 where_.empty() ? "the top level" : where_)));
        }
        return {};
    }

    [[nodiscard]] Result<std::uint64_t> uint(const char* key, std::uint64_t max = UINT64_MAX) const {
        const json& v = j_.at(key);
        if (v.is_number_float())
            return std::unexpected(not_canonical(fmt::format("{} is not an integer", path(key))));
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
            return std::unexpected(
                invalid(fmt::format("{} must be an integer from 0 to {}", path(key), max)));
        return v.get<std::uint64_t>();
    }

    [[nodiscard]] Result<std::int64_t> amount(const char* key) const {
        const json& v = j_.at(key);
        if (v.is_number_float())
            return std::unexpected(not_canonical(fmt::format("{} is not an integer", path(key))));
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX) ||
            !money_range(Amount{v.get<std::int64_t>()}))
            return std::unexpected(
                invalid(fmt::format("{} must be an amount in the money range", path(key))));
        return v.get<std::int64_t>();
    }

    [[nodiscard]] Result<std::string> str(const char* key) const {
        const json& v = j_.at(key);
        if (!v.is_string()) return std::unexpected(invalid(fmt::format("{} must be a string", path(key))));
        return v.get<std::string>();
    }

    // Exactly `digits` lowercase hex digits.
    [[nodiscard]] Result<std::string> hex(const char* key, std::size_t digits) const {
        auto s = str(key);
        if (!s) return s;
        bool is_hex = std::all_of(s->begin(), s->end(),
                                  [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        if (!is_hex || s->size() != digits)
            return std::unexpected(invalid(fmt::format("{} must be {} hex digits", path(key), digits)));
        if (std::any_of(s->begin(), s->end(), [](char c) { return c >= 'A' && c <= 'F'; }))
            return std::unexpected(not_canonical(fmt::format("{} has uppercase hex", path(key))));
        return s;
    }

    [[nodiscard]] Result<Height> height(const char* key) const {
        UTXO_TRY_ASSIGN(auto v, uint(key, UINT32_MAX));
        return *Height::from_u64(v);
    }

    template <class H>
    [[nodiscard]] Result<H> display_hash(const char* key) const {
        UTXO_TRY_ASSIGN(auto s, hex(key, 64));
        return *H::from_display_hex(s);
    }

    template <class D>
    [[nodiscard]] Result<D> digest(const char* key) const {
        UTXO_TRY_ASSIGN(auto s, hex(key, 2 * D::size));
        return *D::from_hex(s);
    }

    const json& operator[](const char* key) const { return j_.at(key); }
    std::string path(const char* key) const {
        return where_.empty() ? key : fmt::format("{}.{}", where_, key);
    }

private:
    const json& j_;
    std::string where_;
};

[[nodiscard]] Result<ShardEntry> shard_entry(const json& j, std::size_t i) {
    Obj o(j, fmt::format("shards[{}]", i));
    UTXO_TRY(o.keys({"bytes", "coins", "muhash", "sha256"}));
    ShardEntry s;
    UTXO_TRY_ASSIGN(s.bytes, o.uint("bytes"));
    UTXO_TRY_ASSIGN(s.coins, o.uint("coins"));
    UTXO_TRY_ASSIGN(s.muhash, o.display_hash<MuHashDigest>("muhash"));
    UTXO_TRY_ASSIGN(s.sha256, o.digest<Sha256Digest>("sha256"));
    return s;
}

[[nodiscard]] Result<FileEntry> file_entry(const json& j, std::size_t i) {
    Obj o(j, fmt::format("patches.files[{}]", i));
    UTXO_TRY(o.keys({"bytes", "sha256"}));
    FileEntry f;
    UTXO_TRY_ASSIGN(f.bytes, o.uint("bytes"));
    UTXO_TRY_ASSIGN(f.sha256, o.digest<Sha256Digest>("sha256"));
    return f;
}

[[nodiscard]] Status read_full_set(const Obj& top, Manifest& m) {
    Obj o(top["full_set"], "full_set");
    UTXO_TRY(o.keys({"coins", "hash_serialized_3", "muhash", "total_amount"}));
    UTXO_TRY_ASSIGN(m.coins, o.uint("coins"));
    UTXO_TRY_ASSIGN(m.hash_serialized_3, o.display_hash<AssumeutxoHash>("hash_serialized_3"));
    UTXO_TRY_ASSIGN(m.muhash, o.display_hash<MuHashDigest>("muhash"));
    UTXO_TRY_ASSIGN(m.total_amount.sat, o.amount("total_amount"));
    return {};
}

[[nodiscard]] Status read_shards(const Obj& top, Manifest& m) {
    const json& list = top["shards"];
    if (!list.is_array()) return std::unexpected(invalid("shards must be an array"));
    for (std::size_t i = 0; i < list.size(); ++i) {
        UTXO_TRY_ASSIGN(auto s, shard_entry(list[i], i));
        m.shards.push_back(std::move(s));
    }
    return {};
}

[[nodiscard]] Status read_patches(const Obj& top, Manifest& m) {
    if (top["patches"].is_null()) return {};
    Obj o(top["patches"], "patches");
    UTXO_TRY(o.keys({"files", "from_block_hash", "from_height"}));
    PatchSet p;
    const json& files = o["files"];
    if (!files.is_array()) return std::unexpected(invalid("patches.files must be an array"));
    for (std::size_t i = 0; i < files.size(); ++i) {
        UTXO_TRY_ASSIGN(auto f, file_entry(files[i], i));
        p.files.push_back(std::move(f));
    }
    UTXO_TRY_ASSIGN(p.from_block, o.display_hash<BlockHash>("from_block_hash"));
    UTXO_TRY_ASSIGN(p.from_height, o.height("from_height"));
    m.patches = std::move(p);
    return {};
}

[[nodiscard]] Status read_torrents(const Obj& top, Manifest& m) {
    Obj o(top["torrents"], "torrents");
    UTXO_TRY(o.keys({"patches", "shards"}));
    UTXO_TRY_ASSIGN(m.shards_infohash, o.digest<InfoHash>("shards"));
    if (!o["patches"].is_null()) {
        UTXO_TRY_ASSIGN(m.patches_infohash, o.digest<InfoHash>("patches"));
    }
    return {};
}

[[nodiscard]] Status read_top(const Obj& top, Manifest& m) {
    if (auto st = top.keys({"block_hash", "format", "full_set", "height", "network", "patches", "piece_size",
                            "shard_count", "shard_rule", "shards", "torrents"});
        !st)
        return st;
    UTXO_TRY_ASSIGN(m.block, top.display_hash<BlockHash>("block_hash"));
    UTXO_TRY_ASSIGN(m.format, top.uint("format", UINT32_MAX));
    UTXO_TRY_ASSIGN(m.height, top.height("height"));
    std::string name;
    UTXO_TRY_ASSIGN(name, top.str("network"));
    auto net = parse_network(name);
    if (!net) return std::unexpected(invalid(fmt::format("network \"{}\" is unknown", name)));
    m.network = *net;
    UTXO_TRY_ASSIGN(m.piece_size, top.uint("piece_size", UINT32_MAX));
    UTXO_TRY_ASSIGN(m.shard_count, top.uint("shard_count", UINT32_MAX));
    std::string rule;
    UTXO_TRY_ASSIGN(rule, top.str("shard_rule"));
    if (rule != kShardRule)
        return std::unexpected(
            invalid(fmt::format("shard_rule \"{}\" is unknown (only \"{}\")", rule, kShardRule)));
    UTXO_TRY(read_full_set(top, m));
    UTXO_TRY(read_shards(top, m));
    UTXO_TRY(read_patches(top, m));
    return read_torrents(top, m);
}

// What the fields mean together.
[[nodiscard]] Status check_consistency(const Manifest& m) {
    if (m.format != 1)
        return std::unexpected(invalid(fmt::format("format {} is not supported (only 1)", m.format)));
    if (!valid_shard_count(m.shard_count))
        return std::unexpected(invalid(fmt::format("shard_count {} is not a power of two", m.shard_count)));
    if (m.shards.size() != m.shard_count)
        return std::unexpected(
            invalid(fmt::format("has {} shards but shard_count {}", m.shards.size(), m.shard_count)));
    if (m.piece_size == 0) return std::unexpected(invalid("piece_size must not be 0"));
    std::uint64_t coins = 0;
    for (const auto& s : m.shards) {
        if (s.coins > UINT64_MAX - coins) return std::unexpected(invalid("shard coin counts overflow"));
        coins += s.coins;
    }
    if (coins != m.coins)
        return std::unexpected(
            invalid(fmt::format("shards hold {} coins but full_set.coins is {}", coins, m.coins)));
    if (m.patches.has_value() != m.patches_infohash.has_value())
        return std::unexpected(invalid("patches and torrents.patches must both be null or both be present"));
    if (m.patches && m.patches->files.size() != m.shard_count)
        return std::unexpected(invalid(
            fmt::format("has {} patch files but shard_count {}", m.patches->files.size(), m.shard_count)));
    if (m.patches && !(m.patches->from_height < m.height))
        return std::unexpected(invalid("patches.from_height must be below height"));
    return {};
}

}  // namespace

Result<Manifest> decode_manifest(std::string_view bytes) {
    if (bytes.empty() || bytes.back() != '\n') return std::unexpected(not_canonical("no trailing newline"));
    if (bytes.size() >= 2 && bytes[bytes.size() - 2] == '\n')
        return std::unexpected(not_canonical("more than one trailing newline"));
    json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded()) return std::unexpected(invalid("is not valid JSON"));
    Manifest m;
    UTXO_TRY(read_top(Obj(j, ""), m));
    UTXO_TRY(check_consistency(m));
    std::string again = encode_manifest(m);
    if (again != bytes) {
        auto diff = std::mismatch(again.begin(), again.end(), bytes.begin(), bytes.end());
        return std::unexpected(not_canonical(
            fmt::format("byte {} differs from the canonical encoding", diff.second - bytes.begin())));
    }
    return m;
}

}  // namespace utxo::core
