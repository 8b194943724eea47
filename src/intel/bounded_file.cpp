#include "intel/bounded_file.h"

#include <filesystem>
#include <fstream>

namespace kansoku::intel {

Result<std::string> readBoundedFile(const std::string& path, std::size_t max_bytes, std::string_view kind) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path file(path);
    if (!fs::is_regular_file(file, ec)) {
        return fail("{} {}: {}", kind, path, ec ? ec.message() : "not a regular file");
    }
    const auto size = fs::file_size(file, ec);
    if (ec) {
        return fail("{} {}: {}", kind, path, ec.message());
    }
    if (size > max_bytes) {
        return fail("{} {}: {} bytes, over the {} byte limit", kind, path, size, max_bytes);
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return fail("{} {}: cannot open", kind, path);
    }
    // Read at most one byte past the limit, so a file that grows after the size check is still refused.
    std::string text(static_cast<std::size_t>(size) + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) {
        return fail("{} {}: read error", kind, path);
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > size) {
        return fail("{} {}: file changed while being read", kind, path);
    }
    return text;
}

} // namespace kansoku::intel
