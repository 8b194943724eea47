#pragma once

/// Each `kansoku` subcommand lives in its own file and registers itself from main.cpp's explicit
/// list through one of these functions. A command's callback throws CommandError for bad input;
/// main turns it into one line on stderr and a non-zero exit.

#include <stdexcept>
#include <string>
#include <utility>

#include "common/result.h"

namespace CLI {
class App;
}

namespace kansoku::cli {

/// Bad input or a failure the user must fix: printed as "kansoku: <message>", exit code 1.
class CommandError : public std::runtime_error {
public:
    explicit CommandError(const std::string& message) : std::runtime_error(message) {}
};

/// The value of a Result, or a CommandError with its message.
template <typename T>
T orThrow(Result<T> result) {
    if (!result) {
        throw CommandError(result.error().message);
    }
    return std::move(*result);
}

inline void orThrow(Result<void> result) {
    if (!result) {
        throw CommandError(result.error().message);
    }
}

void addRunCommand(CLI::App& app);
void addConfigCommand(CLI::App& app);
void addHoneypotCommand(CLI::App& app);
void addSandboxCommand(CLI::App& app);
void addDarknetCommand(CLI::App& app);
void addQueryCommand(CLI::App& app);
void addSamplesCommand(CLI::App& app);
void addIntelCommand(CLI::App& app);
void addServeCommand(CLI::App& app);
/// `kansoku sensor` and `kansoku center`: the two halves over NATS JetStream (docs/transport.md).
void addSensorCommand(CLI::App& app);
void addCenterCommand(CLI::App& app);
void addReportCommand(CLI::App& app);
void addExportCommand(CLI::App& app);
void addExportBlocklistCommand(CLI::App& exporter); ///< under `export`
void addExportStixCommand(CLI::App& exporter);      ///< under `export`
void addNoticeCommand(CLI::App& app);
void addIspCommand(CLI::App& app);
/// `kansoku partner add|list|remove|rotate` (partner_command.cpp).
void addPartnerCommand(CLI::App& app);
/// `kansoku sharing log|publish|pull|feeds` (sharing_command.cpp).
void addSharingCommand(CLI::App& app);
void addSharingPublishCommand(CLI::App& sharing); ///< under `sharing`
void addSharingPullCommand(CLI::App& sharing);    ///< under `sharing`
/// `report remediation` (remediation_command.cpp), registered by addReportCommand.
void addRemediationReport(CLI::App& report);
/// `kansoku report isp` (report_isp_command.cpp), under `report`.
void addReportIspCommand(CLI::App& report);

} // namespace kansoku::cli
