#pragma once

// The repository's personas (rules/personas/), loaded once per test binary.

#include <memory>
#include <stdexcept>
#include <string>

#include "honeypot/shell/persona.h"

namespace kansoku::honeypot::shell::testing {

inline std::string personaPath(const std::string& name) {
    return std::string(KANSOKU_SOURCE_DIR) + "/rules/personas/" + name + ".toml";
}

inline std::shared_ptr<const Persona> loadPersona(const std::string& name) {
    auto persona = Persona::load(personaPath(name));
    if (!persona) {
        throw std::runtime_error(persona.error().message);
    }
    return std::make_shared<const Persona>(std::move(*persona));
}

inline std::shared_ptr<const Persona> routerPersona() {
    static const auto persona = loadPersona("tplink-wr841n-mips");
    return persona;
}

inline std::shared_ptr<const Persona> dvrPersona() {
    static const auto persona = loadPersona("hisilicon-dvr-armv7");
    return persona;
}

} // namespace kansoku::honeypot::shell::testing
