// Download applets. Nothing is fetched here: each URL becomes a DownloadRequest for the session
// layer (which hands it to the safe downloader). When the session can wait, the first run stops at
// a URL it has not fetched (ShellResult::blocked) and the line runs again with the bytes in
// SessionState::fetched, which the applet writes where a device would; otherwise an empty
// placeholder keeps the loader's `chmod 777 x; ./x` going.

#include <cstdio>

#include "honeypot/shell/commands.h"

namespace kansoku::honeypot::shell {
namespace {

constexpr size_t kMaxUrlBytes = 2048;

std::string remoteName(std::string_view url) {
    const size_t scheme = url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    const size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos || slash + 1 == rest.size()) {
        return "index.html";
    }
    return std::string(rest.substr(slash + 1));
}

/// host and port ("host:80") of an http/ftp URL, for wget's "Connecting to" line.
std::pair<std::string, std::string> hostPort(std::string_view url) {
    const size_t scheme = url.find("://");
    const std::string_view name = scheme == std::string_view::npos ? "http" : url.substr(0, scheme);
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
        rest = rest.substr(at + 1);
    }
    const size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
        return {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
    }
    return {std::string(rest), name == "https" ? "443" : name == "ftp" ? "21" : "80"};
}

enum class Fetch : uint8_t {
    Done,     ///< the fetched bytes are at the output (or were printed for "-")
    Missing,  ///< not fetched (no downloader, or the wait timed out): an empty placeholder is there
    Failed,   ///< the fetch failed: nothing written, the applet prints its error
    Blocked,  ///< the session fetches it first (ShellResult::blocked): the run stops here
    CantOpen, ///< the output file cannot be created (the error is printed)
};

/// Records the request and puts what the session layer fetched for it (SessionState::fetched) at
/// `output`, an empty placeholder when there is nothing (yet). `size` is set to the bytes written.
Fetch requestDownload(CommandContext& ctx, const char* tool, std::string url, const std::string& output,
                      size_t* size = nullptr, uint16_t* http_status = nullptr) {
    if (url.size() > kMaxUrlBytes) {
        url.resize(kMaxUrlBytes);
    }
    std::string path = "-";
    if (output != "-") {
        path = ctx.resolve(output);
    }
    const auto known = ctx.state.fetched.find(url);
    const bool is_known = known != ctx.state.fetched.end();
    ctx.result.downloads.push_back(DownloadRequest{url, tool, path.empty() ? output : path, is_known});
    if (!is_known && ctx.state.wait_for_downloads) {
        ctx.result.blocked = true;
        return Fetch::Blocked;
    }
    using State = SessionState::Fetched::State;
    const State state = is_known ? known->second.state : State::Pending;
    if (state == State::Failed) {
        if (http_status != nullptr) {
            *http_status = known->second.http_status;
        }
        return Fetch::Failed;
    }
    const std::string_view bytes = state == State::Ok ? std::string_view(known->second.bytes) : std::string_view();
    if (size != nullptr) {
        *size = bytes.size();
    }
    if (path == "-") {
        ctx.print(bytes);
        return state == State::Ok ? Fetch::Done : Fetch::Missing;
    }
    // Not a FileWrite: the collector already has these bytes as the download's sample.
    const FsStatus status = path.empty() ? FsStatus::PathTooLong : ctx.state.fs.write(path, bytes, false);
    ctx.countStatus(status);
    if (status != FsStatus::Ok && status != FsStatus::FileTooLarge && status != FsStatus::NoSpace) {
        ctx.error(tool, "can't open '" + output + "': " + std::string(fsStatusText(status)));
        return Fetch::CantOpen;
    }
    return state == State::Ok ? Fetch::Done : Fetch::Missing;
}

/// BusyBox's "HTTP/1.1 404 Not Found" for the statuses loaders meet.
std::string httpStatusLine(uint16_t status) {
    std::string reason;
    switch (status) {
    case 403:
        reason = " Forbidden";
        break;
    case 404:
        reason = " Not Found";
        break;
    case 500:
        reason = " Internal Server Error";
        break;
    case 503:
        reason = " Service Unavailable";
        break;
    default:
        break;
    }
    return "HTTP/1.1 " + std::to_string(status) + reason;
}

