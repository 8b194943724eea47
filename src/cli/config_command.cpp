// `kansoku config show|check`: the effective configuration, and validation without starting.

#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/config.h"
#include "cli/command.h"
#include "cli/config_option.h"

namespace kansoku::cli {
namespace {

struct ShowArgs {
    ConfigOption config;
};

void showMain(const ShowArgs& args) {
    const app::Config config = args.config.load();
    std::printf("# kansoku effective configuration (%s)\n# Each key shows its value; \"# default\" marks the "
                "compiled-in default, else the default is given.\n\n",
                args.config.given() ? args.config.path().c_str() : "the embedded config/local.toml");
    std::fputs(config.show().c_str(), stdout);
}

struct CheckArgs {
    std::string file;
};

void checkMain(const CheckArgs& args) {
    orThrow(app::Config::load(args.file));
    std::printf("%s: ok\n", args.file.c_str());
}

} // namespace

void addConfigCommand(CLI::App& app) {
    auto* config = app.add_subcommand("config", "Show the effective configuration or check a config file");
    config->require_subcommand(1);

    auto show_args = std::make_shared<ShowArgs>();
    auto* show = config->add_subcommand(
        "show", "Print every key with its value (TOML), its documentation and its default where it differs");
    show_args->config.add(*show);
    show->callback([show_args] { showMain(*show_args); });

    auto check_args = std::make_shared<CheckArgs>();
    auto* check = config->add_subcommand(
        "check", "Validate a config file without starting anything: one line naming the key on an error");
    check->add_option("file", check_args->file, "Configuration file (TOML)")->required();
    check->callback([check_args] { checkMain(*check_args); });
}

} // namespace kansoku::cli
