// Strings that came from the network or a file, made safe to print: a seeder's name for a network
// or a URL may carry ANSI escapes (ECMA-48) that would recolour, move or clear the user's terminal.
#pragma once
#include <string>
#include <string_view>

namespace utxo::core {

// `text` without C0 controls (0x00-0x1f), DEL (0x7f) and the C1 controls U+0080-U+009F in UTF-8
// (C2 80 - C2 9F), so "\x1b[31mregtest" prints as "[31mregtest". Everything else is kept as is.
std::string printable(std::string_view text);

}  // namespace utxo::core
