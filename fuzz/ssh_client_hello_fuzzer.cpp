// Fuzzes the SSH honeypot's pure parsers: parseClientHello (the client's identification line and
// first KEXINIT, for HASSH) and the pty LineEditor of interactive SSH shells.
//
// Input: byte 0 picks how the rest is cut into pieces (1..64 bytes) for the incremental
// ClientHelloParser; the rest is what the client sends.
//
// Checks: the incremental parser decides exactly as the one-shot parse of the bytes it kept; a
// Complete hello has a 32-hex-digit HASSH of its algorithms string; NeedMore asks for more bytes
// than it had; the line editor never returns a line longer than its bound.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "honeypot/ssh/client_hello.h"
#include "honeypot/ssh/line_editor.h"

namespace {

namespace ssh = kansoku::honeypot::ssh;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const size_t chunk = 1 + (data[0] % 64);
    std::span<const uint8_t> input(data + 1, size - 1);

    ssh::ClientHello whole = ssh::parseClientHello(input);
    if (whole.status == ssh::HelloStatus::Complete) {
        FUZZ_CHECK(whole.hassh.size() == 32);
        FUZZ_CHECK(whole.hassh == ssh::md5Hex(whole.hassh_algorithms));
        FUZZ_CHECK(!whole.version.empty());
    }
    if (whole.status == ssh::HelloStatus::NeedMore && whole.need_bytes != 0) {
        FUZZ_CHECK(whole.need_bytes > input.size());
    }

    ssh::ClientHelloParser parser;
    for (size_t pos = 0; pos < input.size(); pos += chunk) {
        parser.feed(input.subspan(pos, std::min(chunk, input.size() - pos)));
    }
    if (input.size() <= ssh::kMaxVersionLineBytes + 4 + ssh::kMaxKexinitPacketBytes) {
        FUZZ_CHECK(parser.hello().status == whole.status);
        FUZZ_CHECK(parser.hello().hassh == whole.hassh);
    }
    if (parser.decided()) {
        FUZZ_CHECK(parser.heapBytes() == 0);
    }

    constexpr size_t kMaxLine = 32;
    ssh::LineEditor editor(kMaxLine);
    std::string echo;
    std::vector<ssh::LineEvent> events;
    std::string_view keys(reinterpret_cast<const char*>(input.data()), input.size());
    for (size_t pos = 0; pos < keys.size(); pos += chunk) {
        editor.feed(keys.substr(pos, chunk), echo, events);
    }
    for (const auto& event : events) {
        FUZZ_CHECK(event.text.size() <= kMaxLine);
    }
    FUZZ_CHECK(editor.pending().size() <= kMaxLine);
    return 0;
}
