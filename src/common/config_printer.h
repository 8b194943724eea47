#pragma once

/// The configuration a ConfigVisitor walk declares, as data: every key's dotted path with its value
/// in TOML (flattenConfig, for comparing two configurations key by key), or as a TOML document
/// with each key's documentation and, where the value is not the default, the default
/// (printConfig, for `kansoku config show`).

#include <functional>
#include <map>
#include <string>

#include "common/config_visitor.h"

namespace kansoku {

using ConfigWalk = std::function<void(ConfigVisitor&)>;

/// "honeypot.limits.max_sessions" -> "1024", "darknet.scan.idle_timeout" -> "\"10m\"".
std::map<std::string, std::string> flattenConfig(const ConfigWalk& walk);

/// A TOML document of every key `walk` declares with its value; a key whose value differs from
/// `defaults` (flattenConfig of the default configuration) says `# default: X`, the others
/// `# default`.
std::string printConfig(const ConfigWalk& walk, const std::map<std::string, std::string>& defaults);

} // namespace kansoku
