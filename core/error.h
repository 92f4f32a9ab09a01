// Errors as values: every fallible core function returns Result<T>.
#pragma once
#include <expected>
#include <string>
#include <utility>

namespace utxo::core {

enum class Errc {
    truncated,      // input ended early
    non_canonical,  // an encoding Core would not write (e.g. CompactSize fd 00 01)
    too_large,      // a size or number beyond what the format allows
    invalid,        // structurally wrong data (bad magic, bad version, bad checksum, ...)
    mismatch,       // data that contradicts what it must match (hash, count, network, ...)
    not_found,      // a coin, key or file that should exist does not
    io,             // the operating system refused (open, read, write, rename, LMDB)
    usage,          // the caller asked for something impossible
    // A negative verdict, not trouble: a refusal to sign, a bad or missing signature, a release the
    // agreement rule refuses, a conflict, data that contradicts what was signed, a trustnet with
    // problems. Only the commands decide that an error is a verdict; each main maps it to exit 1
    // and every other code to exit 2.
    rejected,
    // An answer that is valid but older than the policy allows: the freeze alarm (a trustnet's
    // max-age, docs/trustnet.md). The verifier maps it to exit 3.
    stale,
};

struct Error {
    Errc code;
    std::string message;  // one sentence, ready to print after the file or peer name
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(Errc code, std::string message) {
    return std::unexpected(Error{code, std::move(message)});
}

}  // namespace utxo::core

// The one way a failure is passed up. Both work in any function that returns a Result or Status.
//
//   UTXO_TRY(batch.commit());                        // returns the error, if any
//   UTXO_TRY_ASSIGN(auto store, UtxoStore::open(p)); // declares `store` from the value, or returns
#define UTXO_TRY(...)                                                        \
    do {                                                                     \
        if (auto&& utxo_try_result_ = (__VA_ARGS__); !utxo_try_result_)      \
            return ::std::unexpected(::std::move(utxo_try_result_.error())); \
    } while (false)

#define UTXO_TRY_ASSIGN(declaration, ...) \
    UTXO_TRY_ASSIGN_IMPL_(UTXO_TRY_CONCAT_(utxo_try_value_, __COUNTER__), declaration, __VA_ARGS__)

#define UTXO_TRY_CONCAT_INNER_(a, b) a##b
#define UTXO_TRY_CONCAT_(a, b) UTXO_TRY_CONCAT_INNER_(a, b)
#define UTXO_TRY_ASSIGN_IMPL_(tmp, declaration, ...)              \
    auto tmp = (__VA_ARGS__);                                     \
    if (!tmp) return ::std::unexpected(::std::move(tmp.error())); \
    declaration = ::std::move(*tmp)
