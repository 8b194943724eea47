// The interpreter's compound commands (compound.h): if, for, while/until (with `read`), case.

#include <fnmatch.h>

#include "honeypot/shell/shell_run.h"

namespace kansoku::honeypot::shell {
namespace {

/// Iterations of all loops in one run; beyond, the run stops (counted as ShellLimit::Commands).
constexpr size_t kMaxLoopIterations = 4096;

bool isIfsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n';
}

/// Splits on IFS white space (the default IFS), as sh splits an unquoted expansion.
void splitFields(std::string_view text, std::vector<std::string>& out) {
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isIfsSpace(text[i])) {
            ++i;
        }
        const size_t begin = i;
        while (i < text.size() && !isIfsSpace(text[i])) {
            ++i;
        }
        if (i > begin) {
            out.emplace_back(text.substr(begin, i - begin));
        }
    }
}

} // namespace

bool Shell::mayBeCompound(std::string_view text) {
    for (const std::string_view word : {"if", "for", "while", "until", "case"}) {
        for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
            const bool starts = at == 0 || text[at - 1] == ' ' || text[at - 1] == '\t' || text[at - 1] == ';' ||
                                text[at - 1] == '\n' || text[at - 1] == '&' || text[at - 1] == '|';
            const size_t after = at + word.size();
            const bool ends = after == text.size() || text[after] == ' ' || text[after] == '\t' || text[after] == '\n';
            if (starts && ends) {
                return true;
            }
        }
    }
    return false;
}

int Shell::runCompound(Run& run, const CompoundSeq& seq, int depth) {
    int status = state_.last_status;
    for (const CompoundNode& node : seq) {
        if (run.stopped || run.result.exit_requested || run.result.blocked) {
            break;
        }
        if ((node.connector == Connector::And && status != 0) || (node.connector == Connector::Or && status == 0)) {
            continue;
        }
        status = runNode(run, node, depth);
        state_.last_status = status;
    }
    return status;
}

int Shell::runNode(Run& run, const CompoundNode& node, int depth) {
    const auto loopBound = [&run]() {
        if (++run.loop_iterations > kMaxLoopIterations) {
            run.result.limits.add(ShellLimit::Commands);
            run.stopped = true;
            return false;
        }
        return !run.stopped && !run.result.exit_requested && !run.result.blocked;
    };
    switch (node.kind) {
    case CompoundNode::Kind::List:
        return runLine(run, node.text, depth);
    case CompoundNode::Kind::If: {
        const size_t pairs = (node.parts.size() - (node.has_else ? 1 : 0)) / 2;
        for (size_t i = 0; i < pairs; ++i) {
            if (runCompound(run, node.parts[2 * i], depth) == 0) {
                return runCompound(run, node.parts[2 * i + 1], depth);
            }
            if (run.stopped || run.result.blocked) {
                return 1;
            }
        }
        return node.has_else ? runCompound(run, node.parts.back(), depth) : 0;
    }
    case CompoundNode::Kind::For: {
        int status = 0;
        for (std::string& value : expandFields(run, node.words, depth)) {
            if (!loopBound()) {
                break;
            }
            setVariable(run, node.text, std::move(value));
            status = node.parts.empty() ? 0 : runCompound(run, node.parts[0], depth);
        }
        return status;
    }
    case CompoundNode::Kind::While:
        return runWhile(run, node, depth);
    case CompoundNode::Kind::Case: {
        const VariableLookup lookup = [this](std::string_view name) { return variable(name); };
        const ExpansionHooks hooks = expansionHooks(run, depth);
        const std::string subject = expandWord(node.text, lookup, &hooks);
        for (size_t i = 0; i < node.patterns.size(); ++i) {
            for (const std::string& raw : node.patterns[i]) {
                const std::string pattern = expandWord(raw, lookup, &hooks);
                if (::fnmatch(pattern.c_str(), subject.c_str(), 0) == 0) {
                    return runCompound(run, node.parts[i], depth);
                }
            }
        }
        return 0;
    }
    }
    return 0;
}

