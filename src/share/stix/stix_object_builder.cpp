#include "share/stix/stix_object_builder.h"

#include <algorithm>

#include <fmt/format.h>

#include "share/stix/json_text.h"

namespace kansoku::share::stix {
std::string stixTime(Timestamp ts) {
    std::string text = formatRfc3339(ts); // "...:SS.uuuuuuZ"
    if (text.size() > 8 && text[text.size() - 8] == '.') {
        text.erase(text.size() - 4, 3); // keep milliseconds
    }
    return text;
}

std::string patternString(std::string_view value) {
    std::string out = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

StixObjectBuilder::StixObjectBuilder(const ProducerIdentity& identity)
    : identity_(identity), ids_(identity.name), identity_id_(ids_.id("identity", "identity|producer")) {}

StixObject StixObjectBuilder::identity() const {
    nlohmann::ordered_json object = domainObject("identity", identity_id_, kFixedStamp, kFixedStamp);
    object["name"] = identity_.name;
    object["identity_class"] = identity_.identity_class;
    if (!identity_.contact.empty()) {
        object["contact_information"] = identity_.contact;
    }
    return finish(std::move(object), Tlp::Clear, kFixedStamp);
}

nlohmann::ordered_json StixObjectBuilder::domainObject(std::string_view type, const std::string& id, Timestamp created,
                                                       Timestamp modified) const {
    nlohmann::ordered_json object = observable(type, id);
    appendMember(object, "created_by_ref", identity_id_);
    appendMember(object, "created", stixTime(created));
    appendMember(object, "modified", stixTime(std::max(created, modified)));
    return object;
}

nlohmann::ordered_json StixObjectBuilder::observable(std::string_view type, const std::string& id) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object.get_ref<nlohmann::ordered_json::object_t&>().reserve(16); // no object of ours has more members
    appendMember(object, "type", type);
    appendMember(object, "spec_version", "2.1");
    appendMember(object, "id", id);
    return object;
}

nlohmann::ordered_json StixObjectBuilder::relationship(const std::string& source, std::string_view type,
                                                       const std::string& target, Timestamp created,
                                                       Timestamp modified) const {
    const std::string id = ids_.id("relationship", fmt::format("relationship|{}|{}|{}", source, type, target));
    nlohmann::ordered_json object = domainObject("relationship", id, created, modified);
    appendMember(object, "relationship_type", type);
    appendMember(object, "source_ref", source);
    appendMember(object, "target_ref", target);
    return object;
}

StixObject StixObjectBuilder::finish(nlohmann::ordered_json&& object, Tlp tlp, Timestamp stamp) {
    appendMember(object, "object_marking_refs", nlohmann::ordered_json::array({tlpMarkingId(tlp)}));
    StixObject out;
    // observable() put type and id first.
    const auto& members = object.get_ref<const nlohmann::ordered_json::object_t&>();
    out.type = members.begin()->second.get<std::string>();
    out.id = std::next(members.begin(), 2)->second.get<std::string>();
    const auto modified = object.find("modified");
    out.modified = modified != object.end() ? modified->get<std::string>() : stixTime(stamp);
    out.tlp = tlp;
    out.json.reserve(512);
    appendJson(out.json, object, JsonForm::Compact);
    return out;
}

} // namespace kansoku::share::stix
