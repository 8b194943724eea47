#include "share/isp/curl_mail_transport.h"

#include <algorithm>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

namespace kansoku::share::isp {
namespace {

struct Upload {
    std::string_view data;
    size_t offset = 0;
};

size_t readUpload(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const size_t n = std::min(size * count, upload->data.size() - upload->offset);
    std::copy_n(upload->data.data() + upload->offset, n, buffer);
    upload->offset += n;
    return n;
}

/// CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer.
int checkCancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancelled = static_cast<const CurlMailTransport::Cancelled*>(user);
    return (*cancelled && (*cancelled)()) ? 1 : 0;
}

struct CurlCleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListCleanup {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

/// "<addr>" as SMTP's MAIL FROM and RCPT TO want it.
std::string angle(const std::string& address) {
    return address.starts_with('<') ? address : "<" + address + ">";
}

} // namespace

CurlMailTransport::CurlMailTransport(NotifyConfig config, Cancelled cancelled)
    : config_(std::move(config)), cancelled_(std::move(cancelled)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::string> CurlMailTransport::send(const std::string& from, const std::string& to, std::string_view message) {
    if (config_.smtp_url.empty()) {
        return fail("no mail server: [notify] smtp_url is empty");
    }
    std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
    if (!curl) {
        return fail("libcurl: cannot start a transfer");
    }
    CURL* c = curl.get();
    std::unique_ptr<curl_slist, ListCleanup> recipients(curl_slist_append(nullptr, angle(to).c_str()));
    Upload upload{message, 0};
    char error[CURL_ERROR_SIZE] = {};
    const std::string mail_from = angle(from);
    curl_easy_setopt(c, CURLOPT_URL, config_.smtp_url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, readUpload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    // smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when offered (or must).
    const bool implicit_tls = config_.smtp_url.starts_with("smtps://");
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     static_cast<long>(implicit_tls || config_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    // The server's certificate is always verified (libcurl's default); a private CA can be given.
    if (!config_.ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
    }
    if (!config_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
    }
    // The whole attempt is bounded: a server that accepts and never answers costs `timeout`.
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.millis()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.timeout.millis()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); // no SIGALRM for timeouts: we run on our own thread
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, checkCancelled);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &cancelled_);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    const CURLcode rc = curl_easy_perform(c);
    long response = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response);
    if (rc != CURLE_OK) {
        const std::string reason = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc));
        if (response != 0) {
            return fail("{}: {} (server answered {})", config_.smtp_url, reason, response);
        }
        return fail("{}: {}", config_.smtp_url, reason);
    }
    return fmt::format("{} accepted ({})", config_.smtp_url, response);
}

} // namespace kansoku::share::isp
