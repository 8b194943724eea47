#pragma once

/// [honeypot] and its sub-tables: the listeners, the session limits (read straight into the session
/// server's SessionLimits), credentials, the UDP reflectors and the downloader
/// ([honeypot.download], owned by malware/download). docs/configuration.md documents every key.

#include <cstdint>
#include <string>

#include "common/config_visitor.h"
#include "honeypot/server/session_server.h"
#include "malware/download/downloader_config.h"

namespace kansoku::honeypot {

/// One TCP honeypot listener.
struct ListenerConfig {
    bool enabled = true;
    std::string address = "127.0.0.1";
    uint16_t port = 0;
};

struct CredentialsConfig {
    /// "accept_all", "listed" (the pairs in `file`) or "after_tries" (the `tries`-th attempt of a source).
    std::string policy = "after_tries";
    std::string file;
    int64_t tries = 2;
};

/// AmpPot-style UDP reflectors (ReflectorServer) on one address.
struct ReflectorSettings {
    bool enabled = true;
    std::string address = "127.0.0.1";
    uint16_t dns_port = 10053;
    uint16_t ntp_port = 10123;
    uint16_t ssdp_port = 11900;
    uint16_t chargen_port = 10019;
    uint16_t memcached_port = 11211;
    int64_t answers_per_source = 3;
    int64_t attack_min_requests = 100;
    Duration flow_idle_timeout = Duration::fromHours(1);
};

struct HoneypotConfig {
    /// Whether `kansoku run` starts the honeypots (`kansoku honeypot` always does).
    bool enabled = true;
    /// A persona name (rules/personas/NAME.toml) or a path to a persona file.
    std::string persona = "tplink-wr841n-mips";
    /// Folder with personas/ and http/; empty: the rules compiled into the binary.
    std::string rules_dir;
    std::string samples_dir = "var/samples";
    std::string host_keys_dir = "var/ssh-host-keys";
    /// Telnet and SSH events also in Cowrie's JSON format here; empty disables it.
    std::string cowrie_jsonl = "var/cowrie.json";
    /// Telnet and SSH shell sessions recorded as asciinema casts (<casts_dir>/<session>.cast); empty: off.
    std::string casts_dir = "var/casts";
    /// Bytes per cast; the rest of a session is not recorded (counted).
    size_t cast_max_bytes = 256 * 1024;
    server::SessionLimits limits;
    /// How long a shell's wget/curl/tftp/ftpget waits for the downloader before it returns (issue 17);
    /// zero: return at once (an empty placeholder, the download completes in the background).
    Duration download_wait = Duration::fromSeconds(10);
    CredentialsConfig credentials;
    ListenerConfig telnet{true, "127.0.0.1", 2323};
    /// BusyBox login's pause before "Login incorrect" (LOGIN_FAIL_DELAY).
    Duration telnet_failure_delay = Duration::fromSeconds(3);
    Duration telnet_prompt_delay = Duration::fromMillis(50);
    ListenerConfig ssh{true, "127.0.0.1", 2222};
    std::string ssh_version = "SSH-2.0-dropbear_2019.78";
    /// Dropbear's pause before answering a failed authentication (250-350 ms in svr-auth.c).
    Duration ssh_failure_delay = Duration::fromMillis(300);
    ListenerConfig http{true, "127.0.0.1", 8081};
    /// The web interface shown (rules/http/personas/NAME.toml, or a path).
    std::string http_persona = "tplink-wr841n";
    ReflectorSettings reflector;
    malware::download::DownloaderConfig download;
};

void visitConfig(ConfigVisitor& v, HoneypotConfig& c);

} // namespace kansoku::honeypot
