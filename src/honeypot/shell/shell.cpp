#include "honeypot/shell/shell.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <vector>

#include <fnmatch.h>

#include "honeypot/shell/shell_run.h"

namespace kansoku::honeypot::shell {
namespace {

constexpr size_t kBusyboxHelpWidth = 80;
/// Lines of a script one compound command may span (`for ... do` to `done`).
constexpr size_t kMaxCompoundLines = 256;

bool isAssignment(std::string_view raw) {
    const size_t eq = raw.find('=');
    if (eq == 0 || eq == std::string_view::npos) {
        return false;
    }
    for (size_t i = 0; i < eq; ++i) {
        const char c = raw[i];
        const bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string baseName(std::string_view path) {
    const size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// BusyBox's applet list: tab-indented, ", "-separated, wrapped before 80 columns
/// (appletlib.c, busybox_main).
std::string formatApplets(const std::vector<std::string>& applets) {
    std::string out;
    size_t col = 0;
    for (const std::string& applet : applets) {
        const size_t len2 = applet.size() + 2;
        if (col + len2 >= kBusyboxHelpWidth && col != 0) {
            out += ",\n";
            col = 0;
        }
        if (col == 0) {
            col = 6;
            out += '\t';
        } else {
            out += ", ";
        }
        out += applet;
        col += len2;
    }
    out += "\n\n";
    return out;
}

/// An ELF whose class, byte order and machine are the persona's: it would run here.
bool runsOnPersona(std::string_view content, std::string_view busybox_elf) {
    if (content.size() < 20 || busybox_elf.size() < 20 ||
        content.substr(0, 4) != "\x7f"
                                "ELF") {
        return false;
    }
    return content[4] == busybox_elf[4] && content[5] == busybox_elf[5] && content[18] == busybox_elf[18] &&
           content[19] == busybox_elf[19];
}

/// True when the raw word has quotes of its own (outside `$(...)` and backquotes): then it stays a
/// word even when it expands to nothing.
bool hasOwnQuotes(std::string_view raw) {
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\\') {
            ++i;
        } else if (c == '\'' || c == '"') {
            return true;
        } else if (c == '$' && i + 1 < raw.size() && raw[i + 1] == '(') {
            const size_t close = findClosingParen(raw, i + 1);
            i = close == std::string_view::npos ? raw.size() : close - 1;
        } else if (c == '`') {
            const size_t close = findClosingBackquote(raw, i);
            i = close == std::string_view::npos ? raw.size() : close - 1;
        }
    }
    return false;
}

bool isGlobPattern(std::string_view part) {
    return part.find_first_of("*?[") != std::string_view::npos;
}

/// Where the here-document started on the first line of `script` ends: one past the line holding its
/// delimiter, or npos when no such line follows (only the first `<<` of the line is looked at).
size_t hereDocEnd(std::string_view script, size_t line_end) {
    const std::string_view first = script.substr(0, line_end);
    const size_t op = first.find("<<");
    if (op == std::string_view::npos) {
        return line_end;
    }
    size_t i = op + 2;
    const bool strip = i < first.size() && first[i] == '-';
    i += strip ? 1 : 0;
    while (i < first.size() && (first[i] == ' ' || first[i] == '\t')) {
        ++i;
    }
    std::string delimiter;
    for (; i < first.size() && first[i] != ' ' && first[i] != '\t' && first[i] != ';' && first[i] != '|' &&
           first[i] != '&' && first[i] != '>' && first[i] != '<';
         ++i) {
        if (first[i] != '\'' && first[i] != '"' && first[i] != '\\') {
            delimiter += first[i];
        }
    }
    size_t start = line_end + 1;
    while (start <= script.size()) {
        const size_t end = std::min(script.find('\n', start), script.size());
        std::string_view text = script.substr(start, end - start);
        while (strip && !text.empty() && text.front() == '\t') {
            text.remove_prefix(1);
        }
        if (text == delimiter) {
            return end;
        }
        if (end >= script.size()) {
            break;
        }
        start = end + 1;
    }
    return std::string_view::npos;
}

} // namespace

Shell::Shell(std::shared_ptr<const Persona> persona, ShellLimits limits) : state_(std::move(persona), limits) {
    assert(state_.persona != nullptr);
}

ShellResult Shell::run(std::string_view line) {
    Run run;
    return runWith(run, line);
}

ShellResult Shell::run(std::string_view line, std::string_view stdin_data) {
    Run run;
    run.session_stdin = stdin_data;
    return runWith(run, line);
}

bool Shell::readsStandardInput(std::string_view line) const {
    const ParsedLine parsed = parseCommandLine(line, state_.limits.parse);
    if (!parsed.error.empty()) {
        return false;
    }
    const VariableLookup lookup = [this](std::string_view name) { return variable(name); };
    for (const ListItem& item : parsed.items) {
        const SimpleCommand& head = item.pipeline.commands.front();
        bool redirected = false;
        for (const Redirection& r : head.redirections) {
            redirected = redirected || r.kind == Redirection::Kind::Input;
        }
        std::vector<std::string> argv;
        for (const std::string& raw : head.words) {
            if (argv.empty() && isAssignment(raw)) {
                continue;
            }
            argv.push_back(expandWord(raw, lookup));
        }
        if (!redirected && shell::readsStandardInput(argv)) {
            return true;
        }
    }
    return false;
}

ShellResult Shell::runWith(Run& run, std::string_view line) {
    if (line.size() > state_.limits.max_line_bytes) {
        line = line.substr(0, state_.limits.max_line_bytes);
        run.result.limits.add(ShellLimit::LineBytes);
    }
    // An interactive here-document: its lines come one by one until the delimiter line.
    std::string text;
    if (!state_.pending_heredoc.empty()) {
        text = std::move(state_.pending_heredoc);
        state_.pending_heredoc.clear();
        text.append(line);
        line = text;
    }
    if (mayBeCompound(line) && parseCompound(line, state_.limits.max_commands_per_run).incomplete) {
        // `for x in a b; do` typed alone: the next lines complete it (prompt "> "), as in ash.
        if (line.size() >= state_.limits.max_line_bytes) {
            run.result.limits.add(ShellLimit::LineBytes);
        } else {
            state_.pending_heredoc.assign(line).push_back('\n');
            run.result.continuation = true;
            run.result.status = state_.last_status;
            return std::move(run.result);
        }
    }
    if (line.find("<<") != std::string_view::npos) {
        const ParsedLine parsed = parseCommandLine(line, state_.limits.parse);
        if (parsed.error.empty() && parsed.heredoc_unterminated) {
            if (line.size() >= state_.limits.max_line_bytes) {
                run.result.limits.add(ShellLimit::HereDocs);
                emit(run, state_.persona->shell_name + ": here-document too long\n", true);
                state_.last_status = 2;
                run.result.status = 2;
                state_.totals.merge(run.result.limits);
                return std::move(run.result);
            }
            state_.pending_heredoc.assign(line).push_back('\n');
            run.result.continuation = true;
            run.result.status = state_.last_status;
            return std::move(run.result);
        }
    }
    run.result.status = runLine(run, line, 0);
    for (const std::string& path : run.written_paths) {
        if (const auto data = state_.fs.read(path); data && !data->empty()) {
            run.result.files_written.push_back(FileWrite{path, std::string(*data), run.stdin_paths.contains(path)});
        }
    }
    state_.totals.merge(run.result.limits);
    return std::move(run.result);
}

std::string Shell::prompt() const {
    const Persona& p = *state_.persona;
    std::string cwd = state_.cwd;
    if (cwd == p.home) {
        cwd = "~";
    } else if (p.home != "/" && cwd.rfind(p.home + "/", 0) == 0) {
        cwd = "~" + cwd.substr(p.home.size());
    }
    std::string out;
    const std::string_view pattern = p.prompt;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern.substr(i, 6) == "{user}") {
            out += p.user;
            i += 5;
        } else if (pattern.substr(i, 10) == "{hostname}") {
            out += p.hostname;
            i += 9;
        } else if (pattern.substr(i, 5) == "{cwd}") {
            out += cwd;
            i += 4;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

void Shell::restoreState(SessionState saved) {
    saved.fetched = std::move(state_.fetched);
    saved.wait_for_downloads = state_.wait_for_downloads;
    state_ = std::move(saved);
}

FsStatus Shell::provideFile(std::string_view path, std::string_view bytes) {
    const auto resolved = state_.fs.resolve("/", path);
    if (!resolved) {
        state_.totals.add(ShellLimit::PathLength);
        return FsStatus::PathTooLong;
    }
    const FsStatus status = state_.fs.write(*resolved, bytes, false);
    if (status == FsStatus::FileTooLarge) {
        state_.totals.add(ShellLimit::FileBytes);
    } else if (status == FsStatus::NoSpace) {
        state_.totals.add(ShellLimit::TotalBytes);
    } else if (status == FsStatus::TooManyFiles) {
        state_.totals.add(ShellLimit::Files);
    }
    return status;
}

void Shell::emit(Run& run, std::string_view bytes, bool error) {
    std::string* sink = error ? run.err_sink : run.out_sink;
    if (sink != nullptr) {
        // Inside a script run by a command: the command's own output, capped like any command's.
        const size_t cap = state_.limits.fs.max_file_bytes + 1;
        const size_t room = cap > sink->size() ? cap - sink->size() : 0;
        if (bytes.size() > room) {
            run.result.limits.add(ShellLimit::OutputBytes);
        }
        sink->append(bytes.substr(0, room));
        return;
    }
    std::string& out = run.result.output;
    const size_t room = state_.limits.max_output_bytes > out.size() ? state_.limits.max_output_bytes - out.size() : 0;
    if (bytes.size() > room) {
        run.result.limits.add(ShellLimit::OutputBytes);
    }
    out.append(bytes.substr(0, room));
}

int Shell::runLine(Run& run, std::string_view line, int depth) {
    if (mayBeCompound(line)) {
        const CompoundParse compound = parseCompound(line, state_.limits.max_commands_per_run);
        if (compound.compound) {
            if (!compound.error.empty()) {
                if (compound.error.find("too many") != std::string::npos ||
                    compound.error.find("too deep") != std::string::npos) {
                    run.result.limits.add(ShellLimit::Words);
                }
                emit(run, state_.persona->shell_name + ": " + compound.error + "\n", true);
                state_.last_status = 2;
                return 2;
            }
            return runCompound(run, compound.seq, depth);
        }
    }
    const ParsedLine parsed = parseCommandLine(line, state_.limits.parse);
    if (parsed.limit_hit) {
        run.result.limits.add(ShellLimit::Words);
    }
    if (parsed.heredoc_unterminated) {
        run.result.limits.add(ShellLimit::HereDocs); // its body is the rest of the text
    }
    if (!parsed.error.empty()) {
        emit(run, state_.persona->shell_name + ": " + parsed.error + "\n", true);
        state_.last_status = 2;
        return 2;
    }
    int status = state_.last_status;
    for (const ListItem& item : parsed.items) {
        if (run.stopped || run.result.exit_requested) {
            break;
        }
        if ((item.connector == Connector::And && status != 0) || (item.connector == Connector::Or && status == 0)) {
            continue;
        }
        status = runPipeline(run, item.pipeline, depth);
        state_.last_status = status;
    }
    return status;
}

int Shell::runPipeline(Run& run, const Pipeline& pipeline, int depth) {
    std::string data;
    int status = 0;
    for (size_t i = 0; i < pipeline.commands.size(); ++i) {
        std::string out;
        status = runSimple(run, pipeline.commands[i], data, out, depth, i == 0);
        data = std::move(out);
    }
    emit(run, data, false);
    return status;
}

/// Where a simple command's stdout and stderr go after its redirections, and the file it reads.
struct Shell::Redirects {
    enum class Sink { Default, Null, File };
    struct Target {
        Sink sink = Sink::Default;
        std::string path;
    };
    Target targets[3];
    std::optional<std::string> input_file;
};

ExpansionHooks Shell::expansionHooks(Run& run, int depth) {
    ExpansionHooks hooks;
    hooks.command = [this, &run, depth](std::string_view script) {
        // A subshell whose standard output becomes the word (its errors go to the terminal).
        CommandContext ctx{state_, run.result, run.written_paths, {}, {}, {}, {}};
        ctx.run_script = [this, &run, depth](std::string_view inner, CommandContext& c) {
            return runScript(run, inner, c, depth + 2);
        };
        runScript(run, script, ctx, depth + 1);
        emit(run, ctx.err, true);
        return std::move(ctx.out);
    };
    hooks.error = [this, &run](std::string_view message) {
        run.result.limits.add(ShellLimit::Expansion);
        run.expansion_failed = true;
        emit(run, state_.persona->shell_name + ": " + std::string(message) + "\n", true);
    };
    return hooks;
}

std::vector<std::string> Shell::expandGlob(Run& run, const std::string& pattern) {
    // Each path component in turn: a pattern is matched against the directory's names (fnmatch,
    // as ash's glob does: a leading '.' only by a pattern starting with '.'), a plain name is kept.
    struct Candidate {
        std::string written;  ///< as the attacker wrote it ("x/*" -> "x/a")
        std::string absolute; ///< where it is in the session's filesystem
    };
    const bool absolute = !pattern.empty() && pattern[0] == '/';
    std::vector<Candidate> candidates{{absolute ? "/" : "", absolute ? "/" : state_.cwd}};
    size_t visited = 0;
    size_t start = absolute ? 1 : 0;
    while (start <= pattern.size() && !candidates.empty()) {
        const size_t slash = std::min(pattern.find('/', start), pattern.size());
        const std::string part = pattern.substr(start, slash - start);
        start = slash + 1;
        if (part.empty()) {
            if (slash >= pattern.size()) {
                break;
            }
            continue;
        }
        std::vector<Candidate> next;
        for (const Candidate& c : candidates) {
            const auto join = [&c](const std::string& name) {
                const std::string sep = c.written.empty() || c.written.back() == '/' ? "" : "/";
                const std::string abs_sep = c.absolute.back() == '/' ? "" : "/";
                return Candidate{c.written + sep + name, c.absolute + abs_sep + name};
            };
            if (!isGlobPattern(part)) {
                next.push_back(join(part));
                continue;
            }
            for (const std::string& name : state_.fs.list(c.absolute)) {
                if (++visited > state_.limits.max_glob_entries || next.size() >= state_.limits.max_glob_matches) {
                    run.result.limits.add(ShellLimit::Globs);
                    break;
                }
                if ((name[0] != '.' || part[0] == '.') && ::fnmatch(part.c_str(), name.c_str(), 0) == 0) {
                    next.push_back(join(name));
                }
            }
        }
        candidates = std::move(next);
        if (slash >= pattern.size()) {
            break;
        }
    }
    std::vector<std::string> out;
    for (Candidate& c : candidates) {
        if (state_.fs.stat(c.absolute)) {
            out.push_back(std::move(c.written));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> Shell::expandArguments(Run& run, const SimpleCommand& command, int depth) {
    const VariableLookup lookup = [this](std::string_view name) { return variable(name); };
    const ExpansionHooks hooks = expansionHooks(run, depth);
    std::vector<std::string> argv;
    std::vector<std::string_view> assignments;
    for (const std::string& raw : command.words) {
        if (argv.empty() && isAssignment(raw)) {
            assignments.push_back(raw);
            continue;
        }
        std::string word = expandWord(raw, lookup, &hooks);
        if (word.empty() && !hasOwnQuotes(raw)) {
            continue; // an unquoted expansion to nothing is no word at all
        }
        if (detail::hasUnquotedGlob(raw)) {
            std::vector<std::string> matches = expandGlob(run, word);
            if (!matches.empty()) {
                for (std::string& match : matches) {
                    argv.push_back(std::move(match));
                }
                continue;
            }
        }
        if (raw.find_first_of("'\"") == std::string::npos && raw.find_first_of("$`") != std::string::npos &&
            word.find_first_of(" \t\n") != std::string::npos) {
            // An unquoted expansion is split into fields at IFS white space (`for a in $ARCHS`, `$(cat f)`).
            size_t i = 0;
            while (i < word.size()) {
                while (i < word.size() && (word[i] == ' ' || word[i] == '\t' || word[i] == '\n')) {
                    ++i;
                }
                const size_t begin = i;
                while (i < word.size() && word[i] != ' ' && word[i] != '\t' && word[i] != '\n') {
                    ++i;
                }
                if (i > begin) {
                    argv.push_back(word.substr(begin, i - begin));
                }
            }
            continue;
        }
        argv.push_back(std::move(word));
    }
    if (argv.empty()) {
        for (const std::string_view raw : assignments) {
            assign(run, raw, &hooks);
        }
    }
    return argv;
}

bool Shell::openRedirections(Run& run, const SimpleCommand& command, Redirects& redirects) {
    // In order, as ash opens them before running the command.
    using Sink = Redirects::Sink;
    using Target = Redirects::Target;
    const VariableLookup lookup = [this](std::string_view name) { return variable(name); };
    Target* targets = redirects.targets;
    const std::string& sh = state_.persona->shell_name;
    for (const Redirection& r : command.redirections) {
        if (r.kind == Redirection::Kind::HereDoc) {
            if (!r.expand) {
                redirects.input_file = r.target;
                continue;
            }
            // An unquoted delimiter: $ and backquote expansions apply; quotes stay as they are.
            std::string quoted = "\"";
            for (const char c : r.target) {
                if (c == '"') {
                    quoted += '\\';
                }
                quoted += c;
            }
            quoted += '"';
            redirects.input_file = expandWord(quoted, lookup);
            continue;
        }
        const std::string target = expandWord(r.target, lookup);
        if (r.kind == Redirection::Kind::Duplicate) {
            if (r.fd >= 1 && r.fd <= 2) {
                targets[r.fd] = target == "1" ? targets[1] : target == "2" ? targets[2] : Target{Sink::Null, {}};
            }
            continue;
        }
        const auto path = state_.fs.resolve(state_.cwd, target);
        if (!path) {
            run.result.limits.add(ShellLimit::PathLength);
            emit(run,
                 sh + ": can't " + (r.kind == Redirection::Kind::Input ? "open " : "create ") + target +
                     ": File name too long\n",
                 true);
            return false;
        }
        if (r.kind == Redirection::Kind::Input) {
            const auto data = state_.fs.read(*path);
            if (!data) {
                emit(run, sh + ": can't open " + target + ": no such file\n", true);
                return false;
            }
            redirects.input_file = std::string(*data);
            continue;
        }
        if (r.fd < 1 || r.fd > 2) {
            continue;
        }
        if (path->rfind("/dev/", 0) == 0) {
            targets[r.fd] = Target{Sink::Null, {}}; // /dev/null, /dev/watchdog, ...: nothing kept
            continue;
        }
        const bool append = r.kind == Redirection::Kind::Append;
        const bool exists = state_.fs.stat(*path).has_value();
        FsStatus status = FsStatus::Ok;
        if (!append || !exists) {
            status = state_.fs.write(*path, "", false);
        } else if (state_.fs.stat(*path)->directory) {
            status = FsStatus::IsDirectory;
        }
        if (status != FsStatus::Ok) {
            if (status == FsStatus::TooManyFiles) {
                run.result.limits.add(ShellLimit::Files);
            }
            const std::string why =
                status == FsStatus::NotFound ? "nonexistent directory" : std::string(fsStatusText(status));
            emit(run, sh + ": can't create " + target + ": " + why + "\n", true);
            return false;
        }
        targets[r.fd] = Target{Sink::File, *path};
    }
    return true;
}

void Shell::deliverOutput(Run& run, CommandContext& ctx, const Redirects& redirects, std::string& out) {
    if (ctx.out.size() > state_.limits.fs.max_file_bytes + 1) { // the cap of CommandContext::print
        ctx.out.resize(state_.limits.fs.max_file_bytes + 1);
        run.result.limits.add(ShellLimit::OutputBytes);
    }
    for (const int fd : {1, 2}) {
        std::string& data = fd == 1 ? ctx.out : ctx.err;
        const Redirects::Target& target = redirects.targets[fd];
        if (target.sink == Redirects::Sink::Default) {
            if (fd == 1) {
                out += data;
            } else {
                emit(run, data, true);
            }
        } else if (target.sink == Redirects::Sink::File && !data.empty()) {
            const FsStatus written = ctx.writeFile(target.path, data, true);
            if (written != FsStatus::Ok) {
                emit(run, state_.persona->shell_name + ": write error: " + std::string(fsStatusText(written)) + "\n",
                     true);
            }
        }
    }
}

int Shell::runSimple(Run& run, const SimpleCommand& command, std::string_view input, std::string& out, int depth,
                     bool pipeline_head) {
    if (run.result.blocked) {
        run.stopped = true; // waiting for a download: nothing after it runs in this pass
    }
    if (run.stopped) {
        return 1;
    }
    if (++run.commands > state_.limits.max_commands_per_run) {
        run.result.limits.add(ShellLimit::Commands);
        run.stopped = true;
        return 1;
    }
    run.expansion_failed = false;
    std::vector<std::string> argv = expandArguments(run, command, depth);
    if (run.expansion_failed) {
        return 2; // ash does not run a command whose arithmetic failed
    }
    Redirects redirects;
    if (!openRedirections(run, command, redirects)) {
        return 1;
    }
    if (redirects.input_file) {
        input = *redirects.input_file;
    }
    CommandContext ctx{state_, run.result, run.written_paths, input, {}, {}, {}};
    if (pipeline_head && !redirects.input_file && run.session_stdin && shell::readsStandardInput(argv)) {
        // The shell's standard input (an SSH exec channel's): the first reader takes all of it.
        ctx.input = *run.session_stdin;
        ctx.stdin_paths = &run.stdin_paths;
        run.session_stdin.reset();
    }
    ctx.run_script = [this, &run, depth](std::string_view script, CommandContext& c) {
        return runScript(run, script, c, depth + 1);
    };
    int status = 0;
    if (!argv.empty()) {
        const size_t record = run.result.commands.size();
        run.result.commands.push_back(CommandRecord{argv, 0});
        status = dispatch(run, ctx, argv, depth);
        run.result.commands[record].status = status;
    }
    deliverOutput(run, ctx, redirects, out);
    return status;
}

int Shell::dispatch(Run& run, CommandContext& ctx, std::vector<std::string>& argv, int depth) {
    const Persona& p = *state_.persona;
    const std::string& name = argv[0];
    if ((name == "exec" || name == "nohup" || name == "command") && argv.size() > 1) {
        argv.erase(argv.begin());
        return dispatch(run, ctx, argv, depth);
    }
    if (name.find('/') != std::string::npos) {
        // A path: a link to the persona's busybox runs the applet it names; anything else is a file.
        const std::string path = ctx.resolve(name);
        const auto content = path.empty() ? std::nullopt : state_.fs.read(path);
        if (content && *content == p.busybox_elf) {
            const std::string applet = baseName(path);
            if (applet == "busybox") {
                return runBusybox(run, ctx, argv, depth);
            }
            argv[0] = applet;
            return runApplet(run, ctx, argv, depth);
        }
        return runPath(run, ctx, argv, depth);
    }
    if (name == "busybox") {
        return runBusybox(run, ctx, argv, depth);
    }
    if (name == "read") {
        return runRead(run, ctx, argv);
    }
    const CommandEntry* entry = findCommand(name);
    if ((entry != nullptr && entry->builtin) || name == "sh" || p.hasApplet(name)) {
        return runApplet(run, ctx, argv, depth);
    }
    ctx.err += p.shell_name + ": " + name + ": not found\n";
    return 127;
}

int Shell::runApplet(Run& run, CommandContext& ctx, std::vector<std::string>& argv, int depth) {
    if (argv[0] == "sh" || argv[0] == "ash") {
        return runSh(run, ctx, argv, depth);
    }
    if (argv[0] == "busybox") {
        return runBusybox(run, ctx, argv, depth);
    }
    if (const CommandEntry* entry = findCommand(argv[0])) {
        return entry->fn(ctx, argv);
    }
    return 0; // an applet the emulation does not model (sleep, kill, mount, ...): quiet success
}

int Shell::runBusybox(Run& run, CommandContext& ctx, std::vector<std::string>& argv, int depth) {
    const Persona& p = *state_.persona;
    if (argv.size() < 2 || argv[1] == "--help") {
        ctx.out += p.busybox_banner + "\n" + p.busybox_help + formatApplets(p.applets);
        return 0;
    }
    if (argv[1] == "--list") {
        for (const std::string& applet : p.applets) {
            ctx.out += applet + "\n";
        }
        return 0;
    }
    // "busybox /path/to/applet args" runs the applet the last path component names (appletlib.c).
    const std::string applet = baseName(argv[1]);
    if (!p.hasApplet(applet)) {
        ctx.err += applet + ": applet not found\n";
        return 127;
    }
    argv.erase(argv.begin());
    argv[0] = applet;
    return runApplet(run, ctx, argv, depth);
}

int Shell::runSh(Run& run, CommandContext& ctx, const std::vector<std::string>& argv, int depth) {
    const std::string& sh = state_.persona->shell_name;
    if (argv.size() >= 2 && argv[1] == "-c") {
        if (argv.size() < 3) {
            ctx.err += sh + ": -c requires an argument\n";
            return 2;
        }
        return runScript(run, argv[2], ctx, depth + 1);
    }
    size_t first = 1;
    while (first < argv.size() && argv[first].size() > 1 && argv[first][0] == '-') {
        ++first; // -x, -e, ...
    }
    if (first < argv.size()) {
        const std::string path = ctx.resolve(argv[first]);
        const auto content = path.empty() ? std::nullopt : state_.fs.read(path);
        if (!content) {
            ctx.err += sh + ": can't open '" + argv[first] + "': No such file or directory\n";
            return 2;
        }
        ctx.result.executions.push_back(ExecutionAttempt{path, {argv.begin() + first, argv.end()}});
        const std::string script(*content);
        return runScript(run, script, ctx, depth + 1);
    }
    // `... | sh` runs what came through the pipe; a bare `sh` starts an interactive shell: no output.
    const std::string script(ctx.input);
    return script.empty() ? 0 : runScript(run, script, ctx, depth + 1);
}

int Shell::runPath(Run& run, CommandContext& ctx, const std::vector<std::string>& argv, int depth) {
    const std::string& sh = state_.persona->shell_name;
    const std::string path = ctx.resolve(argv[0]);
    const auto st = path.empty() ? std::nullopt : state_.fs.stat(path);
    if (!st) {
        ctx.err += sh + ": " + argv[0] + ": not found\n";
        return 127;
    }
    if (st->directory || (st->mode & 0111U) == 0) {
        ctx.err += sh + ": " + argv[0] + ": Permission denied\n";
        return 126;
    }
    ctx.result.executions.push_back(ExecutionAttempt{path, argv});
    const std::string content(*state_.fs.read(path));
    if (content.empty()) {
        return 0; // an empty file runs as an empty script (the placeholder of an unfetched download)
    }
    if (content.compare(0, 4,
                        "\x7f"
                        "ELF") == 0) {
        if (runsOnPersona(content, state_.persona->busybox_elf)) {
            // As if the bot started and went quiet: ps shows it until it is killed.
            if (state_.started.size() < SessionState::kMaxStarted) {
                std::string command;
                for (const std::string& arg : argv) {
                    command += (command.empty() ? "" : " ") + arg;
                }
                state_.started.emplace_back(state_.next_pid++, std::move(command));
            }
            return 0;
        }
        ctx.err += sh + ": " + argv[0] + ": Exec format error\n";
        return 126;
    }
    return runScript(run, content, ctx, depth + 1); // not ELF: ash runs it as a script
}

int Shell::runScript(Run& run, std::string_view script, CommandContext& ctx, int depth) {
    if (static_cast<size_t>(depth) > state_.limits.max_script_depth) {
        run.result.limits.add(ShellLimit::ScriptDepth);
        ctx.err += state_.persona->shell_name + ": script nesting too deep\n";
        return 2;
    }
    std::string* const saved_out = run.out_sink;
    std::string* const saved_err = run.err_sink;
    const bool saved_exit = run.result.exit_requested;
    const std::string saved_cwd = state_.cwd; // a child shell's cd does not move its parent
    run.out_sink = &ctx.out;
    run.err_sink = &ctx.err;
    int status = 0;
    size_t start = 0;
    while (start < script.size() && !run.stopped && !run.result.exit_requested) {
        size_t end = std::min(script.find('\n', start), script.size());
        if (script.substr(start, end - start).find("<<") != std::string_view::npos) {
            // A here-document's body follows on the next lines: they are one command with it.
            const size_t body_end = hereDocEnd(script.substr(start), end - start);
            end = body_end == std::string_view::npos ? script.size() : start + body_end;
        } else if (mayBeCompound(script.substr(start, end - start))) {
            // A compound command over several lines runs as one (at most kMaxCompoundLines of them).
            for (size_t lines = 1;
                 end < script.size() && lines < kMaxCompoundLines &&
                 parseCompound(script.substr(start, end - start), state_.limits.max_commands_per_run).incomplete;
                 ++lines) {
                end = std::min(script.find('\n', end + 1), script.size());
            }
        }
        status = runLine(run, script.substr(start, end - start), depth);
        start = end + 1;
    }
    run.out_sink = saved_out;
    run.err_sink = saved_err;
    run.result.exit_requested = saved_exit;
    state_.cwd = saved_cwd;
    return status;
}

std::string Shell::variable(std::string_view name) const {
    const Persona& p = *state_.persona;
    if (name == "?") {
        return std::to_string(state_.last_status);
    }
    for (const auto& [key, value] : state_.variables) {
        if (key == name) {
            return value;
        }
    }
    if (name == "HOME") {
        return p.home;
    }
    if (name == "PWD") {
        return state_.cwd;
    }
    if (name == "USER" || name == "LOGNAME") {
        return p.user;
    }
    if (name == "SHELL") {
        return "/bin/sh";
    }
    if (name == "PATH") {
        return "/bin:/sbin:/usr/bin:/usr/sbin";
    }
    if (name == "HOSTNAME") {
        return p.hostname;
    }
    if (name == "0") {
        return p.shell_name;
    }
    if (name == "$") {
        return "1337";
    }
    if (name == "#") {
        return "0";
    }
    return {};
}

bool Shell::assign(Run& run, std::string_view raw, const ExpansionHooks* hooks) {
    const size_t eq = raw.find('=');
    const std::string name(raw.substr(0, eq));
    std::string value = expandWord(
        raw.substr(eq + 1), [this](std::string_view n) { return variable(n); }, hooks);
    return setVariable(run, name, std::move(value));
}

bool Shell::setVariable(Run& run, const std::string& name, std::string value) {
    if (value.size() > state_.limits.max_variable_bytes) {
        value.resize(state_.limits.max_variable_bytes);
        run.result.limits.add(ShellLimit::Variables);
    }
    for (auto& [key, existing] : state_.variables) {
        if (key == name) {
            existing = std::move(value);
            return true;
        }
    }
    if (state_.variables.size() >= state_.limits.max_variables) {
        run.result.limits.add(ShellLimit::Variables);
        return false;
    }
    state_.variables.emplace_back(name, std::move(value));
    return true;
}

} // namespace kansoku::honeypot::shell
