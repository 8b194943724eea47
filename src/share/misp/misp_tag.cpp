#include "share/misp/misp_tag.h"

#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

namespace kansoku::share::misp {
namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// Families kansoku's rules name and their malpedia clusters (malpedia.caad.fkie.fraunhofer.de: elf.mirai,
// elf.bashlite whose synonyms include gafgyt, elf.mozi, elf.tsunami, elf.hajime).
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kClusters = {{
    {"bashlite", "Bashlite"},
    {"gafgyt", "Bashlite"},
    {"hajime", "Hajime"},
    {"mirai", "Mirai"},
    {"mozi", "Mozi"},
    {"qbot-elf", "Bashlite"},
    {"tsunami", "Tsunami"},
}};

} // namespace

std::string tlpTagName(stix::Tlp tlp) {
    return fmt::format("tlp:{}", stix::tlpName(tlp));
}

std::string_view tlpTagColour(stix::Tlp tlp) {
    switch (tlp) {
    case stix::Tlp::Clear:
        return "#ffffff";
    case stix::Tlp::Green:
        return "#33ff00";
    case stix::Tlp::Amber:
    case stix::Tlp::AmberStrict:
        return "#ffc000";
    case stix::Tlp::Red:
        break;
    }
    return "#ff2b2b";
}

std::optional<stix::Tlp> tlpOfTag(std::string_view tag) {
    if (tag.size() <= 4 || !equalsIgnoringCase(tag.substr(0, 4), "tlp:")) {
        return std::nullopt;
    }
    if (equalsIgnoringCase(tag, "tlp:white")) {
        return stix::Tlp::Clear;
    }
    return stix::parseTlp(tag);
}

std::optional<std::string_view> malpediaCluster(std::string_view family) {
    for (const auto& [name, cluster] : kClusters) {
        if (equalsIgnoringCase(name, family)) {
            return cluster;
        }
    }
    return std::nullopt;
}

std::string galaxyTagName(std::string_view cluster) {
    return fmt::format("misp-galaxy:malpedia=\"{}\"", cluster);
}

} // namespace kansoku::share::misp
