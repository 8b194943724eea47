#pragma once

/// The dashboard's built files (ui/, TypeScript + Vite), embedded in the binary at build time as one
/// pack (ui/pack.mjs writes it), so `kansoku run` serves the dashboard from any directory, offline.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku::web {

struct DashboardAsset {
    std::string_view content_type;
    std::string_view body; ///< points into the pack, which outlives the assets
};

class DashboardAssets {
public:
    /// The files embedded in this binary; empty when it was built without node (ui/CMakeLists.txt).
    static const DashboardAssets& embedded();

    /// Reads a pack: "KSUI1\n", then per file u32 path length, path, u32 body length, body
    /// (little-endian). The views keep pointing into `pack`.
    static Result<DashboardAssets> parse(std::string_view pack);

    /// The file at a URL path ("/index.html", "/assets/index-1a2b.js"), or null.
    const DashboardAsset* find(std::string_view path) const;
    bool empty() const { return files_.empty(); }
    std::size_t size() const { return files_.size(); }
    const std::map<std::string, DashboardAsset, std::less<>>& files() const { return files_; }

private:
    std::map<std::string, DashboardAsset, std::less<>> files_;
};

/// The Content-Type for a file name by its extension (UTF-8 for text); application/octet-stream otherwise.
std::string_view contentTypeFor(std::string_view path);

} // namespace kansoku::web
