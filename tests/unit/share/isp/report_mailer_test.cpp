#include <deque>

#include <gtest/gtest.h>

#include "host_fixture.h"
#include "share/isp/report_mailer.h"
#include "store/sqlite_store.h"
#include "support/temp_store.h"

namespace kansoku::share::isp {
namespace {

using testing::kT0;

/// Answers from a script: each entry is a success (the answer) or a failure (the error).
class FakeTransport : public MailTransport {
public:
    std::deque<Result<std::string>> answers;
    std::vector<std::string> sent_to;
    std::string last_message;

    Result<std::string> send(const std::string&, const std::string& to, std::string_view message) override {
        sent_to.push_back(to);
        last_message = message;
        if (answers.empty()) {
            return fail("no answer scripted");
        }
        auto next = std::move(answers.front());
        answers.pop_front();
        return next;
    }
};

NotifyConfig config() {
    NotifyConfig c;
    c.retries = 3;
    c.backoff = Duration::fromSeconds(30);
    c.max_backoff = Duration::fromSeconds(100);
    return c;
}

class ReportMailerTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = kansoku::testing::openTempStore(dir_);
        ASSERT_NE(store_, nullptr);
        store::ReportRecord r;
        r.isp = "isp-a";
        r.format = "csv";
        r.name = "r.csv";
        r.body = "x";
        report_ = *store_->addReport(r);
        mail_.to = "abuse@isp-a.example";
        mail_.from = "kansoku@localhost";
        mail_.subject = "report";
        mail_.date = kT0;
    }
    ReportMailer mailer(NotifyConfig c, bool allow_waits = true) {
        return ReportMailer(
            transport_, *store_, std::move(c),
            [this, allow_waits](Duration d) {
                waits_.push_back(d);
                return allow_waits;
            },
            [this] { return clock_++; });
    }
    std::vector<std::string> outcomes() {
        std::vector<std::string> out;
        for (const auto& d : *store_->deliveries(report_)) {
            out.push_back(d.outcome);
        }
        return out;
    }
    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    FakeTransport transport_;
    std::vector<Duration> waits_;
    Timestamp clock_ = kT0;
    int64_t report_ = 0;
    MailMessage mail_;
};

TEST(Backoff, DoublesUpToTheMaximum) {
    const NotifyConfig c = config();
    EXPECT_EQ(backoffBefore(c, 1), Duration::fromSeconds(30));
    EXPECT_EQ(backoffBefore(c, 2), Duration::fromSeconds(60));
    EXPECT_EQ(backoffBefore(c, 3), Duration::fromSeconds(100));
    EXPECT_EQ(backoffBefore(c, 50), Duration::fromSeconds(100));
}

TEST_F(ReportMailerTest, RetriesARefusingServerWithBackoffAndRecordsEveryAttempt) {
    transport_.answers.push_back(fail("smtp://127.0.0.1:2525: RCPT failed (server answered 550)"));
    transport_.answers.push_back(fail("smtp://127.0.0.1:2525: timeout"));
    transport_.answers.push_back(std::string("smtp://127.0.0.1:2525 accepted (250)"));
    const auto outcome = mailer(config()).deliver({report_}, mail_);
    EXPECT_TRUE(outcome.sent);
    EXPECT_EQ(outcome.attempts, 3);
    EXPECT_EQ(waits_, (std::vector<Duration>{Duration::fromSeconds(30), Duration::fromSeconds(60)}));
    EXPECT_EQ(outcomes(), (std::vector<std::string>{"failed", "failed", "sent"}));
    const auto rows = *store_->deliveries(report_);
    EXPECT_EQ(rows[0].detail, "smtp://127.0.0.1:2525: RCPT failed (server answered 550)");
    EXPECT_EQ(rows[0].recipient, "abuse@isp-a.example");
    EXPECT_LT(rows[0].ts, rows[1].ts);
    EXPECT_NE(transport_.last_message.find("Subject: report"), std::string::npos);
}

TEST_F(ReportMailerTest, GivesUpAfterTheConfiguredRetries) {
    const auto outcome = mailer(config()).deliver({report_}, mail_);
    EXPECT_FALSE(outcome.sent);
    EXPECT_EQ(outcome.attempts, 4);
    EXPECT_EQ(transport_.sent_to.size(), 4u);
    EXPECT_EQ(waits_.size(), 3u);
    EXPECT_EQ(outcomes(), (std::vector<std::string>(4, "failed")));
    EXPECT_EQ(outcome.detail, "no answer scripted");
}

TEST_F(ReportMailerTest, StopsRetryingWhenTheWaitIsCutShort) {
    const auto outcome = mailer(config(), false).deliver({report_}, mail_);
    EXPECT_FALSE(outcome.sent);
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_EQ(outcomes(), (std::vector<std::string>{"failed"}));
}

TEST_F(ReportMailerTest, NeverMailsASuppressedAddress) {
    NotifyConfig c = config();
    c.suppress = {"ABUSE@isp-a.example"};
    const auto outcome = mailer(c).deliver({report_}, mail_);
    EXPECT_TRUE(outcome.suppressed);
    EXPECT_FALSE(outcome.sent);
    EXPECT_TRUE(transport_.sent_to.empty());
    EXPECT_EQ(outcomes(), (std::vector<std::string>{"suppressed"}));
}

} // namespace
} // namespace kansoku::share::isp
