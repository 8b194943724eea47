#include "share/stix/crypto_pan.h"

#include <cstring>

#include <openssl/evp.h>

#include "common/hex.h"

namespace kansoku::share::stix {
void CryptoPan::CipherFree::operator()(evp_cipher_ctx_st* context) const {
    EVP_CIPHER_CTX_free(context);
}

Result<CryptoPan::Key> CryptoPan::keyFromSecret(std::string_view secret) {
    Key key{};
    if (secret.empty()) {
        return fail("pseudonym key: empty (set a secret of 64 hex digits)");
    }
    bool hex = secret.size() == 64;
    for (size_t i = 0; hex && i < 32; ++i) {
        const int hi = hexDigitValue(secret[2 * i]);
        const int lo = hexDigitValue(secret[2 * i + 1]);
        hex = hi >= 0 && lo >= 0;
        key[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    if (hex) {
        return key;
    }
    unsigned int size = 0;
    if (EVP_Digest(secret.data(), secret.size(), key.data(), &size, EVP_sha256(), nullptr) != 1 || size != 32) {
        return fail("pseudonym key: SHA-256 failed");
    }
    return key;
}

Result<CryptoPan> CryptoPan::create(const Key& key) {
    Cipher cipher(EVP_CIPHER_CTX_new());
    if (!cipher || EVP_EncryptInit_ex(cipher.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1) {
        return fail("pseudonym key: cannot set up AES-128");
    }
    EVP_CIPHER_CTX_set_padding(cipher.get(), 0);
    CryptoPan pan(std::move(cipher), Block{});
    Block seed{};
    std::memcpy(seed.data(), key.data() + 16, 16);
    pan.pad_ = pan.encrypt(seed);
    return pan;
}

CryptoPan::CryptoPan(Cipher cipher, const Block& pad) : cipher_(std::move(cipher)), pad_(pad) {}
CryptoPan::CryptoPan(CryptoPan&&) noexcept = default;
CryptoPan& CryptoPan::operator=(CryptoPan&&) noexcept = default;
CryptoPan::~CryptoPan() = default;

CryptoPan::Block CryptoPan::encrypt(const Block& in) const {
    Block out{};
    int length = 0;
    // ECB on one block with no padding: the context needs no reset between calls.
    EVP_EncryptUpdate(cipher_.get(), out.data(), &length, in.data(), static_cast<int>(in.size()));
    return out;
}

void CryptoPan::run(uint8_t* address, int bits) const {
    std::array<uint8_t, 16> result{};
    for (int i = 0; i < bits; ++i) {
        // The first i bits of the address, then the pad's bits from position i on.
        Block input = pad_;
        const int whole = i / 8;
        std::memcpy(input.data(), address, static_cast<size_t>(whole));
        if (i % 8 != 0) {
            const auto mask = static_cast<uint8_t>(0xFF << (8 - i % 8));
            input[whole] = static_cast<uint8_t>((address[whole] & mask) | (pad_[whole] & ~mask));
        }
        const Block output = encrypt(input);
        if (((output[0] >> 7) & 1) != 0) {
            result[i / 8] = static_cast<uint8_t>(result[i / 8] | (0x80 >> (i % 8)));
        }
    }
    for (int i = 0; i < bits / 8; ++i) {
        address[i] = static_cast<uint8_t>(address[i] ^ result[i]);
    }
}

IpAddress CryptoPan::pseudonymise(const IpAddress& address) const {
    std::array<uint8_t, 16> bytes = address.bytes();
    if (address.isV4()) {
        run(bytes.data() + 12, 32);
        return IpAddress::fromV6(bytes.data()); // still the IPv4-mapped form
    }
    run(bytes.data(), 128);
    return IpAddress::fromV6(bytes.data());
}

} // namespace kansoku::share::stix
