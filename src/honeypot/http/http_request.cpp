#include "honeypot/http/http_request.h"

namespace kansoku::honeypot::http {

namespace {
constexpr size_t kMaxReasonBytes = 256;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
} // namespace

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

const HttpHeader* HttpRequestRecord::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (equalsNoCase(h.name, name)) {
            return &h;
        }
    }
    return nullptr;
}

void HttpRequestRecord::addReason(std::string_view code) {
    malformed = true;
    size_t pos = 0;
    while (pos < reason.size()) {
        size_t end = reason.find("; ", pos);
        if (end == std::string::npos) {
            end = reason.size();
        }
        if (std::string_view(reason).substr(pos, end - pos) == code) {
            return;
        }
        pos = end + 2;
    }
    if (reason.size() + code.size() + 2 > kMaxReasonBytes) {
        return;
    }
    if (!reason.empty()) {
        reason += "; ";
    }
    reason += code;
}

} // namespace kansoku::honeypot::http
