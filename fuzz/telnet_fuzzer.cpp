// Fuzzes the telnet honeypot session: random client bytes into a TelnetSession (TelnetCodec,
// LoginFlow, and a stand-in shell that writes each command back, 0xFF bytes included).
//
// Input: byte 0 picks the credential policy (bits 0-1: accept all, a listed pair root/xc3511,
// accept from the 2nd attempt, a listed pair again), the profile (bit 2: BusyBox or Rfc1143) and
// how the rest is cut into packets (bits 3-7: chunk size 1..32); the rest is what the client sends.
// Small limits (line 64, SB 32, 64 negotiations) so every bound is reached.
//
// Checks: the same bytes give the same output whether fed whole or in packets; heap held by the
// session stays within its bounds; counters agree with the limits; a closed session reads nothing.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "honeypot/telnet/credential_policy.h"
#include "honeypot/telnet/telnet_session.h"

namespace {

namespace tn = kansoku::honeypot::telnet;

struct EchoShell final : tn::TelnetSessionHandler {
    uint32_t attempts = 0;
    uint32_t successes = 0;
    uint32_t commands = 0;
    uint32_t truncated_lines = 0;

    void onLoginAttempt(const tn::LoginAttempt& attempt) override {
        ++attempts;
        successes += attempt.success ? 1 : 0;
        FUZZ_CHECK(!attempt.username.empty());
        FUZZ_CHECK(attempt.username.size() <= 64);
    }
    void onLoggedIn(const tn::LoginAttempt&, tn::TelnetWriter& out) override { out.write("# "); }
    tn::CommandAction onCommand(std::string_view line, bool truncated, tn::TelnetWriter& out) override {
        ++commands;
        FUZZ_CHECK(line.size() <= 64);
        truncated_lines += truncated ? 1 : 0; // (an erase after the cut may shorten a cut line)
        if (line == "exit") {
            return tn::CommandAction::Close;
        }
        out.write(line);
        out.write("\n# ");
        return tn::CommandAction::Continue;
    }
};

tn::TelnetSessionConfig makeConfig(tn::TelnetProfile profile) {
    tn::TelnetSessionConfig config;
    config.codec.profile = profile;
    config.codec.max_line_length = 64;
    config.codec.max_subnegotiation_length = 32;
    config.codec.max_negotiations = 64;
    config.login.login_prompt = "fuzz login: ";
    return config;
}

const tn::CredentialPolicy& policyFor(uint8_t selector) {
    static const tn::AcceptAllPolicy all;
    static const tn::AcceptListedPolicy listed(std::vector<tn::Credential>{{"root", "xc3511"}, {"admin", ""}});
    static const tn::AcceptAfterTriesPolicy after(2);
    switch (selector & 0x03U) {
    case 0:
        return all;
    case 2:
        return after;
    default:
        return listed;
    }
}

struct Outcome {
    std::string out;
    tn::TelnetCounters counters;
    bool closed = false;
    uint32_t attempts = 0;
    uint32_t commands = 0;
};

Outcome run(const tn::TelnetSessionConfig& config, const tn::CredentialPolicy& policy, const uint8_t* data, size_t size,
            size_t chunk) {
    EchoShell shell;
    tn::TelnetSession session(config, policy, shell);
    Outcome outcome;
    session.start(outcome.out);
    // Session heap is bounded by the line, SB, terminal type, environment and username buffers.
    constexpr size_t kMaxHeap = 2 * (64 + 1) + 2 * (32 + 1) + 41 + 2 * 1024 + 2 * 65;
    for (size_t offset = 0; offset < size; offset += chunk) {
        const size_t n = size - offset < chunk ? size - offset : chunk;
        const bool open = session.feed(std::span<const uint8_t>(data + offset, n), outcome.out);
        FUZZ_CHECK(open == !session.closed());
        FUZZ_CHECK(session.heapBytes() <= kMaxHeap);
        if (!open) {
            std::string after;
            FUZZ_CHECK(!session.feed(std::span<const uint8_t>(data + offset, n), after));
            FUZZ_CHECK(after.empty());
            break;
        }
    }
    const tn::TelnetCounters& c = session.counters();
    FUZZ_CHECK(c.negotiations <= config.codec.max_negotiations + 1);
    FUZZ_CHECK(c.negotiation_floods == (c.negotiations > config.codec.max_negotiations ? 1U : 0U));
    FUZZ_CHECK(c.negotiation_floods == 0 || session.closeReason() == tn::CloseReason::NegotiationFlood);
    FUZZ_CHECK(c.line_overflows <= c.lines + 1);
    FUZZ_CHECK(shell.attempts <= config.login.max_attempts);
    FUZZ_CHECK(shell.successes <= 1);
    FUZZ_CHECK(shell.commands == 0 || session.loggedIn());
    FUZZ_CHECK(shell.truncated_lines <= c.line_overflows);
    // Every input byte yields a bounded amount of output (echo, replies, prompts, the shell's copy).
    FUZZ_CHECK(outcome.out.size() <= 64 + 32 * (size + 1));
    outcome.counters = c;
    outcome.closed = session.closed();
    outcome.attempts = shell.attempts;
    outcome.commands = shell.commands;
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1 || size > 1 << 20) {
        return -1;
    }
    const uint8_t selector = data[0];
    const tn::TelnetProfile profile = (selector & 0x04U) != 0 ? tn::TelnetProfile::Rfc1143 : tn::TelnetProfile::BusyBox;
    const tn::TelnetSessionConfig config = makeConfig(profile);
    const tn::CredentialPolicy& policy = policyFor(selector);
    const size_t chunk = 1 + (selector >> 3U);

    const Outcome whole = run(config, policy, data + 1, size - 1, size);
    const Outcome split = run(config, policy, data + 1, size - 1, chunk);
    // Packet boundaries never change what the session does.
    FUZZ_CHECK(whole.out == split.out);
    FUZZ_CHECK(whole.closed == split.closed);
    FUZZ_CHECK(whole.attempts == split.attempts && whole.commands == split.commands);
    FUZZ_CHECK(whole.counters.lines == split.counters.lines);
    FUZZ_CHECK(whole.counters.negotiations == split.counters.negotiations);
    return 0;
}
