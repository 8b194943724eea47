#pragma once

/// UDP reflector honeypot responders (issue 4 item 6, after AmpPot: Krämer et al., "AmpPot:
/// Monitoring and Defending Against Amplification DDoS Attacks", RAID 2015). Each responder is a pure
/// function from one request datagram to at most one reply datagram, bounds-checked, never larger
/// than ReplyContext::cap. Whether to answer at all (the per-source answer limit) is decided by the
/// ReflectorTracker, not here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace kansoku::honeypot::reflector {

enum class Service : uint8_t { Dns, Ntp, Ssdp, Chargen, Memcached };

inline constexpr size_t kServiceCount = 5;

/// What a responder may use besides the request. Everything is an argument so replies are
/// deterministic in tests.
struct ReplyContext {
    size_t cap = 512;        ///< the reply is never larger than this (0: never reply)
    Timestamp now = 0;       ///< wall time for NTP timestamps and the SSDP DATE header
    uint32_t src_v4 = 0;     ///< requester's IPv4 address (host order), 0 if unknown or IPv6
    uint16_t src_port = 0;   ///< requester's port (NTP monlist lists the requester)
    uint16_t local_port = 0; ///< the port the honeypot listens on (SSDP LOCATION)
};

/// One request's outcome. `malformed` counts requests the service would reject (a DNS FORMERR reply
/// is both a reply and malformed); `reply` is empty when the honeypot stays silent.
struct Response {
    std::optional<std::vector<uint8_t>> reply;
    bool malformed = false;
};

/// DNS (RFC 1035) on UDP: one question; A, ANY and TXT answered modestly, other types NOERROR with no
/// answer, a bad question FORMERR, non-queries NOTIMP, responses and short headers dropped. A reply
/// over the cap drops its answers and sets TC, as a resolver does (RFC 1035 4.2.1).
Response respondDns(std::span<const uint8_t> request, const ReplyContext& ctx);

/// NTP (RFC 5905 mode 3 -> mode 4; ntpd mode 7 MON_GETLIST_1 "monlist" -> a few monitor entries, the
/// requester first; mode 6 READSTAT/READVAR (RFC 1305 appendix B) -> short replies). Other modes dropped.
Response respondNtp(std::span<const uint8_t> request, const ReplyContext& ctx);

/// SSDP (UPnP Device Architecture 1.1, 1.3.2): `M-SEARCH * HTTP/1.1` with MAN "ssdp:discover" -> one
/// `200 OK` with a home-router persona (MiniUPnPd SERVER, LOCATION, ST, USN). Anything else dropped.
Response respondSsdp(std::span<const uint8_t> request, const ReplyContext& ctx);

/// CharGen (RFC 864, UDP): any datagram -> lines of 72 characters + CRLF rotating through the 95
/// printable ASCII characters, as many whole lines as fit in min(cap, 512) bytes.
Response respondChargen(std::span<const uint8_t> request, const ReplyContext& ctx);

/// memcached UDP (protocol.txt "UDP protocol"): 8-byte frame header (request id, sequence 0, 1
/// datagram, reserved), then one ASCII command: stats, version, get/gets (always a miss),
/// set/add/replace (STORED, nothing kept); others ERROR. The reply carries the request id.
Response respondMemcached(std::span<const uint8_t> request, const ReplyContext& ctx);

/// "dns", "ntp", "ssdp", "chargen", "memcached" (the `vector` of ddos.attack, `protocol` of
/// honeypot.session).
std::string_view serviceName(Service service);
std::optional<Service> parseService(std::string_view name);

/// The embedded default ports (ARCHITECTURE.md): DNS 10053, NTP 10123, SSDP 11900, CharGen 10019,
/// memcached 11211, all on 127.0.0.1.
uint16_t defaultPort(Service service);

struct ServiceInfo {
    Service service;
    std::string_view name;
    uint16_t default_port;
};

/// The five services in a fixed order with their default ports.
std::span<const ServiceInfo> reflectorServices();

/// Dispatches to the service's responder (a table, not a switch per caller).
Response respond(Service service, std::span<const uint8_t> request, const ReplyContext& ctx);

} // namespace kansoku::honeypot::reflector
