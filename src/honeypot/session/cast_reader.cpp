#include "honeypot/session/cast_reader.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kansoku::honeypot {

Result<Cast> readCast(const std::string& path, size_t max_bytes) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return fail("cannot open {}", path);
    }
    file.seekg(0, std::ios::end);
    const auto size = static_cast<size_t>(file.tellg());
    if (size > max_bytes) {
        return fail("{}: {} bytes, more than a cast may have ({})", path, size, max_bytes);
    }
    file.seekg(0);
    Cast cast;
    std::string line;
    size_t number = 0;
    while (std::getline(file, line)) {
        ++number;
        if (line.empty()) {
            continue;
        }
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (number == 1) {
            if (!json.is_object() || json.value("version", 0) != 2) {
                return fail("{}: not an asciinema v2 cast (line 1 is no header with \"version\": 2)", path);
            }
            cast.width = json.value("width", 80U);
            cast.height = json.value("height", 24U);
            cast.timestamp = json.value("timestamp", int64_t{0});
            cast.title = json.value("title", std::string());
            continue;
        }
        if (!json.is_array() || json.size() != 3 || !json[0].is_number() || !json[1].is_string() ||
            !json[2].is_string() || json[1].get_ref<const std::string&>().size() != 1) {
            return fail("{}: line {} is no event [time, \"o\"|\"i\", \"data\"]", path, number);
        }
        cast.events.push_back(
            {json[0].get<double>(), json[1].get_ref<const std::string&>()[0], json[2].get<std::string>()});
    }
    if (number == 0) {
        return fail("{}: empty", path);
    }
    return cast;
}

} // namespace kansoku::honeypot
