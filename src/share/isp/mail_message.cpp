#include "share/isp/mail_message.h"

#include <ctime>

#include <fmt/format.h>

#include "common/attacker_text.h"

namespace kansoku::share::isp {
namespace {

constexpr size_t kBase64Line = 76; // RFC 2045 section 6.8

std::string base64Lines(std::string_view bytes) {
    const std::string encoded = base64Encode(bytes);
    std::string out;
    for (size_t i = 0; i < encoded.size(); i += kBase64Line) {
        out += encoded.substr(i, kBase64Line);
        out += "\r\n";
    }
    return out;
}

/// A header value must not carry a line break (header injection) nor a non-ASCII byte.
std::string headerValue(std::string_view text) {
    std::string out;
    for (const char c : text) {
        out += (c == '\r' || c == '\n') ? ' ' : c;
    }
    return out;
}

bool isPrintableAscii(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
            return false;
        }
    }
    return true;
}

/// A boundary that the body cannot contain: base64 and our text never hold "=_kansoku_".
std::string boundary(const MailMessage& message) {
    return fmt::format("=_kansoku_{}_{}", message.date, message.attachments.size());
}

} // namespace

std::string encodeHeaderText(std::string_view text) {
    if (isPrintableAscii(text)) {
        return std::string(text);
    }
    // One encoded-word per chunk of whole characters, each at most 75 characters (RFC 2047 section 2).
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        const std::string_view chunk = utf8Prefix(text.substr(start), 39);
        const std::string_view piece = chunk.empty() ? text.substr(start, 1) : chunk;
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?" + base64Encode(piece) + "?=";
        start += piece.size();
    }
    return out;
}

std::string mailDate(Timestamp ts) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto seconds = static_cast<std::time_t>(ts / kMicrosPerSecond);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                       tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string composeMail(const MailMessage& message) {
    const std::string mark = boundary(message);
    std::string out;
    out += "From: " + headerValue(message.from) + "\r\n";
    out += "To: " + headerValue(message.to) + "\r\n";
    out += "Subject: " + encodeHeaderText(headerValue(message.subject)) + "\r\n";
    out += "Date: " + mailDate(message.date) + "\r\n";
    out += "Message-ID: <" + headerValue(message.message_id) + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/mixed; boundary=\"" + mark + "\"\r\n";
    out += "\r\n";
    out += "This is a MIME message.\r\n";
    out += "\r\n--" + mark + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    std::string text;
    for (const char c : message.text) {
        if (c == '\n') {
            text += '\r';
        }
        text += c;
    }
    out += base64Lines(text);
    for (const auto& attachment : message.attachments) {
        const std::string name = headerValue(attachment.filename);
        out += "\r\n--" + mark + "\r\n";
        out += "Content-Type: " + headerValue(attachment.content_type) + "; name=\"" + name + "\"\r\n";
        out += "Content-Transfer-Encoding: base64\r\n";
        out += "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n";
        out += base64Lines(attachment.content);
    }
    out += "\r\n--" + mark + "--\r\n";
    return out;
}

} // namespace kansoku::share::isp
