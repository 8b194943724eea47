#include "share/stix/stix_bundle_writer.h"

#include "share/stix/stix_id.h"

namespace kansoku::share::stix {

StixBundleWriter::StixBundleWriter(std::ostream& out) : out_(out) {
    out_ << R"({"type":"bundle","id":"bundle--)" << formatUuid(uuid4()) << R"(","objects":[)";
}

Result<void> StixBundleWriter::add(const StixObject& object) {
    out_ << (objects_ == 0 ? "\n" : ",\n") << object.json;
    ++objects_;
    if (!out_) {
        return fail("bundle: write failed after {} objects", objects_);
    }
    return {};
}

Result<void> StixBundleWriter::finish() {
    out_ << "\n]}\n";
    out_.flush();
    if (!out_) {
        return fail("bundle: write failed");
    }
    return {};
}

} // namespace kansoku::share::stix
