#include "intel/partner_intel.h"

#include <algorithm>

#include "store/partner_intel_store.h"

namespace kansoku::intel {

PartnerIndex::PartnerIndex(std::vector<store::PartnerIndicatorRecord> values) : values_(std::move(values)) {
    for (uint32_t i = 0; i < values_.size(); ++i) {
        const auto& v = values_[i];
        if (v.kind == "ipv4") {
            if (const auto a = IpAddress::parse(v.value); a && a->isV4()) {
                addresses_.emplace(a->v4(), i);
            }
        } else if (v.kind == "ipv4-net") {
            if (auto p = Prefix::parse(v.value)) {
                networks_.emplace_back(*p, i);
            }
        } else if (v.kind == "domain") {
            strings_.emplace("d:" + v.value, i);
        } else if (v.kind == "sha256") {
            strings_.emplace("h:" + v.value, i);
        }
    }
}

void PartnerIndex::matchAddress(const IpAddress& ip, Matches& out) const {
    if (!ip.isV4()) {
        return;
    }
    const auto [first, last] = addresses_.equal_range(ip.v4());
    for (auto it = first; it != last; ++it) {
        out.push_back(&values_[it->second]);
    }
    for (const auto& [prefix, i] : networks_) {
        if (prefix.contains(ip)) {
            out.push_back(&values_[i]);
        }
    }
}

void PartnerIndex::matchDomain(std::string_view domain, Matches& out) const {
    std::string key = "d:";
    key += domain;
    const auto [first, last] = strings_.equal_range(key);
    for (auto it = first; it != last; ++it) {
        out.push_back(&values_[it->second]);
    }
}

void PartnerIndex::matchSha256(std::string_view sha256, Matches& out) const {
    std::string key = "h:";
    key += sha256;
    const auto [first, last] = strings_.equal_range(key);
    for (auto it = first; it != last; ++it) {
        out.push_back(&values_[it->second]);
    }
}

Result<size_t> PartnerIntel::reload(store::PartnerIntelStore& store, Timestamp now) {
    auto values = store.partnerIndicators(now);
    KANSOKU_TRY(values);
    auto index = std::make_shared<const PartnerIndex>(std::move(*values));
    const size_t size = index->size();
    replace(std::move(index));
    return size;
}

std::vector<store::PartnerLabel> partnerLabels(const PartnerIndex::Matches& matches) {
    std::vector<store::PartnerLabel> labels;
    for (const auto* m : matches) {
        store::PartnerLabel label{m->feed, m->indicator_id, m->name, m->tlp};
        if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
            labels.push_back(std::move(label));
        }
    }
    return labels;
}

} // namespace kansoku::intel