/// wget's size column: bytes up to 99999, then k/M as BusyBox's progress meter scales them.
std::string progressSize(size_t size) {
    char text[16];
    if (size < 100000) {
        std::snprintf(text, sizeof(text), "%6zu", size);
    } else if (size < 100000 * 1024) {
        std::snprintf(text, sizeof(text), "%5zuk", size / 1024);
    } else {
        std::snprintf(text, sizeof(text), "%5zuM", size / (1024 * 1024));
    }
    return text;
}

void usage(CommandContext& ctx, std::string_view text) {
    ctx.err += ctx.persona().busybox_banner + "\n\nUsage: ";
    ctx.err.append(text);
    ctx.err += '\n';
}

} // namespace

int cmdWget(CommandContext& ctx, const std::vector<std::string>& argv) {
    std::string url;
    std::string output;
    std::string prefix;
    bool quiet = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if ((arg == "-O" || arg == "--output-document") && i + 1 < argv.size()) {
            output = argv[++i];
        } else if (arg.rfind("-O", 0) == 0 && arg.size() > 2) {
            output = arg.substr(2);
        } else if (arg.rfind("--output-document=", 0) == 0) {
            output = arg.substr(18);
        } else if (arg == "-P" && i + 1 < argv.size()) {
            prefix = argv[++i];
        } else if ((arg == "-U" || arg == "--user-agent" || arg == "--header" || arg == "-Y" || arg == "-T") &&
                   i + 1 < argv.size()) {
            ++i;
        } else if (arg == "-q" || arg == "--quiet") {
            quiet = true;
        } else if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') {
            // Grouped short options: "-qO-", "-qO /tmp/x".
            quiet = quiet || arg.find('q') < arg.find('O');
            if (const size_t o = arg.find('O'); o != std::string::npos) {
                if (o + 1 < arg.size()) {
                    output = arg.substr(o + 1);
                } else if (i + 1 < argv.size()) {
                    output = argv[++i];
                }
            }
        } else if (!arg.empty() && arg[0] == '-') {
            continue;
        } else if (url.empty()) {
            url = arg;
        }
    }
    if (url.empty()) {
        usage(ctx, "wget [-c|--continue] [-s|--spider] [-q|--quiet] [-O|--output-document FILE]\n"
                   "\t[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]\n"
                   "\t[-U|--user-agent AGENT] URL...\n\nRetrieve files via HTTP or FTP");
        return 1;
    }
    if (url.find("://") == std::string::npos) {
        url = "http://" + url;
    }
    const std::string name = remoteName(url);
    if (output.empty()) {
        output = prefix.empty() ? name : prefix + "/" + name;
    }
    size_t size = 0;
    uint16_t http_status = 0;
    const Fetch fetch = requestDownload(ctx, "wget", url, output, &size, &http_status);
    if (fetch == Fetch::Blocked) {
        return 0; // the line runs again once the file is fetched
    }
    const auto [host, port] = hostPort(url);
    if (!quiet) {
        ctx.err += "Connecting to " + host + " (" + host + ":" + port + ")\n";
    }
    if (fetch == Fetch::CantOpen) {
        return 1;
    }
    if (fetch == Fetch::Failed) {
        ctx.error("wget", http_status != 0 ? "server returned error: " + httpStatusLine(http_status)
                                           : "can't connect to remote host (" + host + "): Connection refused");
        return 1;
    }
    if (!quiet && output != "-") {
        std::string shown = output.substr(0, 20);
        shown.resize(21, ' ');
        ctx.err += shown + "100% |*******************************|" + progressSize(size) + "  0:00:00 ETA\n";
    }
    return 0;
}

