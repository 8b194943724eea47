#pragma once

/// `$((...))`: POSIX shell arithmetic expansion (IEEE Std 1003.1, 2.6.4) as ash does it, on signed
/// 64-bit integers: decimal, 0x hex and 0 octal constants, variables by name (unset or not a number:
/// 0), unary + - ! ~, * / %, + -, << >>, < <= > >=, == !=, &, ^, |, &&, ||, ?:, parentheses.
/// Assignments (`x=1`, `x+=1`) are not evaluated. Bounded: nesting depth and length.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "honeypot/shell/command_parser.h"

namespace kansoku::honeypot::shell {

struct ArithmeticResult {
    std::optional<int64_t> value; ///< nullopt on an error
    std::string error;            ///< ash's wording: "arithmetic syntax error", "divide by zero"
};

ArithmeticResult evaluateArithmetic(std::string_view expression, const VariableLookup& lookup);

} // namespace kansoku::honeypot::shell
