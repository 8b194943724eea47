#include <gtest/gtest.h>
#include <sys/stat.h>

#include "honeypot/collect/honeypot_collector.h"
#include "honeypot/session/honeypot_events.h"
#include "malware/hashes.h"
#include "support/temp_dir.h"

namespace kansoku::honeypot {
namespace {

namespace dl = malware::download;

SessionContext telnet() {
    return SessionContext{"00000000000000c3", "telnet", "198.51.100.9", 41000, 23, "203.0.113.5"};
}

class HoneypotCollectorTest : public ::testing::Test {
protected:
    void SetUp() override {
        malware::SampleStoreOptions options;
        options.path_env = "/usr/bin:/bin";
        auto store = malware::SampleStore::open(dir_.path() / "samples", options);
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::make_unique<malware::SampleStore>(std::move(*store));
    }

    std::vector<const Event*> ofType(std::string_view type) const {
        std::vector<const Event*> out;
        for (const auto& event : sink_.events) {
            if (event.type == type) {
                out.push_back(&event);
            }
        }
        return out;
    }

    kansoku::testing::TempDir dir_;
    CollectingSink sink_;
    std::unique_ptr<malware::SampleStore> store_;
};

TEST_F(HoneypotCollectorTest, EventsGetTheSensorName) {
    HoneypotCollector collector(sink_, "site-b", *store_, nullptr);
    collector.emit(makeLoginEvent(telnet(), "root", "xc3511", true, "", 1));
    ASSERT_EQ(sink_.events.size(), 1u);
    EXPECT_EQ(sink_.events[0].sensor, "site-b");
}

TEST_F(HoneypotCollectorTest, ShellWrittenFilesAreStoredUnderTheirSha256) {
    HoneypotCollector collector(sink_, "site-b", *store_, nullptr);
    const std::string content = "\x7f"
                                "ELF dropped by echo -ne";
    collector.fileWritten(telnet(), "/tmp/.d", content);
    collector.fileWritten(telnet(), "/tmp/.e", content);

    const auto digests =
        *malware::hashBytes(std::span(reinterpret_cast<const uint8_t*>(content.data()), content.size()));
    const auto downloads = ofType("honeypot.download");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_EQ(downloads[0]->fields["sha256"], digests.sha256);
    EXPECT_EQ(downloads[0]->fields["path"], "/tmp/.d");
    EXPECT_EQ(downloads[0]->fields["tool"], "shell");
    EXPECT_EQ(downloads[0]->fields["new"], true);
    EXPECT_EQ(downloads[1]->fields["new"], false);
    EXPECT_EQ(downloads[0]->fields["session"], "00000000000000c3");
    const auto samples = ofType("sample");
    ASSERT_EQ(samples.size(), 2u);
    EXPECT_EQ(samples[1]->fields["count"], 2);

    struct stat st {};
    ASSERT_EQ(::stat(store_->samplePath(digests.sha256).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0111, 0u) << "a sample must never be executable";
    EXPECT_EQ(collector.counters().samples_stored, 1u);
    EXPECT_EQ(collector.counters().samples_seen_again, 1u);
}

TEST_F(HoneypotCollectorTest, UploadsAreSamplesOfKindUploadWithTheirChannel) {
    HoneypotCollector collector(sink_, "site-b", *store_, nullptr);
    const std::string content = "\x7f"
                                "ELF sent with scp -O";
    collector.uploaded(telnet(), "/tmp/p3", content, "scp");
    collector.uploaded(telnet(), "/tmp/p4", content, "sftp");
    const auto downloads = ofType("honeypot.download");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_EQ(downloads[0]->fields["tool"], "scp");
    EXPECT_EQ(downloads[0]->fields["path"], "/tmp/p3");
    EXPECT_EQ(downloads[0]->fields["size"], content.size());
    EXPECT_EQ(downloads[1]->fields["tool"], "sftp");
    const auto samples = ofType("sample");
    ASSERT_EQ(samples.size(), 2u);
    const auto& sources = samples[1]->fields["sources"];
    ASSERT_EQ(sources.size(), 2u); // the same bytes over two channels: two sources
    EXPECT_EQ(sources[0]["kind"], "upload");
    EXPECT_EQ(sources[0]["via"], "scp");
    EXPECT_EQ(sources[0]["path"], "/tmp/p3");
    EXPECT_EQ(sources[1]["via"], "sftp");
    EXPECT_EQ(collector.counters().files_uploaded, 2u);
    const auto record = store_->find(downloads[0]->fields["sha256"].get<std::string>());
    ASSERT_TRUE(record && *record);
    EXPECT_EQ((*record)->sources[0].kind, malware::SourceKind::Upload);
    EXPECT_EQ((*record)->sources[0].via, "scp"); // kept in the sidecar, read back
}

TEST_F(HoneypotCollectorTest, NewSamplesCarryHowTheAttackerRanThem) {
    HoneypotCollector collector(sink_, "site-b", *store_, nullptr);
    std::vector<NewSample> seen;
    collector.setNewSampleHook([&](const NewSample& sample) { seen.push_back(sample); });
    collector.executed(telnet(), "/tmp/.d", {"./.d", "telnet.arm"});
    collector.fileWritten(telnet(), "/tmp/.d",
                          "\x7f"
                          "ELF dropped");
    collector.fileWritten(telnet(), "/var/run/.d",
                          "\x7f"
                          "ELF dropped"); // same content: not new
    collector.fileWritten(telnet(), "/var/run/y",
                          "\x7f"
                          "ELF other");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].filename, ".d");
    EXPECT_EQ(seen[0].workdir, "/tmp");
    EXPECT_EQ(seen[0].argv, (std::vector<std::string>{"./.d", "telnet.arm"}));
    EXPECT_EQ(seen[0].session, "00000000000000c3");
    EXPECT_TRUE(std::filesystem::exists(seen[0].path));
    EXPECT_EQ(seen[1].filename, "y");
    EXPECT_EQ(seen[1].workdir, "/var/run");
    EXPECT_TRUE(seen[1].argv.empty()) << "never run";
    // The hook announces new samples (after triage); the collector only the one seen again.
    const auto samples = ofType("sample");
    ASSERT_EQ(samples.size(), 1u);
    EXPECT_EQ(samples[0]->fields["count"], 2);
    // Where the attacker put each copy is in the record.
    const auto record = store_->find(seen[0].sha256);
    ASSERT_TRUE(record && *record);
    ASSERT_EQ((*record)->sources.size(), 1u); // same session and kind: one source
    EXPECT_EQ((*record)->sources[0].path, "/tmp/.d");
}

TEST_F(HoneypotCollectorTest, EmptyFilesAreRecordedNotStored) {
    HoneypotCollector collector(sink_, "site-b", *store_, nullptr);
    collector.fileWritten(telnet(), "/tmp/empty", "");
    const auto downloads = ofType("honeypot.download");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0]->fields["outcome"], "not_stored");
    EXPECT_TRUE(ofType("sample").empty());
    EXPECT_EQ(collector.counters().store_errors, 1u);
}

