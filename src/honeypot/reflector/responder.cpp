#include "honeypot/reflector/responder.h"

#include <array>

namespace kansoku::honeypot::reflector {

namespace {

using ResponderFn = Response (*)(std::span<const uint8_t>, const ReplyContext&);

constexpr std::array<ServiceInfo, kServiceCount> kServices{{
    {Service::Dns, "dns", 10053},
    {Service::Ntp, "ntp", 10123},
    {Service::Ssdp, "ssdp", 11900},
    {Service::Chargen, "chargen", 10019},
    {Service::Memcached, "memcached", 11211},
}};

constexpr std::array<ResponderFn, kServiceCount> kResponders{
    respondDns, respondNtp, respondSsdp, respondChargen, respondMemcached,
};

} // namespace

std::string_view serviceName(Service service) {
    const auto i = static_cast<size_t>(service);
    return i < kServices.size() ? kServices[i].name : "unknown";
}

std::optional<Service> parseService(std::string_view name) {
    for (const auto& info : kServices) {
        if (info.name == name) {
            return info.service;
        }
    }
    return std::nullopt;
}

uint16_t defaultPort(Service service) {
    const auto i = static_cast<size_t>(service);
    return i < kServices.size() ? kServices[i].default_port : 0;
}

std::span<const ServiceInfo> reflectorServices() {
    return kServices;
}

Response respond(Service service, std::span<const uint8_t> request, const ReplyContext& ctx) {
    const auto i = static_cast<size_t>(service);
    Response response;
    if (i >= kResponders.size()) {
        response.malformed = true;
        return response;
    }
    response = kResponders[i](request, ctx);
    // Every responder honours the cap; this is the last line of defence, never hit by design.
    if (response.reply.has_value() && response.reply->size() > ctx.cap) {
        response.reply = std::nullopt;
    }
    return response;
}

} // namespace kansoku::honeypot::reflector
