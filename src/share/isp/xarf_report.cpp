#include "share/isp/xarf_report.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <openssl/sha.h>

#include "common/attacker_text.h"
#include "common/time.h"

namespace kansoku::share::isp {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxDescription = 1000; // xarf-core.json: description maxLength
constexpr size_t kMaxTags = 20;          // xarf-core.json: tags maxItems

/// RFC 3339 UTC to the second ("2024-05-01T12:00:00Z"), as the X-ARF samples write it.
std::string xarfTime(Timestamp ts) {
    return formatRfc3339(ts).substr(0, 19) + "Z";
}

/// A tag predicate: lowercase letters, digits and _ + - . only (xarf-core.json tags pattern), not
/// starting with a punctuation character.
std::string tagValue(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        const bool alnum = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
        if (alnum || (!out.empty() && (lower == '_' || lower == '+' || lower == '-' || lower == '.'))) {
            out += lower;
        } else if (!out.empty()) {
            out += '-';
        }
    }
    return out.empty() ? "unknown" : out;
}

std::string toHex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += kDigits[b >> 4];
        out += kDigits[b & 0x0f];
    }
    return out;
}

std::string sha256Hex(std::string_view bytes) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
    return toHex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string description(const store::InfectedHostRecord& host) {
    std::string text;
    for (const auto& reason : host.reasons) {
        if (!text.empty()) {
            text += "; ";
        }
        text += reason;
    }
    if (text.empty()) {
        text = fmt::format("infected host ({})", host.family);
    }
    return std::string(utf8Prefix(toValidUtf8(text), kMaxDescription));
}

} // namespace

std::string uuidV4(std::array<uint8_t, 16> random) {
    random[6] = static_cast<uint8_t>((random[6] & 0x0f) | 0x40); // version 4
    random[8] = static_cast<uint8_t>((random[8] & 0x3f) | 0x80); // variant 10
    const std::string hex = toHex(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
    return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4), hex.substr(16, 4),
                       hex.substr(20));
}

std::string randomUuidV4() {
    std::random_device device;
    std::array<uint8_t, 16> bytes{};
    for (size_t i = 0; i < bytes.size(); i += 4) {
        const uint32_t word = device();
        for (size_t j = 0; j < 4; ++j) {
            bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
        }
    }
    return uuidV4(bytes);
}

Json xarfReport(const store::InfectedHostRecord& host, const ReportRow& row, const XarfReporter& reporter,
                const std::string& report_id) {
    const Json contact = {{"org", reporter.org}, {"contact", reporter.contact}, {"domain", reporter.domain}};
    Json report = {{"xarf_version", "4.0.0"},  {"report_id", report_id}, {"timestamp", xarfTime(host.last_seen)},
                   {"reporter", contact},      {"sender", contact},      {"source_identifier", row.ip},
                   {"category", "connection"}, {"type", "infected_host"}};
    // The honeypots talked to the host; darknet-only evidence is passive traffic analysis.
    report["evidence_source"] =
        row.evidence_type.find("honeypot") != std::string::npos ? "honeypot" : "traffic_analysis";
    report["protocol"] = row.protocol.empty() ? "tcp" : row.protocol; // required; the honeypots speak TCP
    if (row.port) {
        report["destination_port"] = *row.port;
    }
    report["bot_type"] = "malicious";
    report["bot_name"] = toValidUtf8(host.family);
    report["first_seen"] = xarfTime(host.first_seen);
    report["last_seen"] = xarfTime(host.last_seen);
    report["confidence"] = static_cast<double>(std::clamp(host.confidence, 0, 100)) / 100.0;
    report["description"] = description(host);

    Json tags = Json::array({"malware:" + tagValue(host.family)});
    size_t start = 0;
    while (start <= row.evidence_type.size() && tags.size() < kMaxTags) {
        const size_t end = std::min(row.evidence_type.find(';', start), row.evidence_type.size());
        if (end > start) {
            tags.push_back("evidence:" + tagValue(row.evidence_type.substr(start, end - start)));
        }
        start = end + 1;
    }
    report["tags"] = tags;

    if (!host.evidence.empty()) {
        Json refs = Json::array();
        for (const auto& e : host.evidence) {
            refs.push_back({{"type", e.type}, {"ts", formatRfc3339(e.ts)}, {"sensor", e.sensor}, {"ref", e.ref}});
        }
        const std::string payload = refs.dump(-1, ' ', false, Json::error_handler_t::replace);
        report["evidence"] = Json::array({{{"content_type", "application/json"},
                                           {"description", "kansoku evidence: the events that showed the infection"},
                                           {"payload", base64Encode(payload)},
                                           {"hash", "sha256:" + sha256Hex(payload)},
                                           {"size", payload.size()}}});
    }
    return report;
}

} // namespace kansoku::share::isp
