#include "transport/sample_subject.h"

#include <algorithm>

#include <fmt/format.h>

#include "transport/event_subject.h"

namespace kansoku::transport {
std::string sampleSubject(std::string_view prefix, std::string_view sensor, std::string_view sha256,
                          std::string_view part) {
    return fmt::format("{}.{}.{}.{}", prefix, sensor, sha256, part);
}

std::string sampleMessageId(std::string_view sensor, std::string_view sha256, std::string_view part) {
    return fmt::format("{}:{}:{}", sensor, sha256, part);
}

std::string sampleManifestFilter(std::string_view prefix) {
    return fmt::format("{}.*.*.{}", prefix, kManifestPart);
}

std::optional<SampleSubject> parseSampleSubject(std::string_view prefix, std::string_view subject) {
    if (subject.size() <= prefix.size() + 1 || !subject.starts_with(prefix) || subject[prefix.size()] != '.') {
        return std::nullopt;
    }
    std::string_view rest = subject.substr(prefix.size() + 1);
    const auto first = rest.find('.');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const auto second = rest.find('.', first + 1);
    if (second == std::string_view::npos) {
        return std::nullopt;
    }
    SampleSubject out{rest.substr(0, first), rest.substr(first + 1, second - first - 1), rest.substr(second + 1)};
    if (!validSubjectSensor(out.sensor) || !isSampleSha256(out.sha256) || out.part.empty() ||
        out.part.find('.') != std::string_view::npos) {
        return std::nullopt;
    }
    return out;
}

bool isSampleSha256(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

uint64_t sampleChunkCount(uint64_t size, uint64_t chunk) {
    return size == 0 ? 1 : (size + chunk - 1) / chunk;
}

} // namespace kansoku::transport
