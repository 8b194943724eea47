#pragma once

/// The SSH honeypot's host keys: generated on first start into a directory (0700) as OpenSSH-format
/// private key files (0600, named like sshd's: ssh_host_ed25519_key, ssh_host_rsa_key,
/// ssh_host_ecdsa_key) and read back on later starts, so the server keeps its fingerprints across
/// restarts (a honeypot whose key changes every start is easy to spot).

#include <string>
#include <vector>

#include "common/result.h"

namespace kansoku::honeypot::ssh {

enum class HostKeyType : uint8_t { Ed25519, Rsa, Ecdsa };

/// "ed25519", "rsa" (3072 bits), "ecdsa" (P-256); error for anything else.
Result<HostKeyType> parseHostKeyType(std::string_view name);
std::string_view hostKeyTypeName(HostKeyType type);

struct HostKeyInfo {
    HostKeyType type = HostKeyType::Ed25519;
    std::string path;        ///< the private key file
    std::string fingerprint; ///< "SHA256:<base64>", as ssh-keygen -l and ssh print it
    bool generated = false;  ///< created by this call (first start)
};

/// For each type: reads `dir`/ssh_host_<type>_key, or generates it if missing (the directory too,
/// mode 0700; files are written 0600 through a temporary name and rename). Errors: a key file that
/// cannot be read or parsed, or that group/others may read (as sshd refuses), a directory that
/// cannot be created.
Result<std::vector<HostKeyInfo>> loadOrGenerateHostKeys(const std::string& dir, const std::vector<HostKeyType>& types);

} // namespace kansoku::honeypot::ssh