TEST_F(HoneypotCollectorTest, WithoutADownloaderUrlsAreRecordedAsRefused) {
    HoneypotCollector collector(sink_, "site-b", *store_, nullptr);
    collector.download(telnet(), "http://192.0.2.9/x", "wget", "/tmp/x");
    const auto downloads = ofType("honeypot.download");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0]->fields["url"], "http://192.0.2.9/x");
    EXPECT_EQ(downloads[0]->fields["outcome"], "refused_policy");
    EXPECT_EQ(collector.counters().downloads_skipped, 1u);
}

TEST_F(HoneypotCollectorTest, TheDownloaderRefusesPrivateTargetsByDefault) {
    boost::asio::io_context io;
    dl::Downloader downloader(io, dl::DownloaderOptions{});
    HoneypotCollector collector(sink_, "site-b", *store_, &downloader);
    collector.download(telnet(), "http://10.1.2.3/bins/x.arm7", "wget", "/tmp/x");
    collector.download(telnet(), "http://127.0.0.1:1/x", "wget", "/tmp/y");
    io.run();
    const auto downloads = ofType("honeypot.download");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_EQ(downloads[0]->fields["outcome"], "refused_policy");
    EXPECT_EQ(downloads[1]->fields["outcome"], "refused_policy");
    EXPECT_TRUE(ofType("sample").empty());
}

/// A loopback HTTP server that answers every request with `body` (one request per connection).
class TinyHttpServer {
public:
    TinyHttpServer(boost::asio::io_context& io, std::string body)
        : acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}), body_(std::move(body)) {
        accept();
    }
    uint16_t port() const { return acceptor_.local_endpoint().port(); }
    void stop() {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    }
    int requests = 0;

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
            if (ec) {
                return;
            }
            ++requests;
            auto peer = std::make_shared<boost::asio::ip::tcp::socket>(std::move(socket));
            auto request = std::make_shared<std::string>();
            boost::asio::async_read_until(
                *peer, boost::asio::dynamic_buffer(*request), "\r\n\r\n",
                [this, peer, request](boost::system::error_code, size_t) {
                    auto reply = std::make_shared<std::string>(
                        "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_.size()) +
                        "\r\nConnection: close\r\n\r\n" + body_);
                    boost::asio::async_write(*peer, boost::asio::buffer(*reply),
                                             [peer, reply](boost::system::error_code, size_t) {
                                                 boost::system::error_code ignored;
                                                 peer->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
                                             });
                });
            accept();
        });
    }

    boost::asio::ip::tcp::acceptor acceptor_;
    std::string body_;
};

TEST_F(HoneypotCollectorTest, AWaitingShellGetsTheBytesAlsoWhenTheSameUrlComesAgainTooSoon) {
    boost::asio::io_context io;
    TinyHttpServer server(io, "\x7f"
                              "ELF-stage-two");
    dl::DownloaderOptions options;
    options.policy.allow_loopback = true;
    dl::Downloader downloader(io, options);
    HoneypotCollector collector(sink_, "site-c", *store_, &downloader);
    ASSERT_TRUE(collector.canFetch());
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/bins/x";
    std::vector<std::string> got;
    collector.fetch(telnet(), url, "wget", "/tmp/x", [&](const Collector::FetchResult& r) {
        got.push_back(r.ok ? std::string(r.bytes) : "failed");
        // A second bot runs the same loader at once: the downloader refuses the URL as too recent.
        collector.fetch(telnet(), url, "wget", "/tmp/y", [&](const Collector::FetchResult& again) {
            got.push_back(again.ok ? std::string(again.bytes) : "failed");
            server.stop(); // nothing else to serve: io.run() returns
        });
    });
    io.run();
    EXPECT_EQ(got, (std::vector<std::string>{"\x7f"
                                             "ELF-stage-two",
                                             "\x7f"
                                             "ELF-stage-two"}));
    EXPECT_EQ(server.requests, 1); // fetched once
    const auto downloads = ofType("honeypot.download");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_EQ(downloads[0]->fields["outcome"], "ok");
    EXPECT_EQ(downloads[1]->fields["outcome"], "rate_limited");
}

} // namespace
} // namespace kansoku::honeypot
