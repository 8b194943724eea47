// The SFTP subsystem as pure logic: SFTP v3 packets (draft-ietf-secsh-filexfer-02) in, replies and
// stored files out; hostile packets (oversized, truncated, bad handles, ../ paths) get errors.

#include <gtest/gtest.h>

#include "honeypot/ssh/sftp_server.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot::ssh {
namespace {

void u32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>(v >> shift));
    }
}
void u64(std::string& out, uint64_t v) {
    u32(out, static_cast<uint32_t>(v >> 32));
    u32(out, static_cast<uint32_t>(v));
}
void str(std::string& out, std::string_view s) {
    u32(out, static_cast<uint32_t>(s.size()));
    out.append(s);
}
std::string packet(uint8_t type, const std::string& body) {
    std::string out;
    u32(out, static_cast<uint32_t>(body.size() + 1));
    out.push_back(static_cast<char>(type));
    return out + body;
}
std::string request(uint8_t type, uint32_t id, const std::string& args) {
    std::string body;
    u32(body, id);
    return packet(type, body + args);
}

uint32_t be32(std::string_view b) {
    if (b.size() < 4) {
        return UINT32_MAX;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) {
        v = v << 8 | static_cast<uint8_t>(b[i]);
    }
    return v;
}

struct Reply {
    uint8_t type = 0;
    uint32_t id = 0;
    std::string rest;
    uint32_t status() const { return be32(rest); }
    std::string handle() const { return rest.substr(4); }
};

std::vector<Reply> parse(std::string_view bytes) {
    std::vector<Reply> out;
    while (bytes.size() >= 5) {
        const uint32_t length = be32(bytes);
        const std::string_view body = bytes.substr(4, length);
        Reply r;
        r.type = static_cast<uint8_t>(body[0]);
        if (r.type != 2) {
            r.id = be32(body.substr(1));
            r.rest = std::string(body.substr(5));
        }
        out.push_back(r);
        bytes.remove_prefix(4 + length);
    }
    return out;
}

constexpr uint8_t kOpen = 3, kClose = 4, kRead = 5, kWrite = 6, kFstat = 8, kFsetstat = 10, kOpendir = 11,
                  kReaddir = 12, kMkdir = 14, kRealpath = 16, kStat = 17, kRename = 18, kSymlink = 20, kExtended = 200;
constexpr uint8_t kStatus = 101, kHandle = 102, kData = 103, kName = 104, kAttrs = 105;
constexpr uint32_t kWriteCreateTruncate = 0x02 | 0x08 | 0x10;

class SftpServerTest : public ::testing::Test {
protected:
    SftpServerTest() {
        limits_.max_file_bytes = 1 << 20;
        limits_.max_packet = 40 * 1024;
        server_ = std::make_unique<SftpServer>(
            fs_, "/root", limits_, [this](const std::string& path, std::string_view content, uint32_t mode) {
                stored_.emplace_back(path, std::string(content));
                modes_.push_back(mode);
                return fs_.write(path, content, false);
            });
        std::string version;
        u32(version, 3);
        auto replies = send(packet(1, version));
        EXPECT_EQ(replies.size(), 1u);
        EXPECT_EQ(replies[0].type, 2); // VERSION
    }

    std::vector<Reply> send(const std::string& bytes) {
        std::string reply;
        open_ = server_->feed(bytes, reply);
        return parse(reply);
    }
    Reply one(const std::string& bytes) {
        auto replies = send(bytes);
        EXPECT_EQ(replies.size(), 1u);
        return replies.empty() ? Reply{} : replies[0];
    }
    std::string openFile(uint32_t id, std::string_view path, uint32_t flags, std::optional<uint32_t> mode = {}) {
        std::string args;
        str(args, path);
        u32(args, flags);
        u32(args, mode ? 0x04 : 0);
        if (mode) {
            u32(args, *mode);
        }
        Reply r = one(request(kOpen, id, args));
        EXPECT_EQ(r.type, kHandle) << path;
        return r.type == kHandle ? r.rest.substr(4) : std::string();
    }
    Reply write(uint32_t id, const std::string& handle, uint64_t offset, std::string_view data) {
        std::string args;
        str(args, handle);
        u64(args, offset);
        str(args, data);
        return one(request(kWrite, id, args));
    }
    Reply close(uint32_t id, const std::string& handle) {
        std::string args;
        str(args, handle);
        return one(request(kClose, id, args));
    }
    Reply pathRequest(uint8_t type, uint32_t id, std::string_view path) {
        std::string args;
        str(args, path);
        if (type == kMkdir) {
            u32(args, 0);
        }
        return one(request(type, id, args));
    }

