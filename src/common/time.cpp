#include "common/time.h"

#include <charconv>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace kansoku {
namespace {

// Days from civil date, after H. Hinnant's public-domain algorithm (chrono-compatible date algorithms).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool readInt(std::string_view text, size_t pos, size_t len, int& out) {
    if (pos + len > text.size()) {
        return false;
    }
    const auto* begin = text.data() + pos;
    const auto [end, ec] = std::from_chars(begin, begin + len, out);
    return ec == std::errc{} && end == begin + len;
}

} // namespace

std::string formatRfc3339(Timestamp ts) {
    int64_t seconds = ts / kMicrosPerSecond;
    int64_t micros = ts % kMicrosPerSecond;
    if (micros < 0) {
        micros += kMicrosPerSecond;
        --seconds;
    }
    const auto t = static_cast<time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

std::optional<Timestamp> parseRfc3339(std::string_view text) {
    int year = 0;
    int month = 0;
    int day = 0;
    if (!readInt(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !readInt(text, 5, 2, month) ||
        text[7] != '-' || !readInt(text, 8, 2, day) || month < 1 || month > 12 || day < 1 || day > 31) {
        return std::nullopt;
    }
    int64_t seconds = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
    if (text.size() == 10) {
        return seconds * kMicrosPerSecond;
    }
    int hour = 0;
    int minute = 0;
    int second = 0;
    if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !readInt(text, 11, 2, hour) || text.size() < 19 ||
        text[13] != ':' || !readInt(text, 14, 2, minute) || text[16] != ':' || !readInt(text, 17, 2, second) ||
        hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    seconds += hour * 3600 + minute * 60 + second;
    int64_t micros = 0;
    size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 6) {
                micros = micros * 10 + (text[pos] - '0');
            }
            ++digits;
            ++pos;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        for (; digits < 6; ++digits) {
            micros *= 10;
        }
    }
    if (pos == text.size()) {
        return std::nullopt; // an offset is required for a full timestamp
    }
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int oh = 0;
        int om = 0;
        if (!readInt(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !readInt(text, pos + 4, 2, om)) {
            return std::nullopt;
        }
        const int offset = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
        seconds -= offset;
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    return seconds * kMicrosPerSecond + micros;
}

std::optional<Timestamp> parseSince(std::string_view text, Timestamp now) {
    if (text.size() >= 2) {
        const char unit = text.back();
        int64_t value = 0;
        const auto digits = text.substr(0, text.size() - 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc{} && end == digits.data() + digits.size() && value >= 0) {
            int64_t scale = 0;
            switch (unit) {
            case 's':
                scale = 1;
                break;
            case 'm':
                scale = 60;
                break;
            case 'h':
                scale = 3600;
                break;
            case 'd':
                scale = 86400;
                break;
            default:
                break;
            }
            if (scale != 0) {
                return now - value * scale * kMicrosPerSecond;
            }
        }
    }
    return parseRfc3339(text);
}

Timestamp nowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace kansoku
