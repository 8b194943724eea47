#include "web/notice_page.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <utility>

#include <fmt/format.h>
#include <openssl/sha.h>

#include "common/attacker_text.h"

namespace kansoku::web {
namespace {

/// The words of the page in one language. Written for a reader who is not technical; every
/// instruction is something a subscriber can do without help.
struct NoticeText {
    std::string_view html_lang;
    std::string_view title;
    std::string_view lead;
    std::string_view what_heading;
    std::string_view address_label;
    std::string_view family_label;
    std::string_view family_unknown;
    std::string_view first_seen_label;
    std::string_view last_seen_label;
    std::string_view activity_intro;
    std::string_view scanning;
    std::string_view login;
    std::string_view download;
    std::string_view exploit;
    std::string_view attack;
    std::string_view generic;
    std::string_view shared_address;
    std::string_view todo_heading;
    std::array<std::string_view, 6> steps;
    std::string_view about_heading;
    std::string_view no_requests;
    std::string_view privacy;
    std::string_view valid_until; ///< "{}": the expiry
    std::string_view contact;
    std::string_view invalid_title;
    std::string_view invalid_body;
    std::string_view switch_label; ///< the link to the other language, in that language
};

constexpr NoticeText kEnglish{
    "en",
    "Security notice: a device on your Internet connection may be infected with malware",
    "Your Internet service provider sent you this page. Our observation systems saw traffic from the Internet "
    "address below that is typical of a device infected with malware (a harmful program). Any device that uses this "
    "connection may be the one: a router, network camera, video recorder, network storage (NAS), smart TV, computer "
    "or phone.",
    "What we saw",
    "Your Internet (IP) address",
    "Malware family",
    "not identified",
    "First seen",
    "Last seen",
    "A device using this address:",
    "sent probes to large numbers of unused Internet addresses. This is how malware looks for more devices to "
    "infect.",
    "tried to log in to our observation systems with guessed user names and passwords.",
    "tried to make our observation systems download and run a harmful program.",
    "sent requests that try to break in through known security holes in web servers and devices.",
    "took part in attack traffic aimed at others.",
    "behaved the way devices infected with malware behave.",
    "Addresses are sometimes passed from one subscriber to another. If you are not sure this concerns you, ask your "
    "provider.",
    "What to do",
    {
        "<strong>Change default passwords.</strong> Give every device (the router, cameras and recorders above all) "
        "and every account a strong password that you use nowhere else. Many infections start with a factory "
        "password such as \u201cadmin\u201d.",
        "<strong>Update.</strong> Install the latest firmware on your router and other devices, and keep the "
        "operating system, apps and security software of computers and phones up to date. Run a full scan with "
        "up-to-date security software.",
        "<strong>Restart, and reset if needed.</strong> Restarting removes much device malware from memory, but it "
        "returns quickly while the password stays the same, so change the password right after the restart. If a "
        "device still behaves oddly, reset it to factory settings and set it up again with a new password. Replace "
        "devices that no longer receive updates.",
        "<strong>Keep backups</strong> of important data on a separate device or service, so that nothing is lost if "
        "a device has to be reset.",
        "<strong>Do not open links or attachments</strong> in unexpected e-mails or messages, and install apps only "
        "from official stores.",
        "<strong>Do not publish personal details</strong> (address, phone number, passwords, account numbers) on "
        "websites or social media, and do not give them to people who contact you unexpectedly.",
    },
    "About this notice",
    "This page never asks for passwords, payment or personal details, and it offers nothing to download. Anyone who "
    "asks you for these in the name of this notice is a fraudster.",
    "We, the observers, do not know who you are: only your provider knows which subscriber used this address.",
    "This link works until {}.",
    "If you have questions, please contact your Internet service provider.",
    "This link is invalid or has expired",
    "The notice link you opened does not exist or is no longer valid: notice links work only for a limited time. If "
    "your Internet service provider sent it to you, ask them for a new one.",
    "English",
};

constexpr NoticeText kJapanese{
    "ja",
    "セキュリティに関するお知らせ：お使いのインターネット回線に、マルウェアに感染したおそれのある機器があります",
    "このページは、ご契約中のインターネットサービスプロバイダ（ISP）からお送りしたものです。私たちの観測システムは、下"
    "記のIPアドレス（インターネット上の住所）から、マルウェア（悪意のあるプログラム）に感染した機器に特有の通信を観測"
    "しました。この回線を使っている機器、たとえばルーター、ネットワークカメラ、録画機、ネットワークストレージ（NAS）"
    "、スマートテレビ、パソコン、スマートフォンのいずれかが感染している可能性があります。",
    "観測した内容",
    "お使いのIPアドレス",
    "マルウェアの種類",
    "特定できていません",
    "最初に観測した日時",
    "最後に観測した日時",
    "このアドレスを使う機器が、次のことを行っていました。",
    "使われていない多数のインターネット上のアドレスに向けて、接続先を探す通信を送っていました。マルウェアが次に感染さ"
    "せる機器を探すときの動きです。",
    "私たちの観測システムに、推測したユーザー名とパスワードでログインしようとしていました。",
    "私たちの観測システムに、悪意のあるプログラムをダウンロードさせ、実行させようとしていました。",
    "ウェブサーバーや機器の既知の弱点（脆弱性）を突いて侵入しようとする通信を送っていました。",
    "他者を狙った攻撃の通信に加わっていました。",
    "マルウェアに感染した機器に見られる通信を行っていました。",
    "IPアドレスは契約者の間で割り当てが変わることがあります。ご自身に関係があるか分からない場合は、プロバイダにお問"
    "い合わせください。",
    "対策",
    {
        "<strong>初期設定のパスワードを変更してください。</strong>ルーター、カメラ、録画機などの機器と各種アカウント"
        "に、ほかでは使っていない推測されにくいパスワードを設定してください。感染の多くは「admin」などの初期パスワード"
        "のままの機器から始まります。",
        "<strong>ソフトウェアを最新にしてください。</strong>ルーターなどの機器のファームウェアを最新版に更新し、パソ"
        "コンやスマートフォンのOS、アプリ、セキュリティソフトも最新の状態にしてください。最新のセキュリティソフトで全"
        "体を検査してください。",
        "<strong>機器を再起動し、必要なら初期化してください。</strong>再起動すると多くの機器向けマルウェアはメモリか"
        "ら消えますが、パスワードが同じままだとすぐに再感染します。再起動したらすぐにパスワードを変更してください。そ"
        "れでも様子がおかしい場合は工場出荷時の状態に初期化し、新しいパスワードで設定し直してください。更新が提供され"
        "なくなった機器は買い替えをご検討ください。",
        "<strong>大切なデータはバックアップしてください。</strong>別の機器やサービスに保存しておけば、初期化が必要に"
        "なっても失われません。",
        "<strong>心当たりのないメールやメッセージのリンクや添付ファイルは開かないでください。</strong>アプリは公式の"
        "ストアから入手してください。",
        "<strong>個人情報を公開しないでください。</strong>住所、電話番号、パスワード、口座番号などを、ウェブサイトや"
        "SNSに載せたり、突然連絡してきた相手に伝えたりしないでください。",
    },
    "このお知らせについて",
    "このページがパスワード、支払い、個人情報を求めることはなく、ダウンロードさせるものもありません。このお知らせを"
    "名乗ってそれらを求められた場合は詐欺です。",
    "観測を行った私たちは、あなたがどなたかを知りません。このアドレスをどの契約者が使っていたかを知っているのはプ"
    "ロバイダだけです。",
    "このリンクは{}まで有効です。",
    "ご不明な点は、ご契約のプロバイダにお問い合わせください。",
    "このリンクは無効か、有効期限が切れています",
    "開いたお知らせのリンクは存在しないか、有効期限が切れています。お知らせのリンクは一定期間だけ有効です。プロバイ"
    "ダから受け取った場合は、新しいリンクをお問い合わせください。",
    "日本語",
};

const NoticeText& text(NoticeLanguage language) {
    return language == NoticeLanguage::Ja ? kJapanese : kEnglish;
}

/// A few well-known families, described for a subscriber. Matched by a lowercase substring of the
/// recorded family ("Mirai.B", "mirai_variant").
struct FamilyText {
    std::string_view key;
    std::string_view en;
    std::string_view ja;
};

constexpr std::array<FamilyText, 4> kFamilies{{
    {"mirai",
     "Mirai and the many programs built from it take over routers, cameras, recorders and other connected devices, "
     "usually by logging in with factory passwords, and use them to attack others.",
     "Miraiとその派生プログラムは、主に初期設定のパスワードでログインしてルーター、カメラ、録画機などのネットワーク"
     "機器を乗っ取り、他者への攻撃に利用します。"},
    {"gafgyt",
     "Gafgyt (also called Bashlite) takes over Linux-based devices such as routers and cameras through weak passwords "
     "and security holes, and uses them for attacks.",
     "Gafgyt（Bashliteとも呼ばれます）は、弱いパスワードや脆弱性を突いてルーターやカメラなどLinuxを使う機器を乗っ取"
     "り、攻撃に利用します。"},
    {"bashlite",
     "Bashlite (also called Gafgyt) takes over Linux-based devices such as routers and cameras through weak passwords "
     "and security holes, and uses them for attacks.",
     "Bashlite（Gafgytとも呼ばれます）は、弱いパスワードや脆弱性を突いてルーターやカメラなどLinuxを使う機器を乗っ取"
     "り、攻撃に利用します。"},
    {"mozi",
     "Mozi spreads among routers and video recorders through weak passwords and known security holes, and links the "
     "infected devices to each other into a network controlled by the attackers (a botnet).",
     "Moziは、弱いパスワードや既知の脆弱性を突いてルーターや録画機の間で広がり、感染した機器どうしをつないで攻撃者が"
     "操るネットワーク（ボットネット）を作ります。"},
}};

std::string_view familyDescription(std::string_view family, NoticeLanguage language) {
    std::string lower(family.substr(0, 256));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& known : kFamilies) {
        if (lower.find(known.key) != std::string::npos) {
            return language == NoticeLanguage::Ja ? known.ja : known.en;
        }
    }
    return {};
}

/// A time for the reader: English in UTC ("7 December 2026, 10:30 UTC"), Japanese in JST (UTC+9,
/// no daylight saving: "2026年12月7日 19時30分（日本時間）").
std::string readableTime(Timestamp ts, NoticeLanguage language) {
    static constexpr std::array<std::string_view, 12> kMonths = {"January",   "February", "March",    "April",
                                                                 "May",       "June",     "July",     "August",
                                                                 "September", "October",  "November", "December"};
    constexpr std::time_t kJstOffset = 9 * 3600;
    std::time_t seconds = static_cast<std::time_t>(ts / kMicrosPerSecond);
    if (language == NoticeLanguage::Ja) {
        seconds += kJstOffset;
    }
    std::tm t{};
    gmtime_r(&seconds, &t);
    if (language == NoticeLanguage::Ja) {
        return fmt::format("{}年{}月{}日 {}時{:02}分（日本時間）", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                           t.tm_min);
    }
    return fmt::format("{} {} {}, {:02}:{:02} UTC", t.tm_mday, kMonths[static_cast<std::size_t>(t.tm_mon)],
                       t.tm_year + 1900, t.tm_hour, t.tm_min);
}

constexpr std::string_view kStyle =
    "body{font-family:system-ui,'Noto Sans CJK JP','Noto Sans',sans-serif;line-height:1.7;color:#1b1b1b;"
    "background:#fff;margin:0 auto;max-width:46rem;padding:1rem 1.25rem 3rem}"
    "h1{font-size:1.45rem;line-height:1.4;border-left:.4rem solid #c0392b;padding-left:.75rem}"
    "h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:bold}dd{margin:0}"
    "ol li{margin-bottom:.6rem}.note{background:#fdf6e3;border:1px solid #e6d9a8;padding:.6rem .9rem}"
    "nav{text-align:right}a{color:#1a4f8b}";

std::string styleHash() {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(kStyle.data()), kStyle.size(), digest);
    return base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

/// The page's frame: language switch, title, body.
std::string page(NoticeLanguage language, std::string_view title, const std::string& body) {
    const NoticeText& t = text(language);
    const NoticeLanguage other = language == NoticeLanguage::Ja ? NoticeLanguage::En : NoticeLanguage::Ja;
    const NoticeText& o = text(other);
    return fmt::format("<!DOCTYPE html>\n<html lang=\"{0}\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>{1}</title>\n"
                       "<style>{2}</style>\n</head>\n<body>\n"
                       "<nav><a href=\"?lang={3}\" hreflang=\"{3}\" lang=\"{3}\">{4}</a></nav>\n"
                       "<h1>{1}</h1>\n{5}</body>\n</html>\n",
                       t.html_lang, title, kStyle, o.html_lang, o.switch_label, body);
}

} // namespace

