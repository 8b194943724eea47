// The `kansoku` binary: one process, many subcommands (ARCHITECTURE.md "One binary").

#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/command.h"

int main(int argc, char** argv) {
    CLI::App app{"kansoku — cyber-attack observation and early response (darknet, honeypots, sandbox, sharing)",
                 "kansoku"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "kansoku 0.1.0");

    // Every subcommand, from one explicit list.
    kansoku::cli::addRunCommand(app);
    kansoku::cli::addServeCommand(app);
    kansoku::cli::addSensorCommand(app);
    kansoku::cli::addCenterCommand(app);
    kansoku::cli::addDarknetCommand(app);
    kansoku::cli::addHoneypotCommand(app);
    kansoku::cli::addSandboxCommand(app);
    kansoku::cli::addQueryCommand(app);
    kansoku::cli::addSamplesCommand(app);
    kansoku::cli::addConfigCommand(app);
    kansoku::cli::addIntelCommand(app);
    kansoku::cli::addReportCommand(app);
    kansoku::cli::addExportCommand(app);
    kansoku::cli::addNoticeCommand(app);
    kansoku::cli::addIspCommand(app);
    kansoku::cli::addPartnerCommand(app);
    kansoku::cli::addSharingCommand(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code(); // a command that already reported its outcome
    } catch (const CLI::ParseError& e) {
        // One line naming the problem; --help shows the rest.
        std::fprintf(stderr, "kansoku: %s (see --help)\n", e.what());
        return 2;
    } catch (const kansoku::cli::CommandError& e) {
        std::fprintf(stderr, "kansoku: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kansoku: internal error: %s\n", e.what());
        return 70;
    }
    return 0;
}
