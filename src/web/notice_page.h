#pragma once

/// The subscriber notice page (issue 11 item 6): what an ISP's subscriber sees at
/// `/notice/<token>`, in Japanese or English, in plain language: what was seen from their Internet
/// address, when, which malware family, and what to do about it. Server-rendered HTML with one
/// inline style (allowed by its hash in the Content-Security-Policy), no script, no external
/// resource. The page is built from a NoticeView, which holds only the host's own facts: no
/// evidence details, no sensor, no other address can reach it.

#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "store/infected_host_record.h"

namespace kansoku::web {

enum class NoticeLanguage { En, Ja };

/// "en" or "ja".
std::string_view languageCode(NoticeLanguage language);
/// "ja" / "en" (any case) -> the language; nothing otherwise.
std::optional<NoticeLanguage> parseNoticeLanguage(std::string_view code);
/// The reader's choice from an Accept-Language header (RFC 9110 section 12.5.4): of "ja..." and
/// "en..." ranges, the one with the higher weight (the earlier on a tie); nothing when neither is
/// acceptable.
std::optional<NoticeLanguage> acceptedLanguage(std::string_view accept_language);

/// What kinds of activity the evidence shows, in words a subscriber understands.
struct NoticeActivity {
    bool scanning = false; ///< darknet probes
    bool login = false;    ///< honeypot logins, sessions, commands
    bool download = false; ///< tried to make a honeypot fetch malware
    bool exploit = false;  ///< exploit requests to the HTTP honeypot
    bool attack = false;   ///< part of an attack (reflection, flood)
};

/// Everything the page may show.
struct NoticeView {
    std::string ip;
    std::string family; ///< as recorded: hostile text, escaped when rendered
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    Timestamp expires = 0; ///< when the link stops working
    NoticeActivity activity;
};

/// The view of one host: its address, family, times and the kinds of its evidence (types only).
NoticeView noticeView(const store::InfectedHostRecord& host);

/// The page (UTF-8 HTML5) for `view` in `language`.
std::string renderNoticePage(const NoticeView& view, NoticeLanguage language);
/// The page for a link that is unknown, malformed or expired: the same for all three.
std::string renderInvalidNoticePage(NoticeLanguage language);

/// The Content-Security-Policy of both pages: nothing but their own inline style (by its SHA-256).
const std::string& noticeContentSecurityPolicy();

/// `text` with & < > " ' replaced by character references (HTML5 section 13.1.4).
std::string escapeHtml(std::string_view text);

} // namespace kansoku::web
