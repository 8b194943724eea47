#include "honeypot/session/honeypot_events.h"

#include <string>

#include "common/attacker_text.h"
#include "common/time.h"
#include "honeypot/event/honeypot_event.h"

namespace kansoku::honeypot {

Event makeSessionEvent(std::string_view type, const SessionContext& session) {
    return makeHoneypotEvent(type, session.fields(), {}, nowMicros());
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
    addAttackerText(event, "username", username);
    addAttackerText(event, "password", password);
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
    addAttackerText(event, "input", input);
    event.add("truncated", truncated);
    event.add("interactive", interactive);
    event.add("status", result.status);
    std::vector<std::string> commands;
    for (const auto& command : result.commands) {
        if (!command.argv.empty()) {
            commands.push_back(command.argv.front());
        }
    }
    addAttackerTextArray(event, "commands", commands);
    std::vector<std::string> executed;
    executed.reserve(result.executions.size());
    for (const auto& execution : result.executions) {
        executed.push_back(execution.path);
    }
    addAttackerTextArray(event, "executed", executed);
    return event;
}

Event makeSshClientEvent(const SessionContext& session, std::string_view client_version, std::string_view hassh,
                         std::string_view hassh_algorithms) {
    Event event = makeSessionEvent("honeypot.ssh_client", session);
    addAttackerText(event, "client_version", client_version);
    event.add("hassh", std::string(hassh));
    addAttackerText(event, "hassh_algorithms", hassh_algorithms);
    return event;
}

Event makeSshForwardEvent(const SessionContext& session, std::string_view kind, std::string_view forward_host,
                          uint32_t forward_port) {
    Event event = makeSessionEvent("honeypot.ssh_forward", session);
    event.add("kind", std::string(kind));
    addAttackerText(event, "forward_host", forward_host);
    event.add("forward_port", forward_port);
    return event;
}

} // namespace kansoku::honeypot
