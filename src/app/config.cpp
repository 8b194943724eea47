#include "app/config.h"

#include <cstdio>
#include <cstdlib>

#include "common/config_printer.h"
#include "common/config_reader.h"
#include "common/file_reader.h"

namespace kansoku::app {

// Defined in the generated embedded_config.cpp (config/local.toml).
extern const char* const kEmbeddedDefaultConfig;

void Config::visit(ConfigVisitor& v) {
    v.section("sensor", "this sensor", [this](ConfigVisitor& s) {
        s.text("name", sensor_name, "recorded in every event's \"sensor\" field; unique per site");
        s.check(!sensor_name.empty(), "sensor.name must not be empty");
    });
    v.section("storage", "where data is kept", [this](ConfigVisitor& s) { store::visitConfig(s, storage); });
    v.section("darknet", "darknet sensor", [this](ConfigVisitor& s) { darknet::visitConfig(s, darknet); });
    v.section("intel", "labels and enrichment", [this](ConfigVisitor& s) { intel::visitConfig(s, intel); });
    v.section("honeypot", "honeypots", [this](ConfigVisitor& s) { honeypot::visitConfig(s, honeypot); });
    v.section("sandbox", "triage and the contained run of collected samples",
              [this](ConfigVisitor& s) { sandbox::visitConfig(s, sandbox); });
    v.section("web", "the HTTP server: JSON API and metrics", [this](ConfigVisitor& s) { web::visitConfig(s, web); });
    v.section("notify", "ISP reports: mail and schedule",
              [this](ConfigVisitor& s) { share::isp::visitConfig(s, notify); });
    v.section("sharing", "international sharing: TAXII 2.1 communities and their partners",
              [this](ConfigVisitor& s) { share::visitConfig(s, sharing); });
    v.section("transport", "sensors and center at different sites: the NATS JetStream bus",
              [this](ConfigVisitor& s) { transport::visitConfig(s, transport); });
}

Result<Config> Config::parse(std::string_view toml_text, std::string_view origin) {
    Config config;
    KANSOKU_TRY(readConfig(toml_text, origin, [&config](ConfigVisitor& v) { config.visit(v); }));
    return config;
}

Result<Config> Config::load(const std::string& path) {
    // A configuration is a few KiB; the cap keeps a wrong path (a capture, /dev/zero) from being slurped.
    constexpr uint64_t kMaxConfigBytes = 4 << 20;
    auto text = readFileBounded(path, kMaxConfigBytes);
    if (!text) {
        return fail("config {}", text.error().message);
    }
    return parse(*text, path);
}

std::string_view Config::embeddedDefaultText() {
    return kEmbeddedDefaultConfig;
}

Config Config::embeddedDefault() {
    auto config = parse(embeddedDefaultText(), "embedded config/local.toml");
    // The embedded default is tested; failing here is a build defect, not user input.
    if (!config) {
        std::fprintf(stderr, "kansoku: %s\n", config.error().message.c_str());
        std::abort();
    }
    return *config;
}

std::map<std::string, std::string> Config::flatten() const {
    Config copy = *this; // visiting takes references to fields; printing does not change them
    return flattenConfig([&copy](ConfigVisitor& v) { copy.visit(v); });
}

std::string Config::show() const {
    Config copy = *this;
    return printConfig([&copy](ConfigVisitor& v) { copy.visit(v); }, Config{}.flatten());
}

} // namespace kansoku::app
