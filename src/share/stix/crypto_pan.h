#pragma once

/// Crypto-PAn, the prefix-preserving address pseudonymisation of J. Xu, J. Fan, M. Ammar and
/// S. Moon, "Prefix-Preserving IP Address Anonymization: Measurement-based Security Evaluation and
/// a New Cryptography-based Scheme", IEEE ICNP 2002. Two addresses that share their first k bits
/// map to two pseudonyms that share their first k bits, and nothing more: a partner sees "the same
/// /24 again" without learning the /24. Bit i of the output is bit i of the input XOR the first bit
/// of AES-128(K, first i input bits followed by the rest of a secret pad), the pad being
/// AES-128(K, second half of the key). IPv4 uses 32 rounds, IPv6 128 (as the reference code extends
/// to IPv6). The 32-byte key is the reference implementation's layout: AES key, then pad seed.

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/ip_address.h"
#include "common/result.h"

struct evp_cipher_ctx_st;

namespace kansoku::share::stix {

class CryptoPan {
public:
    using Key = std::array<uint8_t, 32>;

    /// A key of 64 hex digits is used as is; any other non-empty secret is hashed to 32 bytes with
    /// SHA-256 (then it must be long and random: a guessable secret makes pseudonyms reversible).
    static Result<Key> keyFromSecret(std::string_view secret);
    static Result<CryptoPan> create(const Key& key);

    CryptoPan(CryptoPan&&) noexcept;
    CryptoPan& operator=(CryptoPan&&) noexcept;
    ~CryptoPan();

    /// The pseudonym of `address` (IPv4 stays IPv4, IPv6 stays IPv6).
    IpAddress pseudonymise(const IpAddress& address) const;

private:
    struct CipherFree {
        void operator()(evp_cipher_ctx_st* context) const;
    };
    using Cipher = std::unique_ptr<evp_cipher_ctx_st, CipherFree>;
    using Block = std::array<uint8_t, 16>;

    CryptoPan(Cipher cipher, const Block& pad);
    Block encrypt(const Block& in) const;
    /// The first `bits` bits of `address` (network order, `bits` = 32 or 128) pseudonymised.
    void run(uint8_t* address, int bits) const;

    Cipher cipher_;
    Block pad_{};
};

} // namespace kansoku::share::stix
