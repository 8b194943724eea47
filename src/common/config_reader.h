#pragma once

/// Reads TOML text into the sections a ConfigVisitor walk declares. Unknown keys, wrong types,
/// out-of-range values, a duration or size without a valid unit, a renamed key and a failed
/// cross-key check are errors: one line naming the file, the key (dotted path) and what is wrong.

#include <functional>
#include <string_view>

#include "common/config_visitor.h"
#include "common/result.h"

namespace kansoku {

/// `walk` visits the root table (it calls section() for each top-level table it owns).
/// `origin` names the text in errors ("config/site.toml").
Result<void> readConfig(std::string_view toml_text, std::string_view origin,
                        const std::function<void(ConfigVisitor&)>& walk);

} // namespace kansoku
