// The legacy SCP sink as pure logic: OpenSSH scp's byte sequences in, replies and stored files out.

#include <gtest/gtest.h>

#include "honeypot/ssh/scp_sink.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot::ssh {
namespace {

using shell::FsStatus;

struct Stored {
    std::string path;
    std::string content;
    uint32_t mode;
};

class ScpSinkTest : public ::testing::Test {
protected:
    ScpSink sink(std::string_view command, size_t max_file_bytes = 1 << 20) {
        auto request = parseScpCommand(command);
        EXPECT_TRUE(request.has_value()) << command;
        return ScpSink(request.value_or(ScpRequest{}), fs_, "/root", max_file_bytes,
                       [this](const std::string& path, std::string_view content, uint32_t mode) {
                           stored_.push_back({path, std::string(content), mode});
                           return fs_.write(path, content, false);
                       });
    }

    shell::VirtualFs fs_{shell::testing::routerPersona(), shell::FsLimits{}};
    std::vector<Stored> stored_;
};

TEST(ScpCommandTest, ParsesWhatOpenSshSendsAndNothingElse) {
    auto plain = parseScpCommand("scp -t /tmp/p3");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->target, "/tmp/p3");
    EXPECT_FALSE(plain->recursive);
    auto all = parseScpCommand("scp -v -r -p -d -t -- -odd");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->recursive && all->preserve && all->target_is_dir);
    EXPECT_EQ(all->target, "-odd");
    EXPECT_TRUE(parseScpCommand("/usr/bin/scp -pt /tmp"));
    EXPECT_FALSE(parseScpCommand("scp -f /etc/passwd")); // source mode: not a sink
    EXPECT_FALSE(parseScpCommand("scp /tmp/a /tmp/b"));
    EXPECT_FALSE(parseScpCommand("scp -t"));
    EXPECT_FALSE(parseScpCommand("scp -t a b"));
    EXPECT_FALSE(parseScpCommand("cat > /tmp/x"));
}

TEST_F(ScpSinkTest, ReceivesAFileExactlyAndAcknowledgesEachStep) {
    ScpSink s = sink("scp -t /tmp/p3");
    EXPECT_EQ(s.start(), std::string(1, '\0'));
    std::string reply;
    const std::string data = std::string("\x7f"
                                         "ELF\0\n",
                                         6) +
                             std::string(5000, 'x');
    const std::string stream = "C0755 " + std::to_string(data.size()) + " p3\n" + data + std::string(1, '\0');
    // Byte by byte: every split of the stream gives the same result.
    for (const char c : stream) {
        EXPECT_TRUE(s.feed(std::string_view(&c, 1), reply));
    }
    EXPECT_EQ(reply, std::string(2, '\0'));
    ASSERT_EQ(stored_.size(), 1u);
    EXPECT_EQ(stored_[0].path, "/tmp/p3"); // /tmp/p3 does not exist: the target is the file
    EXPECT_EQ(stored_[0].content, data);
    EXPECT_EQ(stored_[0].mode, 0755u);
    s.finish();
    EXPECT_EQ(s.exitStatus(), 0);
    EXPECT_EQ(s.counters().files, 1u);
}

TEST_F(ScpSinkTest, RecursiveTreeWithTimesLandsUnderTheTargetDirectory) {
    ScpSink s = sink("scp -r -p -t /tmp");
    s.start();
    std::string reply;
    const std::string stream = std::string("T1700000000 0 1700000000 0\nD0755 0 tree\nC0644 3 a\nabc") + '\0' +
                               "D0700 0 sub\nT1 0 1 0\nC0600 2 b\nxy" + '\0' + "E\nE\n";
    EXPECT_TRUE(s.feed(stream, reply));
    EXPECT_EQ(reply, std::string(10, '\0'));
    ASSERT_EQ(stored_.size(), 2u);
    EXPECT_EQ(stored_[0].path, "/tmp/tree/a");
    EXPECT_EQ(stored_[1].path, "/tmp/tree/sub/b");
    EXPECT_EQ(stored_[1].mode, 0600u);
    EXPECT_TRUE(fs_.stat("/tmp/tree/sub")->directory);
    EXPECT_EQ(s.counters().directories, 2u);
}

