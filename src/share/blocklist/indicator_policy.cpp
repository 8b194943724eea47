#include "share/blocklist/indicator_policy.h"

#include <algorithm>
#include <array>
#include <vector>

#include "malware/download/address_policy.h"
#include "sandbox/fakenet/fake_net.h"
#include "sandbox/jail/jail_options.h"

namespace kansoku::share::blocklist {
namespace {

/// The sandbox's fake network as a sample sees it (defaults of src/sandbox; nothing overrides them).
const std::vector<IpAddress>& fakeNetAddresses() {
    static const std::vector<IpAddress> addresses = [] {
        std::vector<IpAddress> out;
        const sandbox::fakenet::FakeDnsConfig dns;
        const sandbox::JailOptions jail;
        for (const auto& address : {dns.sinkhole_v4, dns.sinkhole_v6, IpAddress::parse(jail.tun_address),
                                    IpAddress::parse(jail.tun_gateway)}) {
            if (address) {
                out.push_back(*address);
            }
        }
        return out;
    }();
    return addresses;
}

bool isLdh(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/// Splits a lowercased name into labels; false when a label is empty or too long or has a
/// character outside `allowed`.
template <typename Allowed>
bool splitLabels(std::string_view name, std::vector<std::string_view>& labels, Allowed allowed) {
    while (true) {
        const auto dot = name.find('.');
        const std::string_view label = name.substr(0, dot);
        if (label.empty() || label.size() > 63 || !std::all_of(label.begin(), label.end(), allowed)) {
            return false;
        }
        labels.push_back(label);
        if (dot == std::string_view::npos) {
            return true;
        }
        name.remove_prefix(dot + 1);
    }
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

} // namespace

std::optional<std::string_view> unlistableAddress(const IpAddress& address) {
    if (auto reason = malware::download::refusedReason(address, {})) {
        return reason;
    }
    const auto& fake = fakeNetAddresses();
    if (std::find(fake.begin(), fake.end(), address) != fake.end()) {
        return "sandbox_fakenet";
    }
    return std::nullopt;
}

std::optional<std::string> listableDomain(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    if (name.empty() || name.size() > 253) {
        return std::nullopt;
    }
    std::string text = lower(name);
    std::vector<std::string_view> labels;
    if (!splitLabels(text, labels, [](char c) { return isLdh(c) || c == '_'; }) || labels.size() < 2) {
        return std::nullopt;
    }
    const std::string_view top = labels.back();
    if (top.front() < 'a' || top.front() > 'z') {
        return std::nullopt; // no TLD starts with a digit, '-' or '_'
    }
    static constexpr std::array<std::string_view, 4> kSpecial = {"localhost", "local", "invalid", "arpa"};
    if (std::find(kSpecial.begin(), kSpecial.end(), top) != kSpecial.end()) {
        return std::nullopt; // RFC 6761 / 6762 special-use names and the reverse-mapping tree
    }
    // "32.1.0.0.10.rpz-ip", "x.rpz-nsdname", "rpz-passthru": an RPZ would read these as policy.
    if (std::any_of(labels.begin(), labels.end(), [](std::string_view l) { return l.starts_with("rpz-"); })) {
        return std::nullopt;
    }
    return text;
}

bool isZoneName(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    const std::string text = lower(name);
    std::vector<std::string_view> labels;
    return !text.empty() && text.size() <= 200 && splitLabels(text, labels, isLdh);
}

} // namespace kansoku::share::blocklist
