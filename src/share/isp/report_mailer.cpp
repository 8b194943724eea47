#include "share/isp/report_mailer.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace kansoku::share::isp {
namespace {

bool equalNoCase(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

} // namespace

Duration backoffBefore(const NotifyConfig& config, int retry) {
    int64_t wait = config.backoff.micros();
    for (int i = 1; i < retry && wait < config.max_backoff.micros(); ++i) {
        wait *= 2;
    }
    return Duration::fromMicros(std::min(wait, config.max_backoff.micros()));
}

bool isSuppressed(const NotifyConfig& config, std::string_view address) {
    return std::any_of(config.suppress.begin(), config.suppress.end(),
                       [address](const std::string& s) { return equalNoCase(s, address); });
}

ReportMailer::ReportMailer(MailTransport& transport, store::ReportStore& store, NotifyConfig config, Wait wait,
                           Clock clock)
    : transport_(transport), store_(store), config_(std::move(config)), wait_(std::move(wait)),
      clock_(std::move(clock)) {}

void ReportMailer::record(const std::vector<int64_t>& reports, const std::string& recipient, std::string_view outcome,
                          const std::string& detail) {
    for (const int64_t report : reports) {
        auto added = store_.addDelivery({report, 0, clock_(), recipient, std::string(outcome), detail});
        if (!added) {
            spdlog::warn("report {}: delivery not recorded: {}", report, added.error().message);
        }
    }
}

DeliveryOutcome ReportMailer::deliver(const std::vector<int64_t>& reports, const MailMessage& message) {
    DeliveryOutcome outcome;
    if (isSuppressed(config_, message.to)) {
        outcome.suppressed = true;
        outcome.detail = "address in [notify] suppress";
        record(reports, message.to, store::kDeliverySuppressed, outcome.detail);
        return outcome;
    }
    if (message.to.empty()) {
        outcome.detail = "the ISP has no abuse address";
        record(reports, message.to, store::kDeliveryFailed, outcome.detail);
        return outcome;
    }
    const std::string bytes = composeMail(message);
    for (int attempt = 0; attempt <= config_.retries; ++attempt) {
        if (attempt > 0 && !wait_(backoffBefore(config_, attempt))) {
            outcome.detail += " (stopped before the next retry)";
            break;
        }
        ++outcome.attempts;
        auto sent = transport_.send(config_.from, message.to, bytes);
        if (sent) {
            outcome.sent = true;
            outcome.detail = *sent;
            record(reports, message.to, store::kDeliverySent, outcome.detail);
            return outcome;
        }
        outcome.detail = sent.error().message;
        record(reports, message.to, store::kDeliveryFailed, outcome.detail);
        spdlog::warn("report mail to {}: attempt {} of {} failed: {}", message.to, attempt + 1, config_.retries + 1,
                     outcome.detail);
    }
    return outcome;
}

} // namespace kansoku::share::isp
