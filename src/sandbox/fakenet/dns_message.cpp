#include "sandbox/fakenet/dns_message.h"

#include <algorithm>

#include "common/byte_reader.h"
#include "sandbox/fakenet/ip_packet.h"

namespace kansoku::sandbox::fakenet {
namespace {

void appendLabelByte(std::string& out, uint8_t b) {
    if (b >= 'A' && b <= 'Z') {
        out.push_back(static_cast<char>(b - 'A' + 'a'));
    } else if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_') {
        out.push_back(static_cast<char>(b));
    } else if (b == '.') {
        out += "\\.";
    } else {
        out.push_back('\\');
        out.push_back(static_cast<char>('0' + b / 100));
        out.push_back(static_cast<char>('0' + (b / 10) % 10));
        out.push_back(static_cast<char>('0' + b % 10));
    }
}

/// Reads the name at `offset`; sets `end` to the offset just past it where it started (before any
/// pointer was followed).
DnsParseResult readName(std::span<const uint8_t> m, size_t offset, std::string& name, size_t& end) {
    name.clear();
    size_t position = offset;
    size_t wire_length = 0;
    int pointers = 0;
    bool jumped = false;
    while (true) {
        if (position >= m.size()) {
            return DnsParseResult::Truncated;
        }
        const uint8_t length = m[position];
        if ((length & 0xc0U) == 0xc0U) {
            if (position + 1 >= m.size()) {
                return DnsParseResult::Truncated;
            }
            const size_t target = ((length & 0x3fU) << 8) | m[position + 1];
            if (!jumped) {
                end = position + 2;
                jumped = true;
            }
            // Only strictly backwards, and a bounded number of times: no loops.
            if (target >= position || ++pointers > kMaxDnsPointers) {
                return DnsParseResult::BadName;
            }
            position = target;
            continue;
        }
        if ((length & 0xc0U) != 0) {
            return DnsParseResult::BadName; // 01 and 10 label types (RFC 6891 obsoleted them)
        }
        wire_length += 1U + length;
        if (wire_length > kMaxDnsNameLength) {
            return DnsParseResult::BadName;
        }
        if (length == 0) {
            if (!jumped) {
                end = position + 1;
            }
            if (name.empty()) {
                name.push_back('.');
            }
            return DnsParseResult::Ok;
        }
        if (position + 1 + length > m.size()) {
            return DnsParseResult::Truncated;
        }
        if (!name.empty()) {
            name.push_back('.');
        }
        for (size_t i = 0; i < length; ++i) {
            appendLabelByte(name, m[position + 1 + i]);
        }
        position += 1U + length;
    }
}

} // namespace

std::string_view dnsParseResultName(DnsParseResult result) {
    switch (result) {
    case DnsParseResult::Ok:
        return "ok";
    case DnsParseResult::Truncated:
        return "truncated";
    case DnsParseResult::NotQuery:
        return "not_query";
    case DnsParseResult::NoQuestion:
        return "no_question";
    case DnsParseResult::BadName:
        return "bad_name";
    }
    return "invalid";
}

DnsParseResult parseDnsQuery(std::span<const uint8_t> m, DnsQuery& out) {
    out = DnsQuery{};
    ByteReader header(m);
    DnsQuery parsed;
    if (!header.readU16BE(parsed.id) || !header.readU16BE(parsed.flags) || !header.readU16BE(parsed.question_count) ||
        !header.skip(6)) { // ANCOUNT, NSCOUNT, ARCOUNT
        return DnsParseResult::Truncated;
    }
    out = parsed;
    if ((out.flags & 0x8000U) != 0) {
        return DnsParseResult::NotQuery;
    }
    if (out.question_count == 0) {
        return DnsParseResult::NoQuestion;
    }
    size_t end = 0;
    const DnsParseResult name_result = readName(m, header.position(), out.qname, end);
    if (name_result != DnsParseResult::Ok) {
        return name_result;
    }
    ByteReader question(m);
    uint16_t qtype = 0;
    uint16_t qclass = 0;
    if (!question.seek(end) || !question.readU16BE(qtype) || !question.readU16BE(qclass)) {
        return DnsParseResult::Truncated;
    }
    out.qtype = qtype;
    out.qclass = qclass;
    out.question_end = question.position();
    return DnsParseResult::Ok;
}

std::vector<uint8_t> buildDnsResponse(std::span<const uint8_t> message, const DnsQuery& query, uint8_t rcode,
                                      const std::optional<IpAddress>& answer, uint32_t ttl) {
    std::vector<uint8_t> out(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(query.question_end));
    // QR=1, opcode and RD from the query, RA=1, AA=0, TC=0, Z/AD/CD=0, rcode.
    const auto flags = static_cast<uint16_t>(0x8000U | (query.flags & 0x7900U) | 0x0080U | (rcode & 0x0fU));
    storeU16BE(out.data() + 2, flags);
    storeU16BE(out.data() + 4, 1);
    storeU16BE(out.data() + 6, answer ? 1 : 0);
    storeU16BE(out.data() + 8, 0);
    storeU16BE(out.data() + 10, 0);
    if (answer) {
        const bool v4 = answer->isV4();
        const size_t rdlength = v4 ? 4 : 16;
        const size_t at = out.size();
        out.resize(at + 12 + rdlength);
        uint8_t* r = out.data() + at;
        storeU16BE(r, 0xc00c); // pointer to the question's name
        storeU16BE(r + 2, v4 ? dns_type::kA : dns_type::kAaaa);
        storeU16BE(r + 4, 1); // IN
        storeU32BE(r + 6, ttl);
        storeU16BE(r + 10, static_cast<uint16_t>(rdlength));
        const auto& bytes = answer->bytes();
        std::copy(bytes.end() - static_cast<std::ptrdiff_t>(rdlength), bytes.end(), r + 12);
    }
    return out;
}

} // namespace kansoku::sandbox::fakenet
