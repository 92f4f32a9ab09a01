// The seeder's request target and Range header come straight from a peer: split_target must
// never yield a segment that climbs out of a directory, and parse_range a range past the file.
// The first 8 bytes are the file size, the rest "target\nrange".
#include <cstring>

#include "fuzz_input.h"
#include "seeder/request_parts.h"

using namespace utxo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 8) return 0;
    std::uint64_t file_size = 0;
    std::memcpy(&file_size, data, 8);
    const auto rest = fuzz::text(data + 8, size - 8);
    const auto newline = rest.find('\n');
    const auto target = rest.substr(0, newline);
    const auto range = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    if (auto segments = seeder::split_target(target))
        for (const auto& s : *segments)
            fuzz::require(
                s != "." && s != ".." && s.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos,
                "a target segment never climbs or separates");
    if (auto r = seeder::parse_range(range, file_size))
        fuzz::require(r->length > 0 && r->first < file_size && r->length <= file_size - r->first,
                      "a range lies inside the file");
    for (std::string_view part : {"shards", "patches"})
        if (seeder::is_web_seed_file(part, target))
            fuzz::require(target.size() == 11 && target.find('/') == std::string_view::npos,
                          "a web-seed name is NNNNN.shard or NNNNN.patch");
    return 0;
}
