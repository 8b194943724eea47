#pragma once

/// Expected failures as values: `Result<T>` holds a T or an Error with a one-line reason.
/// Exceptions are kept for start-up, config and CLI (STYLE.md "Errors").

#include <string>
#include <utility>

#include <fmt/format.h>

#include <tl/expected.hpp>

namespace kansoku {

/// A one-line, human-readable reason. It names the thing that failed ("db var/x.db: ...").
struct Error {
    std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

/// Shorthand to build a failed Result: `return fail("cannot open {}: {}", path, why);`
template <typename... Args>
tl::unexpected<Error> fail(fmt::format_string<Args...> format, Args&&... args) {
    return tl::unexpected<Error>(Error{fmt::format(format, std::forward<Args>(args)...)});
}

inline tl::unexpected<Error> fail(Error error) {
    return tl::unexpected<Error>(std::move(error));
}

} // namespace kansoku

/// Evaluates a Result-returning expression; on failure returns its error from the enclosing function.
#define KANSOKU_TRY(expr)                                                                                              \
    do {                                                                                                               \
        auto&& kansoku_try_result_ = (expr);                                                                           \
        if (!kansoku_try_result_) {                                                                                    \
            return ::tl::unexpected<::kansoku::Error>(std::move(kansoku_try_result_).error());                         \
        }                                                                                                              \
    } while (false)
