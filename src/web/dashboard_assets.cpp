#include "web/dashboard_assets.h"

#include <array>
#include <cstdint>
#include <utility>

// Names the pack's SHA-256: the compiler's input changes with the pack, so ccache never reuses an
// object holding an older dashboard.
#include "dashboard_pack_id.h"

// The pack's bytes, placed in .rodata by the assembler (faster and smaller than a C array of MBs).
// KANSOKU_DASHBOARD_PACK is its absolute path (src/web/CMakeLists.txt).
__asm__(".pushsection .rodata\n"
        ".balign 16\n"
        "kansoku_dashboard_pack:\n"
        ".incbin \"" KANSOKU_DASHBOARD_PACK "\"\n"
        "kansoku_dashboard_pack_end:\n"
        ".popsection\n");
extern "C" const char kansoku_dashboard_pack[];     // NOLINT(readability-identifier-naming)
extern "C" const char kansoku_dashboard_pack_end[]; // NOLINT(readability-identifier-naming)

namespace kansoku::web {
namespace {

constexpr std::string_view kMagic = "KSUI1\n";
static_assert(sizeof(KANSOKU_DASHBOARD_PACK_SHA256) > 1);

bool readU32(std::string_view& in, uint32_t& value) {
    if (in.size() < 4) {
        return false;
    }
    value = static_cast<uint32_t>(static_cast<unsigned char>(in[0])) |
            static_cast<uint32_t>(static_cast<unsigned char>(in[1])) << 8 |
            static_cast<uint32_t>(static_cast<unsigned char>(in[2])) << 16 |
            static_cast<uint32_t>(static_cast<unsigned char>(in[3])) << 24;
    in.remove_prefix(4);
    return true;
}

bool readBytes(std::string_view& in, std::string_view& out) {
    uint32_t length = 0;
    if (!readU32(in, length) || in.size() < length) {
        return false;
    }
    out = in.substr(0, length);
    in.remove_prefix(length);
    return true;
}

} // namespace

std::string_view contentTypeFor(std::string_view path) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
        {".ico", "image/x-icon"},
    }};
    for (const auto& [extension, type] : kTypes) {
        if (path.size() > extension.size() && path.substr(path.size() - extension.size()) == extension) {
            return type;
        }
    }
    return "application/octet-stream";
}

Result<DashboardAssets> DashboardAssets::parse(std::string_view pack) {
    if (pack.substr(0, kMagic.size()) != kMagic) {
        return fail("dashboard pack: not a pack (no KSUI1 header)");
    }
    pack.remove_prefix(kMagic.size());
    DashboardAssets assets;
    while (!pack.empty()) {
        std::string_view path;
        std::string_view body;
        if (!readBytes(pack, path) || !readBytes(pack, body)) {
            return fail("dashboard pack: truncated after {} files", assets.files_.size());
        }
        if (path.empty() || path.front() != '/') {
            return fail("dashboard pack: a path that does not start with '/'");
        }
        assets.files_.insert_or_assign(std::string(path), DashboardAsset{contentTypeFor(path), body});
    }
    return assets;
}

const DashboardAssets& DashboardAssets::embedded() {
    static const DashboardAssets assets = [] {
        const std::string_view pack(kansoku_dashboard_pack,
                                    static_cast<std::size_t>(kansoku_dashboard_pack_end - kansoku_dashboard_pack));
        auto parsed = parse(pack);
        return parsed ? std::move(*parsed) : DashboardAssets{}; // our own build output: a bad pack is an empty one
    }();
    return assets;
}

const DashboardAsset* DashboardAssets::find(std::string_view path) const {
    const auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
}

} // namespace kansoku::web