    shell::VirtualFs fs_{shell::testing::routerPersona(), shell::FsLimits{}};
    SftpLimits limits_;
    std::unique_ptr<SftpServer> server_;
    std::vector<std::pair<std::string, std::string>> stored_;
    std::vector<uint32_t> modes_;
    bool open_ = true;
};

TEST_F(SftpServerTest, PutAsOpenSshDoesStoresTheWholeFileAtClose) {
    const std::string handle = openFile(1, "/tmp/p4", kWriteCreateTruncate, 0755);
    const std::string data(70000, 'z');
    // Out of order, as OpenSSH's pipelined writes may complete.
    EXPECT_EQ(write(2, handle, 32768, std::string_view(data).substr(32768, 32768)).status(), 0u);
    EXPECT_EQ(write(3, handle, 0, std::string_view(data).substr(0, 32768)).status(), 0u);
    EXPECT_EQ(write(4, handle, 65536, std::string_view(data).substr(65536)).status(), 0u);
    EXPECT_TRUE(stored_.empty()); // nothing is complete before CLOSE
    std::string fstat_args;
    str(fstat_args, handle);
    Reply attrs = one(request(kFstat, 5, fstat_args));
    EXPECT_EQ(attrs.type, kAttrs);
    Reply closed = close(6, handle);
    EXPECT_EQ(closed.type, kStatus);
    EXPECT_EQ(closed.id, 6u);
    EXPECT_EQ(closed.status(), 0u);
    ASSERT_EQ(stored_.size(), 1u);
    EXPECT_EQ(stored_[0].first, "/tmp/p4");
    EXPECT_EQ(stored_[0].second, data);
    EXPECT_EQ(modes_[0], 0755u);
    EXPECT_EQ(server_->counters().files, 1u);
}

TEST_F(SftpServerTest, DirectoryViewOfThePersona) {
    Reply real = pathRequest(kRealpath, 1, ".");
    EXPECT_EQ(real.type, kName);
    EXPECT_NE(real.rest.find("/root"), std::string::npos);
    EXPECT_EQ(pathRequest(kStat, 2, "/etc/passwd").type, kAttrs);
    EXPECT_EQ(pathRequest(kStat, 3, "/nonexistent").status(), 2u); // NO_SUCH_FILE
    EXPECT_EQ(pathRequest(kMkdir, 4, "/tmp/d").status(), 0u);
    EXPECT_EQ(pathRequest(kMkdir, 5, "/tmp/d").status(), 4u); // exists: FAILURE
    Reply dir = pathRequest(kOpendir, 6, "/etc");
    ASSERT_EQ(dir.type, kHandle);
    std::string args;
    str(args, dir.handle());
    Reply names = one(request(kReaddir, 7, args));
    EXPECT_EQ(names.type, kName);
    EXPECT_NE(names.rest.find("passwd"), std::string::npos);
    EXPECT_NE(names.rest.find("root     root"), std::string::npos); // ls -l long names
    EXPECT_EQ(one(request(kReaddir, 8, args)).status(), 1u);        // EOF
    EXPECT_EQ(close(9, dir.handle()).status(), 0u);
}

TEST_F(SftpServerTest, RenameAndSetstatAfterUpload) {
    const std::string handle = openFile(1, "/tmp/x.tmp", kWriteCreateTruncate);
    write(2, handle, 0, "abc");
    std::string setstat;
    str(setstat, handle);
    u32(setstat, 0x04);
    u32(setstat, 0700);
    EXPECT_EQ(one(request(kFsetstat, 3, setstat)).status(), 0u);
    close(4, handle);
    ASSERT_EQ(modes_.size(), 1u);
    EXPECT_EQ(modes_[0], 0700u);
    std::string rename;
    str(rename, "/tmp/x.tmp");
    str(rename, "/tmp/x");
    EXPECT_EQ(one(request(kRename, 5, rename)).status(), 0u);
    EXPECT_FALSE(fs_.stat("/tmp/x.tmp"));
    EXPECT_EQ(fs_.read("/tmp/x").value_or(""), "abc");
    // READ back through a read handle.
    const std::string reader = openFile(6, "/tmp/x", 0x01);
    std::string read;
    str(read, reader);
    u64(read, 1);
    u32(read, 100);
    Reply data = one(request(kRead, 7, read));
    EXPECT_EQ(data.type, kData);
    EXPECT_EQ(data.rest.substr(4), "bc");
}

