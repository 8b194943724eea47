#pragma once

/// The whole configuration of a kansoku process: one section per component, each declared by its
/// component (store, darknet, intel, honeypot, sandbox, web); this file only lists them. Read from
/// TOML (config/local.toml is the embedded default and documents every key); unknown keys are
/// errors, so a typo never silently falls back to a default.

#include <map>
#include <string>
#include <string_view>

#include "common/config_visitor.h"
#include "common/result.h"
#include "darknet/darknet_config.h"
#include "honeypot/honeypot_config.h"
#include "intel/intel_config.h"
#include "sandbox/analysis/sandbox_config.h"
#include "share/isp/notify_config.h"
#include "share/sharing/sharing_config.h"
#include "store/storage_config.h"
#include "transport/transport_config.h"
#include "web/web_config.h"

namespace kansoku::app {

struct Config {
    std::string sensor_name = "local"; ///< [sensor] name
    store::StorageConfig storage;
    darknet::DarknetConfig darknet;
    intel::IntelConfig intel;
    honeypot::HoneypotConfig honeypot;
    sandbox::SandboxConfig sandbox;
    web::WebConfig web;
    share::isp::NotifyConfig notify;
    share::SharingConfig sharing;
    transport::TransportConfig transport;

    /// Walks every section (reading, printing and comparing use this one list).
    void visit(ConfigVisitor& v);

    /// Parses TOML text over the compiled-in defaults; `origin` names the source in errors.
    static Result<Config> parse(std::string_view toml_text, std::string_view origin);
    static Result<Config> load(const std::string& path);
    /// The embedded default (config/local.toml compiled into the binary).
    static Config embeddedDefault();
    static std::string_view embeddedDefaultText();

    /// Every key's dotted path and TOML value ("honeypot.limits.max_sessions" -> "1024").
    std::map<std::string, std::string> flatten() const;
    /// The configuration as a TOML document, each key documented and annotated with its default.
    std::string show() const;
};

} // namespace kansoku::app
