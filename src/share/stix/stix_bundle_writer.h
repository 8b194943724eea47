#pragma once

/// A STIX 2.1 bundle written as objects arrive, so an export of millions of objects never holds
/// them: `{"type":"bundle","id":"bundle--<uuid4>","objects":[` ... `]}` with one object a line.

#include <cstdint>
#include <ostream>
#include <string>

#include "common/result.h"
#include "share/stix/stix_object.h"

namespace kansoku::share::stix {

class StixBundleWriter {
public:
    /// Writes the bundle's head to `out` (a bundle id, random: a bundle is a transport, not an object to version).
    explicit StixBundleWriter(std::ostream& out);
    Result<void> add(const StixObject& object);
    /// Closes the object list; fails if the stream failed at any point.
    Result<void> finish();
    uint64_t objects() const { return objects_; }

private:
    std::ostream& out_;
    uint64_t objects_ = 0;
};

} // namespace kansoku::share::stix
