// Fuzzes the similarity digests (malware/triage/fuzzy_hashes.h, ssdeep_hasher.h, tlsh_hasher.h)
// differentially: on any input, both byte loops (portable, AVX-512 where the CPU has it) must give
// libfuzzy's ssdeep digest and libtlsh's TLSH digest (libtlsh 3.4.4 hashes inputs of 256 bytes and
// more; TLSH 4.x, like us, from 50), and a digest must parse and be at distance 0 from itself.
//
// Input: a whole (hostile) file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <fuzzy.h>
#include <tlsh.h>

#include "fuzz_check.h"
#include "malware/triage/fuzzy_hashes.h"
#include "malware/triage/tlsh_hasher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 1024 * 1024) {
        return -1;
    }
    using namespace kansoku::malware::triage;
    const std::span<const uint8_t> bytes(data, size);

    char reference_ssdeep[FUZZY_MAX_RESULT] = {};
    FUZZ_CHECK(fuzzy_hash_buf(data, static_cast<uint32_t>(size), reference_ssdeep) == 0);
    Tlsh reference_tlsh;
    if (size > 0) {
        reference_tlsh.update(data, static_cast<unsigned int>(size));
    }
    reference_tlsh.final();
    const char* tlsh = reference_tlsh.getHash();
    const std::string reference = tlsh != nullptr && *tlsh != '\0' ? std::string("T1") + tlsh : std::string();

    for (const FuzzyKernel kernel : {FuzzyKernel::Portable, FuzzyKernel::Avx512}) {
        if (!fuzzyKernelAvailable(kernel)) {
            continue;
        }
        const FuzzyHashes ours = fuzzyHash(bytes, kernel);
        FUZZ_CHECK(ours.ssdeep == reference_ssdeep);
        if (size >= 256) {
            FUZZ_CHECK(ours.tlsh == reference);
        } else if (size < TlshHasher::kMinLength) {
            FUZZ_CHECK(ours.tlsh.empty());
        }
        if (!ours.tlsh.empty()) {
            FUZZ_CHECK(ours.tlsh.size() == 72 && parseTlsh(ours.tlsh).has_value());
            FUZZ_CHECK(tlshDistance(ours.tlsh, ours.tlsh) == 0);
        }
    }
    // Whatever the input, parsing it as a digest must not crash.
    (void)parseTlsh(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
