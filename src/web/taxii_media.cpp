#include "web/taxii_media.h"

#include <cctype>
#include <string>

namespace kansoku::web {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string lower(std::string_view text) {
    std::string out;
    for (const char c : text) {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

/// One media type with parameters: application/taxii+json, a version parameter of 2.1 or none,
/// and when `accept_range`, no q=0.
bool isTaxii(std::string_view media, bool accept_range) {
    size_t semicolon = media.find(';');
    if (lower(trim(media.substr(0, semicolon))) != "application/taxii+json") {
        return false;
    }
    while (semicolon != std::string_view::npos) {
        media.remove_prefix(semicolon + 1);
        semicolon = media.find(';');
        const auto parameter = trim(media.substr(0, semicolon));
        const auto equals = parameter.find('=');
        if (equals == std::string_view::npos) {
            return false;
        }
        const auto name = lower(trim(parameter.substr(0, equals)));
        auto value = trim(parameter.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (name == "version" && value != "2.1") {
            return false;
        }
        if (accept_range && name == "q" && (value == "0" || value == "0.0" || value == "0.00" || value == "0.000")) {
            return false;
        }
    }
    return true;
}

} // namespace

bool acceptsTaxii(std::string_view accept) {
    while (!accept.empty()) {
        const size_t comma = accept.find(',');
        if (isTaxii(accept.substr(0, comma), true)) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        accept.remove_prefix(comma + 1);
    }
    return false;
}

bool isTaxiiContentType(std::string_view content_type) {
    return isTaxii(content_type, false);
}

} // namespace kansoku::web
