#include "common/time.h"

#include <charconv>
#include <chrono>
#include <ctime>
#include <limits>

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

struct CivilDate {
    int64_t year;
    unsigned month;
    unsigned day;
};

// The inverse, from the same source.
CivilDate civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

unsigned daysInMonth(int64_t year, unsigned month) {
    static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

/// Writes `value` as exactly `width` decimal digits.
char* putDigits(char* out, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
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
    std::string out;
    appendRfc3339(out, ts);
    return out;
}

void appendRfc3339(std::string& out, Timestamp ts) {
    // Hand-rolled: events carry several timestamps each, and fmt + gmtime_r cost ~5k instructions.
    int64_t seconds = ts / kMicrosPerSecond;
    int64_t micros = ts % kMicrosPerSecond;
    if (micros < 0) {
        micros += kMicrosPerSecond;
        --seconds;
    }
    int64_t days = seconds / 86400;
    int64_t second_of_day = seconds % 86400;
    if (second_of_day < 0) {
        second_of_day += 86400;
        --days;
    }
    const CivilDate date = civilFromDays(days);
    if (date.year < 0 || date.year > 9999) {
        out += fmt::format("{}us", ts); // outside RFC 3339's range; never produced by clamped packet times
        return;
    }
    char buffer[27];
    char* p = putDigits(buffer, date.year, 4);
    *p++ = '-';
    p = putDigits(p, date.month, 2);
    *p++ = '-';
    p = putDigits(p, date.day, 2);
    *p++ = 'T';
    p = putDigits(p, second_of_day / 3600, 2);
    *p++ = ':';
    p = putDigits(p, second_of_day / 60 % 60, 2);
    *p++ = ':';
    p = putDigits(p, second_of_day % 60, 2);
    *p++ = '.';
    p = putDigits(p, micros, 6);
    *p++ = 'Z';
    out.append(buffer, static_cast<size_t>(p - buffer));
}

std::optional<Timestamp> parseRfc3339(std::string_view text) {
    int year = 0;
    int month = 0;
    int day = 0;
    if (!readInt(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !readInt(text, 5, 2, month) ||
        text[7] != '-' || !readInt(text, 8, 2, day) || month < 1 || month > 12 || day < 1 ||
        static_cast<unsigned>(day) > daysInMonth(year, static_cast<unsigned>(month))) {
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
                constexpr Timestamp kMax = std::numeric_limits<Timestamp>::max();
                if (value > kMax / (scale * kMicrosPerSecond)) {
                    return std::nullopt; // longer than a Timestamp can hold
                }
                const Timestamp back = value * scale * kMicrosPerSecond;
                if (now < std::numeric_limits<Timestamp>::min() + back) {
                    return std::nullopt;
                }
                return now - back;
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