int cmdCurl(CommandContext& ctx, const std::vector<std::string>& argv) {
    std::string url;
    std::string output = "-";
    bool remote_name = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if ((arg == "-o" || arg == "--output") && i + 1 < argv.size()) {
            output = argv[++i];
        } else if (arg == "-O" || arg == "--remote-name") {
            remote_name = true;
        } else if ((arg == "-A" || arg == "-H" || arg == "-X" || arg == "-d" || arg == "-u" || arg == "-e" ||
                    arg == "-m" || arg == "-b" || arg == "-c" || arg == "-x" || arg == "--data" ||
                    arg == "--user-agent" || arg == "--header" || arg == "--max-time" || arg == "--connect-timeout") &&
                   i + 1 < argv.size()) {
            ++i;
        } else if (!arg.empty() && arg[0] == '-') {
            if (arg.size() > 1 && arg[1] != '-' && arg.back() == 'O') {
                remote_name = true; // "-sLO"
            } else if (arg.size() > 1 && arg[1] != '-' && arg.back() == 'o' && i + 1 < argv.size()) {
                output = argv[++i]; // "-fsSLo FILE"
            }
        } else if (url.empty()) {
            url = arg;
        }
    }
    if (url.empty()) {
        ctx.err += "curl: try 'curl --help' or 'curl --manual' for more information\n";
        return 2;
    }
    if (remote_name) {
        output = remoteName(url);
    }
    if (url.find("://") == std::string::npos) {
        url = "http://" + url;
    }
    uint16_t http_status = 0;
    switch (requestDownload(ctx, "curl", url, output, nullptr, &http_status)) {
    case Fetch::Done:
    case Fetch::Missing:
    case Fetch::Blocked:
        return 0;
    case Fetch::CantOpen:
        return 23;
    case Fetch::Failed:
        break;
    }
    if (http_status != 0) {
        return 22; // loaders use -f: no output, exit 22
    }
    const auto [host, port] = hostPort(url);
    ctx.err += "curl: (7) Failed to connect to " + host + " port " + port + ": Connection refused\n";
    return 7;
}

int cmdTftp(CommandContext& ctx, const std::vector<std::string>& argv) {
    std::string local;
    std::string remote;
    std::vector<std::string> operands;
    bool get = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "-l" && i + 1 < argv.size()) {
            local = argv[++i];
        } else if (arg == "-r" && i + 1 < argv.size()) {
            remote = argv[++i];
        } else if (arg == "-b" && i + 1 < argv.size()) {
            ++i;
        } else if (arg == "-g") {
            get = true;
        } else if (arg == "-gr" && i + 1 < argv.size()) {
            get = true;
            remote = argv[++i];
        } else if (!arg.empty() && arg[0] == '-') {
            continue;
        } else {
            operands.push_back(arg);
        }
    }
    if (operands.empty() || (remote.empty() && local.empty())) {
        usage(ctx, "tftp [OPTIONS] HOST [PORT]\n\nTransfer a file from/to tftp server\n\n"
                   "\t-l FILE\tLocal FILE\n\t-r FILE\tRemote FILE\n\t-g\tGet file\n\t-p\tPut file");
        return 1;
    }
    if (!get) {
        return 0; // a put sends nothing we keep
    }
    if (remote.empty()) {
        remote = local;
    }
    if (local.empty()) {
        local = remote.substr(remote.rfind('/') + 1); // npos + 1 == 0: the whole name
    }
    const std::string port = operands.size() > 1 ? ":" + operands[1] : "";
    const std::string url =
        "tftp://" + operands[0] + port + "/" + (!remote.empty() && remote[0] == '/' ? remote.substr(1) : remote);
    const Fetch fetch = requestDownload(ctx, "tftp", url, local);
    if (fetch == Fetch::Failed) {
        ctx.error("tftp", "timeout");
    }
    return fetch == Fetch::Failed || fetch == Fetch::CantOpen ? 1 : 0;
}

int cmdFtpget(CommandContext& ctx, const std::vector<std::string>& argv) {
    std::string user;
    std::string password;
    std::string port;
    std::vector<std::string> operands;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "-u" && i + 1 < argv.size()) {
            user = argv[++i];
        } else if (arg == "-p" && i + 1 < argv.size()) {
            password = argv[++i];
        } else if (arg == "-P" && i + 1 < argv.size()) {
            port = argv[++i];
        } else if (!arg.empty() && arg[0] == '-') {
            continue;
        } else {
            operands.push_back(arg);
        }
    }
    if (operands.size() < 2) {
        usage(ctx, "ftpget [OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n\nDownload a file via FTP");
        return 1;
    }
    const std::string& local = operands[1];
    const std::string remote = operands.size() > 2 ? operands[2] : operands[1];
    std::string url = "ftp://";
    if (!user.empty()) {
        url += user + (password.empty() ? "" : ":" + password) + "@";
    }
    url += operands[0] + (port.empty() ? "" : ":" + port) + "/" +
           (!remote.empty() && remote[0] == '/' ? remote.substr(1) : remote);
    const Fetch fetch = requestDownload(ctx, "ftpget", url, local);
    if (fetch == Fetch::Failed) {
        ctx.error("ftpget", "can't connect to remote host (" + operands[0] + "): Connection refused");
    }
    return fetch == Fetch::Failed || fetch == Fetch::CantOpen ? 1 : 0;
}

} // namespace kansoku::honeypot::shell