std::string_view languageCode(NoticeLanguage language) {
    return text(language).html_lang;
}

std::optional<NoticeLanguage> parseNoticeLanguage(std::string_view code) {
    const auto equals = [code](std::string_view name) {
        return code.size() == name.size() && std::equal(code.begin(), code.end(), name.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == b;
               });
    };
    if (equals("ja")) {
        return NoticeLanguage::Ja;
    }
    if (equals("en")) {
        return NoticeLanguage::En;
    }
    return std::nullopt;
}

std::optional<NoticeLanguage> acceptedLanguage(std::string_view header) {
    // language-range [ ";" "q=" qvalue ] separated by commas (RFC 9110 sections 12.4.2, 12.5.4).
    std::optional<NoticeLanguage> best;
    double best_q = 0;
    header = header.substr(0, 1024);
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        double q = 1;
        if (const auto semi = item.find(';'); semi != std::string_view::npos) {
            std::string_view params = item.substr(semi + 1);
            item = item.substr(0, semi);
            const auto at = params.find("q=");
            if (at != std::string_view::npos) {
                const std::string value(params.substr(at + 2, 5));
                char* end = nullptr;
                q = std::strtod(value.c_str(), &end);
                if (end == value.c_str() || q < 0 || q > 1) {
                    q = 0;
                }
            }
        }
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
            item.remove_prefix(1);
        }
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
            item.remove_suffix(1);
        }
        const auto primary = parseNoticeLanguage(item.substr(0, item.find('-')));
        if (primary && q > best_q) {
            best = primary;
            best_q = q;
        }
    }
    return best;
}

