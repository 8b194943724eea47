#include "honeypot/session/honeypot_events.h"

#include <string>

#include "common/time.h"

namespace kansoku::honeypot {

Event makeSessionEvent(std::string_view type, const SessionContext& session) {
    Event event;
    event.type = std::string(type);
    event.ts = nowMicros();
    event.reserveFields(12);
    event.add("session", session.id);
    event.add("src", session.src);
    event.add("src_port", session.src_port);
    event.add("dst_port", session.dst_port);
    event.add("protocol", session.protocol);
    return event;
}

Event makeConnectEvent(const SessionContext& session) {
    Event event = makeSessionEvent("honeypot.connect", session);
    if (!session.dst.empty()) {
        event.add("dst", session.dst);
    }
    return event;
}

Event makeLoginEvent(const SessionContext& session, std::string_view username, std::string_view password, bool success,
                     std::string_view method, uint32_t attempt) {
    Event event = makeSessionEvent("honeypot.login", session);
    event.add("username", std::string(username));
    event.add("password", std::string(password));
    event.add("success", success);
    if (!method.empty()) {
        event.add("method", std::string(method));
    }
    event.add("attempt", attempt);
    return event;
}

Event makeCommandEvent(const SessionContext& session, std::string_view input, bool truncated, bool interactive,
                       const shell::ShellResult& result) {
    Event event = makeSessionEvent("honeypot.command", session);
    event.add("input", std::string(input));
    event.add("truncated", truncated);
    event.add("interactive", interactive);
    event.add("status", result.status);
    auto commands = nlohmann::ordered_json::array();
    for (const auto& command : result.commands) {
        if (!command.argv.empty()) {
            commands.push_back(command.argv.front());
        }
    }
    event.add("commands", std::move(commands));
    auto executed = nlohmann::ordered_json::array();
    for (const auto& execution : result.executions) {
        executed.push_back(execution.path);
    }
    event.add("executed", std::move(executed));
    return event;
}

} // namespace kansoku::honeypot
