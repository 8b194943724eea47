#pragma once

/// Builders of the honeypot.* events (docs/events.md): every one starts with the session's
/// context fields (session, src, src_port, dst_port, protocol) so a pipeline can join them.

#include <string_view>
#include <vector>

#include "common/event.h"
#include "honeypot/session/session_context.h"
#include "honeypot/shell/shell_result.h"

namespace kansoku::honeypot {

/// An event of `type` with the session's context fields (honeypot/event/honeypot_event.h), time = now.
/// Strings from the client follow common/attacker_text.h (`<field>_b64` when not valid UTF-8).
Event makeSessionEvent(std::string_view type, const SessionContext& session);

/// honeypot.connect: a client connected (dst: the honeypot's address, when known).
Event makeConnectEvent(const SessionContext& session);

/// honeypot.login: username, password, success, method (SSH only), attempt.
Event makeLoginEvent(const SessionContext& session, std::string_view username, std::string_view password, bool success,
                     std::string_view method, uint32_t attempt);

/// honeypot.command: input, truncated, interactive, status, commands (argv[0] of each simple command
/// run), executed (paths of dropped files the line tried to run).
Event makeCommandEvent(const SessionContext& session, std::string_view input, bool truncated, bool interactive,
                       const shell::ShellResult& result);

/// honeypot.ssh_client: client_version, hassh, hassh_algorithms (HASSH, salesforce/hassh).
Event makeSshClientEvent(const SessionContext& session, std::string_view client_version, std::string_view hassh,
                         std::string_view hassh_algorithms);

/// honeypot.ssh_forward: a refused port forwarding (`direct-tcpip` or `tcpip-forward`).
Event makeSshForwardEvent(const SessionContext& session, std::string_view kind, std::string_view forward_host,
                          uint32_t forward_port);

} // namespace kansoku::honeypot
