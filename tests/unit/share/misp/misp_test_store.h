#pragma once

// A store holding one of each thing the MISP feed is made from (shared by the share/misp tests):
// two samples (one of family mirai through its C2 records), C2 endpoints of mirai (an address on two
// ports, a domain, a private address that must never leave) and of no family (IPv6), three infected
// hosts and an outbreak alert.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::share::misp::testing {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kT0 = 1'796'000'000'000'000; // 2026-11-30T00:53:20Z
inline const std::string kShaA(64, 'a');
inline const std::string kShaB(64, 'b');
inline const char* const kHosts[] = {"198.51.100.7", "198.51.100.8", "192.0.2.9"};
inline const std::string kKey = "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202";

inline void addEvent(store::SqliteStore& store, std::string type, Timestamp ts, nlohmann::ordered_json fields) {
    Event e;
    e.type = std::move(type);
    e.ts = ts;
    e.sensor = "test";
    e.fields = std::move(fields);
    ASSERT_TRUE(store.append(e));
}

inline void addC2(store::SqliteStore& store, std::string kind, std::string indicator, uint16_t port, std::string family,
                  std::vector<std::string> samples, Timestamp last_seen = kT0) {
    store::C2Record record;
    record.kind = std::move(kind);
    record.indicator = std::move(indicator);
    record.port = port;
    record.family = std::move(family);
    record.samples = std::move(samples);
    record.first_seen = kT0 - kDay;
    record.last_seen = last_seen;
    ASSERT_TRUE(store.upsertC2(record));
}

class MispStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open(dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
        ASSERT_TRUE(store_->begin());
        addEvent(*store_, "sample", kT0,
                 {{"sha256", kShaA},
                  {"md5", std::string(32, 'c')},
                  {"sha1", std::string(40, 'd')},
                  {"file_type", "ELF 32-bit LSB executable, ARM"},
                  {"first_seen", formatRfc3339(kT0 - kDay)},
                  {"last_seen", formatRfc3339(kT0)},
                  {"count", 3}});
        addEvent(*store_, "sample", kT0,
                 {{"sha256", kShaB},
                  {"md5", std::string(32, 'e')},
                  {"first_seen", formatRfc3339(kT0)},
                  {"last_seen", formatRfc3339(kT0)}});
        addEvent(*store_, "alert", kT0 + 10,
                 {{"kind", "darknet.outbreak"},
                  {"severity", "high"},
                  {"subject", "tcp/37215"},
                  {"details",
                   {{"proto", "tcp"},
                    {"port", 37215},
                    {"interval_start", formatRfc3339(kT0 - 600'000'000)},
                    {"interval_end", formatRfc3339(kT0)},
                    {"packets", 5000},
                    {"source_minutes", 400},
                    {"rule", "jump"},
                    {"baseline_mean", 1.5},
                    {"ratio", 26.7}}}});
        ASSERT_TRUE(store_->commit());
        addC2(*store_, "ip", "203.0.113.66", 23, "mirai", {kShaA});
        addC2(*store_, "ip", "203.0.113.66", 48101, "mirai", {kShaA});
        addC2(*store_, "domain", "cnc.example.test", 0, "mirai", {kShaA});
        addC2(*store_, "ip", "2001:db8:c2::66", 443, "unknown", {kShaB});
        addC2(*store_, "ip", "10.0.0.5", 23, "mirai", {kShaA}); // private: never shared
        for (const char* address : kHosts) {
            store::InfectedHostRecord host;
            host.ip = *IpAddress::parse(address);
            host.family = std::string_view(address) == "192.0.2.9" ? "unknown" : "mirai";
            host.first_seen = kT0 - kDay;
            host.last_seen = kT0;
            ASSERT_TRUE(store_->upsertInfectedHost(host, kT0));
        }
    }

    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
};

} // namespace kansoku::share::misp::testing
