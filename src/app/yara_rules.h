#pragma once

/// The YARA rules static triage uses: rules/yara/*.yar from a rules folder (`--rules`,
/// [honeypot] rules_dir), or the copy compiled into kansoku when the folder is "".

#include <string>
#include <vector>

#include "common/result.h"
#include "malware/triage/yara_scanner.h"

namespace kansoku::app {

Result<std::vector<malware::triage::YaraSource>> yaraRules(const std::string& rules_dir);

} // namespace kansoku::app
