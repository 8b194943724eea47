#include "common/attacker_text.h"

#include <cstdint>

namespace kansoku {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

uint8_t byteAt(std::string_view text, size_t i) {
    return static_cast<uint8_t>(text[i]);
}

/// Length of the well-formed sequence at text[i] (Unicode 15 Table 3-7), or 0 when there is none;
/// then `*subpart` is the length of the maximal ill-formed subpart to replace by one U+FFFD.
size_t sequenceLength(std::string_view text, size_t i, size_t* subpart) {
    const uint8_t lead = byteAt(text, i);
    *subpart = 1;
    if (lead < 0x80) {
        return 1;
    }
    size_t len = 0;
    uint8_t second_min = 0x80;
    uint8_t second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        second_min = lead == 0xE0 ? 0xA0 : 0x80; // no overlong 3-byte forms
        second_max = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        second_min = lead == 0xF0 ? 0x90 : 0x80; // no overlong 4-byte forms
        second_max = lead == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    } else {
        return 0; // C0, C1, F5..FF and a continuation byte without a lead
    }
    for (size_t k = 1; k < len; ++k) {
        if (i + k >= text.size()) {
            return 0; // truncated: the lead and the continuation bytes read so far are one subpart
        }
        const uint8_t c = byteAt(text, i + k);
        const uint8_t low = k == 1 ? second_min : 0x80;
        const uint8_t high = k == 1 ? second_max : 0xBF;
        if (c < low || c > high) {
            return 0;
        }
        *subpart = k + 1;
    }
    return len;
}

} // namespace

bool isValidUtf8(std::string_view bytes) {
    for (size_t i = 0; i < bytes.size();) {
        size_t subpart = 0;
        const size_t len = sequenceLength(bytes, i, &subpart);
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

std::string toValidUtf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size();) {
        size_t subpart = 0;
        const size_t len = sequenceLength(bytes, i, &subpart);
        if (len == 0) {
            out += kReplacement;
            i += subpart;
        } else {
            out.append(bytes.substr(i, len));
            i += len;
        }
    }
    return out;
}

std::string base64Encode(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const size_t n = std::min<size_t>(3, bytes.size() - i);
        uint32_t v = static_cast<uint32_t>(byteAt(bytes, i)) << 16;
        if (n > 1) {
            v |= static_cast<uint32_t>(byteAt(bytes, i + 1)) << 8;
        }
        if (n > 2) {
            v |= byteAt(bytes, i + 2);
        }
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += n > 1 ? kAlphabet[(v >> 6) & 63] : '=';
        out += n > 2 ? kAlphabet[v & 63] : '=';
    }
    return out;
}

std::string_view utf8Prefix(std::string_view bytes, size_t max_bytes) {
    if (bytes.size() <= max_bytes) {
        return bytes;
    }
    size_t cut = max_bytes;
    // Back off over continuation bytes to the lead of the character the cut falls in.
    for (size_t steps = 0; steps < 3 && cut > 0 && (byteAt(bytes, cut) & 0xC0) == 0x80; ++steps) {
        --cut;
    }
    if (cut < max_bytes) {
        size_t subpart = 0;
        if (sequenceLength(bytes, cut, &subpart) == 0 || cut + sequenceLength(bytes, cut, &subpart) <= max_bytes) {
            cut = max_bytes; // not a well-formed character cut in two: keep the bytes as they are
        }
    }
    return bytes.substr(0, cut);
}

void addAttackerText(Event& event, std::string key, std::string_view bytes) {
    if (isValidUtf8(bytes)) {
        event.add(std::move(key), std::string(bytes));
        return;
    }
    std::string b64_key = key + "_b64";
    event.add(std::move(key), toValidUtf8(bytes));
    event.add(std::move(b64_key), base64Encode(bytes));
}

void setAttackerText(Json& object, const std::string& key, std::string_view bytes) {
    if (isValidUtf8(bytes)) {
        object[key] = std::string(bytes);
        return;
    }
    object[key] = toValidUtf8(bytes);
    object[key + "_b64"] = base64Encode(bytes);
}

namespace {

/// The array and, when an element was not valid UTF-8, its parallel `_b64` array (else null).
std::pair<Json, Json> attackerTextArray(const std::vector<std::string>& items) {
    Json texts = Json::array();
    Json originals = Json::array();
    bool any_invalid = false;
    for (const std::string& item : items) {
        if (isValidUtf8(item)) {
            texts.push_back(item);
            originals.push_back(nullptr);
        } else {
            texts.push_back(toValidUtf8(item));
            originals.push_back(base64Encode(item));
            any_invalid = true;
        }
    }
    return {std::move(texts), any_invalid ? std::move(originals) : Json(nullptr)};
}

} // namespace

void addAttackerTextArray(Event& event, std::string key, const std::vector<std::string>& items) {
    auto [texts, originals] = attackerTextArray(items);
    std::string b64_key = key + "_b64";
    event.add(std::move(key), std::move(texts));
    if (!originals.is_null()) {
        event.add(std::move(b64_key), std::move(originals));
    }
}

void setAttackerTextArray(Json& object, const std::string& key, const std::vector<std::string>& items) {
    auto [texts, originals] = attackerTextArray(items);
    object[key] = std::move(texts);
    if (!originals.is_null()) {
        object[key + "_b64"] = std::move(originals);
    }
}

void setAttackerTextMap(Json& object, const std::string& key,
                        const std::vector<std::pair<std::string, std::string>>& entries) {
    Json map = Json::object();
    Json originals = Json::object();
    for (const auto& [name, value] : entries) {
        std::string shown = toValidUtf8(name);
        if (!isValidUtf8(name) || !isValidUtf8(value)) {
            originals[shown] = Json{{"name", base64Encode(name)}, {"value", base64Encode(value)}};
        }
        map[std::move(shown)] = toValidUtf8(value);
    }
    object[key] = std::move(map);
    if (!originals.empty()) {
        object[key + "_b64"] = std::move(originals);
    }
}

} // namespace kansoku
