#pragma once

/// Backslash escapes as BusyBox's `echo -e` and `printf` interpret them. Loaders write binaries
/// with them (`echo -ne '\x7f\x45\x4c\x46' >> x`, or octal `\0177`), so every byte must come out
/// exactly.

#include <string>
#include <string_view>

namespace kansoku::honeypot::shell {

/// Appends `text` with echo -e escapes processed to `out`: \a \b \e \f \n \r \t \v \\, \0NNN (up to
/// three octal digits after the 0), \NNN (octal, first digit 1-7), \xHH (one or two hex digits).
/// Returns false when a \c stopped the output (echo then prints nothing more, not even a newline).
bool appendEchoEscapes(std::string_view text, std::string& out);

/// BusyBox printf for the simple cases loaders use: the format's escapes as for echo -e (but \NNN
/// octal without the leading 0 too), %s %b %d %c %% conversions; the format is reused while
/// arguments remain. The result is cut at `max_bytes`.
std::string formatPrintf(std::string_view format, const std::string* args, size_t arg_count, size_t max_bytes);

} // namespace kansoku::honeypot::shell
