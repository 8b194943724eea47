#include "share/misp/misp_feed_directory.h"

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "share/misp/misp_feed.h"

namespace kansoku::share::misp {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> readFile(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return std::nullopt;
    }
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

Result<void> replaceFile(const fs::path& dir, const std::string& name, std::string_view text) {
    const fs::path temporary = dir / ("." + name + ".tmp");
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file.write(text.data(), static_cast<std::streamsize>(text.size()));
        file.close();
        if (!file) {
            std::error_code ec;
            fs::remove(temporary, ec);
            return fail("cannot write {}", temporary.string());
        }
    }
    std::error_code ec;
    fs::rename(temporary, dir / name, ec);
    if (ec) {
        return fail("cannot replace {}: {}", (dir / name).string(), ec.message());
    }
    return {};
}

/// uuid -> timestamp of the previous manifest.json; empty when there is none or it is unreadable.
std::map<std::string, int64_t> previousTimestamps(const fs::path& dir) {
    std::map<std::string, int64_t> out;
    const auto text = readFile(dir / "manifest.json");
    if (!text) {
        return out;
    }
    const auto manifest = nlohmann::json::parse(*text, nullptr, false);
    if (!manifest.is_object()) {
        return out;
    }
    for (const auto& [uuid, entry] : manifest.items()) {
        const auto ts = entry.is_object() ? entry.find("timestamp") : entry.end();
        if (ts != entry.end() && ts->is_number_integer()) {
            out[uuid] = ts->get<int64_t>();
        }
    }
    return out;
}

} // namespace

bool isEventUuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

Result<DirectoryWrite> writeMispFeedDirectory(const fs::path& dir, std::vector<MispEvent> events, const MispOrg& org) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return fail("cannot create {}: {}", dir.string(), ec.message());
    }
    DirectoryWrite counts;
    const auto previous = previousTimestamps(dir);
    std::set<std::string> unchanged;
    for (MispEvent& event : events) {
        const auto old = previous.find(event.uuid);
        if (old == previous.end()) {
            continue;
        }
        event.timestamp_override = old->second;
        const auto held = readFile(dir / (event.uuid + ".json"));
        if (held && *held == mispEventJson(event, org)) {
            unchanged.insert(event.uuid);
            continue;
        }
        event.timestamp_override = 0;
        if (event.timestampSeconds() <= old->second) {
            event.timestamp_override = old->second + 1;
        }
    }
    const MispFeed feed = MispFeed::render(events, org);
    const auto all = [](stix::Tlp) { return true; };
    std::set<std::string> names;
    for (const MispFeed::Entry& entry : feed.entries()) {
        names.insert(entry.uuid + ".json");
        if (unchanged.count(entry.uuid) > 0) {
            ++counts.unchanged;
            continue;
        }
        KANSOKU_TRY(replaceFile(dir, entry.uuid + ".json", *entry.json));
        ++counts.written;
    }
    KANSOKU_TRY(replaceFile(dir, "hashes.csv", feed.hashesCsv(all)));
    KANSOKU_TRY(replaceFile(dir, "manifest.json", feed.manifestJson(all)));
    for (const auto& file : fs::directory_iterator(dir, ec)) {
        const std::string name = file.path().filename().string();
        if (name.size() == 41 && name.ends_with(".json") && isEventUuid(name.substr(0, 36)) && names.count(name) == 0) {
            fs::remove(file.path(), ec);
            ++counts.removed;
        }
    }
    return counts;
}

} // namespace kansoku::share::misp
