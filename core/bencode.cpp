// Bencoding: the encoder and the bounded, canonical-only decoder (core/bencode.h).
#include "core/bencode.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace utxo::core::bencode {

Value::Value(Dict d) {
    std::sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    data = std::move(d);
}

const Value* Value::find(std::string_view key) const {
    const auto* d = dict();
    if (d == nullptr) return nullptr;
    for (const auto& [k, v] : *d)
        if (k == key) return &v;
    return nullptr;
}

namespace {

void encode_into(const Value& value, std::string& out) {
    if (const auto* i = value.integer()) {
        out += fmt::format("i{}e", *i);
    } else if (const auto* s = value.string()) {
        out += fmt::format("{}:", s->size());
        out += *s;
    } else if (const auto* l = value.list()) {
        out += 'l';
        for (const auto& item : *l) encode_into(item, out);
        out += 'e';
    } else {
        out += 'd';
        for (const auto& [key, item] : *value.dict()) {
            out += fmt::format("{}:", key.size());
            out += key;
            encode_into(item, out);
        }
        out += 'e';
    }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Decoder {
public:
    Decoder(std::string_view in, const Limits& limits) : in_(in), limits_(limits) {}

    Result<Value> whole() {
        if (in_.size() > limits_.max_bytes)
            return core::fail(Errc::too_large,
                              fmt::format("bencoded value of {} bytes, more than the {} allowed", in_.size(),
                                          limits_.max_bytes));
        UTXO_TRY_ASSIGN(auto value, next(0));
        if (pos_ != in_.size())
            return core::fail(
                Errc::non_canonical,
                fmt::format("{} bytes after the bencoded value at offset {}", in_.size() - pos_, pos_));
        return value;
    }

private:
    std::unexpected<Error> error(Errc code, std::string_view what) const {
        return core::fail(code, fmt::format("bencoding: {} at offset {}", what, pos_));
    }

    Result<Value> next(std::size_t depth) {
        if (pos_ >= in_.size()) return error(Errc::truncated, "input ends where a value should start");
        if (++values_ > limits_.max_values)
            return error(Errc::too_large, fmt::format("more than {} values", limits_.max_values));
        const char c = in_[pos_];
        if (c == 'i') return integer();
        if (is_digit(c)) {
            UTXO_TRY_ASSIGN(auto s, string());
            return Value(std::move(s));
        }
        if (c != 'l' && c != 'd')
            return error(Errc::invalid,
                         fmt::format("unexpected byte 0x{:02x}", static_cast<unsigned char>(c)));
        if (depth + 1 > limits_.max_depth)
            return error(Errc::too_large, fmt::format("nested deeper than {}", limits_.max_depth));
        ++pos_;
        if (c == 'l') {
            List list;
            while (!at_end_marker()) {
                UTXO_TRY_ASSIGN(auto item, next(depth + 1));
                list.push_back(std::move(item));
            }
            ++pos_;
            return Value(std::move(list));
        }
        Dict dict;
        while (!at_end_marker()) {
            if (pos_ < in_.size() && !is_digit(in_[pos_]))
                return error(Errc::invalid, "a dictionary key that is not a byte string");
            UTXO_TRY_ASSIGN(auto key, string());
            if (!dict.empty() && !(dict.back().first < key))
                return error(Errc::non_canonical, dict.back().first == key ? "a repeated dictionary key"
                                                                           : "dictionary keys out of order");
            UTXO_TRY_ASSIGN(auto item, next(depth + 1));
            dict.emplace_back(std::move(key), std::move(item));
        }
        ++pos_;
        Value out;
        out.data = std::move(dict);  // already sorted
        return out;
    }

    // True at an 'e' (not consumed); false before anything else, including the end of input,
    // which the next value then reports as truncated.
    bool at_end_marker() const { return pos_ < in_.size() && in_[pos_] == 'e'; }

    // The decimal digits at pos_, without sign: no leading zero unless the number is 0.
    Result<std::uint64_t> digits() {
        const std::size_t start = pos_;
        std::uint64_t n = 0;
        while (pos_ < in_.size() && is_digit(in_[pos_])) {
            const auto d = static_cast<std::uint64_t>(in_[pos_] - '0');
            if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
                return error(Errc::too_large, "a number beyond 64 bits");
            n = n * 10 + d;
            ++pos_;
        }
        if (pos_ == start) {
            if (pos_ >= in_.size()) return error(Errc::truncated, "input ends inside a number");
            return error(Errc::invalid, "a number without digits");
        }
        if (in_[start] == '0' && pos_ - start > 1) {
            pos_ = start;
            return error(Errc::non_canonical, "a number with a leading zero");
        }
        return n;
    }

    Status expect(char c, std::string_view what) {
        if (pos_ >= in_.size()) return error(Errc::truncated, fmt::format("input ends before {}", what));
        if (in_[pos_] != c) return error(Errc::invalid, fmt::format("expected {}", what));
        ++pos_;
        return {};
    }

    Result<Value> integer() {
        ++pos_;  // 'i'
        const bool negative = pos_ < in_.size() && in_[pos_] == '-';
        if (negative) ++pos_;
        const std::size_t start = pos_;
        UTXO_TRY_ASSIGN(auto magnitude, digits());
        if (negative && magnitude == 0) {
            pos_ = start;
            return error(Errc::non_canonical, "the integer -0");
        }
        const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        if (magnitude > max + (negative ? 1 : 0)) return error(Errc::too_large, "an integer beyond int64");
        UTXO_TRY(expect('e', "'e' ending an integer"));
        if (!negative) return Value(static_cast<std::int64_t>(magnitude));
        if (magnitude == max + 1) return Value(std::numeric_limits<std::int64_t>::min());
        return Value(-static_cast<std::int64_t>(magnitude));
    }

    Result<std::string> string() {
        UTXO_TRY_ASSIGN(auto length, digits());
        UTXO_TRY(expect(':', "':' after a string length"));
        if (length > in_.size() - pos_)
            return error(Errc::truncated,
                         fmt::format("a string of {} bytes with {} left", length, in_.size() - pos_));
        std::string out(in_.substr(pos_, length));
        pos_ += length;
        return out;
    }

    std::string_view in_;
    const Limits& limits_;
    std::size_t pos_ = 0;
    std::size_t values_ = 0;
};

}  // namespace

std::string encode(const Value& value) {
    std::string out;
    encode_into(value, out);
    return out;
}

Result<Value> decode(std::string_view bytes, const Limits& limits) { return Decoder(bytes, limits).whole(); }

}  // namespace utxo::core::bencode
