#include "honeypot/telnet/credential_policy.h"

#include <iterator>

#include "common/file_reader.h"

namespace kansoku::honeypot::telnet {

namespace {

constexpr std::uintmax_t kMaxCredentialsFile = 16U << 20;

std::string pairKey(std::string_view username, std::string_view password) {
    std::string key;
    key.reserve(username.size() + 1 + password.size());
    key.append(username);
    key.push_back('\0');
    key.append(password);
    return key;
}

} // namespace

AcceptListedPolicy::AcceptListedPolicy(const std::vector<Credential>& credentials) {
    for (const Credential& c : credentials) {
        pairs_.insert(pairKey(c.username, c.password));
    }
}

bool AcceptListedPolicy::accept(const LoginContext& login) const {
    return pairs_.contains(pairKey(login.username, login.password));
}

Result<std::vector<Credential>> parseCredentials(std::string_view text, std::string_view source) {
    std::vector<Credential> credentials;
    size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line.find('\0') != std::string_view::npos) {
            return fail("{}:{}: NUL byte in credential line", source, line_number);
        }
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            return fail("{}:{}: expected user:password, got no ':' in \"{}\"", source, line_number, line);
        }
        if (colon == 0) {
            return fail("{}:{}: empty username in \"{}\"", source, line_number, line);
        }
        credentials.push_back(Credential{std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    }
    return credentials;
}

Result<std::vector<Credential>> loadCredentials(const std::string& path) {
    auto text = readFileBounded(path, kMaxCredentialsFile);
    if (!text) {
        return fail("credentials {}", text.error().message);
    }
    return parseCredentials(*text, path);
}

} // namespace kansoku::honeypot::telnet
