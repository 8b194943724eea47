#pragma once

/// A report mail as bytes on the wire: RFC 5322 headers, a MIME multipart/mixed body (RFC 2045,
/// RFC 2046) with a UTF-8 text part and base64 attachments, CRLF line ends, a Subject encoded per
/// RFC 2047 when it is not ASCII.

#include <string>
#include <vector>

#include "common/time.h"

namespace kansoku::share::isp {

struct MailAttachment {
    std::string filename; ///< ASCII (our report names are)
    std::string content_type;
    std::string content;
};

struct MailMessage {
    std::string from;
    std::string to;
    std::string subject; ///< UTF-8
    std::string text;    ///< UTF-8, lines separated by '\n'
    std::vector<MailAttachment> attachments;
    Timestamp date = 0;
    std::string message_id; ///< without the angle brackets
};

/// The message, ready for SMTP DATA.
std::string composeMail(const MailMessage& message);

/// RFC 2047 "encoded-word" (B encoding, UTF-8) of a header text when it is not printable ASCII.
std::string encodeHeaderText(std::string_view text);

/// RFC 5322 date-time: "Wed, 01 May 2024 12:00:00 +0000".
std::string mailDate(Timestamp ts);

} // namespace kansoku::share::isp
