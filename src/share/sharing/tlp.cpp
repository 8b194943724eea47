#include "share/sharing/tlp.h"

#include <array>
#include <cctype>
#include <string>

namespace kansoku::share {
namespace {

struct Level {
    Tlp tlp;
    std::string_view name;
    std::string_view marking_id;
};

constexpr std::array<Level, 5> kLevels{{
    {Tlp::Clear, "clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {Tlp::Green, "green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    {Tlp::Amber, "amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    {Tlp::AmberStrict, "amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    {Tlp::Red, "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
}};

/// STIX 2.1 section 7.2.1.4: the TLP 1.0 marking definitions built into the specification.
constexpr std::array<Level, 4> kTlp1Levels{{
    {Tlp::Clear, "white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {Tlp::Green, "green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {Tlp::Amber, "amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {Tlp::Red, "red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
}};

} // namespace

std::string_view tlpName(Tlp tlp) {
    return kLevels[static_cast<size_t>(tlp)].name;
}

std::optional<Tlp> parseTlp(std::string_view name) {
    std::string lower;
    for (const char c : name) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::string_view text = lower;
    if (text.starts_with("tlp:")) {
        text.remove_prefix(4);
    }
    if (text == "white") {
        return Tlp::Clear;
    }
    for (const auto& level : kLevels) {
        if (level.name == text) {
            return level.tlp;
        }
    }
    return std::nullopt;
}

std::string_view tlpMarkingId(Tlp tlp) {
    return kLevels[static_cast<size_t>(tlp)].marking_id;
}

std::optional<Tlp> tlpOfMarkingId(std::string_view id) {
    for (const auto* table : {kLevels.data(), kTlp1Levels.data()}) {
        const size_t count = table == kLevels.data() ? kLevels.size() : kTlp1Levels.size();
        for (size_t i = 0; i < count; ++i) {
            if (table[i].marking_id == id) {
                return table[i].tlp;
            }
        }
    }
    return std::nullopt;
}

bool tlpAllows(Tlp ceiling, Tlp object) {
    return object != Tlp::Red && static_cast<int>(object) <= static_cast<int>(ceiling);
}

} // namespace kansoku::share
