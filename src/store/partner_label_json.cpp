#include <nlohmann/json.hpp>

#include "store/partner_intel_record.h"

namespace kansoku::store {

std::string partnerLabelsJson(const std::vector<PartnerLabel>& labels) {
    if (labels.empty()) {
        return {};
    }
    auto array = nlohmann::json::array();
    for (const auto& l : labels) {
        array.push_back({{"feed", l.feed}, {"indicator_id", l.indicator_id}, {"name", l.name}, {"tlp", l.tlp}});
    }
    return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<PartnerLabel> parsePartnerLabels(std::string_view json) {
    std::vector<PartnerLabel> labels;
    if (json.empty()) {
        return labels;
    }
    const auto array = nlohmann::json::parse(json, nullptr, false);
    if (!array.is_array()) {
        return labels;
    }
    for (const auto& l : array) {
        if (!l.is_object()) {
            continue;
        }
        PartnerLabel label{l.value("feed", ""), l.value("indicator_id", ""), l.value("name", ""), l.value("tlp", "")};
        if (!label.feed.empty() && !label.indicator_id.empty()) {
            labels.push_back(std::move(label));
        }
    }
    return labels;
}

} // namespace kansoku::store
