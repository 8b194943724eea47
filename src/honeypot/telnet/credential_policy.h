#pragma once

/// Which username/password pairs a honeypot accepts (issue 4: "accept listed pairs, accept after
/// N tries, or accept all"). Policies are immutable and shared by every session of a listener (and
/// by the SSH honeypot); the per-source attempt count comes with each question.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"

namespace kansoku::honeypot::telnet {

struct Credential {
    std::string username;
    std::string password; ///< may be empty ("user:" in a credentials file)

    bool operator==(const Credential&) const = default;
};

/// One login question.
struct LoginContext {
    std::string_view username;
    std::string_view password;
    /// 1 for the first attempt. Counted across the source's earlier sessions when the session
    /// server passes them in (TelnetSession's prior_attempts), else within this session.
    uint32_t attempt = 1;
};

class CredentialPolicy {
public:
    virtual ~CredentialPolicy() = default;
    virtual bool accept(const LoginContext& login) const = 0;
};

/// Accepts every pair.
class AcceptAllPolicy final : public CredentialPolicy {
public:
    bool accept(const LoginContext&) const override { return true; }
};

/// Accepts the listed pairs (exact, case-sensitive), e.g. the Mirai default credentials.
class AcceptListedPolicy final : public CredentialPolicy {
public:
    explicit AcceptListedPolicy(const std::vector<Credential>& credentials);
    bool accept(const LoginContext& login) const override;
    /// Distinct pairs held.
    size_t size() const { return pairs_.size(); }

private:
    std::unordered_set<std::string> pairs_; ///< username '\0' password
};

/// Rejects the first `tries - 1` attempts, accepts from attempt `tries` on (Cowrie's AuthRandom
/// idea: brute forcers get in after a few tries, as on a real weak device).
class AcceptAfterTriesPolicy final : public CredentialPolicy {
public:
    explicit AcceptAfterTriesPolicy(uint32_t tries) : tries_(tries == 0 ? 1 : tries) {}
    bool accept(const LoginContext& login) const override { return login.attempt >= tries_; }
    uint32_t tries() const { return tries_; }

private:
    uint32_t tries_;
};

/// Parses a credentials list: one "user:password" per line, split at the first ':' (a password
/// may contain ':'), "user:" is an empty password. Blank lines and lines starting with '#' are
/// skipped; a trailing CR is removed. Errors name `source` and the line: no ':', empty username,
/// a NUL byte. Duplicates are kept (the Mirai list has two).
Result<std::vector<Credential>> parseCredentials(std::string_view text, std::string_view source);

/// Reads and parses a credentials file (at most 16 MiB).
Result<std::vector<Credential>> loadCredentials(const std::string& path);

} // namespace kansoku::honeypot::telnet
