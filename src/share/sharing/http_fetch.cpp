#include "share/sharing/http_fetch.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <string_view>

#include <curl/curl.h>

namespace kansoku::share {
namespace {

struct CurlCleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListCleanup {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Transfer {
    HttpAnswer answer;
    uint64_t max_body = 0;
    bool too_big = false;
    const std::function<bool()>* cancelled = nullptr;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (transfer->answer.body.size() + n > transfer->max_body) {
        transfer->too_big = true;
        return 0; // aborts with CURLE_WRITE_ERROR
    }
    transfer->answer.body.append(data, n);
    return n;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::string_view line(data, size * count);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        const std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
            value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
            value.remove_suffix(1);
        }
        value = value.substr(0, 256);
        if (equalsIgnoringCase(name, "content-type")) {
            transfer->answer.content_type = value;
        } else if (equalsIgnoringCase(name, "x-taxii-date-added-first")) {
            transfer->answer.date_added_first = value;
        } else if (equalsIgnoringCase(name, "x-taxii-date-added-last")) {
            transfer->answer.date_added_last = value;
        }
    }
    return size * count;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* transfer = static_cast<const Transfer*>(user);
    return (*transfer->cancelled && (*transfer->cancelled)()) ? 1 : 0;
}

} // namespace

Result<HttpAnswer> httpGet(const std::string& url, const HttpFetchOptions& options) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
        return fail("{}: only http:// and https:// URLs are fetched", url.substr(0, 200));
    }
    std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
    if (!curl) {
        return fail("libcurl: cannot start a transfer");
    }
    CURL* c = curl.get();
    Transfer transfer;
    transfer.max_body = options.max_body;
    transfer.cancelled = &options.cancelled;
    std::unique_ptr<curl_slist, ListCleanup> headers;
    for (const auto& header : options.headers) {
        headers.reset(curl_slist_append(headers.release(), header.c_str()));
    }
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.millis()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(options.timeout.millis(), 10000)));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kansoku");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); // any encoding libcurl can decode
    if (options.cancelled) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    if (!options.username.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, options.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
    }
    if (!options.ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
    }
    const CURLcode code = curl_easy_perform(c);
    if (transfer.too_big) {
        return fail("{}: the answer is larger than {} bytes", url.substr(0, 200), options.max_body);
    }
    if (code != CURLE_OK) {
        return fail("{}: {}", url.substr(0, 200), error[0] != '\0' ? error : curl_easy_strerror(code));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &transfer.answer.status);
    return std::move(transfer.answer);
}

} // namespace kansoku::share
