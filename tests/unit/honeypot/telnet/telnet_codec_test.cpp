#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/telnet/telnet_codec.h"
#include "honeypot/telnet/telnet_protocol.h"
#include "telnet_fixtures.h"

namespace kansoku::honeypot::telnet {
namespace {

using fixtures::bytesOf;
using fixtures::fromHex;
using fixtures::toHex;

struct RecordingLines final : LineHandler {
    std::vector<std::string> lines;
    std::vector<bool> truncated;
    std::function<LineAction(const std::string&)> hook;

    LineAction onLine(std::string_view line, bool was_truncated) override {
        lines.emplace_back(line);
        truncated.push_back(was_truncated);
        return hook ? hook(lines.back()) : LineAction::Continue;
    }
};

struct CodecRun {
    std::string out;
    std::vector<std::string> lines;
    TelnetCounters counters;
    bool open = true;
};

/// Feeds `input` in pieces cut at `cuts` (sorted offsets), after start().
CodecRun feedPieces(const TelnetCodecOptions& options, const std::vector<uint8_t>& input,
                    const std::vector<size_t>& cuts, bool echo = false) {
    TelnetCodec codec(options);
    RecordingLines lines;
    CodecRun run;
    codec.start(run.out);
    run.out.clear();
    codec.setEcho(echo);
    size_t begin = 0;
    std::vector<size_t> all = cuts;
    all.push_back(input.size());
    for (const size_t end : all) {
        run.open = codec.feed(std::span<const uint8_t>(input.data() + begin, end - begin), run.out, lines) && run.open;
        begin = end;
    }
    run.lines = lines.lines;
    run.counters = codec.counters();
    return run;
}

TelnetCodecOptions profile(TelnetProfile p) {
    TelnetCodecOptions options;
    options.profile = p;
    return options;
}

TEST(TelnetCodec, BusyBoxGreetingIsTelnetdsBytes) {
    const TelnetCodecOptions options = profile(TelnetProfile::BusyBox);
    TelnetCodec codec(options);
    std::string out;
    codec.start(out);
    EXPECT_EQ(toHex(out), fixtures::kBusyBoxGreeting);
}

TEST(TelnetCodec, Rfc1143GreetingOffersEchoSgaAndAsksNawsTtype) {
    const TelnetCodecOptions options = profile(TelnetProfile::Rfc1143);
    TelnetCodec codec(options);
    std::string out;
    codec.start(out);
    EXPECT_EQ(toHex(out), "fffb01fffb03fffd1ffffd18");
}

TEST(TelnetCodec, NetkitClientAgainstBusyBoxProfile) {
    const TelnetCodecOptions options = profile(TelnetProfile::BusyBox);
    TelnetCodec codec(options);
    std::string out;
    codec.start(out);
    out.clear();
    RecordingLines lines;
    const auto input = fromHex(fixtures::kNetkitToBusyBox);
    ASSERT_TRUE(codec.feed(input, out, lines));
    // telnetd answers nothing; its pty echoes what was typed, Enter as CR LF.
    EXPECT_EQ(out, "root\r\nxc3511\r\n");
    EXPECT_EQ(lines.lines, (std::vector<std::string>{"root", "xc3511"}));
    EXPECT_EQ(codec.windowWidth(), 80);
    EXPECT_EQ(codec.windowHeight(), 24);
    EXPECT_EQ(codec.counters().negotiations, 5U); // WONT, WILL, SB, DO, DO
    EXPECT_EQ(codec.counters().bytes_in, input.size());
    EXPECT_EQ(codec.counters().unknown_commands, 0U);
    EXPECT_EQ(codec.counters().malformed_subnegotiations, 0U);
}

TEST(TelnetCodec, BusyBoxClientAgainstBusyBoxProfile) {
    const CodecRun run = feedPieces(profile(TelnetProfile::BusyBox), fromHex(fixtures::kBusyBoxClientToBusyBox), {});
    EXPECT_TRUE(run.open);
    EXPECT_EQ(run.out, ""); // echo off: nothing at all is sent back
    EXPECT_EQ(run.lines, (std::vector<std::string>{"root", "xc3511"}));
}

TEST(TelnetCodec, NetkitPort23OpeningIsAnsweredByRfc1143) {
    const TelnetCodecOptions options = profile(TelnetProfile::Rfc1143);
    TelnetCodec codec(options);
    std::string out;
    codec.start(out);
    out.clear();
    codec.setEcho(false);
    RecordingLines lines;
    ASSERT_TRUE(codec.feed(fromHex(fixtures::kNetkitPort23Silent), out, lines));
    EXPECT_EQ(toHex(out), "fffc26"       // DO ENCRYPT -> WONT
                          "fffe26"       // WILL ENCRYPT -> DONT
                                         // DO SGA: acknowledges our WILL SGA, no reply
                          "fffa1801fff0" // WILL TTYPE acknowledges our DO: SB TTYPE SEND
                                         // WILL NAWS: acknowledges our DO, no reply
                          "fffe20"       // WILL TSPEED -> DONT
                          "fffe21"       // WILL LFLOW -> DONT
                          "fffe22"       // WILL LINEMODE -> DONT (character mode)
                          "fffd27"       // WILL NEW-ENVIRON -> DO
                          "fffa2701fff0" // ... and SB NEW-ENVIRON SEND
                          "fffc05");     // DO STATUS -> WONT
    EXPECT_EQ(lines.lines, (std::vector<std::string>{"root", "xc3511"}));
    EXPECT_TRUE(codec.localEnabled(opt::kSga));
    EXPECT_FALSE(codec.localEnabled(opt::kEcho)); // still waiting for DO ECHO
    EXPECT_TRUE(codec.remoteEnabled(opt::kTtype));
    EXPECT_TRUE(codec.remoteEnabled(opt::kNaws));
    EXPECT_TRUE(codec.remoteEnabled(opt::kNewEnviron));
    EXPECT_FALSE(codec.remoteEnabled(opt::kLinemode));
    EXPECT_EQ(codec.counters().commands, 1U); // IAC EOF
}

TEST(TelnetCodec, Rfc1143NeverAnswersAnAcknowledgement) {
    const TelnetCodecOptions options = profile(TelnetProfile::Rfc1143);
    TelnetCodec codec(options);
    std::string out;
    codec.start(out);
    out.clear();
    RecordingLines lines;
    ASSERT_TRUE(codec.feed(fromHex("fffd01fffd01fffb1ffffb1f"), out, lines));
    EXPECT_EQ(out, "");
    EXPECT_TRUE(codec.localEnabled(opt::kEcho));
    EXPECT_TRUE(codec.echoing());
    // DONT ECHO turns echo off and is acknowledged once; a second DONT is not answered.
    ASSERT_TRUE(codec.feed(fromHex("fffe01fffe01"), out, lines));
    EXPECT_EQ(toHex(out), "fffc01");
    EXPECT_FALSE(codec.echoing());
    out.clear();
    ASSERT_TRUE(codec.feed(bytesOf("ab\r\n"), out, lines));
    EXPECT_EQ(out, ""); // the client echoes now
    // DO ECHO again: agreed.
    ASSERT_TRUE(codec.feed(fromHex("fffd01"), out, lines));
    EXPECT_EQ(toHex(out), "fffb01");
    // A client WILL ECHO would make both sides echo: refused.
    out.clear();
    ASSERT_TRUE(codec.feed(fromHex("fffb01"), out, lines));
    EXPECT_EQ(toHex(out), "fffe01");
}

TEST(TelnetCodec, EverySplitGivesTheSameResult) {
    const std::vector<std::string_view> captures = {fixtures::kNetkitToBusyBox, fixtures::kBusyBoxClientToBusyBox,
                                                    fixtures::kNetkitPort23Silent, fixtures::kNetkitPort23ToBusyBox};
    for (const TelnetProfile p : {TelnetProfile::BusyBox, TelnetProfile::Rfc1143}) {
        for (const std::string_view hex : captures) {
            // Extra: IAC IAC in data, CR NUL, an SB with an escaped 255, an erase.
            std::vector<uint8_t> input = fromHex(hex);
            const auto extra = fromHex("61ffff620d00fffa1f00ffff0018fff0637f640d0a");
            input.insert(input.end(), extra.begin(), extra.end());
            for (const bool echo : {false, true}) {
                const CodecRun whole = feedPieces(profile(p), input, {}, echo);
                for (size_t cut = 1; cut < input.size(); ++cut) {
                    const CodecRun split = feedPieces(profile(p), input, {cut}, echo);
                    ASSERT_EQ(toHex(split.out), toHex(whole.out)) << hex << " cut at " << cut;
                    ASSERT_EQ(split.lines, whole.lines) << hex << " cut at " << cut;
                    ASSERT_EQ(split.counters.negotiations, whole.counters.negotiations);
                }
                std::vector<size_t> every;
                for (size_t cut = 1; cut < input.size(); ++cut) {
                    every.push_back(cut);
                }
                const CodecRun bytewise = feedPieces(profile(p), input, every, echo);
                EXPECT_EQ(toHex(bytewise.out), toHex(whole.out));
                EXPECT_EQ(bytewise.lines, whole.lines);
                ASSERT_GE(whole.lines.size(), 3U);
                EXPECT_EQ(whole.lines[whole.lines.size() - 2], "a\xff"
                                                               "b");
                EXPECT_EQ(whole.lines.back(), "d");
            }
        }
    }
}

TEST(TelnetCodec, LineEndings) {
    // CR LF, CR NUL, bare LF, bare CR followed by data, an empty line between.
    const CodecRun run = feedPieces(TelnetCodecOptions{}, bytesOf(std::string("ls\r\0pwd\r\n\nx\ry\n", 15)), {});
    EXPECT_EQ(run.lines, (std::vector<std::string>{"ls", "pwd", "", "x", "y"}));
    // A NUL alone is dropped; CR CR is two lines.
    const CodecRun run2 = feedPieces(TelnetCodecOptions{}, bytesOf(std::string("a\0b\r\r", 5)), {});
    EXPECT_EQ(run2.lines, (std::vector<std::string>{"ab", ""}));
}

TEST(TelnetCodec, IacIacIsOneDataByteAndIsEchoedEscaped) {
    const CodecRun run = feedPieces(TelnetCodecOptions{}, fromHex("61ffff620d0a"), {}, true);
    ASSERT_EQ(run.lines.size(), 1U);
    EXPECT_EQ(run.lines[0], "a\xff"
                            "b");
    EXPECT_EQ(toHex(run.out), "61ffff620d0a");
}

TEST(TelnetCodec, EchoLikeACanonicalPty) {
    // DEL erases with BS SP BS, a control character shows as ^X, IAC EC and IAC EL edit too.
    const CodecRun run = feedPieces(TelnetCodecOptions{},
                                    bytesOf("ab\x7f"
                                            "c\x01\x08"
                                            "d\r\n"),
                                    {}, true);
    EXPECT_EQ(run.lines, (std::vector<std::string>{"acd"}));
    EXPECT_EQ(run.out, "ab\b \bc^A\b\b  \b\bd\r\n");
    const CodecRun ec = feedPieces(TelnetCodecOptions{}, fromHex("616263fff70d0a78fff8790d0a"), {});
    EXPECT_EQ(ec.lines, (std::vector<std::string>{"ab", "y"}));
    EXPECT_EQ(ec.counters.commands, 2U);
}

TEST(TelnetCodec, EndlessLineIsCutAndCounted) {
    TelnetCodecOptions options;
    options.max_line_length = 16;
    TelnetCodec codec(options);
    RecordingLines lines;
    std::string out;
    const std::vector<uint8_t> chunk(4096, 'A');
    for (int i = 0; i < 256; ++i) { // 1 MiB without a line end
        ASSERT_TRUE(codec.feed(chunk, out, lines));
        ASSERT_LE(codec.heapBytes(), 64U);
    }
    EXPECT_TRUE(lines.lines.empty());
    ASSERT_TRUE(codec.feed(bytesOf("\r\nok\r\n"), out, lines));
    ASSERT_EQ(lines.lines.size(), 2U);
    EXPECT_EQ(lines.lines[0], std::string(16, 'A'));
    EXPECT_TRUE(lines.truncated[0]);
    EXPECT_EQ(lines.lines[1], "ok");
    EXPECT_FALSE(lines.truncated[1]);
    EXPECT_EQ(codec.counters().line_overflows, 1U);
    // The echo stopped at the limit too.
    EXPECT_EQ(out, std::string(16, 'A') + "\r\nok\r\n");
}

TEST(TelnetCodec, HugeSubnegotiationIsDroppedAndCounted) {
    TelnetCodecOptions options;
    options.max_subnegotiation_length = 64;
    TelnetCodec codec(options);
    RecordingLines lines;
    std::string out;
    ASSERT_TRUE(codec.feed(fromHex("fffa1800"), out, lines)); // SB TTYPE IS
    const std::vector<uint8_t> chunk(4096, 'x');
    for (int i = 0; i < 256; ++i) { // 1 MiB inside one SB
        ASSERT_TRUE(codec.feed(chunk, out, lines));
        ASSERT_LE(codec.heapBytes(), 128U);
    }
    ASSERT_TRUE(codec.feed(bytesOf("\xff\xf0ls\r\n"), out, lines));
    EXPECT_EQ(codec.counters().subnegotiation_overflows, 1U);
    EXPECT_EQ(codec.terminalType(), "");
    EXPECT_EQ(lines.lines, (std::vector<std::string>{"ls"}));
    EXPECT_EQ(codec.heapBytes(), 0U);
    // A short one is read.
    ASSERT_TRUE(codec.feed(fromHex("fffa180078746572fff0"), out, lines));
    EXPECT_EQ(codec.terminalType(), "xter");
    EXPECT_EQ(codec.counters().subnegotiation_overflows, 1U);
}

TEST(TelnetCodec, NegotiationFloodClosesTheSession) {
    for (const TelnetProfile p : {TelnetProfile::BusyBox, TelnetProfile::Rfc1143}) {
        TelnetCodecOptions options = profile(p);
        options.max_negotiations = 20;
        TelnetCodec codec(options);
        RecordingLines lines;
        std::string out;
        std::vector<uint8_t> flood;
        for (int i = 0; i < 10000; ++i) {
            const auto one = fromHex("fffb2a"); // WILL CHARSET, refused each time
            flood.insert(flood.end(), one.begin(), one.end());
        }
        const auto tail = bytesOf("ls\r\n");
        flood.insert(flood.end(), tail.begin(), tail.end());
        EXPECT_FALSE(codec.feed(flood, out, lines));
        EXPECT_TRUE(codec.closed());
        EXPECT_EQ(codec.closeReason(), CloseReason::NegotiationFlood);
        EXPECT_EQ(codec.counters().negotiation_floods, 1U);
        EXPECT_EQ(codec.counters().negotiations, 21U);
        EXPECT_TRUE(lines.lines.empty());
        EXPECT_EQ(out.size(), p == TelnetProfile::Rfc1143 ? 20U * 3 : 0U);
        EXPECT_FALSE(codec.feed(tail, out, lines));
        EXPECT_TRUE(lines.lines.empty());
    }
}

TEST(TelnetCodec, MalformedSubnegotiationAndStrayCommands) {
    // IAC NOP inside SB ends it (counted); a stray SE and an undefined command are counted.
    const CodecRun run = feedPieces(TelnetCodecOptions{}, fromHex("fffa180041fff1fff0ff10fff1fff6610d0a"), {});
    EXPECT_EQ(run.counters.malformed_subnegotiations, 1U);
    EXPECT_EQ(run.counters.unknown_commands, 2U); // SE, 0x10
    EXPECT_EQ(run.counters.commands, 3U);         // NOP x2, AYT
    EXPECT_EQ(run.lines, (std::vector<std::string>{"a"}));
    // NAWS with the wrong length.
    const CodecRun naws = feedPieces(TelnetCodecOptions{}, fromHex("fffa1f0050fff0"), {});
    EXPECT_EQ(naws.counters.malformed_subnegotiations, 1U);
}

TEST(TelnetCodec, NewEnvironRecordsTheVariables) {
    const TelnetCodecOptions options = profile(TelnetProfile::Rfc1143);
    TelnetCodec codec(options);
    RecordingLines lines;
    std::string out;
    // IS VAR "USER" VALUE "-f root" USERVAR "X" VALUE ESC 0x01
    using namespace std::string_literals;
    const std::string sb = "\xff\xfa\x27\x00\x00USER\x01-f root\x03X\x01\x02\x01\xff\xf0"s;
    ASSERT_TRUE(codec.feed(std::span(reinterpret_cast<const uint8_t*>(sb.data()), sb.size()), out, lines));
    EXPECT_EQ(codec.environment(), "USER=-f root\nX=?\n");
}

TEST(TelnetCodec, HandlerStopEndsReading) {
    TelnetCodecOptions options;
    TelnetCodec codec(options);
    RecordingLines lines;
    lines.hook = [](const std::string& line) { return line == "exit" ? LineAction::Stop : LineAction::Continue; };
    std::string out;
    EXPECT_FALSE(codec.feed(bytesOf("a\r\nexit\r\nb\r\n"), out, lines));
    EXPECT_EQ(lines.lines, (std::vector<std::string>{"a", "exit"}));
    EXPECT_EQ(codec.closeReason(), CloseReason::HandlerClosed);
}

TEST(TelnetCodec, EchoCanBeTurnedOffBetweenLinesOfOnePacket) {
    TelnetCodecOptions options;
    TelnetCodec codec(options);
    RecordingLines lines;
    lines.hook = [&codec](const std::string& line) {
        codec.setEcho(line != "root"); // the password line follows "root"
        return LineAction::Continue;
    };
    std::string out;
    ASSERT_TRUE(codec.feed(bytesOf("root\r\nsecret\r\nls\r\n"), out, lines));
    EXPECT_EQ(out, "root\r\nls\r\n");
}

} // namespace
} // namespace kansoku::honeypot::telnet
