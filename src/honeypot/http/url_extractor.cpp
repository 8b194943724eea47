#include "honeypot/http/url_extractor.h"

#include <algorithm>
#include <array>

#include "honeypot/http/http_decode.h"

namespace kansoku::honeypot::http {

namespace {

bool isSegmentBreak(char c) {
    return c == ';' || c == '|' || c == '&' || c == '`' || c == '(' || c == ')' || c == '\n';
}
bool isWordBreak(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\'' || c == '"' || c == '<' || c == '>' || c == '{' ||
           c == '}' || c == '$';
}
/// Characters that end a URL found by its scheme.
bool endsUrl(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || isSegmentBreak(c) || c == '\'' || c == '"' || c == '<' || c == '>' ||
           c == '\\' || c == '{' || c == '}';
}

void add(std::vector<ExtractedUrl>& out, const UrlExtractionLimits& limits, std::string url, std::string_view tool) {
    if (url.empty() || url.size() > limits.max_url_bytes || out.size() >= limits.max_urls) {
        return;
    }
    for (const auto& e : out) {
        if (e.url == url) {
            return;
        }
    }
    out.push_back(ExtractedUrl{std::move(url), std::string(tool)});
}

/// host[:port][/path] with a dotted host name or address.
bool looksLikeHostPath(std::string_view arg) {
    std::string_view host = arg.substr(0, arg.find('/'));
    if (host.empty() || host.find('.') == std::string_view::npos || host.front() == '.' || host.front() == '-') {
        return false;
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
               c == ':';
    });
}

bool hasScheme(std::string_view arg) {
    std::string lower = toLowerAscii(arg.substr(0, 7));
    return lower.rfind("http://", 0) == 0 || lower.rfind("https:/", 0) == 0 || lower.rfind("ftp://", 0) == 0 ||
           lower.rfind("tftp://", 0) == 0;
}

std::string_view baseName(std::string_view word) {
    size_t slash = word.rfind('/');
    return slash == std::string_view::npos ? word : word.substr(slash + 1);
}

bool optionTakesValue(std::string_view tool, std::string_view option) {
    static constexpr std::array<std::string_view, 12> kWget{"-O", "-o", "-P",       "-U",           "-T", "-t",
                                                            "-e", "-Y", "--header", "--user-agent", "-l", "-r"};
    static constexpr std::array<std::string_view, 16> kCurl{
        "-o", "-H", "-A", "-X", "-d", "-e", "-u", "-x", "-m", "-b", "-c", "-F", "-T", "-w", "--output", "--user-agent"};
    if (tool == "wget") {
        return std::find(kWget.begin(), kWget.end(), option) != kWget.end();
    }
    if (tool == "curl") {
        return std::find(kCurl.begin(), kCurl.end(), option) != kCurl.end();
    }
    // tftp, ftpget
    return option == "-r" || option == "-l" || option == "-c" || option == "-u" || option == "-p" || option == "-P" ||
           option == "-m";
}

/// One command (words already split): a download tool's URL, if any.
void parseCommand(const std::vector<std::string_view>& all_words, const UrlExtractionLimits& limits,
                  std::vector<ExtractedUrl>& out) {
    size_t start = 0;
    while (start < all_words.size() && baseName(all_words[start]) != "wget" && baseName(all_words[start]) != "curl" &&
           baseName(all_words[start]) != "tftp" && baseName(all_words[start]) != "ftpget") {
        ++start;
    }
    if (start >= all_words.size()) {
        return;
    }
    std::string tool(baseName(all_words[start]));
    std::vector<std::string_view> positional;
    std::string_view remote;
    std::string_view port;
    bool tftp_style = tool == "tftp";
    bool c_get = false;
    for (size_t i = start + 1; i < all_words.size(); ++i) {
        std::string_view w = all_words[i];
        if (w.size() > 1 && w.front() == '-') {
            if (w == "-g") {
                tftp_style = true; // Mirai payloads give busybox wget tftp's options
            }
            if (optionTakesValue(tool, w) && i + 1 < all_words.size()) {
                std::string_view value = all_words[++i];
                if (w == "-r") {
                    remote = value;
                } else if (w == "-c" && (tool == "tftp") && value == "get" && i + 1 < all_words.size()) {
                    c_get = true;
                    remote = all_words[++i];
                } else if (w == "-P" && tool == "ftpget") {
                    port = value;
                }
            }
            continue;
        }
        positional.push_back(w);
    }
    if (tool == "tftp" || tftp_style) {
        if (positional.empty() || remote.empty()) {
            return;
        }
        std::string url = "tftp://" + std::string(positional[0]);
        if (!c_get && positional.size() > 1) {
            url += ":" + std::string(positional[1]);
        }
        url += remote.front() == '/' ? "" : "/";
        url += remote;
        add(out, limits, std::move(url), tool == "wget" ? "tftp" : tool);
        return;
    }
    if (tool == "ftpget") {
        if (positional.size() < 2) {
            return;
        }
        std::string_view remote_file = positional.size() >= 3 ? positional[2] : positional[1];
        std::string url = "ftp://" + std::string(positional[0]);
        if (!port.empty()) {
            url += ":" + std::string(port);
        }
        url += remote_file.front() == '/' ? "" : "/";
        url += remote_file;
        add(out, limits, std::move(url), tool);
        return;
    }
    for (std::string_view arg : positional) {
        if (hasScheme(arg)) {
            add(out, limits, std::string(arg), tool);
        } else if (looksLikeHostPath(arg)) {
            add(out, limits, "http://" + std::string(arg), tool);
        }
    }
}

} // namespace

