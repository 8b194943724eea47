#include "web/query_params.h"

#include <algorithm>

#include "common/hex.h"
#include "common/printable.h"

namespace kansoku::web {
namespace {

constexpr size_t kShown = 40; // of a bad parameter, in an error message

Result<std::string> decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] != '%') {
            out.push_back(text[i]);
        } else if (i + 2 < text.size() && hexDigitValue(text[i + 1]) >= 0 && hexDigitValue(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hexDigitValue(text[i + 1]) * 16 + hexDigitValue(text[i + 2])));
            i += 2;
        } else {
            return fail("bad percent-escape in the query: '{}'", escapeNonPrintable(text, kShown));
        }
    }
    return out;
}

} // namespace

Result<QueryParams> parseQueryParams(std::string_view query, std::initializer_list<std::string_view> allowed) {
    QueryParams params;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        auto name = decode(pair.substr(0, eq));
        KANSOKU_TRY(name);
        auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        KANSOKU_TRY(value);
        if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
            return fail("unknown query parameter '{}'", escapeNonPrintable(*name, kShown));
        }
        if (!params.emplace(std::move(*name), std::move(*value)).second) {
            return fail("query parameter '{}' given twice", escapeNonPrintable(pair.substr(0, eq), kShown));
        }
    }
    return params;
}

} // namespace kansoku::web