TEST_F(ScpSinkTest, BadHeadersAreFatalWithOpenSshsMessages) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"C0644 -5 neg\n", "protocol error: size not delimited"},
        {"C0644 99999999999999999999 huge\n", "protocol error: size not delimited"},
        {"C9644 1 x\n", "protocol error: bad mode"},
        {"C0644 3 ../../etc/x\n", "error: unexpected filename: ../../etc/x"},
        {"C0644 3 ..\n", "error: unexpected filename: .."},
        {"D0755 0 d\n", "received directory without -r"},
        {"\x7f"
         "ELF\n",
         "protocol error: expected control record"},
        {"Tx\n", "protocol error: mtime.sec not delimited"},
        {std::string(ScpSink::kMaxLine + 1, 'C'), "protocol error: control record too long"},
    };
    for (const auto& [input, message] : cases) {
        ScpSink s = sink("scp -t /tmp");
        s.start();
        std::string reply;
        EXPECT_FALSE(s.feed(input, reply)) << input;
        EXPECT_EQ(reply, "\x01scp: " + message + "\n") << input;
        EXPECT_EQ(s.exitStatus(), 1);
        EXPECT_EQ(s.counters().protocol_errors, 1u);
    }
    EXPECT_TRUE(stored_.empty());
}

TEST_F(ScpSinkTest, OversizedFilesAreRefusedAndTheSourceGoesOn) {
    ScpSink s = sink("scp -t /tmp", 100);
    s.start();
    std::string reply;
    // The source skips a refused file's bytes (OpenSSH's source() reads the error and goes to the next).
    EXPECT_TRUE(s.feed("C0644 101 big\nC0644 2 ok\nhi" + std::string(1, '\0'), reply));
    EXPECT_EQ(reply, "\x01scp: big: No space left on device\n" + std::string(2, '\0'));
    ASSERT_EQ(stored_.size(), 1u);
    EXPECT_EQ(stored_[0].path, "/tmp/ok");
    EXPECT_EQ(s.counters().refused, 1u);
    s.finish();
    EXPECT_EQ(s.exitStatus(), 1);
}

TEST_F(ScpSinkTest, UploadsThatNeverFinishAreCountedAndNotKept) {
    for (const std::string input : {"C0644 1", "C0644 10 f\nabc"}) {
        ScpSink s = sink("scp -t /tmp");
        s.start();
        std::string reply;
        EXPECT_TRUE(s.feed(input, reply));
        s.finish();
        EXPECT_EQ(s.counters().incomplete, 1u) << input;
        EXPECT_EQ(s.exitStatus(), 1);
    }
    EXPECT_TRUE(stored_.empty());
}

TEST_F(ScpSinkTest, TargetMustBeADirectoryWithD) {
    ScpSink s = sink("scp -d -t /tmp/missing");
    const std::string reply = s.start();
    EXPECT_EQ(reply, "\x01scp: /tmp/missing: Not a directory\n");
}

TEST_F(ScpSinkTest, StoreRefusalIsTheDevicesError) {
    ScpSink s(*parseScpCommand("scp -t /tmp/x"), fs_, "/root", 1 << 20,
              [](const std::string&, std::string_view, uint32_t) { return FsStatus::TooManyFiles; });
    s.start();
    std::string reply;
    EXPECT_TRUE(s.feed("C0644 1 x\nz" + std::string(1, '\0'), reply));
    EXPECT_EQ(reply, std::string(1, '\0') +
                         "\x01scp: /tmp/x: " + std::string(shell::fsStatusText(FsStatus::TooManyFiles)) + "\n");
}

} // namespace
} // namespace kansoku::honeypot::ssh