void extractUrlsFromText(std::string_view text, const UrlExtractionLimits& limits, std::vector<ExtractedUrl>& out) {
    // Download commands first, so a URL they name carries the tool.
    size_t pos = 0;
    std::vector<std::string_view> words;
    while (pos < text.size() && out.size() < limits.max_urls) {
        size_t end = pos;
        while (end < text.size() && !isSegmentBreak(text[end])) {
            ++end;
        }
        std::string_view segment = text.substr(pos, end - pos);
        words.clear();
        size_t i = 0;
        while (i < segment.size() && words.size() < 64) {
            while (i < segment.size() && isWordBreak(segment[i])) {
                ++i;
            }
            size_t w = i;
            while (i < segment.size() && !isWordBreak(segment[i])) {
                ++i;
            }
            if (i > w) {
                words.push_back(segment.substr(w, i - w));
            }
        }
        parseCommand(words, limits, out);
        pos = end + 1;
    }
    // Every URL with a scheme.
    std::string lower = toLowerAscii(text);
    static constexpr std::array<std::string_view, 4> kSchemes{"http://", "https://", "tftp://", "ftp://"};
    for (size_t i = 0; i < lower.size() && out.size() < limits.max_urls;) {
        size_t found = std::string::npos;
        size_t scheme_len = 0;
        for (auto scheme : kSchemes) {
            size_t at = lower.find(scheme, i);
            if (at < found || (at == found && at != std::string::npos && scheme.size() > scheme_len)) {
                found = at;
                scheme_len = scheme.size();
            }
        }
        if (found == std::string::npos) {
            break;
        }
        // "tftp://" contains "ftp://": prefer the longer scheme starting earlier.
        size_t end = found + scheme_len;
        while (end < text.size() && !endsUrl(text[end])) {
            ++end;
        }
        if (end > found + scheme_len) {
            add(out, limits, std::string(text.substr(found, end - found)), "payload");
        }
        i = end;
    }
}

std::vector<ExtractedUrl> extractUrls(const HttpRequestRecord& request, const UrlExtractionLimits& limits) {
    std::vector<ExtractedUrl> out;
    extractUrlsFromText(decodeOnce(request.target, true), limits, out);
    for (const auto& h : request.headers) {
        extractUrlsFromText(decodeOnce(h.value, false), limits, out);
    }
    extractUrlsFromText(decodeOnce(request.body, true), limits, out);
    return out;
}

} // namespace kansoku::honeypot::http
