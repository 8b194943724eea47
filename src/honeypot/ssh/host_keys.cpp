#include "honeypot/ssh/host_keys.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <libssh/libssh.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kansoku::honeypot::ssh {

namespace {

struct KeyDeleter {
    void operator()(ssh_key key) const { ssh_key_free(key); }
};
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyDeleter>;

struct CharDeleter {
    void operator()(char* text) const { ssh_string_free_char(text); }
};

Result<std::string> fingerprintOf(ssh_key key) {
    unsigned char* hash = nullptr;
    size_t hash_length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_length) != SSH_OK) {
        return fail("cannot hash host key");
    }
    std::unique_ptr<char, CharDeleter> text(ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_length));
    ssh_clean_pubkey_hash(&hash);
    if (!text) {
        return fail("cannot format host key fingerprint");
    }
    return std::string(text.get());
}

Result<void> writeNewFile(const std::string& path, std::string_view content) {
    std::string temporary = path + ".tmp";
    ::unlink(temporary.c_str());
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail("cannot create {}: {}", temporary, std::strerror(errno));
    }
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int saved = errno;
            ::close(fd);
            ::unlink(temporary.c_str());
            return fail("cannot write {}: {}", temporary, std::strerror(saved));
        }
        written += static_cast<size_t>(n);
    }
    if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(temporary.c_str());
        return fail("cannot write {}: {}", temporary, std::strerror(errno));
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(temporary.c_str());
        return fail("cannot rename {} to {}: {}", temporary, path, std::strerror(saved));
    }
    return {};
}

Result<KeyPtr> generate(HostKeyType type) {
    enum ssh_keytypes_e ssh_type = SSH_KEYTYPE_ED25519;
    int bits = 0;
    switch (type) {
    case HostKeyType::Ed25519:
        break;
    case HostKeyType::Rsa:
        ssh_type = SSH_KEYTYPE_RSA;
        bits = 3072;
        break;
    case HostKeyType::Ecdsa:
        ssh_type = SSH_KEYTYPE_ECDSA_P256;
        bits = 256;
        break;
    }
    ssh_key key = nullptr;
    if (ssh_pki_generate(ssh_type, bits, &key) != SSH_OK || key == nullptr) {
        return fail("cannot generate {} host key", hostKeyTypeName(type));
    }
    return KeyPtr(key);
}

} // namespace

Result<HostKeyType> parseHostKeyType(std::string_view name) {
    if (name == "ed25519") {
        return HostKeyType::Ed25519;
    }
    if (name == "rsa") {
        return HostKeyType::Rsa;
    }
    if (name == "ecdsa") {
        return HostKeyType::Ecdsa;
    }
    return fail("unknown host key type '{}' (ed25519, rsa, ecdsa)", name);
}

std::string_view hostKeyTypeName(HostKeyType type) {
    switch (type) {
    case HostKeyType::Ed25519:
        return "ed25519";
    case HostKeyType::Rsa:
        return "rsa";
    case HostKeyType::Ecdsa:
        return "ecdsa";
    }
    return "unknown";
}

Result<std::vector<HostKeyInfo>> loadOrGenerateHostKeys(const std::string& dir, const std::vector<HostKeyType>& types) {
    if (dir.empty()) {
        return fail("no host key directory configured");
    }
    struct stat dir_stat {};
    if (::stat(dir.c_str(), &dir_stat) != 0) {
        if (errno != ENOENT || ::mkdir(dir.c_str(), 0700) != 0) {
            return fail("cannot create host key directory {}: {}", dir, std::strerror(errno));
        }
        ::chmod(dir.c_str(), 0700); // mkdir's mode is masked by the umask
    } else if (!S_ISDIR(dir_stat.st_mode)) {
        return fail("host key directory {} is not a directory", dir);
    }
    std::vector<HostKeyInfo> keys;
    for (const HostKeyType type : types) {
        HostKeyInfo info;
        info.type = type;
        info.path = dir + "/ssh_host_" + std::string(hostKeyTypeName(type)) + "_key";
        struct stat file_stat {};
        KeyPtr key;
        if (::stat(info.path.c_str(), &file_stat) == 0) {
            if ((file_stat.st_mode & 077) != 0) {
                return fail("host key {} is accessible by group or others (chmod 600 it)", info.path);
            }
            ssh_key loaded = nullptr;
            if (ssh_pki_import_privkey_file(info.path.c_str(), nullptr, nullptr, nullptr, &loaded) != SSH_OK) {
                return fail("cannot read host key {}", info.path);
            }
            key.reset(loaded);
            if (ssh_key_type(key.get()) != (type == HostKeyType::Ed25519 ? SSH_KEYTYPE_ED25519
                                            : type == HostKeyType::Rsa   ? SSH_KEYTYPE_RSA
                                                                         : SSH_KEYTYPE_ECDSA_P256)) {
                return fail("host key {} is not a {} key", info.path, hostKeyTypeName(type));
            }
        } else if (errno == ENOENT) {
            auto generated = generate(type);
            if (!generated) {
                return fail(generated.error());
            }
            key = std::move(*generated);
            char* base64 = nullptr;
            if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &base64) != SSH_OK) {
                return fail("cannot encode {} host key", hostKeyTypeName(type));
            }
            std::unique_ptr<char, CharDeleter> text(base64);
            KANSOKU_TRY(writeNewFile(info.path, text.get()));
            info.generated = true;
        } else {
            return fail("cannot stat host key {}: {}", info.path, std::strerror(errno));
        }
        auto fingerprint = fingerprintOf(key.get());
        if (!fingerprint) {
            return fail(fingerprint.error());
        }
        info.fingerprint = std::move(*fingerprint);
        keys.push_back(std::move(info));
    }
    return keys;
}

} // namespace kansoku::honeypot::ssh
