// printable(): drop the bytes a terminal interprets (ECMA-48 C0 and C1 control functions).
#include "core/printable.h"

namespace utxo::core {

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) continue;
        // U+0080-U+009F (C1, e.g. CSI U+009B) in UTF-8 is C2 80 - C2 9F.
        if (c == 0xc2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9f) {
                ++i;
                continue;
            }
        }
        out.push_back(static_cast<char>(c));
    }
    return out;
}

}  // namespace utxo::core