TEST_F(SftpServerTest, PathTraversalStaysInTheSessionFilesystem) {
    const std::string handle = openFile(1, "../../../../../../tmp/escape", kWriteCreateTruncate);
    write(2, handle, 0, "x");
    close(3, handle);
    ASSERT_EQ(stored_.size(), 1u);
    EXPECT_EQ(stored_[0].first, "/tmp/escape");
    std::string args;
    str(args, "../../../../../no/such/dir/f");
    u32(args, kWriteCreateTruncate);
    u32(args, 0);
    EXPECT_EQ(one(request(kOpen, 4, args)).status(), 2u); // the parent does not exist here
}

TEST_F(SftpServerTest, HostileRequestsGetErrorsAndTheSessionGoesOn) {
    // Bad handles: never issued, wrong kind, wrong length.
    EXPECT_EQ(write(1, "\xff\xff\xff\xff", 0, "x").status(), 4u);
    EXPECT_EQ(close(2, "nope").status(), 4u);
    const std::string handle = openFile(3, "/tmp/big", kWriteCreateTruncate);
    std::string readdir;
    str(readdir, handle);
    EXPECT_EQ(one(request(kReaddir, 4, readdir)).status(), 4u);
    EXPECT_GE(server_->counters().bad_handles, 3u);
    // Offsets beyond the file limit, and one that would overflow.
    EXPECT_EQ(write(5, handle, 1ULL << 62, "x").status(), 4u);
    EXPECT_EQ(write(6, handle, UINT64_MAX - 1, "xyz").status(), 4u);
    // A packet longer than the limit: BAD_MESSAGE for its id, its bytes skipped (in pieces, unheld).
    std::string big_args;
    str(big_args, handle);
    u64(big_args, 0);
    str(big_args, std::string(100000, 'y'));
    const std::string big = request(kWrite, 7, big_args);
    std::string reply;
    for (size_t i = 0; i < big.size(); i += 777) {
        EXPECT_TRUE(server_->feed(std::string_view(big).substr(i, 777), reply));
    }
    auto replies = parse(reply);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].id, 7u);
    EXPECT_EQ(replies[0].status(), 5u); // BAD_MESSAGE
    // Truncated request bodies, unsupported requests.
    EXPECT_EQ(one(request(kOpen, 8, "\x00\x00")).status(), 5u);
    EXPECT_EQ(one(request(kSymlink, 9, "")).status(), 4u);
    EXPECT_EQ(one(request(kExtended, 10, "")).status(), 8u);
    EXPECT_EQ(one(request(99, 11, "")).status(), 8u);
    // Too many handles.
    for (uint32_t id = 20; id < 40; ++id) {
        std::string args;
        str(args, "/etc/passwd");
        u32(args, 0x01);
        u32(args, 0);
        send(request(kOpen, id, args));
    }
    // Still answering.
    EXPECT_EQ(pathRequest(kStat, 50, "/tmp").type, kAttrs);
    EXPECT_TRUE(open_);
    server_->finish();
    EXPECT_EQ(server_->counters().incomplete, 0u); // /tmp/big got no bytes
    EXPECT_TRUE(stored_.empty());
}

TEST_F(SftpServerTest, UnfinishedUploadsAreCountedNotKept) {
    const std::string handle = openFile(1, "/tmp/partial", kWriteCreateTruncate);
    write(2, handle, 0, "half");
    server_->finish();
    EXPECT_EQ(server_->counters().incomplete, 1u);
    EXPECT_TRUE(stored_.empty());
}

TEST(SftpServerStartTest, RequestsBeforeInitEndTheSubsystem) {
    shell::VirtualFs fs(shell::testing::routerPersona(), shell::FsLimits{});
    SftpServer server(fs, "/root", {},
                      [](const std::string&, std::string_view, uint32_t) { return shell::FsStatus::Ok; });
    std::string body;
    u32(body, 1);
    str(body, "/");
    std::string reply;
    EXPECT_FALSE(server.feed(packet(17, body), reply));
    EXPECT_EQ(server.counters().bad_messages, 1u);
    SftpServer zero(fs, "/root", {},
                    [](const std::string&, std::string_view, uint32_t) { return shell::FsStatus::Ok; });
    EXPECT_FALSE(zero.feed(std::string(4, '\0'), reply)); // a zero length field
}

} // namespace
} // namespace kansoku::honeypot::ssh
