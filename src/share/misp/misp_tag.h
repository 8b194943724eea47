#pragma once

/// The MISP tags kansoku writes and reads: TLP 2.0 as the MISP `tlp` taxonomy names it
/// (`tlp:clear`, `tlp:green`, `tlp:amber`, `tlp:amber+strict`, `tlp:red`; the TLP 1.0 `tlp:white` is
/// read as clear) and the galaxy tag of a malware family in the MISP galaxy `malpedia`
/// (`misp-galaxy:malpedia="Mirai"`), which a MISP instance turns into the galaxy cluster it holds.

#include <optional>
#include <string>
#include <string_view>

#include "share/stix/tlp.h"

namespace kansoku::share::misp {

/// "tlp:green" etc.
std::string tlpTagName(stix::Tlp tlp);
/// The taxonomy's colour of that tag ("#33ff00" for green).
std::string_view tlpTagColour(stix::Tlp tlp);
/// The TLP a tag name stands for (ASCII case-insensitive, "tlp:white" = clear); nullopt for any other tag.
std::optional<stix::Tlp> tlpOfTag(std::string_view tag);

/// The malpedia cluster of a family kansoku names (its YARA rule prefix, lower case), e.g. "Mirai"
/// for "mirai", "Bashlite" for "gafgyt"; nullopt when kansoku does not know which cluster it is.
std::optional<std::string_view> malpediaCluster(std::string_view family);
/// `misp-galaxy:malpedia="<cluster>"`.
std::string galaxyTagName(std::string_view cluster);

} // namespace kansoku::share::misp
