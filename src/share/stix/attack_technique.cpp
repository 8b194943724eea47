#include "share/stix/attack_technique.h"

#include <array>
#include <cctype>
#include <utility>

namespace kansoku::share::stix {
namespace {

// Names from MITRE ATT&CK Enterprise (https://attack.mitre.org/techniques/enterprise/) for the ids
// src/sandbox/analysis/signatures.cpp emits.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kNames = {{
    {"T1036.005", "Masquerading: Match Legitimate Name or Location"},
    {"T1037.004", "Boot or Logon Initialization Scripts: RC Scripts"},
    {"T1046", "Network Service Discovery"},
    {"T1053.003", "Scheduled Task/Job: Cron"},
    {"T1070.004", "Indicator Removal: File Deletion"},
    {"T1071", "Application Layer Protocol"},
    {"T1071.004", "Application Layer Protocol: DNS"},
    {"T1480.002", "Execution Guardrails: Mutual Exclusion"},
    {"T1489", "Service Stop"},
    {"T1498", "Network Denial of Service"},
    {"T1498.001", "Network Denial of Service: Direct Network Flood"},
    {"T1543.002", "Create or Modify System Process: Systemd Service"},
    {"T1546.004", "Event Triggered Execution: Unix Shell Configuration Modification"},
    {"T1562", "Impair Defenses"},
    {"T1562.001", "Impair Defenses: Disable or Modify Tools"},
    {"T1571", "Non-Standard Port"},
    {"T1611", "Escape to Host"},
}};

bool digits(std::string_view s) {
    for (const char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

} // namespace

bool isAttackTechniqueId(std::string_view id) {
    if (id.size() == 5) {
        return id[0] == 'T' && digits(id.substr(1));
    }
    return id.size() == 9 && id[0] == 'T' && digits(id.substr(1, 4)) && id[5] == '.' && digits(id.substr(6));
}

std::optional<std::string_view> attackTechniqueName(std::string_view id) {
    for (const auto& [known, name] : kNames) {
        if (known == id) {
            return name;
        }
    }
    return std::nullopt;
}

} // namespace kansoku::share::stix
