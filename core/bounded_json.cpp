// parse_bounded_json: nlohmann's SAX interface counts depth and values without building anything
// (https://json.nlohmann.me/features/parsing/sax_interface/), then the DOM is built from text
// known to be small in shape.
#include "core/bounded_json.h"

#include <fmt/format.h>

#include <string>

namespace utxo::core {

namespace {

using json = nlohmann::json;

// Refuses (returns false, which stops the parser) at the first value past a bound.
class ShapeCheck final : public nlohmann::json_sax<json> {
public:
    explicit ShapeCheck(const JsonBounds& bounds) : bounds_(bounds) {}
    std::string problem;

    bool null() override { return count(); }
    bool boolean(bool) override { return count(); }
    bool number_integer(number_integer_t) override { return count(); }
    bool number_unsigned(number_unsigned_t) override { return count(); }
    bool number_float(number_float_t, const string_t&) override { return count(); }
    bool string(string_t&) override { return count(); }
    bool binary(binary_t&) override { return count(); }
    bool start_object(std::size_t) override { return open(); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool key(string_t&) override { return count(); }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
        if (problem.empty()) problem = fmt::format("not JSON (a syntax error at byte {})", position);
        return false;
    }

private:
    bool count() {
        if (++values_ <= bounds_.max_values) return true;
        problem = fmt::format("more than {} values", bounds_.max_values);
        return false;
    }
    bool open() {
        if (++depth_ > bounds_.max_depth) {
            problem = fmt::format("nested deeper than {} levels", bounds_.max_depth);
            return false;
        }
        return count();
    }
    bool close() {
        --depth_;
        return true;
    }

    const JsonBounds& bounds_;
    std::size_t depth_ = 0;
    std::size_t values_ = 0;
};

}  // namespace

Status check_json_shape(std::string_view text, const JsonBounds& bounds) {
    ShapeCheck check(bounds);
    if (json::sax_parse(text, &check)) return {};
    if (check.problem.empty()) check.problem = "not JSON";
    return fail(Errc::invalid, std::move(check.problem));
}

Result<json> parse_bounded_json(std::string_view text, const JsonBounds& bounds) {
    UTXO_TRY(check_json_shape(text, bounds));
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return fail(Errc::invalid, "not JSON");
    return doc;
}

}  // namespace utxo::core
