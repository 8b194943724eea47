#include "honeypot/honeypot_config.h"

namespace kansoku::honeypot {
namespace {

constexpr Duration kYear = Duration::fromDays(365);

void visitListener(ConfigVisitor& v, ListenerConfig& listener) {
    v.boolean("enabled", listener.enabled, "");
    v.text("address", listener.address, "address to listen on (a site binds its public address)");
    v.integer("port", listener.port, 0, 65535, "0: any free port");
}

void visitLimits(ConfigVisitor& v, server::SessionLimits& limits) {
    v.integer("max_sessions", limits.max_sessions, 1, 1'000'000, "open sessions per listener, all sources");
    v.integer("max_sessions_per_source", limits.max_sessions_per_source, 1, 1'000'000,
              "open sessions from one source address");
    v.duration("idle_timeout", limits.idle_timeout, Duration::fromSeconds(1), kYear,
               "no input for this long closes a session");
    v.renamed("idle_timeout_s", "write idle_timeout = \"180s\"");
    v.duration("session_timeout", limits.total_timeout, Duration::fromSeconds(1), kYear,
               "a session older than this is closed");
    v.renamed("session_timeout_s", "write session_timeout = \"15m\"");
    v.size("max_input", limits.max_input_bytes_per_session, ByteSize::fromKiB(1), ByteSize::fromGiB(1),
           "bytes read from one client in all");
    v.renamed("max_input_kb", "write max_input = \"256KiB\"");
}

void visitCredentials(ConfigVisitor& v, CredentialsConfig& c) {
    v.choice("policy", c.policy, {"accept_all", "listed", "after_tries"},
             "which logins succeed: all, the user:password pairs in `file`, or a source's `tries`-th attempt");
    v.text("file", c.file, "user:password pairs, one per line (policy \"listed\")");
    v.integer("tries", c.tries, 1, 1000, "attempt of a source that gets in (policy \"after_tries\")");
    v.check(c.policy != "listed" || !c.file.empty(),
            "honeypot.credentials.policy = \"listed\" needs honeypot.credentials.file");
}

void visitReflector(ConfigVisitor& v, ReflectorSettings& r) {
    v.boolean("enabled", r.enabled, "");
    v.text("address", r.address, "address the UDP services listen on");
    v.integer("dns_port", r.dns_port, 0, 65535, "");
    v.integer("ntp_port", r.ntp_port, 0, 65535, "");
    v.integer("ssdp_port", r.ssdp_port, 0, 65535, "");
    v.integer("chargen_port", r.chargen_port, 0, 65535, "");
    v.integer("memcached_port", r.memcached_port, 0, 65535, "");
    v.integer("answers_per_source", r.answers_per_source, 0, 1000, "replies per source and service per minute");
    v.integer("attack_min_requests", r.attack_min_requests, 2, 1'000'000'000,
              "requests from one source that make it the victim of a reflection attack");
    v.duration("flow_idle_timeout", r.flow_idle_timeout, Duration::fromSeconds(1), kYear,
               "a flow (and its attack) ends after this much silence");
    v.renamed("flow_idle_timeout_s", "write flow_idle_timeout = \"1h\"");
}

} // namespace

void visitConfig(ConfigVisitor& v, HoneypotConfig& c) {
    v.boolean("enabled", c.enabled, "`kansoku run` starts the honeypots (`kansoku honeypot` runs them alone)");
    v.text("persona", c.persona, "device persona (rules/personas/NAME.toml, or a path)");
    v.text("rules_dir", c.rules_dir, "folder holding personas/ and http/; empty: the rules compiled in");
    v.text("samples_dir", c.samples_dir, "the content-addressed sample store");
    v.text("host_keys_dir", c.host_keys_dir, "SSH host keys, generated on first start and kept");
    v.text("cowrie_jsonl", c.cowrie_jsonl, "telnet and SSH events also in Cowrie's JSON format; empty: off");
    v.text("casts_dir", c.casts_dir,
           "telnet and SSH sessions that log in, recorded as asciinema casts (SESSION.cast; `kansoku honeypot "
           "replay SESSION`); empty: off");
    v.size("cast_max", c.cast_max_bytes, ByteSize::fromKiB(4), ByteSize::fromGiB(1),
           "bytes per cast; the rest of a session is not recorded (counted)");
    v.check(!c.persona.empty() && !c.samples_dir.empty(),
            "honeypot.persona and honeypot.samples_dir must not be empty");
    v.duration("download_wait", c.download_wait, Duration(), Duration::fromMinutes(5),
               "wget/curl/tftp/ftpget in a telnet or SSH shell return once the file is fetched, waiting at most "
               "this long (then an empty file, counted); 0: at once");
    v.section("limits", "per listener", [&c](ConfigVisitor& s) { visitLimits(s, c.limits); });
    v.section("credentials", "", [&c](ConfigVisitor& s) { visitCredentials(s, c.credentials); });
    v.section("telnet", "", [&c](ConfigVisitor& s) {
        visitListener(s, c.telnet);
        s.duration("failure_delay", c.telnet_failure_delay, Duration(), Duration::fromMinutes(1),
                   "pause before \"Login incorrect\", as BusyBox login does");
        s.renamed("failure_delay_ms", "write failure_delay = \"3s\"");
        s.duration("prompt_delay", c.telnet_prompt_delay, Duration(), Duration::fromSeconds(10),
                   "pause between the option negotiation and the login prompt, as telnetd then login print");
    });
    v.section("ssh", "", [&c](ConfigVisitor& s) {
        visitListener(s, c.ssh);
        s.text("version", c.ssh_version, "identification string (RFC 4253 section 4.2)");
        s.duration("failure_delay", c.ssh_failure_delay, Duration(), Duration::fromMinutes(1),
                   "pause before answering a failed authentication, as Dropbear does (250-350 ms)");
        s.check(c.ssh_version.starts_with("SSH-2.0-") && c.ssh_version.size() <= 200,
                "honeypot.ssh.version must start with \"SSH-2.0-\" (at most 200 bytes)");
    });
    v.section("http", "", [&c](ConfigVisitor& s) {
        visitListener(s, c.http);
        s.text("persona", c.http_persona, "device web interface (rules/http/personas/NAME.toml, or a path)");
    });
    v.section("reflector", "AmpPot-style UDP reflectors", [&c](ConfigVisitor& s) { visitReflector(s, c.reflector); });
    v.section("download", "the safe downloader", [&c](ConfigVisitor& s) { visitConfig(s, c.download); });
}

} // namespace kansoku::honeypot
