// Fuzzes the sandbox fake network's DNS parser (sandbox/fakenet/dns_message.h): the queries a sample
// sends to the fake resolver.
//
// Input: one UDP payload (a DNS message, RFC 1035 4.1).
//
// Checks: parseDnsQuery stays within the input and is a pure function of the bytes; on Ok the first
// question ends inside the message, the name is the presentation form the header promises (lower
// case letters, digits, '-', '_', '.', and '\' escapes only; at most 4 characters per wire byte) and
// a pointer loop ends as BadName; each response buildDnsResponse makes (no answer, an A record, an
// AAAA record) keeps the ID and the question byte for byte, sets QR, has the expected size, and is
// itself refused as a query (NotQuery).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "sandbox/fakenet/dns_message.h"

namespace {

namespace fn = kansoku::sandbox::fakenet;

bool presentationChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '\\';
}

void checkResponse(std::span<const uint8_t> message, const fn::DnsQuery& query,
                   const std::optional<kansoku::IpAddress>& answer) {
    const std::vector<uint8_t> response = fn::buildDnsResponse(message, query, fn::dns_rcode::kNoError, answer, 60);
    const size_t answer_bytes = !answer ? 0 : 12 + (answer->isV4() ? 4 : 16);
    FUZZ_CHECK(response.size() == query.question_end + answer_bytes);
    FUZZ_CHECK(response[0] == message[0] && response[1] == message[1]);
    FUZZ_CHECK((response[2] & 0x80U) != 0);
    for (size_t i = 12; i < query.question_end; ++i) {
        FUZZ_CHECK(response[i] == message[i]);
    }
    fn::DnsQuery as_query;
    FUZZ_CHECK(fn::parseDnsQuery(response, as_query) == fn::DnsParseResult::NotQuery);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> message(data, size);
    fn::DnsQuery query;
    const fn::DnsParseResult result = fn::parseDnsQuery(message, query);
    FUZZ_CHECK(fn::dnsParseResultName(result) != "invalid");
    fn::DnsQuery twice;
    FUZZ_CHECK(fn::parseDnsQuery(message, twice) == result);
    if (result != fn::DnsParseResult::Ok) {
        return 0;
    }
    FUZZ_CHECK(twice.qname == query.qname && twice.qtype == query.qtype && twice.question_end == query.question_end);
    FUZZ_CHECK(query.question_count != 0 && (query.flags & 0x8000U) == 0);
    FUZZ_CHECK(query.question_end >= 12 + 1 + 4 && query.question_end <= size);
    FUZZ_CHECK(!query.qname.empty() && query.qname.size() <= 4 * fn::kMaxDnsNameLength);
    for (const char c : query.qname) {
        FUZZ_CHECK(presentationChar(c));
    }
    checkResponse(message, query, std::nullopt);
    checkResponse(message, query, kansoku::IpAddress::fromV4(0xC0000201));
    checkResponse(message, query, kansoku::IpAddress::parse("2001:db8::1"));
    return 0;
}