int Shell::runWhile(Run& run, const CompoundNode& node, int depth) {
    bool has_input = false;
    Run::ReadSource source;
    if (!node.input_file.empty()) {
        const VariableLookup lookup = [this](std::string_view name) { return variable(name); };
        const std::string name = expandWord(node.input_file, lookup);
        const auto path = state_.fs.resolve(state_.cwd, name);
        const auto content = path ? state_.fs.read(*path) : std::nullopt;
        if (!content) {
            emit(run, state_.persona->shell_name + ": can't open '" + name + "': No such file or directory\n", true);
            return 1;
        }
        source.data.assign(*content);
        has_input = true;
    } else if (!node.input_from.empty()) {
        // The pipeline's output is the loop's input (its errors go to the terminal).
        std::string* const saved = run.out_sink;
        run.out_sink = &source.data;
        runLine(run, node.input_from, depth);
        run.out_sink = saved;
        has_input = true;
    }
    if (has_input) {
        run.read_sources.push_back(std::move(source));
    }
    int status = 0;
    while (!node.parts.empty()) {
        if (run.stopped || run.result.exit_requested || run.result.blocked) {
            break;
        }
        const int condition = runCompound(run, node.parts[0], depth);
        if ((condition == 0) == node.until || run.result.blocked) {
            break;
        }
        if (!(run.loop_iterations + 1 <= kMaxLoopIterations)) {
            run.result.limits.add(ShellLimit::Commands);
            run.stopped = true;
            break;
        }
        ++run.loop_iterations;
        status = node.parts.size() > 1 ? runCompound(run, node.parts[1], depth) : 0;
    }
    if (has_input) {
        run.read_sources.pop_back();
    }
    return status;
}

std::vector<std::string> Shell::expandFields(Run& run, const std::vector<std::string>& raw_words, int depth) {
    const VariableLookup lookup = [this](std::string_view name) { return variable(name); };
    const ExpansionHooks hooks = expansionHooks(run, depth);
    std::vector<std::string> fields;
    for (const std::string& raw : raw_words) {
        std::string word = expandWord(raw, lookup, &hooks);
        if (detail::hasUnquotedGlob(raw)) {
            std::vector<std::string> matches = expandGlob(run, word);
            if (!matches.empty()) {
                fields.insert(fields.end(), matches.begin(), matches.end());
                continue;
            }
        }
        if (raw.find_first_of("'\"") == std::string::npos) {
            splitFields(word, fields); // an unquoted expansion splits into fields
        } else {
            fields.push_back(std::move(word));
        }
        if (fields.size() > state_.limits.max_glob_matches * 4) {
            run.result.limits.add(ShellLimit::Words);
            fields.resize(state_.limits.max_glob_matches * 4);
            break;
        }
    }
    return fields;
}

int Shell::runRead(Run& run, CommandContext& ctx, const std::vector<std::string>& argv) {
    std::vector<std::string> names;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-r" || argv[i] == "-s") {
            continue;
        }
        if ((argv[i] == "-p" || argv[i] == "-t" || argv[i] == "-n") && i + 1 < argv.size()) {
            ++i;
            continue;
        }
        names.push_back(argv[i]);
    }
    if (names.empty()) {
        names.emplace_back("REPLY");
    }
    // From the innermost loop's input, else the command's own (a pipe or `<`).
    std::string_view data = ctx.input;
    size_t* pos = nullptr;
    size_t own = 0;
    if (!run.read_sources.empty()) {
        data = run.read_sources.back().data;
        pos = &run.read_sources.back().pos;
    } else {
        pos = &own;
    }
    if (*pos >= data.size()) {
        return 1; // end of input
    }
    const size_t end = std::min(data.find('\n', *pos), data.size());
    std::string_view line = data.substr(*pos, end - *pos);
    *pos = end + 1;
    // Fields by IFS white space; the last name takes the rest of the line.
    for (size_t i = 0; i < names.size(); ++i) {
        while (!line.empty() && isIfsSpace(line.front())) {
            line.remove_prefix(1);
        }
        std::string value;
        if (i + 1 == names.size()) {
            while (!line.empty() && isIfsSpace(line.back())) {
                line.remove_suffix(1);
            }
            value = std::string(line);
            line = {};
        } else {
            size_t cut = 0;
            while (cut < line.size() && !isIfsSpace(line[cut])) {
                ++cut;
            }
            value = std::string(line.substr(0, cut));
            line.remove_prefix(cut);
        }
        setVariable(run, names[i], std::move(value));
    }
    return 0;
}

} // namespace kansoku::honeypot::shell
