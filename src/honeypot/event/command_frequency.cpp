#include "honeypot/event/command_frequency.h"

#include <algorithm>
#include <tuple>

namespace kansoku::honeypot {
namespace {

std::string textField(const Event& event, const char* key) {
    const auto it = event.fields.find(key);
    return it != event.fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

uint32_t CommandFrequency::indexOf(std::map<std::string, uint32_t, std::less<>>& ids, const std::string& key) {
    return ids.try_emplace(key, static_cast<uint32_t>(ids.size())).first->second;
}

void CommandFrequency::add(const Event& event) {
    if (event.type != "honeypot.command") {
        return;
    }
    ++lines_;
    const uint32_t session = indexOf(session_ids_, textField(event, "session"));
    const uint32_t source = indexOf(source_ids_, textField(event, "src"));
    all_sessions_.insert(session);
    const auto commands = event.fields.find("commands");
    if (commands == event.fields.end() || !commands->is_array()) {
        return;
    }
    std::set<std::string, std::less<>> in_line;
    for (const auto& value : *commands) {
        if (!value.is_string()) {
            continue;
        }
        const std::string& name = value.get_ref<const std::string&>();
        auto it = tallies_.find(name);
        if (it == tallies_.end()) {
            if (tallies_.size() >= max_commands_) {
                ++other_runs_;
                continue;
            }
            it = tallies_.emplace(name, Tally{}).first;
        }
        Tally& tally = it->second;
        ++tally.runs;
        if (in_line.insert(name).second) {
            ++tally.lines;
        }
        tally.sessions.insert(session);
        tally.sources.insert(source);
    }
}

std::vector<CommandCount> CommandFrequency::table() const {
    std::vector<CommandCount> rows;
    rows.reserve(tallies_.size());
    for (const auto& [name, tally] : tallies_) {
        rows.push_back({name, tally.runs, tally.lines, tally.sessions.size(), tally.sources.size()});
    }
    std::sort(rows.begin(), rows.end(), [](const CommandCount& a, const CommandCount& b) {
        return std::tie(b.runs, b.sessions, a.command) < std::tie(a.runs, a.sessions, b.command);
    });
    return rows;
}

} // namespace kansoku::honeypot
