#include "share/stix/tlp.h"

#include <array>
#include <cctype>

#include <nlohmann/json.hpp>

namespace kansoku::share::stix {
namespace {

struct TlpEntry {
    Tlp tlp;
    std::string_view name;
    std::string_view marking_name;
    std::string_view marking_id;
};

// The ids and names of extension-definition-specifications/tlp-2.0 in oasis-open/cti-stix-common-objects.
constexpr std::array<TlpEntry, 5> kTable = {{
    {Tlp::Clear, "clear", "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {Tlp::Green, "green", "TLP:GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    {Tlp::Amber, "amber", "TLP:AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    {Tlp::AmberStrict, "amber+strict", "TLP:AMBER+STRICT", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    {Tlp::Red, "red", "TLP:RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
}};

const TlpEntry& entry(Tlp tlp) {
    return kTable[static_cast<size_t>(tlp)];
}

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

} // namespace

std::string_view tlpName(Tlp tlp) {
    return entry(tlp).name;
}

std::optional<Tlp> parseTlp(std::string_view text) {
    if (text.size() > 4 && equalsIgnoringCase(text.substr(0, 4), "tlp:")) {
        text.remove_prefix(4);
    }
    for (const TlpEntry& e : kTable) {
        if (equalsIgnoringCase(text, e.name)) {
            return e.tlp;
        }
    }
    return std::nullopt;
}

std::string_view tlpMarkingId(Tlp tlp) {
    return entry(tlp).marking_id;
}

std::optional<Tlp> tlpOfMarkingId(std::string_view id) {
    for (const TlpEntry& e : kTable) {
        if (id == e.marking_id) {
            return e.tlp;
        }
    }
    return std::nullopt;
}

bool tlpAllows(Tlp ceiling, Tlp object) {
    return object != Tlp::Red && object <= ceiling;
}

Tlp stricter(Tlp a, Tlp b) {
    return a < b ? b : a;
}

std::string tlpMarkingJson(Tlp tlp) {
    const TlpEntry& e = entry(tlp);
    nlohmann::ordered_json marking = {
        {"type", "marking-definition"},
        {"spec_version", "2.1"},
        {"id", e.marking_id},
        {"created", kTlpMarkingCreated},
        {"name", e.marking_name},
        {"extensions",
         {{std::string(kTlpExtensionId), {{"extension_type", "property-extension"}, {"tlp_2_0", e.name}}}}},
    };
    return marking.dump();
}

} // namespace kansoku::share::stix
