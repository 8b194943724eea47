// Deterministic ids against values computed independently (expected_ids.py: Python's uuid.uuid5 and
// json.dumps) and the STIX 2.1 specification's own examples.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/stix/stix_id.h"

namespace kansoku::share::stix {
namespace {

using Json = nlohmann::ordered_json;

TEST(StixIdTest, Uuid5MatchesRfcNamespaceExample) {
    // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
    EXPECT_EQ(formatUuid(uuid5(parseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org")),
              "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(StixIdTest, ScoIdsOfTheSpecificationExamples) {
    // STIX 2.1 section 2.9, "identifier" examples, and the domain-name example (errata 01).
    EXPECT_EQ(scoId("ipv4-addr", {{"value", "198.51.100.3"}}), "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
    EXPECT_EQ(scoId("domain-name", {{"value", "example.com"}}), "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
}

TEST(StixIdTest, ScoIdsComputedIndependently) {
    EXPECT_EQ(scoId("ipv4-addr", {{"value", "203.0.113.66"}}), "ipv4-addr--e17823ff-cd7d-55c9-8a58-6ff3c5c23bcb");
    EXPECT_EQ(scoId("ipv6-addr", {{"value", "2001:db8:c2::66"}}), "ipv6-addr--81358666-1498-5057-a2a1-80638097e485");
    EXPECT_EQ(scoId("ipv4-addr", {{"value", "198.51.100.0/24"}}), "ipv4-addr--1ea47840-aa39-5aa8-b4a2-cd203eb6662a");
    EXPECT_EQ(scoId("domain-name", {{"value", "cnc.example.test"}}),
              "domain-name--76936891-870a-56e9-9541-f417e2bd7ece");
    EXPECT_EQ(scoId("domain-name", {{"value", "b\xc3\xbc"
                                              "cher.example"}}),
              "domain-name--dbf3aff2-b3cd-57d2-9616-0ddfde9d01ad");
    const Json traffic = {{"start", "2026-12-01T00:00:00.000Z"},
                          {"end", "2026-12-02T00:00:00.000Z"},
                          {"dst_ref", scoId("ipv4-addr", {{"value", "0.0.0.0/0"}})},
                          {"dst_port", 23},
                          {"protocols", {"ipv4", "tcp"}}};
    EXPECT_EQ(scoId("network-traffic", traffic), "network-traffic--86948ad4-0f15-5bff-8267-945bd573e52e");
}

TEST(StixIdTest, FileIdUsesOneHashInThePrescribedOrder) {
    const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
    const std::string sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const std::string by_md5 = "file--02fff920-f614-527c-81d1-6353633a6d21";
    EXPECT_EQ(scoId("file", {{"hashes", {{"MD5", md5}}}}), by_md5);
    EXPECT_EQ(scoId("file", {{"hashes", {{"SHA-256", sha256}, {"MD5", md5}}}}), by_md5) << "MD5 wins over SHA-256";
    EXPECT_EQ(scoId("file", {{"hashes", {{"SHA-256", sha256}}}}), "file--22f8ff52-8f62-5f03-a53a-6f50f54fd74c");
}

TEST(StixIdTest, ProducerIdsComputedIndependently) {
    const ObjectIds ids("kansoku");
    EXPECT_EQ(formatUuid(uuid5(parseUuid(kKansokuNamespace), "producer|kansoku")), formatUuid(ids.producerNamespace()));
    EXPECT_EQ(ids.id("identity", "identity|producer"), "identity--3ba76241-5641-448f-a7ed-bbd4b66ea007");
    EXPECT_EQ(ids.id("indicator", "indicator|ipv4|198.51.100.7"), "indicator--b16fe7c5-1e5f-4951-ae48-6b9502c3453d");
    EXPECT_EQ(ids.id("malware", "malware|family|mirai"), "malware--29472b6a-0e04-4f95-b406-cca7c5b9e4d5");
    EXPECT_EQ(ids.id("attack-pattern", "attack-pattern|mitre-attack|T1046"),
              "attack-pattern--cde7dcb4-3288-4da6-a56d-430324bc5ea9");
    EXPECT_NE(ObjectIds("other-site").id("malware", "malware|family|mirai"), ids.id("malware", "malware|family|mirai"))
        << "two producers never share an SDO id";
}

TEST(StixIdTest, CanonicalJsonFollowsRfc8785) {
    // Members sorted, nested objects too, arrays keep their order, no white space.
    EXPECT_EQ(canonicalJson(Json::parse(R"({"b": [3, 1, {"z": 1, "a": 2}], "a": true, "c": null})")),
              R"({"a":true,"b":[3,1,{"a":2,"z":1}],"c":null})");
    // Only the escapes JSON requires; other control characters as lowercase \u00xx; '/' and non-ASCII as is.
    EXPECT_EQ(canonicalJson(Json("q\"b\\s/\b\f\n\r\t\x01\x1f\xc3\xa9")),
              "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\xc3\xa9\"");
    // RFC 8785 section 3.2.3: names sort by UTF-16 code units, so U+10000 (a surrogate pair, D800) sorts
    // before U+FB33 although its UTF-8 bytes are larger.
    const std::string high = "\xf0\x90\x80\x80";    // U+10000
    const std::string private_use = "\xef\xac\xb3"; // U+FB33
    Json object = Json::object();
    object[private_use] = 1;
    object[high] = 2;
    EXPECT_EQ(canonicalJson(object), "{\"" + high + "\":2,\"" + private_use + "\":1}");
}

TEST(StixIdTest, Uuid4HasVersionAndVariant) {
    const Uuid a = uuid4();
    const Uuid b = uuid4();
    EXPECT_NE(a, b);
    EXPECT_EQ(a[6] >> 4, 4);
    EXPECT_EQ(a[8] >> 6, 2);
}

} // namespace
} // namespace kansoku::share::stix