NoticeView noticeView(const store::InfectedHostRecord& host) {
    NoticeView view;
    view.ip = host.ip.toString();
    view.family = host.family;
    view.first_seen = host.first_seen;
    view.last_seen = host.last_seen;
    view.expires = host.notice_expires.value_or(0);
    for (const auto& evidence : host.evidence) {
        const std::string_view type = evidence.type;
        NoticeActivity& a = view.activity;
        a.scanning = a.scanning || type == "darknet.scan";
        a.login = a.login || type == "honeypot.login" || type == "honeypot.session" || type == "honeypot.command";
        a.download = a.download || type == "honeypot.download";
        a.exploit = a.exploit || type == "honeypot.http_request";
        a.attack = a.attack || type == "ddos.attack";
    }
    return view;
}

std::string renderNoticePage(const NoticeView& view, NoticeLanguage language) {
    const NoticeText& t = text(language);
    const bool unknown_family = view.family.empty() || view.family == "unknown";
    std::string family =
        unknown_family ? std::string(t.family_unknown)
                       : fmt::format("<strong>{}</strong>", escapeHtml(toValidUtf8(utf8Prefix(view.family, 128))));
    if (const auto description = familyDescription(view.family, language); !description.empty()) {
        family += fmt::format("<br>{}", description);
    }
    std::string activity;
    const std::pair<bool, std::string_view> kinds[] = {{view.activity.scanning, t.scanning},
                                                       {view.activity.login, t.login},
                                                       {view.activity.download, t.download},
                                                       {view.activity.exploit, t.exploit},
                                                       {view.activity.attack, t.attack}};
    for (const auto& [seen, words] : kinds) {
        if (seen) {
            activity += fmt::format("<li>{}</li>\n", words);
        }
    }
    if (activity.empty()) {
        activity = fmt::format("<li>{}</li>\n", t.generic);
    }
    std::string steps;
    for (const auto step : t.steps) {
        steps += fmt::format("<li>{}</li>\n", step);
    }
    const std::string body = fmt::format(
        "<p>{lead}</p>\n<h2>{what}</h2>\n<dl>\n<dt>{address_label}</dt><dd>{address}</dd>\n"
        "<dt>{family_label}</dt><dd>{family}</dd>\n<dt>{first_label}</dt><dd>{first}</dd>\n"
        "<dt>{last_label}</dt><dd>{last}</dd>\n</dl>\n<p>{intro}</p>\n<ul>\n{activity}</ul>\n<p>{shared}</p>\n"
        "<h2>{todo}</h2>\n<ol>\n{steps}</ol>\n<h2>{about}</h2>\n<p class=\"note\">{no_requests}</p>\n"
        "<p>{privacy}</p>\n<p>{valid}</p>\n<p>{contact}</p>\n",
        fmt::arg("lead", t.lead), fmt::arg("what", t.what_heading), fmt::arg("address_label", t.address_label),
        fmt::arg("address", escapeHtml(view.ip)), fmt::arg("family_label", t.family_label), fmt::arg("family", family),
        fmt::arg("first_label", t.first_seen_label), fmt::arg("first", readableTime(view.first_seen, language)),
        fmt::arg("last_label", t.last_seen_label), fmt::arg("last", readableTime(view.last_seen, language)),
        fmt::arg("intro", t.activity_intro), fmt::arg("activity", activity), fmt::arg("shared", t.shared_address),
        fmt::arg("todo", t.todo_heading), fmt::arg("steps", steps), fmt::arg("about", t.about_heading),
        fmt::arg("no_requests", t.no_requests), fmt::arg("privacy", t.privacy),
        fmt::arg("valid", fmt::format(fmt::runtime(t.valid_until), readableTime(view.expires, language))),
        fmt::arg("contact", t.contact));
    return page(language, t.title, body);
}

std::string renderInvalidNoticePage(NoticeLanguage language) {
    const NoticeText& t = text(language);
    return page(language, t.invalid_title,
                fmt::format("<p>{}</p>\n<p class=\"note\">{}</p>\n", t.invalid_body, t.no_requests));
}

const std::string& noticeContentSecurityPolicy() {
    static const std::string policy = fmt::format(
        "default-src 'none'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        styleHash());
    return policy;
}

std::string escapeHtml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace kansoku::web
