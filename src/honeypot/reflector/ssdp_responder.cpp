// SSDP discovery (UPnP Device Architecture 1.1, section 1.3.2): answers an M-SEARCH as a home router
// running MiniUPnPd would, with one response for the search target.

#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "honeypot/reflector/responder.h"
#include "honeypot/reflector/wire.h"

namespace kansoku::honeypot::reflector {

namespace {

using namespace detail;

constexpr size_t kMaxRequestBytes = 2048;
constexpr size_t kMaxTargetBytes = 128;
constexpr std::string_view kUuid = "uuid:5c1a2b3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

bool iequalsPrefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

bool printable(std::string_view s) {
    for (const char c : s) {
        if (c < 0x21 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

std::string httpDate(Timestamp now) {
    static constexpr std::string_view kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    // RFC 3339 from the shared formatter, reshaped to the IMF-fixdate of RFC 7231.
    const std::string iso = formatRfc3339(now < 0 ? 0 : now); // 2024-05-01T12:00:00.000000Z
    const int64_t days = (now < 0 ? 0 : now) / (86400 * kMicrosPerSecond);
    const int month = (iso[5] - '0') * 10 + (iso[6] - '0');
    return fmt::format("{}, {} {} {} {} GMT", kDays[days % 7], iso.substr(8, 2), kMonths[(month + 11) % 12],
                       iso.substr(0, 4), iso.substr(11, 8));
}

} // namespace

Response respondSsdp(std::span<const uint8_t> request, const ReplyContext& ctx) {
    std::string_view text = asText(request.first(std::min(request.size(), kMaxRequestBytes)));
    if (!iequalsPrefix(text, "M-SEARCH * HTTP/1.1\r\n")) {
        // NOTIFY announcements from other devices are normal multicast chatter: ignore quietly.
        return {std::nullopt, !iequalsPrefix(text, "NOTIFY ")};
    }
    text.remove_prefix(21);
    std::string_view target;
    bool discover = false;
    bool ended = false;
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        if (eol == std::string_view::npos) {
            break;
        }
        const std::string_view line = trim(text.substr(0, eol));
        text.remove_prefix(eol + 1);
        if (line.empty()) {
            ended = true;
            break;
        }
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            return {std::nullopt, true};
        }
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequalsPrefix(name, "ST") && name.size() == 2) {
            target = value;
        } else if (iequalsPrefix(name, "MAN") && name.size() == 3) {
            discover = value == "\"ssdp:discover\"";
        }
    }
    if (!ended || !discover || target.empty() || target.size() > kMaxTargetBytes || !printable(target)) {
        return {std::nullopt, true};
    }
    if (target == "ssdp:all") {
        target = "upnp:rootdevice";
    }
    const std::string usn = target.starts_with("uuid:") ? std::string(target) : fmt::format("{}::{}", kUuid, target);
    const std::string reply = fmt::format("HTTP/1.1 200 OK\r\n"
                                          "CACHE-CONTROL: max-age=120\r\n"
                                          "DATE: {}\r\n"
                                          "ST: {}\r\n"
                                          "USN: {}\r\n"
                                          "EXT:\r\n"
                                          "SERVER: Linux/3.14.0 UPnP/1.0 MiniUPnPd/2.0\r\n"
                                          "LOCATION: http://192.168.1.1:{}/rootDesc.xml\r\n"
                                          "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
                                          "01-NLS: 1\r\n"
                                          "BOOTID.UPNP.ORG: 1\r\n"
                                          "CONFIGID.UPNP.ORG: 1337\r\n"
                                          "\r\n",
                                          httpDate(ctx.now), target, usn, ctx.local_port != 0 ? ctx.local_port : 5000);
    if (reply.size() > ctx.cap) {
        return {};
    }
    return {std::vector<uint8_t>(reply.begin(), reply.end()), false};
}

} // namespace kansoku::honeypot::reflector
